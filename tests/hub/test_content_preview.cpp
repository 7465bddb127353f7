// content_studio_preview: the content studio's preview is the kiosk's own picture. A real hub
// on loopback keeps a real `ledsager-kiosk --preview-worker`; an editor's draft, saved or
// still in the editor, is drawn exactly as `ledsager-kiosk --screenshots` draws the same
// screen (the same bytes), in every language, text size and theme; a broken file is named
// with its line instead of a picture; only the people who may see a change see its preview.
//
// content_preview_bounds: the previewer under load and with a renderer that misbehaves (fake
// workers): one picture at a time, four waiting, the rest told "busy" at once; a renderer
// that hangs is stopped at the time limit and the next preview starts a new one; one that
// dies is said so; the worker inherits no descriptor of the hub's; without a kiosk program
// the studio says previews are off. The hub keeps serving throughout.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include <httplib.h>

#include "hub/auth.hpp"
#include "hub/picture_check.hpp"
#include "running_hub.hpp"
#include "studio_fixture.hpp"
#include "temp_dir.hpp"

namespace fs = std::filesystem;
using namespace ledsager;
using json = nlohmann::json;

using namespace ledsager::test::studio;

namespace {

// A PNG's width and height from its header (0, 0 when it is none).
std::pair<int, int> png_size(const std::string& png) {
    if (png.size() < 24 || png.compare(1, 3, "PNG") != 0) return {0, 0};
    auto be = [&](size_t at) {
        return (static_cast<unsigned char>(png[at]) << 24) | (static_cast<unsigned char>(png[at + 1]) << 16) |
               (static_cast<unsigned char>(png[at + 2]) << 8) | static_cast<unsigned char>(png[at + 3]);
    };
    return {static_cast<int>(be(16)), static_cast<int>(be(20))};
}

}  // namespace

TEST_CASE("preview: the studio's picture is the kiosk's own, for saved and unsaved text, in every form") {
    REQUIRE(hub::init_crypto());
    const test::TempDir tmp("ledsager-preview");
    Studio s(tmp.path / "hub", [](hub::HubOptions& o) { o.preview_kiosk = LEDSAGER_KIOSK_PROGRAM; });
    const Person emil = s.login("emil"), ella = s.login("ella"), rikke = s.login("rikke"), mette = s.login("mette");
    const std::string at = s.draft(emil, "mitid-login");

    // The guide's first step in Danish, as published: the same bytes as the kiosk's own
    // screenshot of that screen.
    auto r = s.post(emil, at + "/preview", {{"lang", "da"}, {"step", "have-app"}});
    REQUIRE(r);
    REQUIRE_MESSAGE(r->status == 200, error_of(r));
    CHECK(r->get_header_value("Content-Type") == "image/png");
    CHECK(png_size(r->body) == std::pair{1920, 1080});
    const std::string published_da = r->body;
    {
        const fs::path shots = tmp.path / "shots";
        const std::string cmd = std::string(LEDSAGER_KIOSK_PROGRAM) + " --content " + LEDSAGER_SOURCE_ASSETS +
                                "/guides --screenshots " + shots.string() +
                                " --guide mitid-login --lang da > /dev/null 2>&1";
        REQUIRE(std::system(cmd.c_str()) == 0);
        const std::string shot = test::read_file(shots / "mitid-login__01-have-app__da__100__default.png");
        REQUIRE(!shot.empty());
        CHECK_MESSAGE(shot == published_da, "the preview differs from the kiosk's screenshot of the same screen");
        CHECK(
            test::read_file(shots / "mitid-login__01-have-app__da__200__contrast.png") ==
            s.post(emil, at + "/preview", {{"lang", "da"}, {"step", "have-app"}, {"scale", 200}, {"theme", "contrast"}})
                ->body);
    }

    // The text in the editor, not yet saved: a new title is drawn; the same again is kept.
    std::string da = test::read_file(LEDSAGER_SOURCE_ASSETS "/guides/mitid-login/da.toml");
    const std::string from = "title = \"Har du MitID-appen?\"";
    REQUIRE(da.find(from) != std::string::npos);
    da.replace(da.find(from), from.size(), "title = \"Har du appen der hedder MitID?\"");
    const json typed{{"lang", "da"}, {"step", "have-app"}, {"name", "da.toml"}, {"text", da}};
    r = s.post(emil, at + "/preview", typed);
    REQUIRE(r);
    REQUIRE_MESSAGE(r->status == 200, error_of(r));
    const std::string edited = r->body;
    CHECK(png_size(edited) == std::pair{1920, 1080});
    CHECK(edited != published_da);
    const std::string ms = r->get_header_value("X-Preview-Ms");
    CHECK_MESSAGE(!ms.empty(), "X-Preview-Ms");
    CHECK(ms != "cached");
    r = s.post(emil, at + "/preview", typed);
    REQUIRE(r);
    CHECK(r->get_header_value("X-Preview-Ms") == "cached");
    CHECK(r->body == edited);
    // Nothing was saved by previewing: the draft's own preview is still the published one.
    CHECK(s.post(emil, at + "/preview", {{"lang", "da"}, {"step", "have-app"}})->body == published_da);
    // Saved, the draft draws the new title without the text being sent.
    r = s.post(emil, at + "/files", {{"name", "da.toml"}, {"text", da}});
    REQUIRE(r);
    REQUIRE(r->status == 200);
    const json saved = json::parse(r->body);
    REQUIRE(saved["steps"].is_array());
    CHECK(saved["steps"][0] == "have-app");
    CHECK(s.post(emil, at + "/preview", {{"lang", "da"}, {"step", "have-app"}})->body == edited);

    // Every language, text size and theme, and the screens before and after the steps: each
    // a picture of its own.
    std::vector<std::string> pictures{edited};
    for (const json& b :
         {json{{"lang", "ar"}, {"step", "have-app"}}, json{{"lang", "en"}, {"step", "have-app"}},
          json{{"lang", "da"}, {"step", "have-app"}, {"scale", 200}},
          json{{"lang", "da"}, {"step", "have-app"}, {"theme", "contrast"}}, json{{"lang", "da"}, {"screen", "needs"}},
          json{{"lang", "da"}, {"screen", "end"}}, json{{"lang", "ur"}, {"step", "user-id"}}}) {
        r = s.post(emil, at + "/preview", b);
        REQUIRE(r);
        CHECK_MESSAGE(r->status == 200, b.dump(), ": ", error_of(r));
        CHECK(png_size(r->body) == std::pair{1920, 1080});
        for (const auto& p : pictures)
            CHECK_MESSAGE(p != r->body, b.dump(), " drew the same picture as another form");
        pictures.push_back(r->body);
    }

    // What cannot be drawn says why, in the guide's own terms.
    r = s.post(emil, at + "/preview", {{"lang", "da"}, {"name", "da.toml"}, {"text", da + "\n[step.have-app\n"}});
    REQUIRE(r);
    CHECK(r->status == 422);
    CHECK_MESSAGE(error_of(r).rfind("da.toml:", 0) == 0, error_of(r));
    CHECK(error_of(r).find(tmp.path.string()) == std::string::npos);
    // ... and as a problem the page words in the editor's language: file, line, code.
    const json problem = json::parse(r->body)["problem"];
    CHECK_MESSAGE(problem["file"] == "da.toml", r->body);
    CHECK(problem["line"].get<int>() > 1);
    CHECK(problem["code"] == "toml_syntax");
    r = s.post(emil, at + "/preview", {{"lang", "da"}, {"name", "da.toml"}, {"text", ""}});
    REQUIRE(r);
    CHECK(r->status == 422);
    CHECK_MESSAGE(json::parse(r->body)["problem"]["code"] == "missing_key", r->body);
    r = s.post(emil, at + "/preview", {{"lang", "da"}, {"step", "no-such-step"}});
    REQUIRE(r);
    CHECK(r->status == 422);
    CHECK(s.post(emil, at + "/preview", {{"lang", "xx"}})->status == 400);
    CHECK(s.post(emil, at + "/preview", {{"lang", "da"}, {"scale", 150}})->status == 400);
    CHECK(s.post(emil, at + "/preview", {{"lang", "da"}, {"step", "../x"}})->status == 400);
    CHECK(s.post(emil, at + "/preview", {{"lang", "da"}, {"name", "../hub.sqlite3"}, {"text", "x"}})->status == 400);

    // Who sees a change sees its preview; nobody else.
    CHECK(s.post(mette, at + "/preview", {{"lang", "da"}})->status == 403);
    CHECK(s.post(ella, at + "/preview", {{"lang", "da"}})->status == 404);
    CHECK(s.post(rikke, at + "/preview", {{"lang", "da"}})->status == 404);  // not sent for approval yet
    REQUIRE(s.post(emil, at + "/submit", json::object())->status == 204);
    r = s.post(rikke, at + "/preview", {{"lang", "da"}, {"step", "have-app"}});
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->body == edited);
    CHECK(s.post(rikke, at + "/preview", typed)->status == 403);  // only its author sends text
    CHECK(s.post(emil, at + "/preview", typed)->status == 403);   // submitted: not being written
    // Without the CSRF token: refused.
    const httplib::Headers no_csrf{{"Cookie", emil.headers.find("Cookie")->second}};
    CHECK(s.c.Post(at + "/preview", no_csrf, json{{"lang", "da"}}.dump(), "application/json")->status == 403);
}

namespace {

using Answer = std::pair<int, std::string>;  // a status (0: no answer) and the error said

// Waits up to 5 s for `ready`.
template <class F>
bool test_wait(F ready) {
    for (int i = 0; i < 100; ++i) {
        if (ready()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
}

// A fake renderer: a shell script the hub starts instead of the kiosk.
fs::path fake_worker(const fs::path& dir, const std::string& name, const std::string& body) {
    const fs::path f = dir / name;
    std::ofstream(f) << "#!/bin/sh\n" << body << "\n";
    fs::permissions(f, fs::perms::owner_all);
    return f;
}

}  // namespace

TEST_CASE("preview bounds: one at a time, four waiting, hangs stopped, deaths said, nothing inherited") {
    REQUIRE(hub::init_crypto());
    const test::TempDir tmp("ledsager-preview-bounds");
    fs::create_directories(tmp.path / "bin");

    const std::string slow_body = "while read line; do sleep 1; echo '{\"error\": \"slowly drawn\"}'; done";
    // Posts one preview request per entry at once, each from its own connection.
    auto all_at_once = [](int port, const std::vector<std::pair<std::string, Person>>& asks, const json& body) {
        std::vector<Answer> results(asks.size());
        std::vector<std::thread> people;
        for (size_t i = 0; i < asks.size(); ++i)
            people.emplace_back([&, i] {
                httplib::Client c("127.0.0.1", port);
                c.set_read_timeout(30, 0);
                auto r = c.Post(asks[i].first + "/preview", asks[i].second.headers, body.dump(), "application/json");
                if (r) results[i] = {r->status, error_of(r)};
            });
        for (auto& t : people)
            t.join();
        return results;
    };
    auto count = [](const std::vector<Answer>& rs, int status, const std::string& says) {
        int n = 0;
        for (const auto& [st, error] : rs)
            n += st == status && error.find(says) != std::string::npos;
        return n;
    };

    SUBCASE("busy: seven people at once: one drawn, four wait, two are told at once") {
        const auto slow = fake_worker(tmp.path / "bin", "slow", slow_body);
        Studio s(tmp.path / "hub", [&](hub::HubOptions& o) { o.preview_kiosk = slow; });
        std::vector<std::pair<std::string, Person>> asks;
        for (int i = 0; i < 7; ++i) {
            const std::string name = "editor" + std::to_string(i);
            s.hub.server->store().add_user(
                {0, name, "Editor " + std::to_string(i), "editor", hub::hash_password(name + "-password"), "da", {1}});
            const Person p = s.login(name);
            asks.emplace_back(s.draft(p, "mitid-login"), p);
        }
        const auto t0 = std::chrono::steady_clock::now();
        const auto rs = all_at_once(s.hub.port, asks, {{"lang", "da"}});
        CHECK(count(rs, 422, "slowly drawn") == 5);
        CHECK(count(rs, 503, "busy") == 2);
        // One after another: about five seconds, not one.
        CHECK(std::chrono::steady_clock::now() - t0 >= std::chrono::milliseconds(4500));
    }

    SUBCASE("one person's flood keeps one place: their newest request replaces the older, others are drawn") {
        const auto slow = fake_worker(tmp.path / "bin", "slow", slow_body);
        Studio s(tmp.path / "hub", [&](hub::HubOptions& o) { o.preview_kiosk = slow; });
        const Person emil = s.login("emil"), ella = s.login("ella");
        const std::string emils = s.draft(emil, "mitid-login"), ellas = s.draft(ella, "mitid-login");
        std::vector<std::pair<std::string, Person>> flood(12, {emils, emil});
        std::vector<Answer> from_emil;
        std::thread flooding([&] { from_emil = all_at_once(s.hub.port, flood, {{"lang", "da"}}); });
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        auto r = s.post(ella, ellas + "/preview", {{"lang", "da"}});
        flooding.join();
        REQUIRE(r);
        CHECK_MESSAGE(r->status == 422, error_of(r));  // drawn (by the fake), not "busy"
        // The one drawing and his newest (and any that came after that one was drawn).
        CHECK(count(from_emil, 422, "slowly drawn") <= 3);
        CHECK(count(from_emil, 409, "newer preview") >= 9);
        CHECK(count(from_emil, 503, "") == 0);
    }

    SUBCASE("the next in line is woken when the one before found its picture ready") {
        // Draws a "picture" (a PNG signature) after a second.
        const auto png =
            fake_worker(tmp.path / "bin", "png",
                        "while read line; do out=$(printf '%s' \"$line\" | sed 's/.*\"out\":\"\\([^\"]*\\)\".*/\\1/'); "
                        "sleep 1; printf '\\211PNG\\r\\n\\032\\n' > \"$out\"; "
                        "echo '{\"ok\": true, \"ms\": 1000}'; done");
        Studio s(tmp.path / "hub", [&](hub::HubOptions& o) { o.preview_kiosk = png; });
        const Person emil = s.login("emil"), rikke = s.login("rikke"), ella = s.login("ella");
        const std::string emils = s.draft(emil, "mitid-login"), ellas = s.draft(ella, "mitid-login");
        REQUIRE(s.post(emil, emils + "/files",
                       {{"name", "da.toml"},
                        {"text", test::read_file(LEDSAGER_SOURCE_ASSETS "/guides/mitid-login/da.toml") + "\n"}})
                    ->status == 200);
        REQUIRE(s.post(emil, emils + "/submit", json::object())->status == 204);
        // Emil and Rikke ask for the same picture, Ella for another, just after them.
        std::vector<Answer> same;
        std::thread both([&] { same = all_at_once(s.hub.port, {{emils, emil}, {emils, rikke}}, {{"lang", "da"}}); });
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        const auto t0 = std::chrono::steady_clock::now();
        auto r = s.post(ella, ellas + "/preview", {{"lang", "da"}});
        const auto waited = std::chrono::steady_clock::now() - t0;
        both.join();
        REQUIRE(r);
        CHECK_MESSAGE(r->status == 200, error_of(r));
        for (const auto& x : same)
            CHECK(x.first == 200);
        CHECK_MESSAGE(waited < std::chrono::seconds(4), "Ella waited ",
                      std::chrono::duration_cast<std::chrono::milliseconds>(waited).count(), " ms");
    }

    SUBCASE("a renderer's answer of the wrong shape is no picture, and the next preview is drawn") {
        const auto odd =
            fake_worker(tmp.path / "bin", "odd",
                        "while read line; do echo '{\"ok\": \"yes\", \"ms\": \"soon\", \"error\": 5}'; done");
        Studio s(tmp.path / "hub", [&](hub::HubOptions& o) {
            o.preview_kiosk = odd;
            o.preview_time_limit_s = 3;
        });
        const Person emil = s.login("emil");
        const std::string at = s.draft(emil, "mitid-login");
        for (int i = 0; i < 3; ++i) {
            const auto t0 = std::chrono::steady_clock::now();
            auto r = s.post(emil, at + "/preview", {{"lang", "da"}});
            REQUIRE(r);
            CHECK(r->status == 422);
            CHECK(error_of(r) == "the preview cannot be drawn");
            CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(2));
        }
    }

    SUBCASE("stopping the hub ends a preview under way at once; what a stopped hub left is swept at start") {
        fs::create_directories(tmp.path / "hub" / "studio" / "left-over" / "guides");
        const auto hang = fake_worker(tmp.path / "bin", "hang", "read line; exec sleep 600");
        auto s = std::make_unique<Studio>(tmp.path / "hub", [&](hub::HubOptions& o) { o.preview_kiosk = hang; });
        CHECK_FALSE(fs::exists(tmp.path / "hub" / "studio" / "left-over"));
        const Person emil = s->login("emil");
        const std::string at = s->draft(emil, "mitid-login");
        int status = 0;
        std::thread asking([&, port = s->hub.port] {
            httplib::Client c("127.0.0.1", port);  // its own: the test's goes with the hub
            c.set_read_timeout(30, 0);
            auto r = c.Post(at + "/preview", emil.headers, json{{"lang", "da"}}.dump(), "application/json");
            status = r ? r->status : -1;
        });
        REQUIRE(test_wait([&] { return s->hub.server->previewer().worker_pid() > 0; }));
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        const auto t0 = std::chrono::steady_clock::now();
        s.reset();  // the hub stops
        const auto took = std::chrono::steady_clock::now() - t0;
        asking.join();
        CHECK_MESSAGE(took < std::chrono::seconds(5), "stopping took ",
                      std::chrono::duration_cast<std::chrono::milliseconds>(took).count(), " ms");
        CHECK((status == -1 || status == 503));
    }

    SUBCASE("a renderer that hangs is stopped at the time limit; the next preview starts a new one") {
        const auto hang = fake_worker(tmp.path / "bin", "hang",
                                      "if [ -e \"$0.once\" ]; then while read line; do echo '{\"error\": \"fresh\"}'; "
                                      "done; fi; touch \"$0.once\"; read line; exec sleep 600");
        Studio s(tmp.path / "hub", [&](hub::HubOptions& o) {
            o.preview_kiosk = hang;
            o.preview_time_limit_s = 2;
        });
        const Person emil = s.login("emil");
        const std::string at = s.draft(emil, "mitid-login");
        const auto t0 = std::chrono::steady_clock::now();
        auto r = s.post(emil, at + "/preview", {{"lang", "da"}});
        REQUIRE(r);
        CHECK(r->status == 504);
        CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(5));
        // The hung renderer is gone (no process of that name is left behind) ...
        CHECK(s.hub.server->previewer().worker_pid() == 0);
        // ... and the next preview gets a new one.
        r = s.post(emil, at + "/preview", {{"lang", "da"}});
        REQUIRE(r);
        CHECK(r->status == 422);
        CHECK(error_of(r) == "fresh");
        CHECK(s.c.Get("/healthz")->status == 200);
    }

    SUBCASE("a renderer that dies is said so, and the hub keeps serving") {
        const auto dies = fake_worker(tmp.path / "bin", "dies", "exit 3");
        Studio s(tmp.path / "hub", [&](hub::HubOptions& o) { o.preview_kiosk = dies; });
        const Person emil = s.login("emil");
        const std::string at = s.draft(emil, "mitid-login");
        auto r = s.post(emil, at + "/preview", {{"lang", "da"}});
        REQUIRE(r);
        CHECK(r->status == 503);
        CHECK_MESSAGE(error_of(r).find("stopped") != std::string::npos, error_of(r));
        CHECK(s.hub.server->previewer().worker_pid() == 0);  // nothing left behind
        CHECK(s.c.Get("/healthz")->status == 200);
    }

    SUBCASE("the renderer inherits nothing of the hub's but its own socket and the log") {
        // The shell's own descriptors, as what each is: its socket to the hub (0 and 1), the
        // log (2), and its script; never the hub's database or the sockets of its clients.
        const auto fds = fake_worker(tmp.path / "bin", "fds",
                                     "while read line; do l=''; for f in /proc/$$/fd/*; do "
                                     "l=\"$l $(basename $f)=$(readlink $f)\"; done; "
                                     "echo \"{\\\"error\\\": \\\"$l\\\"}\"; done");
        Studio s(tmp.path / "hub", [&](hub::HubOptions& o) { o.preview_kiosk = fds; });
        const Person emil = s.login("emil");
        const std::string at = s.draft(emil, "mitid-login");
        // Another client holds a connection of its own open meanwhile.
        httplib::Client other("127.0.0.1", s.hub.port);
        other.set_keep_alive(true);
        REQUIRE(other.Get("/healthz"));
        auto r = s.post(emil, at + "/preview", {{"lang", "da"}});
        REQUIRE(r);
        CHECK(r->status == 422);
        const std::string list = error_of(r);
        MESSAGE(list);
        std::istringstream in(list);
        std::string entry, own_socket;
        int sockets = 0;
        while (in >> entry) {
            const auto eq = entry.find('=');
            REQUIRE(eq != std::string::npos);
            const std::string fd = entry.substr(0, eq), what = entry.substr(eq + 1);
            CHECK_MESSAGE(what.find("sqlite") == std::string::npos, entry);
            CHECK_MESSAGE(what.find(s.hub.dir.string()) == std::string::npos, entry);
            if (what.rfind("socket:", 0) == 0) {
                ++sockets;
                if (own_socket.empty()) own_socket = what;
                CHECK_MESSAGE(what == own_socket, entry);  // only its own pair's end
                CHECK_MESSAGE((fd == "0" || fd == "1"), entry);
            }
        }
        CHECK(sockets == 2);
    }

    SUBCASE("without a kiosk program, the studio says previews are off") {
        Studio s(tmp.path / "hub", [&](hub::HubOptions& o) { o.preview_kiosk = tmp.path / "bin" / "none"; });
        const Person emil = s.login("emil");
        const std::string at = s.draft(emil, "mitid-login");
        auto r = s.post(emil, at + "/preview", {{"lang", "da"}});
        REQUIRE(r);
        CHECK(r->status == 503);
        CHECK(error_of(r).find("ledsager-kiosk") != std::string::npos);
    }
}

// content_studio_translation: a translator's way through the studio. A language of an
// editor's change comes out as a PO file (source text and where each string shows beside it);
// the file, translated, goes back into the change as that language's file, checked as every
// save is, and the preview draws it; after the source changes, exactly what changed comes out
// fuzzy with its old text beside it, and a file left fuzzy keeps the language outdated. The
// PO route alone takes bodies over 16 KiB (up to 64 KiB).
TEST_CASE("translation: a language out as PO and back into the change, fuzzy where the source changed") {
    REQUIRE(hub::init_crypto());
    const test::TempDir tmp("ledsager-translation");
    Studio s(tmp.path / "hub", [](hub::HubOptions& o) { o.preview_kiosk = LEDSAGER_KIOSK_PROGRAM; });
    const Person emil = s.login("emil"), ella = s.login("ella"), mette = s.login("mette");
    const std::string at = s.draft(emil, "mitid-login");
    auto get_po = [&](const Person& p, const std::string& lang) {
        auto r = s.c.Get(at + "/po?lang=" + lang, p.headers);
        REQUIRE(r);
        return std::make_pair(r->status, r->body);
    };
    auto [st, po] = get_po(emil, "ar");
    REQUIRE(st == 200);
    CHECK(po.find("\"Language: ar\\n\"") != std::string::npos);
    CHECK(po.find("msgctxt \"step.user-id.title\"") != std::string::npos);
    CHECK(po.find("#, fuzzy") == std::string::npos);
    // GNU gettext's own checker takes it as Poedit and Weblate would.
    auto msgfmt_check = [&](const std::string& text) {
        const fs::path f = tmp.path / "check.po";
        std::ofstream(f, std::ios::trunc) << text;
        return std::system(("msgfmt --check -o /dev/null " + f.string() + " 2>&1").c_str());
    };
    CHECK(msgfmt_check(po) == 0);
    CHECK(get_po(emil, "da").first == 400);  // the language the guide is written in
    CHECK(get_po(emil, "xx").first == 400);
    CHECK(get_po(ella, "ar").first == 404);
    CHECK(get_po(mette, "ar").first == 403);

    // The translator changes one string; the file goes back into the change.
    auto preview_ar = [&] {
        auto r = s.post(emil, at + "/preview", {{"lang", "ar"}, {"step", "user-id"}});
        REQUIRE(r);
        REQUIRE_MESSAGE(r->status == 200, error_of(r));
        return r->body;
    };
    const std::string before = preview_ar();
    const std::string ctx = "msgctxt \"step.user-id.title\"\nmsgid ";
    const size_t entry = po.find(ctx);
    REQUIRE(entry != std::string::npos);
    const size_t msgstr = po.find("msgstr \"", entry);
    const size_t end = po.find('\n', msgstr);
    std::string translated = po;
    translated.replace(msgstr, end - msgstr, "msgstr \"اكتب معرّف المستخدم\"");
    auto r = s.post(emil, at + "/po", {{"po", translated}});
    REQUIRE(r);
    REQUIRE_MESSAGE(r->status == 200, r->body);
    json in = json::parse(r->body);
    CHECK(in["lang"] == "ar");
    CHECK(in["file"] == "ar.toml");
    CHECK(in["complete"] == true);
    CHECK(in["errors"] == 0);
    CHECK(in["applied"].get<int>() > 30);
    auto d = json::parse(s.c.Get(at, emil.headers)->body);
    CHECK(d["files"]["ar.toml"]["draft"].get<std::string>().find("title = \"اكتب معرّف المستخدم\"") !=
          std::string::npos);
    CHECK(preview_ar() != before);

    // The source (English, which Arabic is translated from) changes in the same change: that
    // string alone comes out fuzzy, with the old English beside it.
    std::string en = d["files"].contains("en.toml")
                         ? d["files"]["en.toml"]["draft"].get<std::string>()
                         : test::read_file(LEDSAGER_SOURCE_ASSETS "/guides/mitid-login/en.toml");
    const std::string en_from = "title = \"Type your user ID\"";
    REQUIRE_MESSAGE(en.find(en_from) != std::string::npos, "en.toml's user-id title");
    en.replace(en.find(en_from), en_from.size(), "title = \"Type your MitID user ID\"");
    REQUIRE(s.post(emil, at + "/files", {{"name", "en.toml"}, {"text", en}})->status == 200);
    std::tie(st, po) = get_po(emil, "ar");
    REQUIRE(st == 200);
    size_t fuzzies = 0;
    for (size_t f = po.find("#, fuzzy"); f != std::string::npos; f = po.find("#, fuzzy", f + 1))
        ++fuzzies;
    CHECK(fuzzies == 1);
    CHECK(po.find("#, fuzzy\n#| msgid \"Type your user ID\"\nmsgctxt \"step.user-id.title\"") != std::string::npos);
    CHECK(msgfmt_check(po) == 0);
    // Sent back still fuzzy: nothing of it is taken, and Arabic stays outdated.
    r = s.post(emil, at + "/po", {{"po", po}});
    REQUIRE(r);
    REQUIRE(r->status == 200);
    in = json::parse(r->body);
    CHECK(in["fuzzy"] == 1);
    CHECK(in["complete"] == false);
    bool outdated = false;
    for (const auto& p : in["problems"])
        outdated = outdated || (p["file"] == "ar.toml" && p["message"].get<std::string>().find("outdated") == 0);
    CHECK_MESSAGE(outdated, in["problems"].dump());

    // Bounds: the PO route takes up to 64 KiB; others stay at 16 KiB.
    std::string padded = translated + "\n# " + std::string(40 * 1024, 'x') + "\n";
    r = s.post(emil, at + "/po", {{"po", padded}});
    REQUIRE(r);
    CHECK_MESSAGE(r->status == 200, r->body);
    padded = translated + "\n# " + std::string(70 * 1024, 'x') + "\n";
    r = s.post(emil, at + "/po", {{"po", padded}});
    REQUIRE(r);
    CHECK(r->status == 413);
    r = s.post(emil, at + "/files", {{"name", "da.toml"}, {"text", std::string(20 * 1024, 'x')}});
    REQUIRE(r);
    CHECK(r->status == 413);
    // Not a PO file, another guide's, or the source language: said, with the line, nothing saved.
    r = s.post(emil, at + "/po", {{"po", "msgid \"x\nmsgstr \"\"\n"}});
    REQUIRE(r);
    CHECK(r->status == 422);
    CHECK(json::parse(r->body)["problems"][0]["line"] == 1);
    std::string other = translated;
    other.replace(other.find("X-Ledsager-Guide: mitid-login"), 29, "X-Ledsager-Guide: digital-post");
    CHECK(s.post(emil, at + "/po", {{"po", other}})->status == 422);
    // A language file with errors is mended first: a PO file never replaces it.
    std::string broken = test::read_file(LEDSAGER_SOURCE_ASSETS "/guides/mitid-login/ar.toml");
    broken += "\n[step.have-app\n";
    REQUIRE(s.post(emil, at + "/files", {{"name", "ar.toml"}, {"text", broken}})->status == 200);
    CHECK(get_po(emil, "ar").first == 409);
    r = s.post(emil, at + "/po", {{"po", translated}});
    REQUIRE(r);
    CHECK(r->status == 409);
    CHECK(json::parse(s.c.Get(at, emil.headers)->body)["files"]["ar.toml"]["draft"] == broken);
    // Only the author brings a file into a change.
    CHECK(s.post(ella, at + "/po", {{"po", translated}})->status == 404);
    CHECK(s.post(mette, at + "/po", {{"po", translated}})->status == 403);
}

// content_studio_insight: beside each step, what citizens did there: the anonymous counts of
// the insight reports (rounded to 5 as a manager's report is), for the editor's sites and the
// last three final months; front-desk staff do not get them.
TEST_CASE("insight: the studio shows each step's anonymous counts, rounded as the reports are") {
    REQUIRE(hub::init_crypto());
    const test::TempDir tmp("ledsager-studio-insight");
    // The kiosks send November's events on its last day; the report is read in December, once
    // November is final.
    std::atomic<hub::Seconds> now{1796644800 - 7 * 86400};  // 2026-11-30 12:00 UTC
    Studio s(tmp.path / "hub", [&](hub::HubOptions& o) { o.clock = [&] { return now.load(); }; });
    // 40 sessions in November 2026 start "Log in with MitID"; all see the first step, 10 find
    // it confusing and leave there, the rest go on to "choose-mitid".
    json events = json::array();
    auto flush = [&] {
        auto r = s.c.Post("/api/v1/usage", {{"Authorization", "Bearer kiosk-token"}}, json{{"events", events}}.dump(),
                          "application/json");
        REQUIRE(r);
        REQUIRE_MESSAGE(r->status == 204, r->body);
        events = json::array();
    };
    for (int i = 0; i < 40; ++i) {
        const std::uint32_t key = 1000 + static_cast<std::uint32_t>(i);
        const std::string day = "2026-11-" + std::string(i % 28 + 1 < 10 ? "0" : "") + std::to_string(i % 28 + 1);
        events.push_back(
            {{"type", "session"}, {"day", day}, {"key", key}, {"hour", 10}, {"lang", "da"}, {"modes", json::array()}});
        events.push_back(
            {{"type", "guide_start"}, {"day", day}, {"key", key}, {"guide", "mitid-login"}, {"lang", "da"}});
        events.push_back({{"type", "step_view"},
                          {"day", day},
                          {"key", key},
                          {"guide", "mitid-login"},
                          {"step", "have-app"},
                          {"ms", 20000},
                          {"value", 1}});
        if (i < 10) {
            events.push_back(
                {{"type", "confusing"}, {"day", day}, {"key", key}, {"guide", "mitid-login"}, {"step", "have-app"}});
            events.push_back(
                {{"type", "guide_left"}, {"day", day}, {"key", key}, {"guide", "mitid-login"}, {"step", "have-app"}});
        } else {
            events.push_back({{"type", "step_view"},
                              {"day", day},
                              {"key", key},
                              {"guide", "mitid-login"},
                              {"step", "choose-mitid"},
                              {"ms", 15000},
                              {"value", 1}});
        }
        if (events.size() > 90) flush();
    }
    flush();
    now = 1796644800;  // 2026-12-07
    const Person emil = s.login("emil"), mette = s.login("mette");
    CHECK(s.c.Get("/api/v1/content/insight", mette.headers)->status == 403);
    auto r = s.c.Get("/api/v1/content/insight", emil.headers);
    REQUIRE(r);
    REQUIRE(r->status == 200);
    const json report = json::parse(r->body);
    CHECK(report["from"] == "2026-09-01");
    CHECK(report["to"] == "2026-11-30");
    CHECK(report["rounded_to"] == 5);
    json guide;
    for (const auto& g : report["guides"])
        if (g["id"] == "mitid-login") guide = g;
    REQUIRE_MESSAGE(guide.is_object(), report.dump());
    auto near = [](const json& v, int truth) {
        const int n = v.get<int>();
        return n % 5 == 0 && n >= truth - 5 && n <= truth + 5;
    };
    CHECK(near(guide["started"], 40));
    json first;
    for (const auto& st : guide["steps"])
        if (st["step"] == "have-app") first = st;
    REQUIRE(first.is_object());
    CHECK(near(first["reached"], 40));
    CHECK(near(first["confusing"], 10));
    CHECK(near(first["left"], 10));
    CHECK_FALSE(first.contains("site"));
    CHECK(r->body.find("1000") == std::string::npos);  // no session key comes back
}
