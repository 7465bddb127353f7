// content_update_e2e: a real hub on loopback publishes signed content bundles; the real
// kiosk (headless, its libcurl fetcher and content store on disk) learns of them from its
// heartbeat, downloads and verifies them in the background, and switches only between
// sessions: a citizen in a guide keeps the guide as it was. Tampered, wrongly signed and
// broken bundles are refused, the hub's Devices list shows why, and the kiosk keeps serving
// what it had. Then a good bundle still goes through.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <httplib.h>
#include <sqlite3.h>

#include "../ui/harness.hpp"
#include "common/bundle.hpp"
#include "core/content_store.hpp"
#include "hub/auth.hpp"
#include "hub/bundles.hpp"
#include "hub/insight.hpp"
#include "hub/server.hpp"
#include "running_hub.hpp"
#include "temp_dir.hpp"

namespace fs = std::filesystem;
using namespace ledsager;

namespace {

// The test hub, with the helpers these tests need.
struct RunningHub : test::RunningHub {
    using test::RunningHub::RunningHub;
    hub::Health device() {
        for (const auto& d : server->store().devices())
            if (d.kiosk.name == "kiosk-1") return d.health;
        return {};
    }
    // Puts a bundle file on the hub as it is (what a broken or hostile upload would be):
    // the hub checks only what it can without a key; the kiosk checks everything.
    void put(const fs::path& file, std::int64_t version) {
        fs::create_directories(dir / "bundles");
        fs::copy_file(file, hub::bundle_file(dir, version), fs::copy_options::overwrite_existing);
        const auto f = hub::bundle_file(dir, version);
        REQUIRE(server->store().add_bundle(
            {version, common::sha256_file(f), "?", static_cast<std::int64_t>(fs::file_size(f)), 1, 1}));
    }
};

std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// The demo guides with the English MitID title changed to `title`.
fs::path guides_with_title(const fs::path& dir, const std::string& title) {
    fs::create_directories(dir);
    const fs::path g = dir / "guides";
    fs::copy(LEDSAGER_SOURCE_ASSETS "/guides", g, fs::copy_options::recursive);
    std::string text = read(g / "mitid-login/en.toml");
    const std::string from = "title = \"Log in with MitID\"";
    text.replace(text.find(from), from.size(), "title = \"" + title + "\"");
    std::ofstream(g / "mitid-login/en.toml", std::ios::trunc) << text;
    return g;
}

// A kiosk of the test hub's site: its token, short timeouts, no video.
core::KioskConfig hub_config(int port) {
    core::KioskConfig c;
    c.hub_url = "http://127.0.0.1:" + std::to_string(port);
    c.hub_token = "kiosk-token";
    c.hub_timeout_s = 2;
    c.video_enabled = false;
    return c;
}

struct Kiosk {
    core::KioskConfig config;
    std::unique_ptr<test::Harness> h;
    Kiosk(int port, const fs::path& store_dir, const std::string& key) {
        config = hub_config(port);
        config.content_public_keys = {key};
        config.content_store_dir = store_dir.string();
        // As the program does: what the store serves at start (the installed guides at first).
        auto store = std::make_unique<core::ContentStore>(store_dir, config.content_public_keys);
        auto served = store->load_at_start(LEDSAGER_SOURCE_ASSETS "/guides");
        h = std::make_unique<test::Harness>(config, served.guides.string());
        h->set_rasterize(false);
        h->app().set_content_store(std::move(store), served.version);
    }
    app::KioskApp& app() { return h->app(); }
    std::string en_title() { return app().content().find("mitid-login")->text.at("en").title; }
};

}  // namespace

TEST_CASE(
    "content: a signed bundle reaches the kiosk and is served from the next session, never in the middle of one") {
    REQUIRE(hub::init_crypto());
    const ledsager::test::TempDir dir_tmp("ledsager-e2e-content");
    const std::filesystem::path& dir = dir_tmp.path;
    RunningHub hub(dir / "hub");
    const auto kp = common::make_content_key_pair();
    std::string error;
    REQUIRE(common::build_bundle(guides_with_title(dir / "v1", "Sign in with MitID"), 1, kp.secret_key, dir / "v1.tar",
                                 error));
    Kiosk k(hub.port, dir / "kiosk-content", kp.public_key);
    CHECK(k.app().content_version() == 0);
    // A citizen begins; then the bundle is published.
    k.h->tap("attract.start");
    k.h->tap("language.en");
    REQUIRE(k.h->shows("Log in with MitID"));
    hub::Bundle published;
    REQUIRE_MESSAGE(
        hub::publish_bundle(hub.server->store(), hub.dir, dir / "v1.tar", {kp.public_key}, published, error), error);
    k.h->wait(31'000);  // the next heartbeat announces it
    REQUIRE_MESSAGE(until(*k.h, [&] { return k.app().staged_version() == 1; }), k.app().last_error());
    // Verified and ready, but the citizen is in a session: what they see does not change.
    k.h->frame();
    CHECK(k.app().content_version() == 0);
    CHECK(k.h->shows("Log in with MitID"));
    CHECK_FALSE(k.h->shows("Sign in with MitID"));
    k.h->tap("guide.mitid-login");
    k.h->wait(30'000);
    CHECK(k.en_title() == "Log in with MitID");
    // The session ends (nobody there: the warning, then wiped), the attract screen comes
    // back, and only then the new content serves.
    k.h->wait(200'000);
    REQUIRE(until(*k.h, [&] { return k.app().content_version() == 1; }));
    CHECK(k.app().session().data().screen == core::Screen::Attract);
    k.h->frame();
    k.h->tap("attract.start");
    k.h->tap("language.en");
    CHECK(k.h->shows("Sign in with MitID"));
    CHECK(fs::exists(dir / "kiosk-content/bundles/1/guides/mitid-login/en.toml"));
    CHECK(k.app().content_store()->state().current == 1);
    CHECK(k.app().content_store()->state().trial);
    // IT sees the new version on the Devices list.
    REQUIRE(until(*k.h, [&] { return hub.device().content_version.rfind("v1 ", 0) == 0; }));
    // And the consoles show the new titles (the hub took them from the checked bundle).
    {
        hub.server->store().add_user(
            {0, "maja", "Maja Manager", "manager", hub::hash_password("maja-password"), "da", {1}});
        // Reports cover whole final months, and a final month takes no more counts (the hub
        // has marked it so since it started): seven starts written into it directly.
        const std::string month = hub::last_final_month(std::time(nullptr));
        hub.server->store().add_usage({{month + "-15", 1, 0, "guide_start", "mitid-login", "", "en", -1, 7}});
        CHECK(hub.server->store().usage(month + "-01", hub::last_day(month), {1}).empty());  // dropped
        {
            sqlite3* db = nullptr;
            REQUIRE(sqlite3_open_v2((dir / "hub/hub.sqlite3").c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) ==
                    SQLITE_OK);
            const std::string sql =
                "INSERT INTO usage_months(month, site_id, metric, guide, step, dim, bucket, count) VALUES('" + month +
                "', 1, 'guide_start', 'mitid-login', '', 'en', -1, 7)";
            CHECK(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
            sqlite3_close(db);
        }
        httplib::Client c("127.0.0.1", hub.port);
        auto login =
            c.Post("/api/v1/auth/login", R"({"username":"maja","password":"maja-password"})", "application/json");
        REQUIRE(login);
        const std::string cookie = login->get_header_value("Set-Cookie");
        auto r = c.Get("/api/v1/insight/guides?from=" + month + "-01&to=" + hub::last_day(month) + "&lang=en",
                       {{"Cookie", cookie.substr(0, cookie.find(';'))}});
        REQUIRE(r);
        CHECK(r->body.find("Sign in with MitID") != std::string::npos);
    }
    CHECK(hub.device().last_error.empty());
    fs::remove_all(dir);
}

TEST_CASE("content: tampered, wrongly signed and broken bundles are refused; the kiosk keeps serving and IT sees why") {
    REQUIRE(hub::init_crypto());
    const ledsager::test::TempDir dir_tmp("ledsager-e2e-content-bad");
    const std::filesystem::path& dir = dir_tmp.path;
    RunningHub hub(dir / "hub");
    const auto kp = common::make_content_key_pair(), stranger = common::make_content_key_pair();
    std::string error;
    Kiosk k(hub.port, dir / "kiosk-content", kp.public_key);
    k.h->frame();
    auto refused = [&](std::int64_t v) { return k.app().content_store()->refused(v); };

    // v1: changed after signing (one letter of a guide's title, inside the tar).
    REQUIRE(common::build_bundle(guides_with_title(dir / "v1", "Sign in with MitID now"), 1, kp.secret_key,
                                 dir / "v1.tar", error));
    {
        std::string bytes = read(dir / "v1.tar");
        const auto at = bytes.find("Sign in with MitID now");
        REQUIRE(at != std::string::npos);
        bytes[at] = 'Z';
        std::ofstream(dir / "v1.tar", std::ios::binary | std::ios::trunc) << bytes;
    }
    hub.put(dir / "v1.tar", 1);
    REQUIRE(until(*k.h, [&] { return refused(1); }));
    CHECK(k.app().last_error().find("mitid-login/en.toml") != std::string::npos);
    CHECK(k.app().last_error().find("do not match the signed manifest") != std::string::npos);
    CHECK(k.app().content_version() == 0);
    CHECK(k.en_title() == "Log in with MitID");
    CHECK_FALSE(fs::exists(dir / "kiosk-content/bundles/1"));
    // The hub hears of it at once, in technical words for IT.
    REQUIRE(until(*k.h, [&] { return hub.device().last_error.find("v1 refused") != std::string::npos; }));

    // v2: signed by a key this kiosk does not trust. The hub, given the right key, refuses it too.
    REQUIRE(common::build_bundle(guides_with_title(dir / "v2", "Sign in with MitID"), 2, stranger.secret_key,
                                 dir / "v2.tar", error));
    hub::Bundle b;
    CHECK_FALSE(hub::publish_bundle(hub.server->store(), hub.dir, dir / "v2.tar", {kp.public_key}, b, error));
    CHECK(error.find("does not trust") != std::string::npos);
    hub.put(dir / "v2.tar", 2);
    REQUIRE(until(*k.h, [&] { return refused(2); }));
    CHECK(k.app().last_error().find("does not trust") != std::string::npos);
    CHECK(k.app().content_version() == 0);

    // v3: properly signed, but a guide is broken: refused with the checker's file and line.
    const fs::path broken = guides_with_title(dir / "v3", "Sign in with MitID");
    std::ofstream(broken / "digital-post/guide.toml", std::ios::app) << "\n[[step]]\nid = 3\n";
    REQUIRE(common::build_bundle(broken, 3, kp.secret_key, dir / "v3.tar", error));
    CHECK_FALSE(hub::publish_bundle(hub.server->store(), hub.dir, dir / "v3.tar", {kp.public_key}, b, error));
    CHECK(error.find("digital-post/guide.toml:") != std::string::npos);
    hub.put(dir / "v3.tar", 3);
    REQUIRE(until(*k.h, [&] { return refused(3); }));
    CHECK(k.app().last_error().find("digital-post/guide.toml:") != std::string::npos);
    CHECK(k.app().content().find("digital-post") != nullptr);  // the installed guide still serves

    // Through all of it the kiosk served: a citizen can still open a guide.
    k.h->tap("attract.start");
    k.h->tap("language.en");
    k.h->tap("guide.mitid-login");
    CHECK(k.app().session().data().screen == core::Screen::Needs);
    k.h->wait(200'000);

    // v4: good again, and it goes through (the kiosk is idle: it switches at once).
    REQUIRE(common::build_bundle(guides_with_title(dir / "v4", "Sign in with MitID"), 4, kp.secret_key, dir / "v4.tar",
                                 error));
    REQUIRE_MESSAGE(hub::publish_bundle(hub.server->store(), hub.dir, dir / "v4.tar", {kp.public_key}, b, error),
                    error);
    REQUIRE_MESSAGE(until(*k.h, [&] { return k.app().content_version() == 4; }), k.app().last_error());
    CHECK(k.en_title() == "Sign in with MitID");
    CHECK(k.app().last_error().empty());
    // An older version announced again (a replay) is never taken.
    CHECK_FALSE(k.app().content_store()->wanted(3));
    CHECK_FALSE(k.app().content_store()->wanted(1));
    fs::remove_all(dir);
}

// remote_settings_e2e: IT sets settings on the hub for a site and for one kiosk; the kiosk
// hears of a new revision in its heartbeat answer, fetches them, and applies them between
// sessions only. Bad settings are refused with the key named and the old ones kept.
// Outside opening hours the screen goes dark; a touch wakes it.
namespace {
// A local time: `weekday` 0 = Monday of a fixed week, at hh:mm.
std::time_t local_time(int weekday, int hh, int mm) {
    std::tm tm{};
    tm.tm_year = 2026 - 1900;
    tm.tm_mon = 10;  // November 2026: the 2nd is a Monday
    tm.tm_mday = 2 + weekday;
    tm.tm_hour = hh;
    tm.tm_min = mm;
    tm.tm_isdst = -1;
    return std::mktime(&tm);
}
}  // namespace

TEST_CASE(
    "settings: pushed per site and per kiosk, applied between sessions; bad ones refused; dark outside opening hours") {
    REQUIRE(hub::init_crypto());
    const ledsager::test::TempDir dir_tmp("ledsager-e2e-settings");
    const std::filesystem::path& dir = dir_tmp.path;
    RunningHub hub(dir / "hub");
    auto& store = hub.server->store();
    const auto site = store.site_by_slug("main");
    REQUIRE(site);
    const auto kiosk = store.kiosk_by_name(site->id, "kiosk-1");
    REQUIRE(kiosk);

    const core::KioskConfig config = hub_config(hub.port);
    test::Harness h(config);
    h.set_rasterize(false);
    std::time_t wall = local_time(0, 10, 0);  // Monday 10:00
    h.app().set_wall_clock([&] { return wall; });
    REQUIRE(until(h, [&] { return hub.device().at > 0; }));
    CHECK(h.app().settings_revision() == "0.0");

    // A citizen is in a guide when IT changes the site's settings.
    h.tap("attract.start");
    h.tap("language.en");
    store.set_settings(site->id, 0, R"({"inactivity_timeout_s": 300, "languages": ["da", "en", "ar"],
                                         "front_desk": {"en": "Ask at counter 3, on the ground floor."},
                                         "opening_hours": "mon-fri 09:00-18:00"})");
    store.set_settings(site->id, kiosk->id, R"({"default_language": "en"})");
    h.wait(31'000);  // the next heartbeat tells the kiosk
    REQUIRE(until(h, [&] {
        return h.app().settings_revision() == "0.0" && h.app().session().data().screen != core::Screen::Attract;
    }));
    CHECK(h.app().config().inactivity_timeout_s == 120);  // not in the middle of a session
    CHECK(h.app().config().offered.size() == 10);
    // The session ends; at the attract screen the new settings apply.
    h.wait(200'000);
    REQUIRE(until(h, [&] { return h.app().settings_revision() != "0.0"; }));
    CHECK(h.app().config().inactivity_timeout_s == 300);
    CHECK(h.app().config().offered == std::vector<std::string>{"da", "en", "ar"});
    CHECK(h.app().config().default_language == "en");  // this kiosk's own setting, over its site's
    CHECK(h.app().config().front_desk.at("en") == "Ask at counter 3, on the ground floor.");
    CHECK(h.app().config().front_desk.at("da") == core::KioskConfig{}.front_desk.at("da"));  // kept from kiosk.toml
    h.frame();
    CHECK(h.app().session().data().lang == "en");
    CHECK(h.shows("English"));
    CHECK(h.shows("العربية"));
    CHECK_FALSE(h.shows("Polski"));  // no longer offered here
    const std::string applied = h.app().settings_revision();

    // Bad settings (as a hand-edited database might hold): refused, named, the old ones kept.
    store.set_settings(site->id, 0, R"({"inactivity_timeout_s": 5, "languages": ["da", "en", "ar"]})");
    h.wait(31'000);
    REQUIRE(until(h, [&] { return h.app().last_error().find("refused") != std::string::npos; }));
    CHECK(h.app().last_error().find("inactivity_timeout_s") != std::string::npos);
    CHECK(h.app().settings_revision() == applied);
    CHECK(h.app().config().inactivity_timeout_s == 300);
    REQUIRE(until(h, [&] { return hub.device().last_error.find("inactivity_timeout_s") != std::string::npos; }));
    // Fixed on the hub: taken, and the error is gone.
    store.set_settings(
        site->id, 0,
        R"({"inactivity_timeout_s": 240, "languages": ["da", "en", "ar"], "opening_hours": "mon-fri 09:00-18:00"})");
    h.wait(31'000);
    REQUIRE(until(h, [&] { return h.app().config().inactivity_timeout_s == 240; }));
    CHECK(h.app().last_error().empty());
    CHECK(h.app().config().front_desk.at("en") ==
          core::KioskConfig{}.front_desk.at("en"));  // removed on the hub: back to the file's

    // Sunday evening: closed. With nobody there the screen goes dark.
    CHECK_FALSE(h.app().dark());
    wall = local_time(6, 21, 0);
    h.wait(61'000);
    CHECK(h.app().dark());
    CHECK(h.elements().empty());
    // IT sees a closed kiosk, not a broken one.
    REQUIRE(until(h, [&] { return hub.device().screen == "dark"; }));
    // A touch wakes it (that touch only wakes it), and a citizen can start.
    h.tap_at(960, 540);
    h.frame();
    CHECK_FALSE(h.app().dark());
    CHECK(h.app().session().data().screen == core::Screen::Attract);
    h.tap("attract.start");
    CHECK(h.app().session().data().screen != core::Screen::Attract);
    // A session keeps the screen lit, however long (until it ends by itself).
    h.wait(100'000);
    CHECK_FALSE(h.app().dark());
    h.wait(400'000);
    CHECK(h.app().dark());
    // Monday morning: open again.
    wall = local_time(0, 9, 0);
    h.wait(61'000);
    CHECK_FALSE(h.app().dark());
    h.wait(31'000);
    REQUIRE(until(h, [&] { return hub.device().screen == "on"; }));
    CHECK(h.find("attract.start") != nullptr);
    fs::remove_all(dir);
}

// usage_from_kiosk: the real kiosk (KioskApp, its hub client) records a citizen's session
// and sends it in a batch; the hub's guide report counts it. Nothing is sent mid-session.
TEST_CASE("usage: a real kiosk's session reaches the hub's reports, sent after the session") {
    REQUIRE(hub::init_crypto());
    const ledsager::test::TempDir dir_tmp("ledsager-e2e-usage");
    const std::filesystem::path& dir = dir_tmp.path;
    RunningHub hub(dir / "hub");
    auto& store = hub.server->store();
    const auto site = store.site_by_slug("main");
    store.add_user({0, "maja", "Maja Manager", "manager", hub::hash_password("maja-password"), "da", {site->id}});
    const core::KioskConfig config = hub_config(hub.port);
    test::Harness h(config);
    h.set_rasterize(false);
    auto sessions = [&] {
        std::int64_t n = 0;
        for (const auto& c : store.usage("2000-01-01", "2999-12-31", {site->id}))
            if (c.metric == "session") n += c.count;
        return n;
    };
    h.tap("attract.start");
    h.tap("language.en");
    h.tap("guide.mitid-login");
    h.tap("needs.start");
    h.wait(70'000);  // a minute and more in the session: still nothing sent about it
    CHECK(sessions() == 0);
    CHECK(h.app().usage().buffered() == 0);
    h.key(core::Key::Back);
    h.wait(200'000);  // nobody there: wiped, and the batch goes once a minute
    REQUIRE(until(h, [&] { return sessions() == 1; }));
    bool reached = false, left = false;
    for (const auto& c : store.usage("2000-01-01", "2999-12-31", {site->id})) {
        if (c.metric == "guide_start") CHECK(c.guide == "mitid-login");
        if (c.metric == "step_reach" && c.guide == "mitid-login") reached = true;
        if (c.metric == "guide_left" && c.guide == "mitid-login") left = true;
        if (c.metric == "session_mode") CHECK(c.dim == "keypad");  // the Back key was used
    }
    CHECK(reached);
    CHECK(left);
    CHECK(h.app().usage().buffered() == 0);
    fs::remove_all(dir);
}

// content_studio_publish: the content studio's way from a sentence to the kiosks, with no
// access to the hub's machine: an editor changes a guide's Danish and English text in drafts
// on the real hub, each save is checked as --check-content checks (a broken file is named
// with its line, and cannot be submitted), nobody approves their own change, a reviewer
// approves the editor's, the hub signs and publishes it with its publishing key, and a real
// kiosk serves the new text from the next session.
TEST_CASE("studio: an editor's change, approved by a reviewer, reaches the kiosk") {
    REQUIRE(hub::init_crypto());
    const ledsager::test::TempDir dir_tmp("ledsager-e2e-studio");
    const fs::path& dir = dir_tmp.path;
    const auto kp = common::make_content_key_pair();
    const fs::path key_file = dir / "publishing.key";
    std::ofstream(key_file) << kp.secret_key << "\n";
    RunningHub hub(dir / "hub", 0, true, LEDSAGER_SOURCE_ASSETS "/guides",
                   [&](hub::HubOptions& o) { o.content_secret_key = key_file; });
    auto& store = hub.server->store();
    store.add_user({0, "emil", "Emil Editor", "editor", hub::hash_password("emil-password"), "da,en", {1}});
    store.add_user({0, "rikke", "Rikke Reviewer", "reviewer", hub::hash_password("rikke-password"), "da,en", {1}});
    httplib::Client c("127.0.0.1", hub.port);
    struct Person {
        httplib::Headers headers;
    };
    auto login = [&](const std::string& user) {
        auto r =
            c.Post("/api/v1/auth/login", nlohmann::json{{"username", user}, {"password", user + "-password"}}.dump(),
                   "application/json");
        REQUIRE(r);
        REQUIRE(r->status == 200);
        const std::string cookie = r->get_header_value("Set-Cookie");
        return Person{{{"Cookie", cookie.substr(0, cookie.find(';'))},
                       {"X-CSRF-Token", nlohmann::json::parse(r->body)["csrf"].get<std::string>()}}};
    };
    const Person emil = login("emil"), rikke = login("rikke"), mette = login("mette");
    auto post = [&](const Person& p, const std::string& path, const nlohmann::json& body) {
        auto r = c.Post(path, p.headers, body.dump(), "application/json");
        REQUIRE(r);
        return std::make_pair(r->status, r->body.empty() ? nlohmann::json() : nlohmann::json::parse(r->body));
    };
    // Front-desk staff cannot write guides.
    CHECK(post(mette, "/api/v1/content/drafts", {{"guide", "mitid-login"}}).first == 403);
    auto [made, draft] = post(emil, "/api/v1/content/drafts", {{"guide", "mitid-login"}});
    REQUIRE(made == 201);
    CHECK(draft["base"] == "installed");
    const std::string at = "/api/v1/content/drafts/" + std::to_string(draft["id"].get<std::int64_t>());
    // A broken save: the problem is named with its file and line; it cannot be submitted.
    std::string da = read(LEDSAGER_SOURCE_ASSETS "/guides/mitid-login/da.toml");
    const std::string da_from = "title = \"Log ind med MitID\"";
    REQUIRE(da.find(da_from) != std::string::npos);
    auto [saved, checks] = post(emil, at + "/files", {{"name", "da.toml"}, {"text", da + "\n[step.have-app\n"}});
    REQUIRE(saved == 200);
    CHECK(checks["errors"].get<int>() > 0);
    bool named = false;
    for (const auto& p : checks["problems"])
        named = named || (p["file"] == "da.toml" && p["line"].get<int>() > 1 && p["severity"] == "error");
    CHECK_MESSAGE(named, checks.dump());
    CHECK(post(emil, at + "/submit", nlohmann::json::object()).first == 409);
    CHECK(post(emil, at + "/files", {{"name", "../hub.sqlite3"}, {"text", "x"}}).first == 400);
    // The change, in Danish and English: the English is stamped as translated from the new Danish.
    da.replace(da.find(da_from), da_from.size(), "title = \"Log på med MitID\"");
    std::tie(saved, checks) = post(emil, at + "/files", {{"name", "da.toml"}, {"text", da}});
    REQUIRE(saved == 200);
    CHECK_MESSAGE(checks["errors"] == 0, checks.dump());
    // The English is now outdated against the new Danish: a warning naming en.toml, in the
    // guide's own terms (never the hub's folders).
    bool en_outdated = false;
    for (const auto& p : checks["problems"]) {
        en_outdated = en_outdated || (p["file"] == "en.toml" && p["severity"] == "warning");
        CHECK(p["message"].get<std::string>().find(hub.dir.string()) == std::string::npos);
    }
    CHECK_MESSAGE(en_outdated, checks.dump());
    std::string en = read(LEDSAGER_SOURCE_ASSETS "/guides/mitid-login/en.toml");
    const std::string en_from = "title = \"Log in with MitID\"";
    en.replace(en.find(en_from), en_from.size(), "title = \"Sign in with MitID\"");
    std::tie(saved, checks) = post(emil, at + "/files", {{"name", "en.toml"}, {"text", en}});
    REQUIRE(saved == 200);
    CHECK(checks["errors"] == 0);
    // Another editor's draft is not Rikke's to see before it is submitted.
    CHECK(c.Get(at, rikke.headers)->status == 404);
    REQUIRE(post(emil, at + "/submit", nlohmann::json::object()).first == 204);
    CHECK(post(emil, at + "/files", {{"name", "da.toml"}, {"text", da}}).first == 409);  // submitted: frozen
    // Nobody approves their own change: an editor has no such right, a reviewer not for their own.
    CHECK(post(emil, at + "/approve", nlohmann::json::object()).first == 403);
    auto [own, own_draft] = post(rikke, "/api/v1/content/drafts", {{"guide", "mitid-login"}});
    REQUIRE(own == 201);
    const std::string own_at = "/api/v1/content/drafts/" + std::to_string(own_draft["id"].get<std::int64_t>());
    REQUIRE(post(rikke, own_at + "/files", {{"name", "da.toml"}, {"text", da}}).first == 200);
    REQUIRE(post(rikke, own_at + "/submit", nlohmann::json::object()).first == 204);
    CHECK(post(rikke, own_at + "/approve", nlohmann::json::object()).first == 403);
    // The reviewer sees what changed, in both languages, then approves: the hub publishes v1.
    auto shown = c.Get(at, rikke.headers);
    REQUIRE(shown);
    REQUIRE(shown->status == 200);
    const auto change = nlohmann::json::parse(shown->body);
    CHECK(change["files"]["en.toml"]["published"].get<std::string>().find("Log in with MitID") != std::string::npos);
    CHECK(change["files"]["en.toml"]["draft"].get<std::string>().find("Sign in with MitID") != std::string::npos);
    CHECK(change["author"] == "Emil");
    auto [approved, published] = post(rikke, at + "/approve", nlohmann::json::object());
    REQUIRE_MESSAGE(approved == 200, published.dump());
    CHECK(published["bundle"] == 1);
    REQUIRE(store.latest_bundle());
    CHECK(store.latest_bundle()->key_id == common::content_key_id(kp.public_key));
    // Rikke's own change was made from the installed guides, before v1: another reviewer
    // cannot publish it over v1 (it would undo Emil's change); it must be made again.
    store.add_user({0, "rasmus", "Rasmus Reviewer", "reviewer", hub::hash_password("rasmus-password"), "da", {1}});
    const auto [outdated, why] = post(login("rasmus"), own_at + "/approve", nlohmann::json::object());
    CHECK(outdated == 409);
    CHECK(why["reason"] == "outdated");
    // The list says so, and the editor's change is published, by whom.
    auto list = c.Get("/api/v1/content/drafts", emil.headers);
    REQUIRE(list);
    const auto drafts = nlohmann::json::parse(list->body)["drafts"];
    REQUIRE(drafts.size() == 1);  // Emil's own; Rikke's is not his
    CHECK(drafts[0]["status"] == "published");
    CHECK(drafts[0]["reviewer"] == "Rikke");
    auto guides = c.Get("/api/v1/content/guides?lang=en", emil.headers);
    REQUIRE(guides);
    CHECK(guides->body.find("Sign in with MitID") != std::string::npos);
    // A kiosk that pins the publishing key takes the bundle and shows it from the next session.
    Kiosk k(hub.port, dir / "kiosk-content", kp.public_key);
    k.h->wait(31'000);
    REQUIRE_MESSAGE(until(*k.h, [&] { return k.app().content_version() == 1; }), k.app().last_error());
    k.h->frame();
    k.h->tap("attract.start");
    k.h->tap("language.en");
    CHECK(k.h->shows("Sign in with MitID"));
    // History: v1, from the studio, with who wrote and who approved it.
    auto history = c.Get("/api/v1/content/history", emil.headers);
    REQUIRE(history);
    REQUIRE(history->status == 200);
    const auto versions = nlohmann::json::parse(history->body)["versions"];
    REQUIRE(versions.size() == 1);
    CHECK(versions[0]["version"] == 1);
    CHECK(versions[0]["guide"] == "mitid-login");
    CHECK(versions[0]["author"] == "Emil");
    CHECK(versions[0]["reviewer"] == "Rikke");
    CHECK(c.Get("/api/v1/content/history", mette.headers)->status == 403);
    // Going back to the installed text is a change like any other: Danish and English as they
    // were, approved by a second person, published as v2 (kiosks only ever go up in version).
    CHECK(post(emil, "/api/v1/content/drafts", {{"guide", "mitid-login"}, {"from", 7}}).first == 404);
    auto [back, back_draft] = post(emil, "/api/v1/content/drafts", {{"guide", "mitid-login"}, {"from", 0}});
    REQUIRE(back == 201);
    CHECK(back_draft["files"] == 2);
    CHECK(back_draft["errors"] == 0);
    const std::string back_at = "/api/v1/content/drafts/" + std::to_string(back_draft["id"].get<std::int64_t>());
    REQUIRE(post(emil, back_at + "/submit", nlohmann::json::object()).first == 204);
    auto [restored, v2] = post(rikke, back_at + "/approve", nlohmann::json::object());
    REQUIRE_MESSAGE(restored == 200, v2.dump());
    CHECK(v2["bundle"] == 2);
    auto again = c.Get("/api/v1/content/guides?lang=en", emil.headers);
    CHECK(again->body.find("Log in with MitID") != std::string::npos);
    CHECK(post(emil, "/api/v1/content/drafts", {{"guide", "mitid-login"}, {"from", 0}}).second["reason"] == "same");
    // The kiosk takes v2 once this citizen's session is over, and shows the text as it was.
    k.h->wait(200'000);
    REQUIRE_MESSAGE(until(*k.h, [&] { return k.app().content_version() == 2; }), k.app().last_error());
    k.h->frame();
    k.h->tap("attract.start");
    k.h->tap("language.en");
    CHECK(k.h->shows("Log in with MitID"));
    const auto audit = store.audit_log(20);
    CHECK(std::any_of(audit.begin(), audit.end(),
                      [](const std::string& l) { return l.find("content_published") != std::string::npos; }));
}
