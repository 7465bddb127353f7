// The hub under attack (docs/security.md): each finding of the security review has a test
// here that failed on the hub before it was mended. A real hub on loopback, driven over HTTP
// (and raw sockets where an attacker would not behave like an HTTP client).
#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <thread>

#include "common/bundle.hpp"
#include "hub/auth.hpp"
#include "hub/guard.hpp"
#include "hub/insight.hpp"
#include "temp_dir.hpp"
#include "tests/hub/running_hub.hpp"

namespace fs = std::filesystem;
using json = nlohmann::json;
using namespace ledsager;
using namespace std::chrono_literals;

namespace {

// The seeded test hub (site "main", kiosk token "kiosk-token", staff mette) plus one user of
// every other role and a second site with its own staff.
struct Hub : test::TempDir, test::RunningHub {
    std::int64_t site = 0;
    explicit Hub(const std::string& name, const std::function<void(hub::HubOptions&)>& tune = {})
        : TempDir("ledsager-sec-" + name), RunningHub(TempDir::path / "data", 0, true, {}, [&](hub::HubOptions& o) {
              o.web_dir = LEDSAGER_SOURCE_DIR "/hub/web";
              o.metrics_token = "metrics-token-for-tests";
              if (tune) tune(o);
          }) {
        auto& s = server->store();
        site = s.site_by_slug("main")->id;
        s.add_user({0, "carl", "Carl Case", "caseworker", hub::hash_password("carl-password"), "da,en", {site}});
        s.add_user({0, "ida", "Ida IT", "it_admin", hash("ida-password"), "da", {site}});
        s.add_user({0, "maja", "Maja Manager", "manager", hash("maja-password"), "da", {site}});
        s.add_user({0, "sofie", "Sofie Staff", "staff", hash("sofie-password"), "da", {site}});
        s.add_user({0, "emil", "Emil Editor", "editor", hash("emil-password"), "da,ar", {site}});
        s.add_user({0, "rikke", "Rikke Reviewer", "reviewer", hash("rikke-password"), "da,en", {site}});
    }
    static std::string hash(const std::string& p) { return hub::hash_password(p); }
    httplib::Client client() const {
        httplib::Client c("127.0.0.1", port);
        c.set_read_timeout(10, 0);
        return c;
    }
};

struct Staff {
    std::string cookie, csrf;
    httplib::Headers headers(bool with_csrf = true) const {
        httplib::Headers h{{"Cookie", cookie}};
        if (with_csrf) h.emplace("X-CSRF-Token", csrf);
        return h;
    }
};

Staff login(httplib::Client& c, const std::string& user, const std::string& password, httplib::Headers extra = {}) {
    auto r = c.Post("/api/v1/auth/login", extra, json{{"username", user}, {"password", password}}.dump(),
                    "application/json");
    REQUIRE(r);
    REQUIRE_MESSAGE(r->status == 200, user << ": " << r->body);
    const std::string set_cookie = r->get_header_value("Set-Cookie");
    return {set_cookie.substr(0, set_cookie.find(';')), json::parse(r->body)["csrf"]};
}

httplib::Headers kiosk(const std::string& token = "kiosk-token") {
    return {{"Authorization", "Bearer " + token}};
}

// A raw connection: what an attacker sends is not what an HTTP client library would.
struct Raw {
    int fd = -1;
    explicit Raw(int port) {
        fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(static_cast<uint16_t>(port));
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
        timeval tv{5, 0};
        ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    }
    ~Raw() { ::close(fd); }
    bool send(const std::string& s) {
        return ::send(fd, s.data(), s.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(s.size());
    }
    // Reads until `marker` is seen, the peer closes, or `limit` bytes.
    std::string read_until(const std::string& marker, std::size_t limit = 1 << 20) {
        std::string out;
        char buf[4096];
        while (out.size() < limit && out.find(marker) == std::string::npos) {
            const auto n = ::recv(fd, buf, sizeof buf, 0);
            if (n <= 0) break;
            out.append(buf, static_cast<std::size_t>(n));
        }
        return out;
    }
    std::size_t drain(std::size_t limit) {  // bytes until close or limit
        std::size_t total = 0;
        char buf[65536];
        while (total < limit) {
            const auto n = ::recv(fd, buf, sizeof buf, 0);
            if (n <= 0) break;
            total += static_cast<std::size_t>(n);
        }
        return total;
    }
};

int status_of(const std::string& response) {
    if (response.rfind("HTTP/1.1 ", 0) != 0) return 0;
    return std::stoi(response.substr(9, 3));
}

}  // namespace

TEST_CASE("bodies: chunked and encoded bodies are refused before they are read; several ranges are refused") {
    Hub h("bodies");
    // A chunked login body: refused with 411 after the headers, while the attacker still sends.
    {
        Raw raw(h.port);
        REQUIRE(
            raw.send("POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: "
                     "application/json\r\nTransfer-Encoding: chunked\r\n\r\n"));
        REQUIRE(raw.send("4000\r\n" + std::string(0x4000, 'a') + "\r\n"));
        const std::string answer = raw.read_until("\r\n\r\n");
        CHECK(status_of(answer) == 411);
        // Sending on does not make the hub buffer it: 50 MB more are not taken into memory.
        const std::string chunk = "100000\r\n" + std::string(0x100000, 'a') + "\r\n";
        for (int i = 0; i < 50 && raw.send(chunk); ++i) {
        }
    }
    // A gzip "bomb": refused as encoded, whatever it would grow to.
    {
        auto c = h.client();
        auto r =
            c.Post("/api/v1/auth/login", {{"Content-Encoding", "gzip"}}, std::string(200, '\0'), "application/json");
        REQUIRE(r);
        CHECK(r->status == 415);
        auto plain = c.Post("/api/v1/auth/login", json{{"username", "mette"}, {"password", "mette-password"}}.dump(),
                            "application/json");
        CHECK(plain->status == 200);  // what the consoles send still works
    }
    // Too large with a length: 413 as before.
    {
        auto c = h.client();
        CHECK(c.Post("/api/v1/help-requests", kiosk(), std::string(20000, ' '), "application/json")->status == 413);
    }
    // 2,000 ranges of one static file: refused, not 59 MB built in memory.
    {
        std::string ranges = "bytes=0-";
        for (int i = 0; i < 2000; ++i)
            ranges += ",0-";
        Raw raw(h.port);
        REQUIRE(raw.send("GET /index.html HTTP/1.1\r\nHost: x\r\nRange: " + ranges + "\r\nConnection: close\r\n\r\n"));
        const std::string head = raw.read_until("\r\n\r\n");
        CHECK(status_of(head) == 416);
        CHECK(raw.drain(100 << 20) < 4096);
        auto c = h.client();
        auto one = c.Get("/index.html", {{"Range", "bytes=0-9"}});
        CHECK(one->status == 206);  // one range still works
        CHECK(one->body.size() == 10);
    }
    auto c = h.client();
    CHECK(c.Get("/healthz")->status == 200);
}

TEST_CASE("event streams: a few per person and a bounded number in all; nobody else is shut out") {
    Hub h("streams", [](hub::HubOptions& o) {
        o.max_event_streams_per_user = 3;
        o.max_event_streams = 5;
    });
    auto c = h.client();
    const Staff mette = login(c, "mette", "mette-password"), sofie = login(c, "sofie", "sofie-password"),
                carl = login(c, "carl", "carl-password");
    auto open_stream = [&](const Staff& s) {
        auto raw = std::make_unique<Raw>(h.port);
        REQUIRE(raw->send("GET /api/v1/events HTTP/1.1\r\nHost: x\r\nCookie: " + s.cookie + "\r\n\r\n"));
        const std::string head = raw->read_until("\r\n\r\n");
        return std::make_pair(status_of(head), std::move(raw));
    };
    std::vector<std::unique_ptr<Raw>> held;
    for (int i = 0; i < 3; ++i) {
        auto [status, raw] = open_stream(mette);
        CHECK(status == 200);
        held.push_back(std::move(raw));
    }
    auto [fourth, r4] = open_stream(mette);
    CHECK(fourth == 429);  // a fourth tab of the same person
    for (int i = 0; i < 2; ++i) {
        auto [status, raw] = open_stream(sofie);
        CHECK(status == 200);
        held.push_back(std::move(raw));
    }
    auto [over, r6] = open_stream(carl);
    CHECK(over == 429);  // five in all
    // Ordinary requests are answered meanwhile, and a kiosk's request reaches the list.
    CHECK(c.Get("/healthz")->status == 200);
    CHECK(c.Post("/api/v1/help-requests", kiosk(), R"({"kind":"in_person","language":"da"})", "application/json")
              ->status == 201);
    CHECK(json::parse(c.Get("/api/v1/help-requests", carl.headers(false))->body)["requests"].size() == 1);
    // A closed stream gives its place back (noticed at its next write: a change, or the
    // keep-alive within 15 s).
    held.pop_back();
    CHECK(c.Post("/api/v1/help-requests", kiosk(), R"({"kind":"in_person","language":"da"})", "application/json")
              ->status == 201);
    bool reopened = false;
    for (int i = 0; i < 200 && !reopened; ++i) {
        auto [status, raw] = open_stream(carl);
        reopened = status == 200;
        if (!reopened) std::this_thread::sleep_for(100ms);
    }
    CHECK(reopened);
    // Logging out ends the person's open streams (at their next write). The streams closed
    // here are noticed at the next change: mette claims the first request.
    held.clear();
    const std::string first = std::to_string(
        json::parse(c.Get("/api/v1/help-requests", mette.headers(false))->body)["requests"][0]["id"].get<int>());
    CHECK(c.Post("/api/v1/help-requests/" + first + "/claim", mette.headers(), "", "application/json")->status == 200);
    int status = 0;
    std::unique_ptr<Raw> stream;
    for (int i = 0; i < 200 && status != 200; ++i) {
        std::tie(status, stream) = open_stream(sofie);
        if (status != 200) std::this_thread::sleep_for(100ms);
    }
    REQUIRE(status == 200);
    CHECK(c.Post("/api/v1/auth/logout", sofie.headers(), "", "application/json")->status == 204);
    CHECK(c.Post("/api/v1/help-requests", kiosk(), R"({"kind":"in_person","language":"da"})", "application/json")
              ->status == 201);
    const auto t0 = std::chrono::steady_clock::now();
    stream->drain(10 << 20);  // returns when the hub closes the stream
    CHECK(std::chrono::steady_clock::now() - t0 < 8s);
}

TEST_CASE("report periods: whole final calendar months of real dates only, and a period has a limit") {
    Hub h("periods");
    auto c = h.client();
    const Staff maja = login(c, "maja", "maja-password");
    const auto t0 = std::chrono::steady_clock::now();
    for (const char* q :
         {"from=2026-01-01&to=9999-12-31", "from=2026-00-01&to=2026-01-31", "from=2026-01-01&to=2026-13-01",
          "from=2026-02-01&to=2026-02-30", "from=2025-01-01&to=2026-12-31", "from=1970-01-01&to=1970-01-02",
          "from=2026-1-01&to=2026-01-31", "from=2026-03-01&to=2026-02-01"}) {
        for (const char* report : {"guides", "sites", "gains"}) {
            auto r = c.Get(std::string("/api/v1/insight/") + report + "?" + q, maja.headers(false));
            REQUIRE_MESSAGE(r, q);
            CHECK_MESSAGE(r->status == 400, report << "?" << q << ": " << r->status);
            CHECK_MESSAGE(json::parse(r->body).contains("field"), q);
        }
    }
    CHECK(std::chrono::steady_clock::now() - t0 < 5s);  // nothing loops
    // Whole calendar months that are final: twelve of them ending with the last final one, a
    // leap February; not a month that has not ended (or ended two days ago), not part of one.
    const std::string last = hub::last_final_month(std::time(nullptr));
    const std::string year =
        "from=" + hub::next_month(std::to_string(std::stoi(last.substr(0, 4)) - 1) + last.substr(4)) +
        "-01&to=" + hub::last_day(last);
    CHECK(c.Get("/api/v1/insight/guides?" + year, maja.headers(false))->status == 200);
    CHECK(c.Get("/api/v1/insight/guides?from=2024-02-01&to=2024-02-29", maja.headers(false))->status == 200);
    const std::string open = hub::next_month(last);
    for (const std::string& q :
         {"from=" + open + "-01&to=" + hub::last_day(open), "from=" + last + "-02&to=" + hub::last_day(last),
          "from=" + last + "-01&to=" + last + "-27", std::string("from=2024-01-01&to=2025-01-31")}) {
        auto r = c.Get("/api/v1/insight/sites?" + q, maja.headers(false));
        CHECK_MESSAGE(r->status == 400, q);
        CHECK_MESSAGE(json::parse(r->body).contains("field"), q);
    }
    // Without a period: the last final month.
    CHECK(json::parse(c.Get("/api/v1/insight/gains", maja.headers(false))->body)["to"] == hub::last_day(last));
    CHECK(c.Get("/healthz")->status == 200);
}

TEST_CASE("logins: concurrent guesses are counted before they are checked, delays grow, and counters are kept apart") {
    Hub h("logins", [](hub::HubOptions& o) { o.trusted_proxy = "127.0.0.1"; });
    // One request first, from this thread: cpp-httplib's client sets up its parser once.
    CHECK(h.client().Get("/healthz")->status == 200);
    // The kernel queues a burst of connections (cpp-httplib's own queue of 5 dropped handshakes
    // here, and a dropped one waits seconds for its retransmission).
    {
        auto m = h.client().Get("/metrics", {{"Authorization", "Bearer metrics-token-for-tests"}});
        REQUIRE(m);
        const auto at = m->body.find("\nledsager_hub_listen_queue_limit ");
        REQUIRE(at != std::string::npos);
        int somaxconn = 4096;
        std::ifstream("/proc/sys/net/core/somaxconn") >> somaxconn;
        CHECK(std::stoi(m->body.substr(at + 33)) == std::min(hub::Hub::kListenBacklog, somaxconn));
    }
    // 19 wrong passwords at once from one address: only the free five are checked.
    std::vector<std::future<int>> tries;
    for (int i = 0; i < 19; ++i)
        tries.push_back(std::async(std::launch::async, [&] {
            auto c = h.client();
            auto r = c.Post("/api/v1/auth/login", {{"X-Real-IP", "10.1.1.1"}},
                            R"({"username":"mette","password":"guess"})", "application/json");
            return r ? r->status : 0;
        }));
    // A password check waits at most 3 s for one of the two argon2 slots: on a loaded machine
    // one of the five let through may be answered 503 (busy) instead of being checked.
    int checked = 0, busy = 0, refused = 0, unanswered = 0;
    std::string statuses;
    for (auto& f : tries) {
        const int s = f.get();
        checked += s == 401;
        busy += s == 503;
        refused += s == 429;
        unanswered += s == 0;
        statuses += std::to_string(s) + " ";
    }
    INFO("statuses: ", statuses);
    CHECK(unanswered == 0);  // every guess is answered within the client's 10 s
    CHECK(checked + busy == 5);
    CHECK(checked >= 1);
    CHECK(refused == 14);
    auto c = h.client();
    // The attacker cannot lock Mette out: she logs in from the front desk's own address.
    login(c, "mette", "mette-password", {{"X-Real-IP", "10.2.2.2"}});
    // Behind the trusted edge the address is the client's; from anywhere else X-Real-IP is ignored.
    // Wrong enrollment codes are counted apart from logins: a flood of them does not stop logins.
    int enroll_refused = 0;
    for (int i = 0; i < 12; ++i) {
        auto r =
            c.Post("/api/v1/enroll", {{"X-Real-IP", "10.3.3.3"}}, R"({"code":"AAAA-BBBB-CCCC"})", "application/json");
        enroll_refused += r->status == 429;
    }
    CHECK(enroll_refused >= 1);
    login(c, "sofie", "sofie-password", {{"X-Real-IP", "10.3.3.3"}});
    // Good logins from one shared address do not add up to a delay for the next person.
    for (int i = 0; i < 55; ++i)
        login(c, "sofie", "sofie-password", {{"X-Real-IP", "10.4.4.4"}});
    // The audit log keeps a failed login's name only when it is an account's (it may be a password).
    c.Post("/api/v1/auth/login", {{"X-Real-IP", "10.5.5.5"}},
           R"({"username":"Hunter2-typed-in-the-name","password":"x"})", "application/json");
    bool unknown = false;
    for (const auto& line : h.server->store().audit_log(200)) {
        CHECK(line.find("Hunter2") == std::string::npos);
        unknown = unknown || line.find("login_failed (unknown name)") != std::string::npos;
    }
    CHECK(unknown);
    CHECK(h.server->store().purge_audit(std::time(nullptr) + 10) > 0);
    CHECK(h.server->store().audit_log(10).empty());
}

TEST_CASE("logins: X-Real-IP counts only from the trusted edge") {
    // Without --trusted-proxy (or from another peer) the header is the attacker's own words:
    // a new X-Real-IP per guess must not buy new attempts.
    Hub h("real-ip");
    auto c = h.client();
    int checked = 0, refused = 0;
    for (int i = 0; i < 8; ++i) {
        auto r = c.Post("/api/v1/auth/login", {{"X-Real-IP", "10.9.9." + std::to_string(i)}},
                        R"({"username":"mette","password":"guess"})", "application/json");
        checked += r->status == 401;
        refused += r->status == 429;
    }
    CHECK(checked == 5);
    CHECK(refused == 3);
}

TEST_CASE("throttle: growing delays, success forgets, memory is bounded") {
    auto now = std::chrono::steady_clock::time_point{} + 1000h;
    hub::Throttle t({3, 2s, 16s, 3600s, 100}, [&] { return now; });
    CHECK(t.begin("a") == 0);
    CHECK(t.begin("a") == 0);
    CHECK(t.begin("a") == 0);  // the third counted: now 2 s to wait
    CHECK(t.begin("a") == 2);
    now += 2s;
    CHECK(t.begin("a") == 0);
    CHECK(t.begin("a") == 4);  // doubled
    now += 4s;
    CHECK(t.begin("a") == 0);
    now += 8s;
    CHECK(t.begin("a") == 0);
    now += 16s;
    CHECK(t.begin("a") == 0);
    CHECK(t.begin("a") == 16);  // at most max_delay
    t.succeeded("a");
    CHECK(t.begin("a") == 0);
    // A flood of new user names never grows the map past its bound.
    for (int i = 0; i < 5000; ++i)
        t.begin("user-" + std::to_string(i));
    CHECK(t.keys() <= 100);
    // Old keys are forgotten.
    now += 7200s;
    t.begin("fresh");
    CHECK(t.keys() <= 2);

    hub::Rate rate(60, 3, 50, [&] { return now; });
    CHECK(rate.allow("k"));
    CHECK(rate.allow("k"));
    CHECK(rate.allow("k"));
    CHECK_FALSE(rate.allow("k"));
    now += 1s;
    CHECK(rate.allow("k"));
    for (int i = 0; i < 1000; ++i)
        rate.allow("k" + std::to_string(i));
    hub::Held held(2, 3);
    CHECK(held.hold("x"));
    CHECK(held.hold("x"));
    CHECK_FALSE(held.hold("x"));
    CHECK(held.hold("y"));
    CHECK_FALSE(held.hold("z"));
    held.release("x");
    CHECK(held.hold("z"));
    CHECK(held.count() == 3);
}

TEST_CASE("kiosk flood: one kiosk cannot fill the queue") {
    Hub h("flood");
    auto c = h.client();
    int accepted = 0, refused = 0;
    for (int i = 0; i < 300; ++i) {
        auto r =
            c.Post("/api/v1/help-requests", kiosk(), R"({"kind":"in_person","language":"da"})", "application/json");
        accepted += r->status == 201;
        refused += r->status == 429;
    }
    CHECK(accepted == 3);  // at most three open at once
    CHECK(refused == 297);
    const Staff mette = login(c, "mette", "mette-password");
    CHECK(json::parse(c.Get("/api/v1/help-requests", mette.headers(false))->body)["requests"].size() == 3);
    // Usage batches: a minute's worth at once, then the rest waits.
    int batches_ok = 0, batches_refused = 0;
    for (int i = 0; i < 60; ++i) {
        auto r = c.Post("/api/v1/usage", kiosk(), R"({"events":[]})", "application/json");
        batches_ok += r->status == 204;
        batches_refused += r->status == 429;
    }
    CHECK(batches_ok <= 31);
    CHECK(batches_refused >= 29);
    // Another kiosk of the site is not affected.
    h.server->store().add_kiosk(h.site, "kiosk-2", "Hall", hub::hash_token("kiosk-2-token"));
    CHECK(c.Post("/api/v1/help-requests", kiosk("kiosk-2-token"), R"({"kind":"in_person","language":"da"})",
                 "application/json")
              ->status == 201);
}

TEST_CASE("roles: each role gets what it needs and nothing else") {
    Hub h("roles");
    auto c = h.client();
    const auto in_person =
        json::parse(c.Post("/api/v1/help-requests", kiosk(),
                           R"({"kind":"in_person","language":"da","needs":["wheelchair"]})", "application/json")
                        ->body);
    const std::string ip = "/api/v1/help-requests/" + std::to_string(in_person["id"].get<int>());
    const Staff mette = login(c, "mette", "mette-password"), carl = login(c, "carl", "carl-password"),
                ida = login(c, "ida", "ida-password"), maja = login(c, "maja", "maja-password");
    // Citizens' needs are for those who help them.
    for (const Staff* s : {&ida, &maja}) {
        CHECK(c.Get("/api/v1/help-requests", s->headers(false))->status == 403);
        CHECK(c.Get(ip, s->headers(false))->status == 403);
        CHECK(c.Get("/api/v1/events", s->headers(false))->status == 403);
        CHECK(c.Post(ip + "/claim", s->headers(), "", "application/json")->status == 403);
    }
    // In-person requests are the front desk's; the caseworker does not claim them.
    CHECK(c.Post(ip + "/claim", carl.headers(), "", "application/json")->status == 403);
    CHECK(c.Post(ip + "/claim", mette.headers(), "", "application/json")->status == 200);
    // A live video call: only the caseworker in it may end it or give it back.
    const auto video = json::parse(
        c.Post("/api/v1/help-requests", kiosk(), R"({"kind":"video","language":"da"})", "application/json")->body);
    const std::string v = "/api/v1/help-requests/" + std::to_string(video["id"].get<int>());
    auto answered = c.Post(v + "/answer", carl.headers(), "", "application/json");
    REQUIRE_MESSAGE(answered->status == 200, answered->body);
    CHECK(c.Post(v + "/resolve", mette.headers(), R"({"outcome":"solved"})", "application/json")->status == 403);
    CHECK(c.Post(v + "/release", mette.headers(), "", "application/json")->status == 403);
    CHECK(json::parse(c.Get(v, carl.headers(false))->body)["status"] == "claimed");  // the call goes on
    CHECK(c.Post(v + "/resolve", carl.headers(), R"({"outcome":"solved"})", "application/json")->status == 200);
    // Fleet and reports: IT and managers only.
    CHECK(c.Get("/api/v1/devices", ida.headers(false))->status == 200);
    for (const Staff* s : {&mette, &carl, &maja})
        CHECK(c.Get("/api/v1/devices", s->headers(false))->status == 403);
    CHECK(c.Get("/api/v1/insight/gains", maja.headers(false))->status == 200);
    for (const Staff* s : {&mette, &carl, &ida})
        CHECK(c.Get("/api/v1/insight/gains", s->headers(false))->status == 403);
}

TEST_CASE("roles: content editors and reviewers see the guides' state and nothing of citizens, kiosks or reports") {
    Hub h("content-roles");
    auto c = h.client();
    const Staff emil = login(c, "emil", "emil-password"), rikke = login(c, "rikke", "rikke-password");
    for (const Staff* s : {&emil, &rikke}) {
        auto r = c.Get("/api/v1/content/guides", s->headers(false));
        REQUIRE(r);
        CHECK(r->status == 200);
        for (const char* path : {"/api/v1/help-requests", "/api/v1/devices", "/api/v1/insight/guides",
                                 "/api/v1/content/bundles", "/api/v1/events"})
            CHECK_MESSAGE(c.Get(path, s->headers(false))->status == 403, path);
    }
    for (const auto& [user, password] : std::vector<std::pair<std::string, std::string>>{{"mette", "mette-password"},
                                                                                         {"carl", "carl-password"},
                                                                                         {"ida", "ida-password"},
                                                                                         {"maja", "maja-password"}})
        CHECK(c.Get("/api/v1/content/guides", login(c, user, password).headers(false))->status == 403);
    CHECK(c.Get("/api/v1/content/guides")->status == 401);
}

TEST_CASE("roles: an editor's open changes are bounded, and a change is its author's alone until submitted") {
    Hub h("content-bounds", [](hub::HubOptions& o) {
        o.content_dir = LEDSAGER_SOURCE_DIR "/assets/guides";
        o.max_open_drafts = 3;
        o.max_drafts_per_day = 4;
    });
    auto c = h.client();
    const Staff emil = login(c, "emil", "emil-password"), rikke = login(c, "rikke", "rikke-password");
    const std::string start = json{{"guide", "mitid-login"}}.dump();
    std::string first;
    for (int i = 0; i < 3; ++i) {
        auto r = c.Post("/api/v1/content/drafts", emil.headers(), start, "application/json");
        REQUIRE(r);
        REQUIRE(r->status == 201);
        if (first.empty()) first = std::to_string(json::parse(r->body)["id"].get<std::int64_t>());
    }
    auto over = c.Post("/api/v1/content/drafts", emil.headers(), start, "application/json");
    CHECK(over->status == 409);
    CHECK(json::parse(over->body)["reason"] == "too_many");
    CHECK(c.Post("/api/v1/content/drafts", rikke.headers(), start, "application/json")->status == 201);  // hers
    // Another person cannot read, save, submit or withdraw it; without the CSRF token not even its author.
    const std::string at = "/api/v1/content/drafts/" + first;
    CHECK(c.Get(at, rikke.headers(false))->status == 404);
    CHECK(c.Post(at + "/files", rikke.headers(), json{{"name", "da.toml"}, {"text", "x"}}.dump(), "application/json")
              ->status == 404);
    CHECK(c.Post(at + "/submit", rikke.headers(), "{}", "application/json")->status == 404);
    CHECK(c.Post(at + "/withdraw", rikke.headers(), "{}", "application/json")->status == 404);
    CHECK(c.Post(at + "/withdraw", emil.headers(false), "{}", "application/json")->status == 403);
    // A withdrawn change frees its place, and keeps nothing of what it held.
    REQUIRE(c.Post(at + "/files", emil.headers(), json{{"name", "da.toml"}, {"text", std::string(8000, '#')}}.dump(),
                   "application/json")
                ->status == 200);
    CHECK(c.Post(at + "/withdraw", emil.headers(), "{}", "application/json")->status == 204);
    CHECK(h.server->store().draft(std::stoll(first))->files == "{}");
    CHECK(c.Post("/api/v1/content/drafts", emil.headers(), start, "application/json")->status == 201);
    // Changes started in a day are bounded too, withdrawn ones counted: starting and withdrawing
    // cannot go on for ever.
    for (int i = 0; i < 3; ++i) {
        auto r = c.Post("/api/v1/content/drafts", rikke.headers(), start, "application/json");
        REQUIRE(r->status == 201);
        const std::string id = std::to_string(json::parse(r->body)["id"].get<std::int64_t>());
        CHECK(c.Post("/api/v1/content/drafts/" + id + "/withdraw", rikke.headers(), "{}", "application/json")->status ==
              204);
    }
    auto day = c.Post("/api/v1/content/drafts", rikke.headers(), start, "application/json");
    CHECK(day->status == 409);  // her fifth today (max_drafts_per_day = 4 here), with one open
    CHECK(json::parse(day->body)["reason"] == "too_many");
    // A guide that is not published, and a file name that is not one of a guide's, are refused.
    CHECK(c.Post("/api/v1/content/drafts", emil.headers(), json{{"guide", "no-such-guide"}}.dump(), "application/json")
              ->status == 404);
    CHECK(c.Post("/api/v1/content/drafts", emil.headers(), json{{"guide", "../etc"}}.dump(), "application/json")
              ->status == 400);
}

TEST_CASE("roles: every staff operation in hub/openapi.yaml names its roles, and the hub enforces exactly those") {
    Hub h("openapi-roles");
    std::ifstream in(LEDSAGER_SOURCE_DIR "/hub/openapi.yaml");
    REQUIRE(in);
    struct Op {
        std::string method, path;
        std::set<std::string> roles;
        bool staff = false;
    };
    std::vector<Op> ops;
    std::string line, path;
    const std::regex path_re(R"(^  (/[^:]*):\s*$)"), op_re(R"(^    (get|post):\s*$)"),
        roles_re(R"(^      x-roles:\s*\[(.*)\]\s*$)"), staff_re(R"(^      security:.*session.*$)");
    std::smatch m;
    while (std::getline(in, line)) {
        if (std::regex_match(line, m, path_re))
            path = std::regex_replace(m[1].str(), std::regex(R"(\{[a-z_]+\})"), "1");
        else if (std::regex_match(line, m, op_re))
            ops.push_back({m[1].str(), path, {}, false});
        else if (!ops.empty() && std::regex_match(line, m, roles_re)) {
            std::stringstream list(m[1].str());
            std::string role;
            while (std::getline(list, role, ','))
                ops.back().roles.insert(std::regex_replace(role, std::regex(R"(\s)"), ""));
        } else if (!ops.empty() && std::regex_match(line, staff_re))
            ops.back().staff = true;
    }
    REQUIRE(ops.size() > 25);
    auto c = h.client();
    std::map<std::string, Staff> as{
        {"staff", login(c, "mette", "mette-password")}, {"caseworker", login(c, "carl", "carl-password")},
        {"it_admin", login(c, "ida", "ida-password")},  {"manager", login(c, "maja", "maja-password")},
        {"editor", login(c, "emil", "emil-password")},  {"reviewer", login(c, "rikke", "rikke-password")}};
    int checked = 0;
    for (const auto& op : ops) {
        CAPTURE(op.method + " " + op.path);
        if (!op.staff) continue;
        CHECK_MESSAGE(!op.roles.empty(), "no x-roles");
        for (const auto& [role, s] : as) {
            if (op.path == "/api/v1/auth/logout") continue;  // would end the session used here
            CAPTURE(role);
            if (op.path == "/api/v1/events") {  // a stream that stays open: read its head only
                Raw raw(h.port);
                REQUIRE(raw.send("GET /api/v1/events HTTP/1.1\r\nHost: x\r\nCookie: " + s.cookie + "\r\n\r\n"));
                CHECK(status_of(raw.read_until("\r\n\r\n")) == (op.roles.count(role) ? 200 : 403));
                ++checked;
                continue;
            }
            auto r = op.method == "get" ? c.Get(op.path, s.headers())
                                        : c.Post(op.path, s.headers(), "{}", "application/json");
            REQUIRE(r);
            CAPTURE(r->body);
            if (op.roles.count(role))
                CHECK(r->status != 403);
            else
                CHECK(r->status == 403);
            ++checked;
        }
    }
    CHECK(checked > 90);
}

TEST_CASE("metrics: a token of their own, and label values cannot write series") {
    Hub h("metrics");
    h.server->store().add_kiosk(h.site, "evil\"} 1\nledsager_hub_fake{x=\"", "Hall", hub::hash_token("evil-token"));
    auto c = h.client();
    CHECK(c.Get("/metrics")->status == 401);
    CHECK(c.Get("/metrics", {{"Authorization", "Bearer wrong"}})->status == 401);
    const Staff mette = login(c, "mette", "mette-password");
    CHECK(c.Get("/metrics", mette.headers(false))->status == 401);  // not a console's business
    auto r = c.Get("/metrics", {{"Authorization", "Bearer metrics-token-for-tests"}});
    REQUIRE(r->status == 200);
    CHECK(r->body.find("\nledsager_hub_fake") == std::string::npos);
    CHECK(r->body.find(R"(kiosk="evil\"} 1\nledsager_hub_fake{x=\""})") != std::string::npos);
    Hub off("metrics-off", [](hub::HubOptions& o) { o.metrics_token.clear(); });
    auto c2 = off.client();
    CHECK(c2.Get("/metrics")->status == 404);
}

TEST_CASE("kiosk names: IT names a kiosk with its code, names are unique per site, revoking takes one kiosk by id") {
    Hub h("names");
    auto& store = h.server->store();
    const auto now = static_cast<hub::Seconds>(std::time(nullptr));
    CHECK(store.add_enrollment_code(h.site, "kiosk-2", "Hall", hub::hash_token("CODEONE"), now, now + 600));
    CHECK_FALSE(store.add_enrollment_code(h.site, "kiosk-2", "Hall", hub::hash_token("CODETWO"), now,
                                          now + 600));  // an open code has it
    CHECK_FALSE(store.add_enrollment_code(h.site, "kiosk-1", "Hall", hub::hash_token("CODETWO"), now,
                                          now + 600));  // a kiosk has it
    CHECK(store.add_enrollment_code(h.site, "kiosk-3", "Stairs", hub::hash_token("CODETHREE"), now, now + 600));
    auto c = h.client();
    // The device's own choice of name does not count: it is the name IT gave.
    auto a = c.Post("/api/v1/enroll", R"({"code":"CODEONE","name":"kiosk-1"})", "application/json");
    REQUIRE_MESSAGE(a->status == 201, a->body);
    CHECK(json::parse(a->body)["kiosk"]["name"] == "kiosk-2");
    auto b = c.Post("/api/v1/enroll", R"({"code":"CODETHREE"})", "application/json");
    REQUIRE_MESSAGE(b->status == 201, b->body);
    const std::string token2 = json::parse(a->body)["token"], token3 = json::parse(b->body)["token"];
    // Names stay unique even when added from the command line.
    CHECK_THROWS(store.add_kiosk(h.site, "kiosk-2", "Elsewhere", hub::hash_token("dup")));
    // IT revokes kiosk-2 by its id: kiosk-3 and kiosk-1 go on.
    const Staff ida = login(c, "ida", "ida-password");
    const auto id2 = json::parse(a->body)["kiosk"]["id"].get<int>();
    CHECK(c.Post("/api/v1/devices/" + std::to_string(id2) + "/revoke", ida.headers(), "", "application/json")->status ==
          204);
    const std::string beat =
        R"({"version":"1","uptime_s":1,"content_version":"x","printer":"none","camera":"none","audio":"none"})";
    CHECK(c.Post("/api/v1/heartbeat", kiosk(token2), beat, "application/json")->status == 401);
    CHECK(c.Post("/api/v1/heartbeat", kiosk(token3), beat, "application/json")->status == 200);
    CHECK(c.Post("/api/v1/heartbeat", kiosk(), beat, "application/json")->status == 200);
    // A revoked kiosk's name is free again (its replacement).
    CHECK(store.add_enrollment_code(h.site, "kiosk-2", "Hall", hub::hash_token("CODEFOUR"), now, now + 600));
    // The Devices page's form names the kiosk; a taken name is refused, naming the field.
    auto dup = c.Post("/api/v1/enroll-codes", ida.headers(), R"({"site":"main","name":"kiosk-3","place":"Hall"})",
                      "application/json");
    CHECK(dup->status == 409);
    CHECK(json::parse(dup->body)["field"] == "name");
}

// Runs `ledsager-hub --data DIR ARGS` (IT on the hub's machine) with `input` on standard
// input; returns its exit status and what it printed.
std::pair<int, std::string> hub_command(const fs::path& data, const std::string& args, const std::string& input = "",
                                        const std::string& env = "") {
    const auto in = data.parent_path() / ("hub-command-in-" + std::to_string(::getpid()));
    std::ofstream(in) << input << "\n";
    const std::string cmd = env + " " + std::string(LEDSAGER_HUB_BIN) + " --data '" + data.string() + "' " + args +
                            " < '" + in.string() + "' 2>&1";
    std::string out;
    FILE* p = ::popen(cmd.c_str(), "r");
    REQUIRE(p);
    char buf[512];
    while (std::fgets(buf, sizeof buf, p))
        out += buf;
    const int status = ::pclose(p);
    fs::remove(in);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

TEST_CASE("accounts: IT disables an account or sets a new password, and its sessions and streams end at once") {
    Hub h("accounts");
    auto c = h.client();
    const Staff sofie = login(c, "sofie", "sofie-password"), sofie2 = login(c, "sofie", "sofie-password"),
                mette = login(c, "mette", "mette-password");
    auto stream = std::make_unique<Raw>(h.port);
    REQUIRE(stream->send("GET /api/v1/events HTTP/1.1\r\nHost: x\r\nCookie: " + sofie.cookie + "\r\n\r\n"));
    REQUIRE(status_of(stream->read_until("\r\n\r\n")) == 200);

    // The list shows every account, its role and whether it is active.
    auto [listed, list] = hub_command(h.dir, "user list");
    CHECK(listed == 0);
    CHECK(list.find("sofie") != std::string::npos);
    CHECK(list.find("disabled") == std::string::npos);

    // Disabled on the command line while the hub runs: both of sofie's logins end at once,
    // her open console stream closes, she cannot log in again, and nobody else is touched.
    auto [disabled, said] = hub_command(h.dir, "user disable --username sofie");
    CHECK_MESSAGE(disabled == 0, said);
    CHECK(said.find("2 session(s) ended") != std::string::npos);
    CHECK(c.Get("/api/v1/me", sofie.headers(false))->status == 401);
    CHECK(c.Get("/api/v1/me", sofie2.headers(false))->status == 401);
    CHECK(c.Get("/api/v1/help-requests", sofie.headers(false))->status == 401);
    const auto t0 = std::chrono::steady_clock::now();
    stream->drain(10 << 20);  // returns when the hub closes the stream: at its next tick
    CHECK(std::chrono::steady_clock::now() - t0 < 20s);
    auto again = c.Post("/api/v1/auth/login", json{{"username", "sofie"}, {"password", "sofie-password"}}.dump(),
                        "application/json");
    CHECK(again->status == 401);
    CHECK(json::parse(again->body)["error"] ==
          "wrong user name or password");  // no telling which accounts are disabled
    CHECK(c.Get("/api/v1/me", mette.headers(false))->status == 200);
    CHECK(hub_command(h.dir, "user list").second.find("disabled") != std::string::npos);

    // Enabled again: the same password works.
    CHECK(hub_command(h.dir, "user enable --username sofie").first == 0);
    const Staff back = login(c, "sofie", "sofie-password");

    // A new password (a leaked one) ends the sessions made with the old one.
    CHECK(hub_command(h.dir, "user password --username sofie", "too-short").first == 2);
    auto [changed, out] = hub_command(h.dir, "user password --username sofie", "sofies-new-password");
    CHECK_MESSAGE(changed == 0, out);
    CHECK(c.Get("/api/v1/me", back.headers(false))->status == 401);
    CHECK(c.Post("/api/v1/auth/login", json{{"username", "sofie"}, {"password", "sofie-password"}}.dump(),
                 "application/json")
              ->status == 401);
    login(c, "sofie", "sofies-new-password");

    // An unknown name is an error that names the field; every change is in the audit log.
    auto [unknown, why] = hub_command(h.dir, "user disable --username nobody");
    CHECK(unknown == 2);
    CHECK(why.find("--username") != std::string::npos);
    const auto audit = h.server->store().audit_log(50);
    for (const char* action : {"user_disabled", "user_enabled", "password_set", "login_disabled"})
        CHECK_MESSAGE(std::any_of(audit.begin(), audit.end(),
                                  [&](const std::string& l) { return l.find(action) != std::string::npos; }),
                      action);
}

TEST_CASE("accounts: a login whose password check overlaps with IT's change makes no session") {
    // The hub checks the password (argon2, ~0.1 s), then makes the session; IT may disable the
    // account or set a new password in between. The session is made only for the account as
    // it was checked.
    Hub h("accounts-race");
    auto& store = h.server->store();
    const auto sofie = *store.user_by_name("sofie");
    const auto now = static_cast<hub::Seconds>(std::time(nullptr));
    CHECK(store.add_session(hub::hash_token("s1"), sofie.id, sofie.password_hash, "csrf", now + 600, now));
    store.set_password(sofie.id, hub::hash_password("sofies-new-password"));
    CHECK_FALSE(store.add_session(hub::hash_token("s2"), sofie.id, sofie.password_hash, "csrf", now + 600, now));
    const auto renewed = *store.user_by_name("sofie");
    store.set_user_disabled(sofie.id, true);
    CHECK_FALSE(store.add_session(hub::hash_token("s3"), sofie.id, renewed.password_hash, "csrf", now + 600, now));
    CHECK(store.count("sessions") == 0);
    store.set_user_disabled(sofie.id, false);
    CHECK(store.add_session(hub::hash_token("s4"), sofie.id, renewed.password_hash, "csrf", now + 600, now));

    // Many logins at once while the password changes: afterwards, no session made with the
    // old password is left.
    std::atomic<bool> go{true};
    std::vector<std::thread> logins;
    for (int i = 0; i < 3; ++i)
        logins.emplace_back([&] {
            auto t = h.client();
            while (go)
                t.Post("/api/v1/auth/login", json{{"username", "maja"}, {"password", "maja-password"}}.dump(),
                       "application/json");
        });
    std::this_thread::sleep_for(300ms);
    CHECK(hub_command(h.dir, "user password --username maja", "majas-new-password").first == 0);
    go = false;
    for (auto& t : logins)
        t.join();
    CHECK(store.count("sessions") == 1);  // s4 only: every one of maja's went with her old password
}

TEST_CASE("accounts: what IT types is checked, the audit names who ran it, an account keeps at most 10 sessions") {
    Hub h("accounts-input");
    auto& store = h.server->store();
    const std::string add = "user add --role staff --site main --name 'Søren Sørensen' --username ";
    // Passwords the login form could never send are refused before anything changes.
    CHECK(hub_command(h.dir, add + "soeren", std::string(300, 'x')).first == 2);  // > 256 bytes
    CHECK(hub_command(h.dir, add + "soeren", "ninechars").first == 2);            // < 10 characters
    CHECK(hub_command(h.dir, add + "soeren", "æøåæøå").first == 2);               // 12 bytes, 6 characters
    CHECK(hub_command(h.dir, add + "soeren", "tab\there-and-more").first == 2);   // a control character
    CHECK(hub_command(h.dir, add + "soeren", std::string("bad\xC3\x28utf8-long")).first == 2);  // not UTF-8
    CHECK_FALSE(store.user_by_name("soeren"));
    // Names a terminal or a log would take for something else are refused, naming the option.
    auto [bad_name, why] = hub_command(h.dir, add + "'evil\nname'", "a-good-password");
    CHECK(bad_name == 2);
    CHECK(why.find("--username") != std::string::npos);
    CHECK(hub_command(h.dir, "user add --role staff --site main --name 'Eve\x1b[2J' --username eve", "a-good-password")
              .first == 2);
    CHECK(hub_command(h.dir, add + "METTE", "a-good-password").first == 2);  // mette's, in capitals
    for (const char* name : {"Eve\u2028Adams", "Eve\u200BAdams", "\u3164", "Eve\u061CAdams", "Eve\U000E0041"}) {
        auto [code, said_name] =
            hub_command(h.dir, "user add --role staff --site main --username eve --name '" + std::string(name) + "'",
                        "a-good-password");
        CHECK_MESSAGE(code == 2, name);
        CHECK(said_name.find("--name") != std::string::npos);
    }
    CHECK(hub_command(h.dir, "user add --role staff --site main --username eve --name Eve --languages 'da,<b>'",
                      "a-good-password")
              .first == 2);
    CHECK(hub_command(h.dir, "site add --slug 'Bad Slug' --name Somewhere").first == 2);
    CHECK(hub_command(h.dir, "site add --slug ok-site --name $(printf 'A\\033[2J')").first == 2);
    CHECK(store.users().size() == 7);  // the seeded seven only
    // A password typed on Windows (CR LF) works without the CR; a Danish name is fine.
    auto [added, said] = hub_command(h.dir, add + "søren", "kaffe-og-kage\r");
    REQUIRE_MESSAGE(added == 0, said);
    auto c = h.client();
    login(c, "søren", "kaffe-og-kage");
    // The content studio's roles are given on the command line as the others are.
    CHECK(hub_command(h.dir, "user add --role reviewer --site main --username rasmus --name Rasmus", "a-good-password")
              .first == 0);
    CHECK(store.user_by_name("rasmus")->role == "reviewer");
    CHECK(hub_command(h.dir, "user add --role janitor --site main --username jens --name Jens", "a-good-password")
              .first != 0);
    // Who ran a command is in the audit line; a second disable says so and audits nothing new.
    CHECK(hub_command(h.dir, "user disable --username søren").first == 0);
    auto [again, again_said] = hub_command(h.dir, "user disable --username søren");
    CHECK(again == 0);
    CHECK(again_said.find("was disabled already") != std::string::npos);
    const auto audit = store.audit_log(50);
    CHECK(std::count_if(audit.begin(), audit.end(),
                        [](const std::string& l) { return l.find("user_disabled") != std::string::npos; }) == 1);
    CHECK(std::any_of(audit.begin(), audit.end(), [](const std::string& l) {
        return l.find("user_added") != std::string::npos && l.find("on the command line") != std::string::npos;
    }));
    // SUDO_USER is believed only from sudo (as root) and only as a plausible name.
    CHECK(hub_command(h.dir, "user enable --username søren", "", "SUDO_USER=" + std::string(5000, 'x')).first == 0);
    const auto last = store.audit_log(1);
    REQUIRE(last.size() == 1);
    CHECK(last[0].size() < 200);
    // The list shows a name stored with a control character (from before these checks) escaped.
    store.add_user({0, "old\x1b[31m", "Old\nName", "staff", hub::hash_password("old-password"), "da", {h.site}});
    const std::string list = hub_command(h.dir, "user list").second;
    CHECK(list.find('\x1b') == std::string::npos);
    CHECK(list.find("old\\x1B[31m") != std::string::npos);
    CHECK(list.find("Old\\x0AName") != std::string::npos);

    // Twelve logins of one account: the ten most recent hold, the two oldest end.
    std::vector<Staff> logins;
    for (int i = 0; i < 12; ++i)
        logins.push_back(login(c, "mette", "mette-password"));
    CHECK(c.Get("/api/v1/me", logins[0].headers(false))->status == 401);
    CHECK(c.Get("/api/v1/me", logins[1].headers(false))->status == 401);
    for (int i = 2; i < 12; ++i)
        CHECK(c.Get("/api/v1/me", logins[static_cast<std::size_t>(i)].headers(false))->status == 200);
    CHECK(hub::Store::kMaxSessionsPerUser == 10);
}

TEST_CASE("accounts: a disabled account's console stream gets no news, and what it held goes back") {
    Hub h("accounts-give-back");
    auto& store = h.server->store();
    store.add_user({0, "cora", "Cora Case", "caseworker", hub::hash_password("cora-password"), "da", {h.site}});
    auto c = h.client();
    const Staff carl = login(c, "carl", "carl-password"), mette = login(c, "mette", "mette-password"),
                sofie = login(c, "sofie", "sofie-password");

    // sofie's open console: once disabled, a new request is not shown to her.
    Raw stream(h.port);
    REQUIRE(stream.send("GET /api/v1/events HTTP/1.1\r\nHost: x\r\nCookie: " + sofie.cookie + "\r\n\r\n"));
    std::string first = stream.read_until("event: requests");
    REQUIRE(status_of(first) == 200);
    while (first.find("\n\n", first.find("event: requests")) == std::string::npos) {
        const auto more = stream.read_until("\n\n");
        if (more.empty()) break;
        first += more;
    }
    CHECK(hub_command(h.dir, "user disable --username sofie").first == 0);
    auto in_person = json::parse(
        c.Post("/api/v1/help-requests", kiosk(), R"({"kind":"in_person","language":"da"})", "application/json")->body);
    const std::string after = stream.read_until("event: requests");
    CHECK_MESSAGE(after.find("event: requests") == std::string::npos, after);

    // carl is in a call, mette has an in-person request; another call of carl's has ended
    // without an outcome. IT disables both of them.
    const std::string ip = "/api/v1/help-requests/" + std::to_string(in_person["id"].get<int>());
    REQUIRE(c.Post(ip + "/claim", mette.headers(), "", "application/json")->status == 200);
    auto video_of = [&] {
        auto r = c.Post("/api/v1/help-requests", kiosk(), R"({"kind":"video","language":"da"})", "application/json");
        REQUIRE_MESSAGE(r->status == 201, r->body);
        return json::parse(r->body)["id"].get<int>();
    };
    const int live = video_of(), over = video_of();
    const std::string v = "/api/v1/help-requests/" + std::to_string(live),
                      o = "/api/v1/help-requests/" + std::to_string(over);
    REQUIRE(c.Post(o + "/answer", carl.headers(), "", "application/json")->status == 200);
    REQUIRE(c.Post("/api/v1/calls/" + std::to_string(over) + "/messages", kiosk(), R"({"type":"hangup"})",
                   "application/json")
                ->status == 204);
    REQUIRE(c.Post(v + "/answer", carl.headers(), "", "application/json")->status == 200);
    CHECK(hub_command(h.dir, "user disable --username carl").first == 0);
    CHECK(hub_command(h.dir, "user disable --username mette").first == 0);

    // Within seconds the call goes back to waiting (the kiosk hears "released") and a
    // colleague answers it; the in-person request is back for sofie's colleagues; the ended
    // call is closed.
    store.add_user({0, "olga", "Olga Staff", "staff", hub::hash_password("olga-password"), "da", {h.site}});
    const Staff cora = login(c, "cora", "cora-password"), olga = login(c, "olga", "olga-password");
    auto status = [&](const std::string& path) {
        return json::parse(c.Get(path, olga.headers(false))->body)["status"].get<std::string>();
    };
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (std::chrono::steady_clock::now() < deadline &&
           (status(v) != "open" || status(ip) != "open" || status(o) != "cancelled"))
        std::this_thread::sleep_for(200ms);
    CHECK(status(v) == "open");
    CHECK(status(ip) == "open");
    CHECK(status(o) == "cancelled");
    auto heard = c.Get("/api/v1/calls/" + std::to_string(live) + "/messages?after=0&wait=0", kiosk());
    REQUIRE(heard->status == 200);
    CHECK(heard->body.find("\"released\"") != std::string::npos);
    CHECK(c.Post(v + "/answer", cora.headers(), "", "application/json")->status == 200);
    CHECK(c.Post(ip + "/claim", olga.headers(), "", "application/json")->status == 200);
    // A new password for cora (a leaked one): whoever held her session is out of the call too;
    // the call waits again. olga's in-person claim (she is still logged in) stays hers.
    CHECK(hub_command(h.dir, "user password --username cora", "coras-new-password").first == 0);
    const Staff olga_again = olga;
    const auto deadline2 = std::chrono::steady_clock::now() + 20s;
    while (std::chrono::steady_clock::now() < deadline2 && status(v) != "open")
        std::this_thread::sleep_for(200ms);
    CHECK(status(v) == "open");
    CHECK(json::parse(c.Get(ip, olga_again.headers(false))->body)["status"] == "claimed");
    auto heard2 = c.Get("/api/v1/calls/" + std::to_string(live) + "/messages?after=0&wait=0", kiosk());
    std::size_t released = 0;
    const json told = json::parse(heard2->body);
    for (const auto& m : told["messages"])
        released += m.value("type", "") == "released";
    CHECK_MESSAGE(released == 2, heard2->body);
    const auto audit = store.audit_log(50);
    for (const char* action : {"given_back_orphaned", "closed_orphaned"})
        CHECK_MESSAGE(std::any_of(audit.begin(), audit.end(),
                                  [&](const std::string& l) { return l.find(action) != std::string::npos; }),
                      action);
}

TEST_CASE("housekeeping: stale requests end, sessions expire when unused, the data is private") {
    const test::TempDir tmp("ledsager-sec-house");
    const auto dir = tmp.path / "data";  // made by the hub itself
    const mode_t old = ::umask(022);
    {
        test::RunningHub h(dir, 0, true, {}, [](hub::HubOptions& o) {
            o.session_idle_s = 2;
            o.stale_request_s = 3600;
        });
        ::umask(old);
        CHECK((fs::status(dir).permissions() & fs::perms::all) == fs::perms::owner_all);
        CHECK((fs::status(dir / "hub.sqlite3").permissions() & fs::perms::all) ==
              (fs::perms::owner_read | fs::perms::owner_write));
        for (const auto& e : fs::directory_iterator(dir))
            CHECK_MESSAGE(
                (e.status().permissions() & (fs::perms::group_all | fs::perms::others_all)) == fs::perms::none,
                e.path());
        httplib::Client c("127.0.0.1", h.port);
        const Staff mette = login(c, "mette", "mette-password");
        CHECK(c.Get("/api/v1/me", mette.headers(false))->status == 200);
        std::this_thread::sleep_for(3500ms);
        CHECK(c.Get("/api/v1/me", mette.headers(false))->status == 401);  // left unused
        CHECK(h.server->store().purge_sessions(static_cast<hub::Seconds>(std::time(nullptr)), 2) == 1);
        CHECK(h.server->store().count("sessions") == 0);
        // A request nobody closed is cancelled once it is stale, and leaves the list.
        auto& store = h.server->store();
        hub::HelpRequest r;
        r.site_id = 1;
        r.kiosk_id = 1;
        r.kind = "in_person";
        r.language = "da";
        const auto now = static_cast<hub::Seconds>(std::time(nullptr));
        store.create_request(r, now - 7200);
        store.create_request(r, now - 60);
        CHECK(store.stale_requests(now - 3600).size() == 1);
        CHECK(store.open_requests(1).size() == 2);
    }
    {
        // The hub's housekeeping (at start, then every ten minutes) cancels the stale one.
        test::RunningHub h(dir, 0, true, {}, [](hub::HubOptions& o) { o.stale_request_s = 3600; });
        CHECK(h.server->store().open_requests(1).size() == 1);
        CHECK(h.server->store().stale_requests(static_cast<hub::Seconds>(std::time(nullptr)) - 3600).empty());
    }
    ::umask(old);
}

TEST_CASE("turn credentials: short-lived, made per call, only for those in a call") {
    // The scheme coturn checks (use-auth-secret): a known answer, computed with
    // `printf 1700000000 | openssl dgst -sha1 -hmac north-secret-0123456789 -binary | base64`.
    CHECK(hub::turn_rest_credentials("north-secret-0123456789", 1700000000) ==
          std::make_pair(std::string("1700000000"), std::string("1aau7CVzQTgKw9DrBGLkyKq4eQA=")));
    Hub h("turn", [](hub::HubOptions& o) {
        o.ice_servers = {"stun:turn.example.dk:3478", "turn:turn.example.dk:3478"};
        o.turn_secret = "north-secret-0123456789";
    });
    auto c = h.client();
    const Staff carl = login(c, "carl", "carl-password"), mette = login(c, "mette", "mette-password");
    // Nobody outside a call gets any.
    CHECK(c.Get("/api/v1/calls/ice-servers", kiosk())->status == 404);
    CHECK(c.Get("/api/v1/calls/ice-servers", carl.headers(false))->status == 404);
    const auto video = json::parse(
        c.Post("/api/v1/help-requests", kiosk(), R"({"kind":"video","language":"da"})", "application/json")->body);
    auto answered = c.Post("/api/v1/help-requests/" + std::to_string(video["id"].get<int>()) + "/answer",
                           carl.headers(), "", "application/json");
    REQUIRE(answered->status == 200);
    const auto now = std::time(nullptr);
    // The caseworker's browser: {urls, username, credential}, valid for an hour.
    const json browser = json::parse(answered->body)["ice_servers"];
    REQUIRE(browser.size() == 2);
    CHECK(browser[0] == json{{"urls", "stun:turn.example.dk:3478"}});
    CHECK(browser[1]["urls"] == "turn:turn.example.dk:3478");
    const std::string user = browser[1]["username"];
    CHECK(std::abs(std::stoll(user) - (now + 3600)) <= 5);
    CHECK(browser[1]["credential"] == hub::turn_rest_credentials("north-secret-0123456789", std::stoll(user)).second);
    CHECK(c.Get("/api/v1/calls/ice-servers", carl.headers(false))->status == 200);
    CHECK(c.Get("/api/v1/calls/ice-servers", mette.headers(false))->status == 404);  // not in this call
    // The kiosk: turn:USER:PASSWORD@HOST:PORT with both parts percent-encoded for GStreamer.
    const json kiosk_list = json::parse(c.Get("/api/v1/calls/ice-servers", kiosk())->body)["ice_servers"];
    REQUIRE(kiosk_list.size() == 2);
    const std::string turn = kiosk_list[1];
    std::smatch m;
    REQUIRE(std::regex_match(turn, m, std::regex(R"(turn:([0-9]+):([A-Za-z0-9%]+)@turn\.example\.dk:3478)")));
    CHECK(turn.find("secret") == std::string::npos);
}

TEST_CASE("housekeeping: a second hub cannot listen on a port the first one serves") {
    // cpp-httplib sets SO_REUSEPORT by default: a second hub on the same port started without
    // an error and took half the requests (kiosks' help requests went to a hub nobody watched).
    const ledsager::test::TempDir dir("ledsager-hub-twice");
    test::RunningHub first(dir.path / "a");
    hub::HubOptions o;
    o.data_dir = dir.path / "b";
    o.host = "127.0.0.1";
    o.port = first.port;
    hub::Hub second(o);
    std::string error;
    CHECK(second.bind(error) < 0);
    CHECK(error.find("in use") != std::string::npos);
}

TEST_CASE("roles: the hub takes a publishing key only when it is private to it and is a key") {
    const ledsager::test::TempDir dir("ledsager-sec-publishing-key");
    REQUIRE(hub::init_crypto());
    const fs::path key = dir.path / "publishing.key";
    std::ofstream(key) << common::make_content_key_pair().secret_key << "\n";
    const std::string args = "--listen 127.0.0.1:0 --content-secret-key '" + key.string() + "'";
    fs::permissions(key, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
    auto [shared, said] = hub_command(dir.path / "data", args);
    CHECK(shared == 2);
    CHECK(said.find("readable by others") != std::string::npos);
    std::ofstream(key, std::ios::trunc) << "not-a-key\n";
    fs::permissions(key, fs::perms::owner_read | fs::perms::owner_write);
    auto [garbage, said_garbage] = hub_command(dir.path / "data", args);
    CHECK(garbage == 2);
    CHECK(said_garbage.find("not a secret key") != std::string::npos);
    fs::remove(key);
    auto [missing, said_missing] = hub_command(dir.path / "data", args);
    CHECK(missing == 2);
    CHECK(said_missing.find("cannot be read") != std::string::npos);
}
