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
#include "temp_dir.hpp"

namespace fs = std::filesystem;
using namespace ledsager;
using json = nlohmann::json;

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

struct Person {
    httplib::Headers headers;
};

struct Studio {
    test::RunningHub hub;
    httplib::Client c;
    Studio(const fs::path& dir, const std::function<void(hub::HubOptions&)>& tune)
        : hub(dir, 0, true, LEDSAGER_SOURCE_ASSETS "/guides", tune), c("127.0.0.1", hub.port) {
        c.set_read_timeout(60, 0);
        auto& store = hub.server->store();
        store.add_user({0, "emil", "Emil Editor", "editor", hub::hash_password("emil-password"), "da,en", {1}});
        store.add_user({0, "ella", "Ella Editor", "editor", hub::hash_password("ella-password"), "da,en", {1}});
        store.add_user({0, "rikke", "Rikke Reviewer", "reviewer", hub::hash_password("rikke-password"), "da", {1}});
    }
    Person login(const std::string& user) {
        auto r = c.Post("/api/v1/auth/login", json{{"username", user}, {"password", user + "-password"}}.dump(),
                        "application/json");
        REQUIRE(r);
        REQUIRE(r->status == 200);
        const std::string cookie = r->get_header_value("Set-Cookie");
        return Person{{{"Cookie", cookie.substr(0, cookie.find(';'))},
                       {"X-CSRF-Token", json::parse(r->body)["csrf"].get<std::string>()}}};
    }
    httplib::Result post(const Person& p, const std::string& path, const json& body) {
        return c.Post(path, p.headers, body.dump(), "application/json");
    }
    std::string draft(const Person& p, const std::string& guide) {
        auto r = post(p, "/api/v1/content/drafts", {{"guide", guide}});
        REQUIRE(r);
        REQUIRE(r->status == 201);
        return "/api/v1/content/drafts/" + std::to_string(json::parse(r->body)["id"].get<std::int64_t>());
    }
};

// The first line of the hub's answer to `request` (headers only: a body announced, not sent).
std::string first_answer_line(int port, const std::string& request) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    std::string got;
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a) == 0 &&
        ::send(fd, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size())) {
        const timeval wait{10, 0};
        ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait);
        char buf[512];
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n > 0) got.assign(buf, static_cast<size_t>(n));
    }
    ::close(fd);
    return got.substr(0, got.find("\r\n"));
}

std::string error_of(const httplib::Result& r) {
    if (!r) return "(no answer)";
    const json j = json::parse(r->body, nullptr, false);
    return j.is_object() ? j.value("error", r->body) : r->body;
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

// content_studio_form: a language's texts as a form, each beside its source language's text,
// saved as the language's file and checked as every save; nobody writes TOML to mend a
// sentence, and a text with quotes or backslashes cannot break the file.
TEST_CASE("form: a language's texts edited field by field, beside the source, checked at each field") {
    REQUIRE(hub::init_crypto());
    const test::TempDir tmp("ledsager-form");
    Studio s(tmp.path / "hub", [](hub::HubOptions& o) { o.preview_kiosk = LEDSAGER_KIOSK_PROGRAM; });
    const Person emil = s.login("emil"), ella = s.login("ella"), mette = s.login("mette");
    const std::string at = s.draft(emil, "mitid-login");
    auto texts = [&](const std::string& lang) {
        auto r = s.c.Get(at + "/texts?lang=" + lang, emil.headers);
        REQUIRE(r);
        REQUIRE_MESSAGE(r->status == 200, r->body);
        return json::parse(r->body);
    };
    auto field = [](const json& form, const std::string& key) {
        for (const auto& f : form["fields"])
            if (f["key"] == key) return f;
        return json();
    };
    json da = texts("da");
    CHECK(da["source_lang"].is_null());
    CHECK(da["outdated"] == false);
    const json title = field(da, "step.user-id.title");
    REQUIRE(title.is_object());
    CHECK(title["screen"] == "user-id");
    CHECK(title["kind"] == "title");
    CHECK_FALSE(title.contains("source"));
    CHECK(field(da, "step.have-app.choices.app")["kind"] == "choice");
    CHECK(field(da, "needs.1")["screen"] == "needs");
    CHECK(da["steps"][0]["id"] == "have-app");

    // Danish: one title changed, one text with quotes and a backslash. The file stays TOML.
    const std::string quoted = "Tryk på \"Fortsæt\" \\ og vent.\nSå er du logget ind.";
    auto r =
        s.post(emil, at + "/texts",
               {{"lang", "da"},
                {"texts", {{"step.user-id.title", "Skriv dit MitID bruger-id"}, {"step.logged-in.text", quoted}}}});
    REQUIRE(r);
    REQUIRE_MESSAGE(r->status == 200, r->body);
    json saved = json::parse(r->body);
    CHECK(saved["file"] == "da.toml");
    CHECK_MESSAGE(saved["errors"] == 0, saved["problems"].dump());
    CHECK(json::parse(s.c.Get(at, emil.headers)->body)["files"]["da.toml"]["draft"] == saved["text"]);
    da = texts("da");
    CHECK(field(da, "step.user-id.title")["text"] == "Skriv dit MitID bruger-id");
    CHECK(field(da, "step.logged-in.text")["text"] == quoted);
    // The unsaved form is previewed as the saved one is: the same picture.
    const json unsaved{{"lang", "da"}, {"step", "user-id"}, {"texts", {{"step.user-id.title", "Skriv bruger-id"}}}};
    r = s.post(emil, at + "/preview", unsaved);
    REQUIRE(r);
    REQUIRE_MESSAGE(r->status == 200, error_of(r));
    const std::string drawn_unsaved = r->body;
    r = s.post(emil, at + "/preview", {{"lang", "da"}, {"step", "user-id"}});
    REQUIRE(r);
    CHECK(r->body != drawn_unsaved);
    REQUIRE(s.post(emil, at + "/texts", {{"lang", "da"}, {"texts", unsaved["texts"]}})->status == 200);
    r = s.post(emil, at + "/preview", {{"lang", "da"}, {"step", "user-id"}});
    REQUIRE(r);
    CHECK(r->body == drawn_unsaved);

    // English beside the new Danish: that title alone is marked changed since translated.
    json en = texts("en");
    CHECK(en["source_lang"] == "da");
    CHECK(en["outdated"] == true);
    int changed = 0;
    for (const auto& f : en["fields"])
        changed += f.value("changed", false) ? 1 : 0;
    CHECK(changed == 2);  // the title and the text changed above
    CHECK(field(en, "step.user-id.title")["changed"] == true);
    CHECK(field(en, "step.user-id.title")["source"] == "Skriv bruger-id");
    // The translator mends it and marks English as checked against the new Danish; the new
    // words lose the old review credit.
    r = s.post(
        emil, at + "/texts",
        {{"lang", "en"},
         {"texts", {{"step.user-id.title", "Type your user ID"}, {"step.logged-in.text", "Press \"Continue\"."}}},
         {"current", true}});
    REQUIRE(r);
    REQUIRE_MESSAGE(r->status == 200, r->body);
    saved = json::parse(r->body);
    CHECK(saved["text"].get<std::string>().find("reviewed_by") == std::string::npos);
    CHECK(saved["text"].get<std::string>().find("translated_from = \"da\"") != std::string::npos);
    en = texts("en");
    CHECK(en["outdated"] == false);
    // The language the guide is written in is not checked against a source.
    CHECK(s.post(emil, at + "/texts", {{"lang", "da"}, {"texts", json::object()}, {"current", true}})->status == 400);

    // A check error lands on the field's own line: the form shows it there.
    r = s.post(emil, at + "/texts", {{"lang", "da"}, {"texts", {{"step.user-id.title", ""}}}});
    REQUIRE(r);
    REQUIRE(r->status == 200);
    saved = json::parse(r->body);
    CHECK(saved["errors"].get<int>() >= 1);
    std::vector<std::string> lines;
    std::istringstream in(saved["text"].get<std::string>());
    for (std::string line; std::getline(in, line);)
        lines.push_back(line);
    bool at_field = false;
    for (const auto& p : saved["problems"]) {
        if (p["file"] != "da.toml" || p["severity"] != "error") continue;
        const int line = p["line"];
        REQUIRE(line >= 1);
        REQUIRE(static_cast<size_t>(line) <= lines.size());
        // The line of the empty title, in the step's table.
        size_t table = static_cast<size_t>(line) - 1;
        while (table > 0 && lines[table].rfind("[", 0) != 0)
            --table;
        at_field =
            at_field || (lines[static_cast<size_t>(line) - 1] == "title = \"\"" && lines[table] == "[step.user-id]");
    }
    CHECK_MESSAGE(at_field, saved.dump());
    // The text with its error can still be mended in the form.
    CHECK(field(texts("da"), "step.user-id.title")["text"] == "");

    // Bad input: said, naming the field; nothing saved.
    const std::string before = json::parse(s.c.Get(at, emil.headers)->body)["files"]["da.toml"]["draft"];
    r = s.post(emil, at + "/texts", {{"lang", "da"}, {"texts", {{"step.nope.title", "x"}}}});
    REQUIRE(r);
    CHECK(r->status == 400);
    CHECK(json::parse(r->body)["field"] == "texts.step.nope.title");
    r = s.post(emil, at + "/texts", {{"lang", "da"}, {"texts", {{"step.user-id.title", std::string(4001, 'x')}}}});
    REQUIRE(r);
    CHECK(r->status == 400);
    CHECK(json::parse(r->body)["field"] == "texts.step.user-id.title");
    CHECK(s.post(emil, at + "/texts", {{"lang", "da"}, {"texts", {{"Title]", "x"}}}})->status == 400);
    CHECK(s.post(emil, at + "/texts", {{"lang", "xx"}, {"texts", json::object()}})->status == 400);
    CHECK(s.post(emil, at + "/texts", {{"lang", "da"}, {"texts", {{"title", 3}}}})->status == 400);
    CHECK(json::parse(s.c.Get(at, emil.headers)->body)["files"]["da.toml"]["draft"] == before);
    // Only the author writes; front-desk staff see nothing; a file that is not TOML is mended
    // in the file first.
    CHECK(s.post(ella, at + "/texts", {{"lang", "da"}, {"texts", json::object()}})->status == 404);
    CHECK(s.c.Get(at + "/texts?lang=da", ella.headers)->status == 404);
    CHECK(s.c.Get(at + "/texts?lang=da", mette.headers)->status == 403);
    REQUIRE(s.post(emil, at + "/files", {{"name", "da.toml"}, {"text", before + "\n[step.have-app\n"}})->status == 200);
    CHECK(s.c.Get(at + "/texts?lang=da", emil.headers)->status == 409);
    CHECK(s.post(emil, at + "/texts", {{"lang", "da"}, {"texts", json::object()}})->status == 409);
    CHECK(s.c.Get("/healthz")->status == 200);
}

// content_studio_structure: a guide's steps, branches and sources edited as a form. The form
// reads every guide.toml as written (notes kept) and saves it back as the same guide; a step
// or an answer taken out takes its texts out of every language, and translations that were
// current stay current; each problem's line names its field; bad shapes are refused naming
// the field and nothing is saved; only the author writes.
TEST_CASE("structure: a guide's steps, branches and sources edited as a form, each problem at its field") {
    REQUIRE(hub::init_crypto());
    const test::TempDir tmp("ledsager-structure");
    Studio s(tmp.path / "hub", [](hub::HubOptions&) {});
    const Person emil = s.login("emil"), ella = s.login("ella"), mette = s.login("mette"), rikke = s.login("rikke");
    auto get = [&](const std::string& at) {
        auto r = s.c.Get(at + "/structure", emil.headers);
        REQUIRE(r);
        REQUIRE_MESSAGE(r->status == 200, r->body);
        return json::parse(r->body);
    };
    auto save = [&](const std::string& at, const json& structure) {
        auto r = s.post(emil, at + "/structure", {{"structure", structure}});
        REQUIRE(r);
        REQUIRE_MESSAGE(r->status == 200, r->body);
        return json::parse(r->body);
    };
    auto index_of = [](const json& st, const std::string& id) {
        for (size_t i = 0; i < st["steps"].size(); ++i)
            if (st["steps"][i]["id"] == id) return static_cast<int>(i);
        return -1;
    };

    SUBCASE("every guide reads as a form and saves back as the same guide, its notes kept") {
        for (const auto& e : fs::directory_iterator(LEDSAGER_SOURCE_ASSETS "/guides")) {
            if (!e.is_directory()) continue;
            const std::string guide = e.path().filename().string();
            CAPTURE(guide);
            const std::string at = s.draft(emil, guide);
            const json form = get(at);
            CHECK(form["unkept_comments"] == 0);
            const json saved = save(at, form["structure"]);
            CHECK_MESSAGE(saved["errors"] == 0, saved["problems"].dump());
            CHECK(get(at)["structure"] == form["structure"]);
            // Only guide.toml is written: no text changes.
            CHECK(saved["files"].size() == 1);
            std::ifstream in(e.path() / "guide.toml");
            const std::string written((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
            // Every note line of the file is in what the form wrote.
            std::istringstream lines(written);
            for (std::string line; std::getline(lines, line);) {
                const auto hash = line.find_first_not_of(' ');
                if (hash != std::string::npos && line[hash] == '#')
                    CHECK_MESSAGE(
                        saved["files"]["guide.toml"].get<std::string>().find(line.substr(hash)) != std::string::npos,
                        line);
            }
            REQUIRE(s.post(emil, at + "/withdraw", json::object())->status == 204);
        }
    }

    SUBCASE("steps moved, branched, taken out and added; each problem at its field") {
        const std::string at = s.draft(emil, "change-of-address");
        json form = get(at);
        CHECK(form["guide"] == "change-of-address");
        CHECK(std::find(form["images"].begin(), form["images"].end(), "address.png") != form["images"].end());
        CHECK(std::find(form["icons"].begin(), form["icons"].end(), "home") != form["icons"].end());
        CHECK(std::find(form["categories"].begin(), form["categories"].end(), "home") != form["categories"].end());
        CHECK(form["titles"]["address"].get<std::string>().size() > 3);
        json st = form["structure"];
        const int address = index_of(st, "address"), help = index_of(st, "address-help"), co_q = index_of(st, "co-q");
        REQUIRE(address >= 0);
        REQUIRE(help >= 0);
        REQUIRE(co_q >= 0);
        CHECK(st["steps"][address]["image"] == "address.png");
        CHECK(st["steps"][address]["if_no"] == "address-help");
        // The line of each step's [[step]] and of its keys name the step's fields.
        const auto& fields = form["line_fields"];
        CHECK(std::count(fields.begin(), fields.end(), "steps." + std::to_string(address)) >= 1);
        CHECK(std::count(fields.begin(), fields.end(), "steps." + std::to_string(address) + ".if_no") == 1);
        CHECK(std::count(fields.begin(), fields.end(), "steps." + std::to_string(co_q) + ".choices.1.next") == 1);

        // The help step goes; "No" at the address leads to a person (no if_no); the question about
        // c/o becomes a check whose "No" leads to the c/o step. Texts of the step and answers go
        // from every language; translations that matched Danish still do.
        st["steps"][address]["if_no"] = "";
        st["steps"].erase(static_cast<size_t>(help));
        const int q = index_of(st, "co-q");
        st["steps"][q]["kind"] = "check";
        st["steps"][q]["next"] = "doctor";
        st["steps"][q]["if_no"] = "co";
        st["steps"][q]["choices"] = json::array();
        json saved = save(at, st);
        CHECK_MESSAGE(saved["errors"] == 0, saved["problems"].dump());
        for (const auto& [name, text] : saved["files"].items()) {
            CAPTURE(name);
            if (name == "guide.toml") continue;
            CHECK(text.get<std::string>().find("[step.address-help]") == std::string::npos);
            CHECK(text.get<std::string>().find("[step.co-q.choices]") == std::string::npos);
        }
        CHECK(saved["files"].contains("da.toml"));
        CHECK(saved["files"].contains("en.toml"));
        // What went is said: in Danish the step and the question's two answers.
        CHECK(saved["texts_removed"]["da"] == 3);
        auto en = s.c.Get(at + "/texts?lang=en", emil.headers);
        REQUIRE(en);
        CHECK(json::parse(en->body)["outdated"] == false);
        CHECK(get(at)["structure"] == st);

        // A step moved and one added: its texts are missing in each language (said), and a
        // branch to nowhere is said at the step's own line.
        json moved = st;
        const int date = index_of(moved, "date");
        json added = {{"id", "bring-id"},
                      {"kind", "info"},
                      {"icon", "id-card"},
                      {"next", "co-q"},
                      {"note", "Added in the studio"},
                      {"choices", json::array()}};
        moved["steps"][date]["next"] = "bring-id";
        moved["steps"].insert(moved["steps"].begin() + date + 1, added);
        saved = save(at, moved);
        CHECK(saved["files"]["guide.toml"].get<std::string>().find(
                  "# Added in the studio\n[[step]]\nid = \"bring-id\"") != std::string::npos);
        bool missing_text = false;
        for (const auto& p : saved["problems"])
            if (p["file"] == "da.toml" && p["message"].get<std::string>().find("bring-id") != std::string::npos)
                // With its code and step, for the page to word and group it.
                missing_text = p.value("code", "") == "step_text_missing" && p["args"]["step"] == "bring-id";
        CHECK_MESSAGE(missing_text, saved["problems"].dump());
        // The new step's Danish words written on the structure form itself go into da.toml.
        auto worded = s.post(emil, at + "/structure", {{"structure", moved}, {"texts", {{"step.nope.title", "x"}}}});
        REQUIRE(worded);
        CHECK(worded->status == 400);
        CHECK(json::parse(worded->body)["field"] == "texts.step.nope.title");
        worded = s.post(
            emil, at + "/structure",
            {{"structure", moved},
             {"texts",
              {{"step.bring-id.title", "Tag dit ID med"}, {"step.bring-id.text", "Hav dit pas eller kørekort med."}}}});
        REQUIRE(worded);
        REQUIRE_MESSAGE(worded->status == 200, worded->body);
        saved = json::parse(worded->body);
        const std::string da_now = saved["files"]["da.toml"];
        CHECK(da_now.find("[step.bring-id]") != std::string::npos);
        CHECK(da_now.find("Tag dit ID med") != std::string::npos);
        for (const auto& p : saved["problems"])
            CHECK_MESSAGE(!(p["file"] == "da.toml" && p.value("code", "") == "step_text_missing"), p.dump());
        const int doctor = index_of(moved, "doctor");
        moved["steps"][doctor]["next"] = "nowhere";
        saved = save(at, moved);
        bool nowhere_at_step = false;
        for (const auto& p : saved["problems"]) {
            if (p["file"] == "guide.toml" && p["message"].get<std::string>().find("nowhere") != std::string::npos) {
                CHECK(p["code"] == "unknown_target");
                CHECK(p["args"] ==
                      json{{"step", "doctor"}, {"target", "nowhere"}, {"kind", "check"}, {"branch", "next"}});
                const int line = p["line"];
                REQUIRE(line >= 1);
                REQUIRE(static_cast<size_t>(line) <= saved["line_fields"].size());
                nowhere_at_step =
                    saved["line_fields"][line - 1].get<std::string>().rfind("steps." + std::to_string(doctor), 0) == 0;
            }
        }
        CHECK_MESSAGE(nowhere_at_step, saved["problems"].dump());

        // A date that is none and a category that is none: said at their fields; the file still reads.
        json dated = st;
        dated["sources"][1]["checked"] = "2026-02-30";
        dated["category"] = "hobbies";
        saved = save(at, dated);
        bool date_at_source = false, category_at_field = false;
        for (const auto& p : saved["problems"]) {
            if (p["file"] != "guide.toml" || p["line"].get<int>() < 1) continue;
            const std::string f = saved["line_fields"][p["line"].get<int>() - 1];
            const std::string m = p["message"];
            date_at_source = date_at_source || (f == "sources.1" && m.find("checked") != std::string::npos);
            category_at_field = category_at_field || (f == "category" && m.find("hobbies") != std::string::npos);
        }
        CHECK_MESSAGE(date_at_source, saved["problems"].dump());
        CHECK_MESSAGE(category_at_field, saved["problems"].dump());
        CHECK(get(at)["structure"]["sources"][1]["checked"] == "2026-02-30");

        // A note cannot add lines of TOML, nor a value: all stays a comment or a quoted string.
        json sly = st;
        sly["note"] = "First line\n[end]\nid = \"evil\"\r\n\x01";
        sly["steps"][0]["id"] = "find\" kind = \"info";
        sly["sources"][0]["note"] = "x\n]\n[[step]]\n\u202Eeton\u2066!";
        saved = save(at, sly);
        const std::string text = saved["files"]["guide.toml"];
        CHECK(text.find("\n# [end]\n# id = \"evil\"\n") != std::string::npos);
        CHECK(text.find("\n[end]\n") == text.rfind("\n[end]\n"));
        CHECK(text.find("\x01") == std::string::npos);
        CHECK(text.find("  # eton!\n") != std::string::npos);  // no marks that turn the text around
        CHECK(get(at)["structure"]["note"] == "First line\n[end]\nid = \"evil\"");
        CHECK(saved["errors"].get<int>() >= 1);  // the step id with a quote is no id

        // Bad shapes: refused naming the field; nothing saved.
        REQUIRE(s.post(emil, at + "/structure", {{"structure", st}})->status == 200);
        const std::string before = json::parse(s.c.Get(at, emil.headers)->body)["files"]["guide.toml"]["draft"];
        auto refused = [&](const json& bad, const std::string& field) {
            auto r = s.post(emil, at + "/structure", {{"structure", bad}});
            REQUIRE(r);
            CHECK(r->status == 400);
            CHECK_MESSAGE(json::parse(r->body)["field"] == field, r->body);
        };
        json bad = st;
        bad["steps"][0]["colour"] = "red";
        refused(bad, "steps.0.colour");
        bad = st;
        bad["steps"][1]["kind"] = "loop";
        refused(bad, "steps.1.kind");
        bad = st;
        bad["sources"][0]["url"] = "https://x.dk/\nid = 1";
        refused(bad, "sources.0.url");
        bad = st;
        bad["steps"] = json::array();
        for (int i = 0; i < 101; ++i)
            bad["steps"].push_back(st["steps"][0]);
        refused(bad, "steps");
        bad = st;
        bad["order"] = "first";
        refused(bad, "order");
        bad = st;
        bad["note"] = std::string(4001, 'x');
        refused(bad, "note");
        bad = st;
        bad["steps"][2]["choices"] = json::array({{{"id", "a"}}});
        refused(bad, "steps.2.choices.0.next");
        bad = st;
        bad.erase("sources");
        refused(bad, "sources");
        bad = st;
        bad[std::string(39, 'a') + "\u00e9"] = 1;  // a name cut in its last character is named whole characters
        refused(bad, std::string(39, 'a'));
        CHECK(s.post(emil, at + "/structure", {{"structure", "x"}})->status == 400);
        CHECK(s.post(emil, at + "/structure", {{"structure", st}, {"more", 1}})->status == 400);
        CHECK(json::parse(s.c.Get(at, emil.headers)->body)["files"]["guide.toml"]["draft"] == before);

        // Two saves from the same start: the second is refused, not lost silently.
        auto& store = s.hub.server->store();
        const auto id = std::stoll(at.substr(at.rfind('/') + 1));
        const auto d = store.draft(id);
        REQUIRE(d);
        CHECK(store.save_draft(id, d->author, d->files, R"({"guide.toml":"first"})", 1, 1));
        CHECK_FALSE(store.save_draft(id, d->author, d->files, R"({"guide.toml":"second"})", 1, 1));
        CHECK(store.draft(id)->files == R"({"guide.toml":"first"})");
        REQUIRE(store.save_draft(id, d->author, store.draft(id)->files, d->files, 0, 1));

        // Only the author writes; front-desk staff see nothing; a reviewer sees it once submitted;
        // a guide.toml that is not TOML is mended in the file first.
        CHECK(s.post(ella, at + "/structure", {{"structure", st}})->status == 404);
        CHECK(s.c.Get(at + "/structure", ella.headers)->status == 404);
        CHECK(s.c.Get(at + "/structure", mette.headers)->status == 403);
        CHECK(s.post(mette, at + "/structure", {{"structure", st}})->status == 403);
        CHECK(s.c.Get(at + "/structure", rikke.headers)->status == 404);
        REQUIRE(s.post(emil, at + "/files", {{"name", "guide.toml"}, {"text", before + "\n[[step\n"}})->status == 200);
        CHECK(s.c.Get(at + "/structure", emil.headers)->status == 409);
        CHECK(s.c.Get("/healthz")->status == 200);
    }

    SUBCASE("a step renamed keeps its texts in every language; two steps may swap names") {
        const std::string at = s.draft(emil, "change-of-address");
        json st = get(at)["structure"];
        const int doctor = index_of(st, "doctor"), send = index_of(st, "send");
        REQUIRE(doctor >= 0);
        REQUIRE(send >= 0);
        std::ifstream in(LEDSAGER_SOURCE_ASSETS "/guides/change-of-address/da.toml");
        const std::string published_da((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        auto rename = [&](json& structure, const std::string& from, const std::string& to) {
            for (auto& step : structure["steps"]) {
                if (step["id"] == from) step["id"] = to;
                for (const char* key : {"next", "if_no"})
                    if (step[key] == from) step[key] = to;
                for (auto& c : step["choices"])
                    if (c["next"] == from) c["next"] = to;
            }
        };
        // Bad shapes: named.
        auto r = s.post(emil, at + "/structure", {{"structure", st}, {"renamed", {{"doctor", 7}}}});
        REQUIRE(r);
        CHECK(r->status == 400);
        CHECK(json::parse(r->body)["field"] == "renamed.doctor");
        r = s.post(emil, at + "/structure", {{"structure", st}, {"renamed", {{"doctor", "no-such-step"}}}});
        CHECK(r->status == 400);
        // A rename onto a step that keeps its own id, or two onto one id, would lose words: refused.
        json onto = st;
        for (auto& step : onto["steps"])
            if (step["id"] == "doctor") step["id"] = "doctor-2";
        r = s.post(emil, at + "/structure", {{"structure", st}, {"renamed", {{"doctor", "send"}}}});
        REQUIRE(r);
        CHECK(r->status == 400);
        CHECK(json::parse(r->body)["field"] == "renamed.doctor");
        r = s.post(emil, at + "/structure",
                   {{"structure", onto}, {"renamed", {{"doctor", "doctor-2"}, {"send", "doctor-2"}}}});
        REQUIRE(r);
        CHECK(r->status == 400);
        // The Danish words sent with the form are a new step's title and text only.
        r = s.post(emil, at + "/structure", {{"structure", st}, {"texts", {{"step.send.title", "x"}}}});
        REQUIRE(r);
        CHECK(r->status == 400);
        CHECK(json::parse(r->body)["field"] == "texts.step.send.title");
        // doctor -> laege: its Danish and English texts follow; nothing is taken out.
        rename(st, "doctor", "laege");
        r = s.post(emil, at + "/structure", {{"structure", st}, {"renamed", {{"doctor", "laege"}}}});
        REQUIRE(r);
        REQUIRE_MESSAGE(r->status == 200, r->body);
        json saved = json::parse(r->body);
        CHECK_MESSAGE(saved["errors"] == 0, saved["problems"].dump());
        CHECK(saved["texts_removed"].empty());
        const std::string da = saved["files"]["da.toml"];
        CHECK(da.find("[step.laege]") != std::string::npos);
        CHECK(da.find("[step.doctor]") == std::string::npos);
        CHECK(saved["files"]["en.toml"].get<std::string>().find("[step.laege]") != std::string::npos);
        // The words are the same as published under the old id.
        const auto title_of = [](const std::string& toml, const std::string& table) {
            const auto at_table = toml.find("[step." + table + "]");
            REQUIRE(at_table != std::string::npos);
            const auto line = toml.find("title = ", at_table);
            return toml.substr(line, toml.find('\n', line) - line);
        };
        CHECK(title_of(da, "laege") == title_of(published_da, "doctor"));
        // laege <-> send: each keeps its own words.
        rename(st, "laege", "tmp-swap");
        rename(st, "send", "laege");
        rename(st, "tmp-swap", "send");
        r = s.post(emil, at + "/structure", {{"structure", st}, {"renamed", {{"laege", "send"}, {"send", "laege"}}}});
        REQUIRE(r);
        REQUIRE_MESSAGE(r->status == 200, r->body);
        saved = json::parse(r->body);
        const std::string swapped = saved["files"]["da.toml"];
        CHECK(title_of(swapped, "send") == title_of(published_da, "doctor"));
        CHECK(title_of(swapped, "laege") == title_of(published_da, "send"));
    }
}

// content_studio_send_back: four eyes the other way. A reviewer sends another person's
// submitted change back with what to mend; its author sees the note and can save again; a
// new submission clears it. Blank or long notes, the author's own change, front-desk staff
// and a change not submitted are refused.
TEST_CASE("send back: a reviewer returns a submitted change to its author with what to mend") {
    REQUIRE(hub::init_crypto());
    const test::TempDir tmp("ledsager-send-back");
    Studio s(tmp.path / "hub", [](hub::HubOptions&) {});
    const Person emil = s.login("emil"), mette = s.login("mette"), rikke = s.login("rikke");
    const std::string at = s.draft(emil, "mitid-login");
    auto change = [&] { return json::parse(s.c.Get(at, emil.headers)->body); };
    REQUIRE(s.post(emil, at + "/texts", {{"lang", "da"}, {"texts", {{"step.user-id.title", "Skriv dit bruger-id"}}}})
                ->status == 200);
    CHECK(s.post(rikke, at + "/return", {{"note", "Not yet submitted"}})->status == 404);
    REQUIRE(s.post(emil, at + "/submit", json::object())->status == 204);

    CHECK(s.post(rikke, at + "/return", {{"note", " \n\t "}})->status == 400);
    CHECK(s.post(rikke, at + "/return", {{"note", std::string(2001, 'x')}})->status == 400);
    CHECK(s.post(rikke, at + "/return", json::object())->status == 400);
    CHECK(s.post(emil, at + "/return", {{"note", "My own"}})->status == 403);
    CHECK(s.post(mette, at + "/return", {{"note", "Front desk"}})->status == 403);
    CHECK(change()["status"] == "submitted");

    const std::string note = "Skriv \"bruger-ID\", som mitid.dk gør.\nResten er fint.";
    auto r = s.post(rikke, at + "/return", {{"note", note + "\r"}});
    REQUIRE(r);
    CHECK(r->status == 204);
    json d = change();
    CHECK(d["status"] == "draft");
    CHECK(d["review_note"] == note);
    CHECK(d["reviewer"] == "Rikke");
    // Back with its author: hidden from reviewers again, and sent back only once.
    CHECK(s.c.Get(at, rikke.headers)->status == 404);
    CHECK(s.post(rikke, at + "/return", {{"note", "Again"}})->status != 204);
    // The author mends it and submits again: the note has done its work.
    REQUIRE(s.post(emil, at + "/texts", {{"lang", "da"}, {"texts", {{"step.user-id.title", "Skriv dit bruger-ID"}}}})
                ->status == 200);
    CHECK(change()["review_note"] == note);
    REQUIRE(s.post(emil, at + "/submit", json::object())->status == 204);
    d = change();
    CHECK(d["status"] == "submitted");
    CHECK(d["review_note"] == "");
    CHECK(s.c.Get("/healthz")->status == 200);
}

// content_studio_pictures: a guide's picture taken into a change: a PNG a kiosk can draw,
// decoded as the kiosk decodes it after its size is read from its header; a file that is no
// PNG, one cut short, one that claims a picture too large or too small, a name that is none,
// another content type or a body over 512 KiB is refused and nothing saved; the picture is
// shown back as sent, is among the guide's pictures in the structure form and satisfies the
// checks once a step names it; 20 pictures at most in one change; only its author adds one.
TEST_CASE("pictures: a PNG taken into a change, checked as a kiosk would draw it") {
    REQUIRE(hub::init_crypto());
    const test::TempDir tmp("ledsager-pictures");
    Studio s(tmp.path / "hub", [](hub::HubOptions&) {});
    const Person emil = s.login("emil"), ella = s.login("ella"), mette = s.login("mette"), rikke = s.login("rikke");
    const std::string at = s.draft(emil, "change-of-address");
    std::ifstream in(LEDSAGER_SOURCE_ASSETS "/guides/change-of-address/address.png", std::ios::binary);
    const std::string png((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    REQUIRE(png.size() > 1000);
    auto upload = [&](const Person& p, const std::string& name, const std::string& bytes,
                      const std::string& type = "image/png") {
        return s.c.Post(at + "/pictures/" + name, p.headers, bytes, type);
    };
    auto files = [&] { return json::parse(s.c.Get(at, emil.headers)->body)["files"]; };
    // A PNG's IHDR with another width (the bytes after it as they were).
    auto claiming = [&](std::uint32_t width) {
        std::string b = png;
        for (int i = 0; i < 4; ++i)
            b[16 + i] = static_cast<char>((width >> (24 - 8 * i)) & 0xff);
        return b;
    };

    auto r = upload(emil, "lease.png", "hello, not a picture");
    REQUIRE(r);
    CHECK(r->status == 400);
    CHECK(json::parse(r->body)["field"] == "picture");
    CHECK(upload(emil, "lease.png", png.substr(0, 200))->status == 400);  // cut short: cannot be drawn
    r = upload(emil, "lease.png", claiming(30000));
    REQUIRE(r);
    CHECK(r->status == 400);
    CHECK(json::parse(r->body)["error"].get<std::string>().find("30000") != std::string::npos);
    CHECK(upload(emil, "lease.png", claiming(10))->status == 400);
    CHECK(upload(emil, "lease.jpg", png)->status == 400);
    CHECK(upload(emil, "-lease.png", png)->status == 400);
    CHECK(upload(emil, "lease.png", png, "application/octet-stream")->status == 415);
    // A body over 512 KiB is refused by its length, before a byte of it is read.
    std::string head = "POST " + at + "/pictures/lease.png HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    for (const auto& [k, v] : emil.headers)
        head += k + ": " + v + "\r\n";
    head += "Content-Type: image/png\r\nContent-Length: " + std::to_string(512 * 1024 + 1) + "\r\n\r\n";
    CHECK(first_answer_line(s.hub.port, head).rfind("HTTP/1.1 413", 0) == 0);
    CHECK(upload(ella, "lease.png", png)->status == 404);
    CHECK(upload(mette, "lease.png", png)->status == 403);
    CHECK(files().empty());

    r = upload(emil, "lease.png", png);
    REQUIRE(r);
    REQUIRE_MESSAGE(r->status == 200, r->body);
    const json added = json::parse(r->body);
    CHECK(added["width"].get<int>() >= 64);
    CHECK(files()["lease.png"]["picture"] == true);
    auto back = s.c.Get(at + "/pictures/lease.png", emil.headers);
    REQUIRE(back);
    CHECK(back->status == 200);
    CHECK(back->get_header_value("Content-Type") == "image/png");
    CHECK(back->body == png);
    // The published pictures are shown too; a picture that is none is not.
    CHECK(s.c.Get(at + "/pictures/address.png", emil.headers)->body == png);
    CHECK(s.c.Get(at + "/pictures/nothing.png", emil.headers)->status == 404);
    CHECK(s.c.Get(at + "/pictures/lease.png", rikke.headers)->status == 404);  // not submitted
    CHECK(s.c.Get(at + "/pictures/lease.png", mette.headers)->status == 403);

    // Among the guide's pictures; named by a step, the checks find it (and ask each language to
    // describe it).
    json form = json::parse(s.c.Get(at + "/structure", emil.headers)->body);
    const auto& images = form["images"];
    CHECK(std::find(images.begin(), images.end(), "lease.png") != images.end());
    json st = form["structure"];
    for (auto& step : st["steps"])
        if (step["id"] == "date") step["image"] = "lease.png";
    r = s.post(emil, at + "/structure", {{"structure", st}});
    REQUIRE(r);
    REQUIRE(r->status == 200);
    bool missing_picture = false, alt_asked = false;
    const json problems = json::parse(r->body)["problems"];
    for (const auto& p : problems) {
        const std::string m = p["message"];
        missing_picture = missing_picture || m.find("missing image") != std::string::npos;
        alt_asked = alt_asked || (p["file"] == "da.toml" && m.find("image_alt") != std::string::npos);
    }
    CHECK_MESSAGE(!missing_picture, problems.dump());
    CHECK_MESSAGE(alt_asked, problems.dump());

    // A picture of the change that no step shows any longer goes with the next save of the
    // structure, its drawn variant too; the published pictures stay.
    REQUIRE(upload(emil, "lease.contrast.png", png)->status == 200);
    REQUIRE(upload(emil, "spare.png", png)->status == 200);
    for (auto& step : st["steps"])
        if (step["id"] == "date") step["image"] = "";
    r = s.post(emil, at + "/structure", {{"structure", st}});
    REQUIRE(r);
    REQUIRE_MESSAGE(r->status == 200, r->body);
    CHECK(json::parse(r->body)["pictures_removed"] == json({"lease.contrast.png", "lease.png", "spare.png"}));
    CHECK_FALSE(files().contains("lease.png"));
    CHECK_FALSE(files().contains("lease.contrast.png"));
    CHECK(s.c.Get(at + "/pictures/lease.png", emil.headers)->status == 404);
    CHECK(s.c.Get(at + "/pictures/address.png", emil.headers)->status == 200);
    // A picture a step shows by its very name stays, whatever its name looks like.
    REQUIRE(upload(emil, "odd.contrast.png", png)->status == 200);
    for (auto& step : st["steps"])
        if (step["id"] == "date") step["image"] = "odd.contrast.png";
    r = s.post(emil, at + "/structure", {{"structure", st}});
    REQUIRE(r);
    REQUIRE_MESSAGE(r->status == 200, r->body);
    CHECK(json::parse(r->body)["pictures_removed"].empty());
    CHECK(files().contains("odd.contrast.png"));
    for (auto& step : st["steps"])
        if (step["id"] == "date") step["image"] = "";
    REQUIRE(s.post(emil, at + "/structure", {{"structure", st}})->status == 200);

    // 20 pictures at most in one change (the same name again replaces it).
    CHECK(upload(emil, "lease.png", png)->status == 200);
    for (int i = 1; i < 20; ++i)
        REQUIRE(upload(emil, "extra-" + std::to_string(i) + ".png", png)->status == 200);
    r = upload(emil, "one-too-many.png", png);
    REQUIRE(r);
    CHECK(r->status == 409);
    CHECK(s.c.Get("/healthz")->status == 200);
}

// ... and the decoding happens apart from the hub: a decoder that dies, hangs or wants more
// memory than its child may have ends only that child, within the time bound.
TEST_CASE("pictures apart: a decoder that dies, hangs or runs out of memory ends only its own process") {
    const hub::PictureLimits quick{std::chrono::milliseconds(1000), 64u << 20};
    auto dies = +[](std::string_view) -> common::PictureCheck {
        ::raise(SIGKILL);
        return {};
    };
    auto hangs = +[](std::string_view) -> common::PictureCheck {
        for (;;)
            ::pause();
    };
    auto hogs = +[](std::string_view) -> common::PictureCheck {
        void* p = std::malloc(512u << 20);  // over the child's 64 MiB
        if (!p) ::_exit(4);
        std::free(p);
        return {true, 1, 1, ""};
    };
    const auto started = std::chrono::steady_clock::now();
    const auto died = hub::check_picture_apart("x", quick, dies);
    CHECK_FALSE(died.ok);
    CHECK(died.error == "the PNG file cannot be drawn");
    CHECK_FALSE(hub::check_picture_apart("x", quick, hangs).ok);
    CHECK_FALSE(hub::check_picture_apart("x", quick, hogs).ok);
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(5));
    std::ifstream in(LEDSAGER_SOURCE_ASSETS "/guides/change-of-address/address.png", std::ios::binary);
    const std::string png((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto good = hub::check_picture_apart(png);
    CHECK(good.ok);
    CHECK(good.width == common::check_png(png).width);
    CHECK(hub::check_picture_apart("not a picture").error == "not a PNG file");
}

// ... two at a time: a third editor's picture waits up to 3 s for a turn, then is told to
// try again (503, Retry-After); the hub keeps serving meanwhile.
TEST_CASE("pictures at once: two decoded at a time, a third told to try again") {
    REQUIRE(hub::init_crypto());
    const test::TempDir tmp("ledsager-pictures-busy");
    Studio s(tmp.path / "hub", [](hub::HubOptions& o) {
        o.picture_decoder = +[](std::string_view bytes) {
            std::this_thread::sleep_for(std::chrono::milliseconds(4000));
            return common::check_png(bytes);
        };
    });
    const Person emil = s.login("emil");
    std::ifstream in(LEDSAGER_SOURCE_ASSETS "/guides/change-of-address/address.png", std::ios::binary);
    const std::string png((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::vector<std::string> changes;
    for (const char* guide : {"change-of-address", "mitid-login", "digital-post"})
        changes.push_back(s.draft(emil, guide));
    std::vector<int> status(changes.size(), 0);
    std::vector<std::string> retry(changes.size());
    std::vector<std::thread> senders;
    for (size_t i = 0; i < changes.size(); ++i)
        senders.emplace_back([&, i] {
            httplib::Client c("127.0.0.1", s.hub.port);
            c.set_read_timeout(30, 0);
            std::this_thread::sleep_for(std::chrono::milliseconds(150 * static_cast<int>(i)));
            if (auto r = c.Post(changes[i] + "/pictures/lease.png", emil.headers, png, "image/png")) {
                status[i] = r->status;
                retry[i] = r->get_header_value("Retry-After");
            }
        });
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    CHECK(s.c.Get("/healthz")->status == 200);  // serving while two pictures are decoded
    for (auto& t : senders)
        t.join();
    CHECK(status[0] == 200);
    CHECK(status[1] == 200);
    CHECK(status[2] == 503);
    CHECK(retry[2] == "2");
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
