// hub_api: a real hub on a loopback port, driven over HTTP as kiosks and staff would:
// authentication on every operation, help requests from creation to resolution, live
// events, bad input answered 4xx naming the field, sites kept apart, audit log, purge.
#include <doctest/doctest.h>
#include <httplib.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <thread>

#include "common/languages.hpp"
#include "hub/auth.hpp"
#include "hub/server.hpp"
#include "running_hub.hpp"
#include "temp_dir.hpp"

namespace fs = std::filesystem;
using json = nlohmann::json;
using namespace ledsager::hub;
using namespace ledsager::common;

namespace {

const std::string kMetricsToken = "metrics-token-for-tests";

// The shared test hub (running_hub.hpp) in a folder of its own, with two sites, three kiosks
// and staff at each.
struct TestHub : ledsager::test::TempDir, ledsager::test::RunningHub {
    std::int64_t site_a = 0, site_b = 0;

    TestHub()
        : TempDir("ledsager-hub-test"),
          RunningHub(TempDir::path / "data", 0, false, {}, [](HubOptions& o) { o.metrics_token = kMetricsToken; }) {
        REQUIRE(init_crypto());
        auto& s = server->store();
        site_a = s.add_site("main-library", "Main Library", "Counter 3");
        site_b = s.add_site("citizen-service", "Citizen Service", "Reception");
        s.add_kiosk(site_a, "kiosk-a", "By the entrance", hash_token("token-a"));
        s.add_kiosk(site_a, "kiosk-a2", "First floor", hash_token("token-a2"));
        s.add_kiosk(site_b, "kiosk-b", "Hall", hash_token("token-b"));
        s.add_user({0, "mette", "Mette Jensen", "staff", hash_password("mette-password"), "da,en", {site_a}});
        s.add_user({0, "ali", "Ali Hassan", "staff", hash_password("ali-password!"), "da,ar", {site_a}});
        s.add_user({0, "bo", "Bo Berg", "staff", hash_password("bo-password!!"), "da", {site_b}});
    }
    httplib::Client client() const {
        httplib::Client c("127.0.0.1", port);
        c.set_read_timeout(5, 0);
        return c;
    }
};

httplib::Headers kiosk(const std::string& token) {
    return {{"Authorization", "Bearer " + token}};
}

struct Staff {
    std::string cookie, csrf;
    httplib::Headers headers(bool with_csrf = true) const {
        httplib::Headers h{{"Cookie", cookie}};
        if (with_csrf) h.emplace("X-CSRF-Token", csrf);
        return h;
    }
};

Staff login(httplib::Client& c, const std::string& user, const std::string& password) {
    auto r = c.Post("/api/v1/auth/login", json{{"username", user}, {"password", password}}.dump(), "application/json");
    REQUIRE(r);
    REQUIRE_MESSAGE(r->status == 200, r->body);
    const std::string set_cookie = r->get_header_value("Set-Cookie");
    CHECK(set_cookie.find("HttpOnly") != std::string::npos);
    CHECK(set_cookie.find("SameSite=Strict") != std::string::npos);
    return {set_cookie.substr(0, set_cookie.find(';')), json::parse(r->body)["csrf"]};
}

json body(const httplib::Result& r) {
    return json::parse(r->body);
}

const std::string kRequest =
    R"({"kind":"in_person","guide":"mitid-login","step":"user-id","step_number":3,"language":"ar","needs":["interpreter"]})";

}  // namespace

TEST_CASE("open endpoints and authentication on everything else") {
    TestHub t;
    auto c = t.client();
    auto h = c.Get("/healthz");
    REQUIRE(h);
    CHECK(h->status == 200);
    CHECK(body(h)["schema"] == Store::schema_version_latest());
    CHECK(c.Get("/metrics")->status == 401);  // monitoring has a token of its own
    auto m = c.Get("/metrics", {{"Authorization", "Bearer " + kMetricsToken}});
    CHECK(m->status == 200);
    CHECK(m->body.find("ledsager_hub_help_requests_open{site=\"main-library\"} 0") != std::string::npos);
    for (const auto& path : {"/api/v1/help-requests", "/api/v1/me", "/api/v1/help-requests/1", "/api/v1/events"})
        CHECK_MESSAGE(c.Get(path)->status == 401, path);
    CHECK(c.Post("/api/v1/help-requests", kRequest, "application/json")->status == 401);
    CHECK(c.Post("/api/v1/help-requests", kiosk("wrong-token"), kRequest, "application/json")->status == 401);
    CHECK(c.Post("/api/v1/help-requests/1/claim", "", "application/json")->status == 401);
}

TEST_CASE("a request from a kiosk, claimed, seen by the kiosk, resolved") {
    TestHub t;
    auto c = t.client();
    auto r = c.Post("/api/v1/help-requests", kiosk("token-a"), kRequest, "application/json");
    REQUIRE(r);
    REQUIRE_MESSAGE(r->status == 201, r->body);
    const json created = body(r);
    CHECK(created["number"] == "A-001");
    CHECK(created["position"] == 1);
    CHECK(created["estimated_wait_s"].get<int>() >= 60);
    CHECK_FALSE(created.contains("guide"));  // the kiosk is told only what it needs
    const auto id = created["id"].get<std::int64_t>();
    auto second = body(c.Post("/api/v1/help-requests", kiosk("token-a2"), R"({"kind":"in_person","language":"da"})",
                              "application/json"));
    CHECK(second["number"] == "A-002");
    CHECK(second["position"] == 2);
    auto video = body(
        c.Post("/api/v1/help-requests", kiosk("token-a2"), R"({"kind":"video","language":"da"})", "application/json"));
    CHECK(video["number"] == "V-001");

    Staff mette = login(c, "mette", "mette-password");
    auto list = body(c.Get("/api/v1/help-requests", mette.headers(false)))["requests"];
    REQUIRE(list.size() == 3);
    CHECK(list[0]["number"] == "A-001");  // oldest first
    CHECK(list[0]["guide"] == "mitid-login");
    CHECK(list[0]["step_number"] == 3);
    CHECK(list[0]["language"] == "ar");
    CHECK(list[0]["kiosk_place"] == "By the entrance");
    CHECK(list[0]["needs"] == json::array({"interpreter"}));
    CHECK(list[0]["speakers"] == json::array({"Ali"}));  // colleagues who speak the citizen's language

    const std::string base = "/api/v1/help-requests/" + std::to_string(id);
    CHECK(c.Post(base + "/claim", mette.headers(false), "", "application/json")->status == 403);  // no CSRF token
    auto claimed = c.Post(base + "/claim", mette.headers(), "", "application/json");
    REQUIRE_MESSAGE(claimed->status == 200, claimed->body);
    CHECK(c.Post(base + "/claim", mette.headers(), "", "application/json")->status == 409);
    auto seen = body(c.Get(base, kiosk("token-a")));
    CHECK(seen["status"] == "claimed");
    CHECK(seen["claimed_by"] == "Mette");  // first name only
    CHECK(body(c.Get("/api/v1/help-requests/" + std::to_string(second["id"].get<int>()),
                     kiosk("token-a2")))["position"] == 1);

    CHECK(c.Post(base + "/release", mette.headers(), "", "application/json")->status == 200);
    CHECK(body(c.Get(base, kiosk("token-a")))["status"] == "open");
    c.Post(base + "/claim", mette.headers(), "", "application/json");
    auto bad = c.Post(base + "/resolve", mette.headers(), R"({"outcome":"magic"})", "application/json");
    CHECK(bad->status == 400);
    CHECK(body(bad)["field"] == "outcome");
    CHECK(c.Post(base + "/resolve", mette.headers(), R"({"outcome":"appointment"})", "application/json")->status ==
          200);
    CHECK(body(c.Get(base, kiosk("token-a")))["status"] == "resolved");
    CHECK(body(c.Get("/api/v1/help-requests", mette.headers(false)))["requests"].size() == 2);

    // The kiosk can cancel its own open request, not someone else's.
    const std::string sid = "/api/v1/help-requests/" + std::to_string(second["id"].get<int>());
    CHECK(c.Post(sid + "/cancel", kiosk("token-a"), "", "application/json")->status == 404);
    CHECK(c.Post(sid + "/cancel", kiosk("token-a2"), "", "application/json")->status == 200);
    CHECK(c.Post(sid + "/cancel", kiosk("token-a2"), "", "application/json")->status == 409);

    // Staff actions are audited; nothing about the citizen is in the audit line.
    const auto log = t.server->store().audit_log(20);
    CHECK(std::any_of(log.begin(), log.end(), [](const std::string& l) {
        return l.find("mette resolve A-001 appointment") != std::string::npos;
    }));
    CHECK(std::any_of(log.begin(), log.end(),
                      [](const std::string& l) { return l.find("mette claim A-001") != std::string::npos; }));
}

TEST_CASE("sites are kept apart") {
    TestHub t;
    auto c = t.client();
    const auto id =
        body(c.Post("/api/v1/help-requests", kiosk("token-a"), kRequest, "application/json"))["id"].get<int>();
    Staff bo = login(c, "bo", "bo-password!!");
    CHECK(body(c.Get("/api/v1/help-requests", bo.headers(false)))["requests"].empty());
    CHECK(c.Get("/api/v1/help-requests/" + std::to_string(id), bo.headers(false))->status == 404);
    CHECK(c.Post("/api/v1/help-requests/" + std::to_string(id) + "/claim", bo.headers(), "", "application/json")
              ->status == 404);
    CHECK(c.Get("/api/v1/help-requests/" + std::to_string(id), kiosk("token-b"))->status == 404);
}

TEST_CASE("bad input is answered 4xx with the field named") {
    TestHub t;
    auto c = t.client();
    struct Case {
        std::string body;
        int status;
        std::string field;
    };
    for (const auto& k : std::vector<Case>{
             {"{not json", 400, ""},
             {"[1,2]", 400, ""},
             {R"({"language":"da"})", 400, "kind"},
             {R"({"kind":"teleport","language":"da"})", 400, "kind"},
             {R"({"kind":"video","language":"da","name":"Jens"})", 400, "name"},
             {R"({"kind":"video","language":7})", 400, "language"},
             {R"({"kind":"video","language":"da","step_number":-1})", 400, "step_number"},
             {R"({"kind":"video","language":"da","needs":["x"]})", 400, "needs"},
             {R"({"kind":"video","language":"da","guide":")" + std::string(100, 'g') + R"("})", 400, "guide"},
             // Ids only: free text in a help request would reach the anonymous counts.
             {R"({"kind":"video","language":"da","guide":"CANARY my cpr 010190-1234"})", 400, "guide"},
             {R"({"kind":"video","language":"da","guide":"mitid-login","step":"Jens Jensen"})", 400, "step"},
         }) {
        auto r = c.Post("/api/v1/help-requests", kiosk("token-a"), k.body, "application/json");
        REQUIRE(r);
        CAPTURE(k.body);
        CHECK(r->status == k.status);
        const json j = body(r);
        CHECK(j.contains("error"));
        if (!k.field.empty()) CHECK(j["field"] == k.field);
    }
    auto big = c.Post("/api/v1/help-requests", kiosk("token-a"), std::string(64 * 1024, ' '), "application/json");
    REQUIRE(big);
    CHECK(big->status == 413);
    CHECK(t.server->store().count("help_requests") == 0);
    CHECK(c.Get("/api/v1/help-requests/abc", kiosk("token-a"))->status == 404);
}

TEST_CASE("logins: wrong passwords are refused and rate-limited; logout ends the session") {
    TestHub t;
    auto c = t.client();
    for (int i = 0; i < 5; ++i)
        CHECK(c.Post("/api/v1/auth/login", R"({"username":"mette","password":"guess"})", "application/json")->status ==
              401);
    CHECK(c.Post("/api/v1/auth/login", R"({"username":"mette","password":"mette-password"})", "application/json")
              ->status == 429);
    Staff ali = login(c, "ali", "ali-password!");
    CHECK(c.Get("/api/v1/me", ali.headers(false))->status == 200);
    CHECK(c.Post("/api/v1/auth/logout", ali.headers(), "", "application/json")->status == 204);
    CHECK(c.Get("/api/v1/me", ali.headers(false))->status == 401);
    // Passwords are stored as argon2id hashes only.
    CHECK(t.server->store().user_by_name("ali")->password_hash.rfind("$argon2id$", 0) == 0);
}

TEST_CASE("staff see a new request within a second over the live event stream") {
    TestHub t;
    auto c = t.client();
    Staff mette = login(c, "mette", "mette-password");
    std::string received;
    std::atomic<bool> got{false};
    std::thread listener([&] {
        auto lc = t.client();
        lc.Get("/api/v1/events", mette.headers(false), [&](const char* data, size_t n) {
            received.append(data, n);
            if (received.find("A-001") != std::string::npos) {
                got = true;
                return false;
            }
            return true;
        });
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    const auto start = std::chrono::steady_clock::now();
    REQUIRE(c.Post("/api/v1/help-requests", kiosk("token-a"), kRequest, "application/json")->status == 201);
    while (!got && std::chrono::steady_clock::now() - start < std::chrono::seconds(3))
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
    CHECK(got);
    CHECK(ms < 1000);
    MESSAGE("request shown on the event stream after " << ms << " ms");
    t.server->stop();
    listener.join();
    CHECK(received.find("event: requests") != std::string::npos);
}

TEST_CASE("closed requests are purged after the retention time; anonymous counts stay") {
    TestHub t;
    auto& s = t.server->store();
    HelpRequest r;
    r.site_id = t.site_a;
    r.kiosk_id = 1;
    r.kind = "in_person";
    r.language = "da";
    const Seconds long_ago = 1'700'000'000;
    r = s.create_request(r, long_ago);
    REQUIRE(s.set_status(r.id, "open", "resolved", 1, "solved", long_ago + 60));
    auto open = s.create_request(r, long_ago);
    CHECK(s.purge(long_ago + 61) == 1);
    CHECK_FALSE(s.request(r.id));
    CHECK(s.request(open.id));  // open requests are never purged
}

TEST_CASE("the schema migrates on open and refuses a newer database") {
    const ledsager::test::TempDir dir_tmp("ledsager-hub-schema");
    const std::filesystem::path& dir = dir_tmp.path;
    {
        Store s(dir);
        CHECK(s.schema_version() == Store::schema_version_latest());
        s.add_site("x", "X", "");
    }
    {
        Store again(dir);  // reopening keeps the data
        CHECK(again.sites().size() == 1);
    }
    // A database from a newer hub is refused with a sentence, not touched.
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open((dir / "hub.sqlite3").c_str(), &db) == SQLITE_OK);
    REQUIRE(sqlite3_exec(db, "PRAGMA user_version=99", nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);
    CHECK_THROWS_WITH_AS(Store{dir}, doctest::Contains("newer hub"), StoreError);
    fs::remove_all(dir);
}

TEST_CASE("schema 12: content editors and reviewers join the roles; every account, session and claim stays") {
    // A hub's database from schema 11: the users table's CHECK knows four roles, and an account
    // has a session, a site and a claimed request that point at it.
    const ledsager::test::TempDir dir_tmp("ledsager-hub-schema-12");
    const std::filesystem::path& dir = dir_tmp.path;
    std::int64_t mette = 0, request = 0;
    {
        Store s(dir);
        const auto site = s.add_site("x", "X", "");
        const auto kiosk = s.add_kiosk(site, "k", "Hall", hash_token("t"));
        mette = s.add_user({0, "mette", "Mette", "staff", hash_password("pw"), "da", {site}});
        REQUIRE(s.add_session("session-hash", mette, s.user(mette)->password_hash, "csrf", 2000000000, 1000));
        HelpRequest r;
        r.site_id = site;
        r.kiosk_id = kiosk;
        r.kind = "in_person";
        r.guide = "g";
        r.step = "s";
        r.language = "da";
        request = s.create_request(r, 1000).id;
        REQUIRE(s.set_status(request, "open", "claimed", mette, "", 1001));
    }
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open((dir / "hub.sqlite3").c_str(), &db) == SQLITE_OK);
    auto exec = [&](const std::string& sql) {
        char* err = nullptr;
        const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
        REQUIRE_MESSAGE(rc == SQLITE_OK, (err ? err : "") << " in " << sql);
    };
    exec(R"(PRAGMA foreign_keys=OFF;
            DROP TABLE content_drafts;
            CREATE TABLE users_old(id INTEGER PRIMARY KEY, username TEXT UNIQUE NOT NULL, display_name TEXT NOT NULL,
                                   role TEXT NOT NULL CHECK(role IN ('staff','caseworker','it_admin','manager')),
                                   password_hash TEXT NOT NULL, languages TEXT NOT NULL DEFAULT '',
                                   disabled INTEGER NOT NULL DEFAULT 0);
            INSERT INTO users_old SELECT id, username, display_name, role, password_hash, languages, disabled FROM users;
            DROP TABLE users;
            ALTER TABLE users_old RENAME TO users;
            PRAGMA user_version=11;)");
    sqlite3_close(db);
    Store s(dir);
    CHECK(s.schema_version() == Store::schema_version_latest());
    REQUIRE(s.user(mette));
    CHECK(s.user(mette)->username == "mette");
    CHECK(s.user(mette)->sites.size() == 1);
    CHECK(s.session("session-hash", 1002, 3600));  // still logged in
    CHECK(s.request(request)->claimed_by == mette);
    const auto emil = s.add_user({0, "emil", "Emil", "editor", hash_password("pw"), "da,ar", {}});
    CHECK(s.user(emil)->role == "editor");
    CHECK(s.add_user({0, "rikke", "Rikke", "reviewer", hash_password("pw"), "da", {}}) > 0);
    CHECK_THROWS_AS(s.add_user({0, "jens", "Jens", "janitor", hash_password("pw"), "da", {}}), StoreError);
    // Every reference to an account still holds.
    REQUIRE(sqlite3_open((dir / "hub.sqlite3").c_str(), &db) == SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, "PRAGMA foreign_key_check", -1, &st, nullptr) == SQLITE_OK);
    CHECK(sqlite3_step(st) == SQLITE_DONE);
    sqlite3_finalize(st);
    sqlite3_close(db);
}

TEST_CASE("content studio: editors see each guide's state in every kiosk language") {
    // The installed guides, with three things an editor must see: a Danish title changed after
    // the English was translated from it, a language taken out, and a source not checked for years.
    const ledsager::test::TempDir guides("ledsager-hub-content-state");
    fs::copy(LEDSAGER_SOURCE_DIR "/assets/guides", guides.path, fs::copy_options::recursive);
    const fs::path mitid = guides.path / "mitid-login";
    auto rewrite = [](const fs::path& file, const std::string& from, const std::string& to) {
        std::ifstream in(file);
        std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        const auto at = text.find(from);
        REQUIRE_MESSAGE(at != std::string::npos, file << ": " << from);
        text.replace(at, from.size(), to);
        std::ofstream(file) << text;
    };
    rewrite(mitid / "da.toml", "title = \"", "title = \"Nu: ");
    fs::remove(mitid / "so.toml");
    rewrite(mitid / "guide.toml", "mitid-chip\", checked = 2026-12-04", "mitid-chip\", checked = 2020-01-01");
    ledsager::test::TempDir data("ledsager-hub-content-data");
    ledsager::test::RunningHub hub(data.path, 0, false, {}, [&](HubOptions& o) { o.content_dir = guides.path; });
    auto& s = hub.server->store();
    const auto site = s.add_site("x", "X", "");
    s.add_user({0, "emil", "Emil Editor", "editor", hash_password("emil-password"), "da,ar", {site}});
    httplib::Client c("127.0.0.1", hub.port);
    const Staff emil = login(c, "emil", "emil-password");
    auto r = c.Get("/api/v1/content/guides?lang=en", emil.headers(false));
    REQUIRE(r);
    REQUIRE(r->status == 200);
    const json body = json::parse(r->body);
    CHECK(body["languages"].size() == std::size(ledsager::common::kLanguages));
    CHECK(body["published"].is_null());  // no bundle published yet: the installed guides
    const json* g = nullptr;
    for (const auto& e : body["guides"])
        if (e["id"] == "mitid-login") g = &e;
    REQUIRE(g);
    CHECK((*g)["title"] == "Log in with MitID");
    CHECK((*g)["category"] == "login");
    CHECK((*g)["steps"].get<int>() > 5);
    const json& langs = (*g)["languages"];
    CHECK(langs["da"]["state"] == "published");
    CHECK(langs["da"]["translated_from"] == "");
    CHECK(langs["en"]["state"] == "outdated");  // its Danish source changed
    CHECK(langs["en"]["translated_from"] == "da");
    CHECK(langs["ar"]["state"] == "published");  // translated from English, which did not change
    CHECK(langs["ar"]["reviewed_by"].get<std::string>().find("Arabic") != std::string::npos);
    CHECK(langs["so"]["state"] == "missing");
    CHECK((*g)["sources_checked"] == "2020-01-01");
    CHECK((*g)["sources_stale"] == true);
    int stale = 0;
    for (const auto& src : (*g)["sources"])
        stale += src["stale"].get<bool>() ? 1 : 0;
    CHECK(stale == 1);
    // The other guides, untouched: Danish and English there and current.
    CHECK(body["guides"].size() > 5);
    for (const auto& e : body["guides"])
        if (e["id"] != "mitid-login") {
            CAPTURE(e["id"]);
            CHECK(e["languages"]["da"]["state"] == "published");
            CHECK(e["languages"]["en"]["state"] == "published");
        }
}

TEST_CASE("every operation in hub/openapi.yaml exists, and all but the open ones demand credentials") {
    TestHub t;
    auto c = t.client();
    std::ifstream in(LEDSAGER_SOURCE_DIR "/hub/openapi.yaml");
    REQUIRE(in);
    std::string line, path;
    int operations = 0;
    const std::regex path_re(R"(^  (/[^:]*):\s*$)"), op_re(R"(^    (get|post):\s*$)");
    std::smatch m;
    while (std::getline(in, line)) {
        if (std::regex_match(line, m, path_re))
            path = std::regex_replace(m[1].str(), std::regex(R"(\{[a-z_]+\})"), "1");
        if (!std::regex_match(line, m, op_re) || path.empty()) continue;
        ++operations;
        const bool open = path == "/healthz" || path == "/api/v1/auth/login" || path == "/api/v1/enroll";
        auto r = m[1] == "get" ? c.Get(path) : c.Post(path, "{}", "application/json");
        REQUIRE(r);
        CAPTURE(path);
        CHECK(r->status != 404);
        if (open)
            CHECK(r->status != 401);
        else
            CHECK(r->status == 401);
    }
    CHECK(operations >= 12);
}

TEST_CASE("signals: kiosk-only, validated, shown to the site's staff only") {
    TestHub t;
    auto c = t.client();
    CHECK(c.Post("/api/v1/signals", R"({"reason":"idle_on_step","language":"da"})", "application/json")->status == 401);
    auto bad = c.Post("/api/v1/signals", kiosk("token-a"), R"({"reason":"bored","language":"da"})", "application/json");
    CHECK(bad->status == 400);
    CHECK(body(bad)["field"] == "reason");
    CHECK(c.Post("/api/v1/signals", kiosk("token-a"),
                 R"({"reason":"idle_on_step","guide":"mitid-login","step":"user-id","step_number":3,"language":"da"})",
                 "application/json")
              ->status == 204);
    Staff mette = login(c, "mette", "mette-password");
    auto s = body(c.Get("/api/v1/help-requests", mette.headers(false)))["signals"];
    REQUIRE(s.size() == 1);
    CHECK(s[0]["kiosk_place"] == "By the entrance");
    Staff bo = login(c, "bo", "bo-password!!");
    CHECK(body(c.Get("/api/v1/help-requests", bo.headers(false)))["signals"].empty());
}

TEST_CASE("fleet health: heartbeats are validated, IT sees stale and failing kiosks first, /metrics says the same") {
    TestHub t;
    auto c = t.client();
    t.server->store().add_user({0, "ida", "Ida IT", "it_admin", hash_password("ida-password!"), "da", {t.site_a}});
    const std::string ok =
        R"({"version":"0.1.0","uptime_s":120,"content_version":"10-abc","printer":"none","camera":"ok","audio":"ok"})";
    CHECK(c.Post("/api/v1/heartbeat", ok, "application/json")->status == 401);  // kiosks only
    auto bad = c.Post(
        "/api/v1/heartbeat", kiosk("token-a"),
        R"({"version":"0.1.0","uptime_s":1,"content_version":"x","printer":"on fire","camera":"ok","audio":"ok"})",
        "application/json");
    CHECK(bad->status == 400);
    CHECK(body(bad)["field"] == "printer");
    // A field that could carry something personal does not exist: unknown fields are refused.
    CHECK(
        c.Post(
             "/api/v1/heartbeat", kiosk("token-a"),
             R"({"version":"0.1.0","uptime_s":1,"content_version":"x","printer":"ok","camera":"ok","audio":"ok","language":"da"})",
             "application/json")
            ->status == 400);
    CHECK(c.Post("/api/v1/heartbeat", kiosk("token-a"), ok, "application/json")->status == 200);
    CHECK(
        c.Post(
             "/api/v1/heartbeat", kiosk("token-a2"),
             R"({"version":"0.1.0","uptime_s":5,"content_version":"10-abc","printer":"failing","camera":"none","audio":"ok","last_error":"/dev/usb/lp0: no paper"})",
             "application/json")
            ->status == 200);

    Staff mette = login(c, "mette", "mette-password");
    CHECK(c.Get("/api/v1/devices", mette.headers(false))->status == 403);  // front-desk staff: not theirs
    Staff ida = login(c, "ida", "ida-password!");
    auto list = body(c.Get("/api/v1/devices", ida.headers(false)))["devices"];
    REQUIRE(list.size() == 2);  // site A only
    CHECK(list[0]["name"] == "kiosk-a2");
    CHECK(list[0]["state"] == "failing");
    CHECK(list[0]["last_error"] == "/dev/usb/lp0: no paper");
    CHECK(list[1]["name"] == "kiosk-a");
    CHECK(list[1]["state"] == "ok");
    CHECK(list[1]["version"] == "0.1.0");
    const std::string metrics = c.Get("/metrics", {{"Authorization", "Bearer " + kMetricsToken}})->body;
    CHECK(metrics.find(R"(ledsager_hub_kiosk_up{site="main-library",kiosk="kiosk-a"} 1)") != std::string::npos);
    CHECK(metrics.find(R"(ledsager_hub_kiosk_up{site="main-library",kiosk="kiosk-a2"} 0)") != std::string::npos);
    CHECK(metrics.find(R"(ledsager_hub_kiosk_last_heartbeat_age_seconds{site="citizen-service",kiosk="kiosk-b"} -1)") !=
          std::string::npos);
}
