// insight_funnel and insight_privacy: a simulated month of citizen sessions on 20 kiosks at
// two sites (the real core::Session driven by a script with a fake clock, the real usage
// recorder, batches POSTed to a real hub on loopback with each kiosk's token; help requests
// made and closed through the hub's API with outcomes). The reports' numbers are checked
// against what the script did; small cells are suppressed (with a complementary cell), and
// no event, report, CSV or byte of the hub's database holds any of the personal "canary"
// strings typed during the sessions.
#include <httplib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <thread>

#include <doctest/doctest.h>

#include "core/content.hpp"
#include "core/session.hpp"
#include "core/usage.hpp"
#include "hub/auth.hpp"
#include "hub/insight.hpp"
#include "hub/server.hpp"
#include "running_hub.hpp"

namespace fs = std::filesystem;
using json = nlohmann::json;
using namespace ledsager;

namespace {


httplib::Headers login(httplib::Client& c, const std::string& user) {
    auto r = c.Post("/api/v1/auth/login", json{{"username", user}, {"password", user + "-password"}}.dump(), "application/json");
    REQUIRE(r);
    REQUIRE(r->status == 200);
    const std::string cookie = r->get_header_value("Set-Cookie");
    return {{"Cookie", cookie.substr(0, cookie.find(';'))}, {"X-CSRF-Token", json::parse(r->body)["csrf"]}};
}

std::string local_day(std::time_t t) {
    std::tm tm{};
    localtime_r(&t, &tm);
    char buf[16];
    std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
    return buf;
}

// What the script did, to check the reports against.
struct Expected {
    std::map<std::string, int> started, done_self, done_staff, yes, no;
    std::map<std::pair<std::string, std::string>, int> reached, left, confusing, help;
    std::map<std::pair<std::string, std::string>, std::vector<core::Millis>> times;
    std::map<std::string, int> sessions_by_site;
    std::map<std::string, std::map<std::string, int>> langs_by_site;
    std::map<std::string, int> outcomes;  // in person, by outcome
};

const std::vector<std::string> kCanaries{"Jens Peter Hansen", "010203-1234", "jens.hansen@example.dk", "Nørregade 17, 2. tv"};

int bucket_from(core::Millis ms) { return static_cast<int>(hub::kDurationEdges[hub::duration_bucket(ms / 1000)]); }

}  // namespace

TEST_CASE("insight: a simulated month on 20 kiosks gives the funnel, the site figures and the gains the script made") {
    REQUIRE(hub::init_crypto());
    const fs::path dir = fs::temp_directory_path() / ("ledsager-insight-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    // A month in seconds: the kiosks' request rate is far above a real one.
    test::RunningHub hub(dir, 0, false, LEDSAGER_SOURCE_DIR "/assets/guides", [](hub::HubOptions& o) { o.help_requests_per_minute = 1e6; });
    auto& store = hub.server->store();
    const auto north = store.add_site("north", "North Library", "Counter 1");
    const auto south = store.add_site("south", "South Service Centre", "Counter 2");
    for (int k = 0; k < 20; ++k)
        store.add_kiosk(k < 10 ? north : south, "kiosk-" + std::to_string(k), "Place", hub::hash_token("token-" + std::to_string(k)));
    store.add_user({0, "manager", "Maja Manager", "manager", hub::hash_password("manager-password"), "da", {north, south}});
    store.add_user({0, "staff", "Sofie Staff", "staff", hub::hash_password("staff-password"), "da", {north, south}});

    const auto content = core::load_content(LEDSAGER_SOURCE_DIR "/assets/guides");
    REQUIRE(content.guides.size() >= 5);
    core::KioskConfig config;
    config.hub_url = "http://127.0.0.1:1";  // only so that the session offers help through a hub; nothing is sent there
    config.hub_token = "x";
    std::mt19937 rng(20261203);
    auto chance = [&](double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; };
    auto pick = [&](int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); };
    // One guide is rare (a few sessions in the month): its cells are the small ones.
    std::vector<const core::Guide*> guides;
    for (const auto& g : content.guides) guides.push_back(&g);
    const core::Guide* rare = guides.back();
    guides.pop_back();
    const std::vector<std::string> langs{"da", "da", "da", "en", "ar", "uk"};
    const std::vector<std::string> outcomes{"solved", "appointment", "referred", "left"};

    Expected ex;
    httplib::Client c("127.0.0.1", hub.port);
    auto staff = login(c, "staff");
    std::vector<std::string> batches;  // everything the kiosks sent, to look for canaries
    const std::time_t today = std::time(nullptr);
    int sent_events = 0, help_requests = 0;
    // A kiosk's batch to the hub, as the kiosk sends it (and kept, to look for canaries).
    auto send = [&](core::UsageRecorder& rec, int k) {
        auto events = rec.take(core::UsageRecorder::kBatch);
        sent_events += static_cast<int>(events.size());
        batches.push_back(core::usage_batch_json(events));
        auto r = c.Post("/api/v1/usage", {{"Authorization", "Bearer token-" + std::to_string(k)}}, batches.back(), "application/json");
        REQUIRE(r);
        REQUIRE_MESSAGE(r->status == 204, r->body);
    };

    for (int k = 0; k < 20; ++k) {
        core::Session session(config, content);
        core::UsageRecorder rec;
        const std::string site = k < 10 ? "north" : "south";
        core::Millis now = 1'000'000;
        for (int day = 29; day >= 0; --day) {
            const std::string date = local_day(today - day * 86400);
            const int sessions = 1 + pick(4) + (day == 3 && k == 0 ? 2 : 0);
            for (int n = 0; n < sessions; ++n) {
                now += 600'000;  // the last session is long over (wiped, back to attract)
                session.tick(now);
                const int hour = 9 + pick(8);
                auto act = [&](core::ActionKind kind, std::string arg = {}, int value = 0) {
                    now += 3'000 + pick(40) * 1000;
                    session.activity(now);
                    session.apply({kind, std::move(arg), value}, now);
                    rec.observe(session.data(), now, date, hour, false);
                };
                const bool rare_one = k == 7 && day % 11 == 0 && n == 0;  // one kiosk, three days: a handful
                const core::Guide* g = rare_one ? rare : guides[pick(static_cast<int>(guides.size()))];
                const std::string lang = langs[pick(static_cast<int>(langs.size()))];
                act(core::ActionKind::Start);
                act(core::ActionKind::ChooseLanguage, lang);
                ex.sessions_by_site[site]++;
                ex.langs_by_site[site][lang]++;
                act(core::ActionKind::OpenGuide, g->id);
                ex.started[g->id]++;
                act(core::ActionKind::BeginSteps);
                bool asked = false, finished = false, backed = false;
                std::vector<std::string> seen;
                for (int guard = 0; guard < 40 && session.data().screen == core::Screen::Step; ++guard) {
                    const std::string step = session.data().step_id;
                    const core::Millis entered = now;
                    if (std::find(seen.begin(), seen.end(), step) == seen.end()) {
                        seen.push_back(step);
                        ex.reached[{g->id, step}]++;
                    }
                    if (chance(0.06)) {
                        // Counted once per step and visit to the guide (a second tap on the same step is not).
                        const std::string before = session.data().confusing_step;
                        act(core::ActionKind::Confusing);
                        if (session.data().confusing_step != before) ex.confusing[{g->id, step}]++;
                    }
                    if (!asked && chance(0.05)) {
                        // Asks for a person at the front desk; staff handle it with an outcome.
                        act(core::ActionKind::OpenHelp);
                        act(core::ActionKind::ChooseHelp, "in_person");
                        act(core::ActionKind::SendHelp);
                        asked = true;
                        ex.help[{g->id, step}]++;
                        auto r = c.Post("/api/v1/help-requests", {{"Authorization", "Bearer token-" + std::to_string(k)}},
                                        json{{"kind", "in_person"}, {"guide", g->id}, {"step", step}, {"step_number", 1}, {"language", lang}}.dump(),
                                        "application/json");
                        REQUIRE(r);
                        REQUIRE(r->status == 201);
                        const auto id = json::parse(r->body)["id"].get<std::int64_t>();
                        ++help_requests;
                        const std::string outcome = outcomes[help_requests % outcomes.size()];
                        REQUIRE(c.Post("/api/v1/help-requests/" + std::to_string(id) + "/claim", staff, "", "application/json")->status == 200);
                        REQUIRE(c.Post("/api/v1/help-requests/" + std::to_string(id) + "/resolve", staff, json{{"outcome", outcome}}.dump(),
                                       "application/json")->status == 200);
                        ex.outcomes[outcome]++;
                        act(core::ActionKind::CancelHelp);  // the person helped; back to the step
                        REQUIRE(session.data().screen == core::Screen::Step);
                    }
                    if (chance(0.08)) {
                        // Leaves here.
                        ex.left[{g->id, step}]++;
                        act(core::ActionKind::EndSession);
                        ex.times[{g->id, step}].push_back(now - entered);
                        break;
                    }
                    if (!backed && seen.size() > 1 && chance(0.1)) {
                        // Goes back a step and forward again: the funnel counts each step once per guide.
                        act(core::ActionKind::Back);
                        ex.times[{g->id, step}].push_back(now - entered);
                        backed = true;
                        continue;
                    }
                    const auto* st = session.step();
                    REQUIRE(st);
                    if (st->kind == core::StepKind::Info) act(core::ActionKind::Next);
                    else if (st->kind == core::StepKind::Check) act(core::ActionKind::Yes);
                    else act(core::ActionKind::Choose, st->choices.front().id);
                    ex.times[{g->id, step}].push_back(now - entered);
                }
                if (session.data().screen == core::Screen::End) {
                    finished = true;
                    (asked ? ex.done_staff : ex.done_self)[g->id]++;
                    const bool yes = chance(0.8);
                    act(core::ActionKind::Helped, {}, yes ? 1 : 0);
                    (yes ? ex.yes : ex.no)[g->id]++;
                    act(core::ActionKind::EndSession);
                }
                (void)finished;
                REQUIRE_MESSAGE(session.data().screen == core::Screen::Wiped, "the scripted session did not end: ", core::screen_name(session.data().screen));
                if (rec.buffered() >= core::UsageRecorder::kBatch) send(rec, k);
            }
        }
        while (rec.buffered() > 0) send(rec, k);
    }
    MESSAGE(sent_events << " events in " << batches.size() << " batches, " << help_requests << " help requests");

    auto manager = login(c, "manager");
    const std::string period = "from=" + local_day(today - 29 * 86400) + "&to=" + local_day(today + 86400);
    auto guides_r = c.Get("/api/v1/insight/guides?" + period, manager);
    REQUIRE(guides_r);
    REQUIRE(guides_r->status == 200);
    const json report = json::parse(guides_r->body);
    auto expect = [](const json& v, int n) {
        if (n > 0 && n < hub::kMinCell) return v == "<5";
        return v == n;
    };
    int checked = 0, suppressed = 0;
    for (const auto& g : report["guides"]) {
        const std::string id = g["id"];
        CAPTURE(id);
        CHECK(expect(g["started"], ex.started[id]));
        CHECK(expect(g["helped"]["answers"], ex.yes[id] + ex.no[id]));
        for (const auto& row : g["steps"]) {
            const std::pair<std::string, std::string> key{id, row["step"].get<std::string>()};
            CAPTURE(key.second);
            CHECK(expect(row["reached"], ex.reached[key]));
            CHECK(expect(row["left"], ex.left[key]));
            CHECK(expect(row["confusing"], ex.confusing[key]));
            CHECK(expect(row["help"], ex.help[key]));
            checked += 4;
            for (const char* f : {"reached", "left", "confusing", "help"}) suppressed += row[f] == "<5";
            // The median time: the bucket the script's own median falls in.
            auto times = ex.times[key];
            if (times.size() >= static_cast<size_t>(hub::kMinCell)) {
                std::sort(times.begin(), times.end());
                std::map<int, int> per_bucket;
                for (auto t : times) per_bucket[bucket_from(t)]++;
                int seen = 0, want = -1;
                for (const auto& [b, n] : per_bucket)
                    if (2 * (seen += n) >= static_cast<int>(times.size())) {
                        want = b;
                        break;
                    }
                REQUIRE(row["median_time"].is_object());
                CHECK(row["median_time"]["from_s"] == want);
            }
        }
        // Done, split into without and with staff: totals match; a lone small cell has a partner.
        const int self = ex.done_self[id], staffed = ex.done_staff[id];
        if (self >= hub::kMinCell && staffed >= hub::kMinCell) {
            CHECK(g["done"]["self"] == self);
            CHECK(g["done"]["staff"] == staffed);
        }
        if ((self > 0 && self < hub::kMinCell) != (staffed > 0 && staffed < hub::kMinCell)) {
            const int hidden = (g["done"]["self"] == "<5") + (g["done"]["staff"] == "<5") + (g["done"]["total"] == "<5");
            CHECK(hidden >= 2);  // complementary suppression: the total cannot give the small one away
        }
        if (id == rare->id) {
            CHECK(g["started"] == "<5");
            CHECK(g["health"].is_null());  // too few sessions to judge
        }
        // Health only where no count behind it is a small one (it would give it away).
        for (const char* k : {"left", "help", "confusing"})
            if (g[k] == "<5") CHECK_MESSAGE(g["health"].is_null(), id << ": health beside a small " << k);
        for (const char* k : {"yes", "no"})
            if (g["helped"][k] == "<5") CHECK_MESSAGE(g["health"].is_null(), id << ": health beside a small helped." << k);
    }
    CHECK(report["guides"].size() == content.guides.size());
    CHECK(checked > 100);
    CHECK(suppressed > 0);
    // Health ranks: lowest first, guides without a figure last.
    int last = -1;
    bool null_seen = false;
    for (const auto& g : report["guides"]) {
        if (g["health"].is_null()) {
            null_seen = true;
            continue;
        }
        CHECK_FALSE(null_seen);
        CHECK(g["health"].get<int>() >= last);
        last = g["health"];
    }

    // The same figures over a period of whole months (read from the monthly counts).
    {
        const std::string wide = "from=" + local_day(today - 180 * 86400) + "&to=" + local_day(today + 180 * 86400);
        json w = json::parse(c.Get("/api/v1/insight/guides?" + wide, manager)->body), narrow = report;
        w.erase("from"), w.erase("to"), narrow.erase("from"), narrow.erase("to");
        CHECK(w == narrow);
    }
    // Per site: sessions and languages as the script made them.
    auto sites_r = c.Get("/api/v1/insight/sites?" + period, manager);
    REQUIRE(sites_r);
    const json sites = json::parse(sites_r->body);
    REQUIRE(sites["sites"].size() == 2);
    for (const auto& s : sites["sites"]) {
        const std::string slug = s["slug"];
        CHECK(s["sessions"] == ex.sessions_by_site[slug]);
        for (const auto& [lang, n] : ex.langs_by_site[slug]) CHECK((s["languages"][lang] == n || (n < hub::kMinCell && s["languages"][lang] == "<5")));
    }
    // Escalation outcomes, in person, over both sites.
    auto gains_r = c.Get("/api/v1/insight/gains?" + period, manager);
    REQUIRE(gains_r);
    const json gains = json::parse(gains_r->body);
    int self_total = 0, staff_total = 0;
    for (const auto& [g, n] : ex.done_self) self_total += n;
    for (const auto& [g, n] : ex.done_staff) staff_total += n;
    CHECK(expect(gains["guides_completed"]["without_staff"], self_total));
    CHECK(expect(gains["asked_for_help"]["in_person"], help_requests));
    CHECK(expect(gains["staff"]["in_person"]["closed"], help_requests));
    for (const auto& [o, n] : ex.outcomes) CHECK(expect(gains["staff"]["in_person"][o], n));
    CHECK(expect(gains["staff"]["in_person"]["with_staff_time"], help_requests));
    // CSV: the same figures, with what each counts.
    auto csv = c.Get("/api/v1/insight/gains?format=csv&" + period, manager);
    REQUIRE(csv);
    CHECK(csv->get_header_value("Content-Type").find("text/csv") == 0);
    CHECK(csv->body.find("tasks completed without staff," + std::to_string(self_total) + ",") != std::string::npos);
    // Front-desk staff do not see reports; kiosks' batches are checked field by field.
    CHECK(c.Get("/api/v1/insight/guides?" + period, staff)->status == 403);
    auto bad = c.Post("/api/v1/usage", {{"Authorization", "Bearer token-0"}},
                      R"({"events":[{"type":"session","day":"2026-12-01","lang":"da","name":"Jens"}]})", "application/json");
    CHECK(bad->status == 400);
    CHECK(json::parse(bad->body)["error"].get<std::string>().find("events[0].name") != std::string::npos);
    CHECK(c.Post("/api/v1/usage", {{"Authorization", "Bearer nope"}}, R"({"events":[]})", "application/json")->status == 401);

    // Privacy: during a session a citizen types personal details in a video call's text;
    // none of it is in any event sent, any report, or the hub's database.
    {
        core::Session session(config, content);
        session.set_video(true, true);
        core::UsageRecorder rec;
        core::Millis now = 5'000'000;
        auto act = [&](core::ActionKind kind, std::string arg = {}) {
            now += 2000;
            session.activity(now);
            session.apply({kind, std::move(arg)}, now);
            rec.observe(session.data(), now, local_day(today), 11, false);
        };
        act(core::ActionKind::Start);
        act(core::ActionKind::ChooseLanguage, "da");
        act(core::ActionKind::OpenGuide, guides.front()->id);
        act(core::ActionKind::BeginSteps);
        act(core::ActionKind::OpenHelp);
        act(core::ActionKind::ChooseHelp, "video");
        act(core::ActionKind::SendHelp);
        core::HubReply created{core::HubCall::Kind::Create, true, true, 201, 4242, "V-001", "open", "", 1, 60};
        session.on_hub_reply(created, now);
        session.on_call(core::CallNews::Answered, "Ali", now);
        session.on_call(core::CallNews::Connected, "", now);
        REQUIRE(session.data().call.phase == core::CallPhase::Active);
        for (const auto& canary : kCanaries) act(core::ActionKind::CallType, canary + " ");
        CHECK(session.data().call.my_text.find(kCanaries[0]) != std::string::npos);  // it was typed
        act(core::ActionKind::CallEnd);
        act(core::ActionKind::EndSession);
        const std::string batch = core::usage_batch_json(rec.take(1000));
        CHECK(batch.find("\"session\"") != std::string::npos);
        auto r = c.Post("/api/v1/usage", {{"Authorization", "Bearer token-3"}}, batch, "application/json");
        CHECK(r->status == 204);
        batches.push_back(batch);
    }
    std::string everything;
    for (const auto& b : batches) everything += b;
    everything += guides_r->body + sites_r->body + gains_r->body + csv->body;
    everything += c.Get("/api/v1/insight/guides?" + period, manager)->body;
    hub.server->store().schema_version();  // the database is checkpointed by SQLite as it goes
    for (const auto& f : {std::string("hub.sqlite3"), std::string("hub.sqlite3-wal")}) {
        std::ifstream in(dir / f, std::ios::binary);
        everything += std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    }
    for (const auto& canary : kCanaries) {
        CAPTURE(canary);
        CHECK(everything.find(canary) == std::string::npos);
    }
    std::string sent;
    for (const auto& b : batches) sent += b;
    CHECK(sent.find("4242") == std::string::npos);  // no request id in the events either
    CHECK(sent.find("Ali") == std::string::npos);   // nor the caseworker's name
    // Counts older than the usage retention go, whole months at a time (the hub purges hourly).
    CHECK(store.purge_usage(local_day(today - 400 * 86400)) == 0);
    CHECK(store.purge_usage(local_day(today + 40 * 86400)) > 0);
    CHECK(json::parse(c.Get("/api/v1/insight/guides?from=" + local_day(today - 180 * 86400) + "&to=" + local_day(today + 180 * 86400),
                            manager)->body)["guides"].empty());
    fs::remove_all(dir);
}
