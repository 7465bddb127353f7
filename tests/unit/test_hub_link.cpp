// The kiosk's link to the hub on its own, over a fake channel (no network, no thread):
// heartbeats every 30 s, replies sorted to whom they belong, usage in batches that survive
// a hub that is away, and remote settings fetched once per revision.
#include <doctest/doctest.h>

#include <algorithm>
#include <deque>

#include "app/hub_link.hpp"
#include "fake_hub_channel.hpp"

using namespace ledsager;
using Kind = core::HubCall::Kind;

namespace {

struct Rig {
    std::unique_ptr<test::FakeHubChannel> owned = std::make_unique<test::FakeHubChannel>();
    std::vector<core::HubCall>& sent = owned->sent;
    std::deque<core::HubReply>& replies = owned->replies;
    int& wakes = owned->wakes_set;
    app::HubLink link{std::move(owned)};

    std::size_t count(Kind k) const {
        return static_cast<std::size_t>(std::count_if(sent.begin(), sent.end(), [&](auto& c) { return c.kind == k; }));
    }
    void reply(Kind k, bool ok, int status = 200) {
        core::HubReply r;
        r.kind = k;
        r.ok = ok;
        r.reachable = status != 0;
        r.http_status = status;
        replies.push_back(r);
    }
};

std::vector<common::UsageEvent> events(int n, const std::string& type = "step_view") {
    std::vector<common::UsageEvent> out(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
        out[static_cast<std::size_t>(i)].type = type;
        out[static_cast<std::size_t>(i)].day = "2026-12-05";
        out[static_cast<std::size_t>(i)].step = "s" + std::to_string(i);
    }
    return out;
}

}  // namespace

TEST_CASE("without a hub nothing is due and nothing is sent") {
    app::HubLink link;
    CHECK_FALSE(link.connected());
    CHECK_FALSE(link.heartbeat_due(0));
    CHECK_FALSE(link.heartbeat_due(10'000'000));
    link.beat(0, {});
    link.submit({Kind::Create, {}, 0});
    link.want_settings("3.1", "0.0", "");
    CHECK_FALSE(link.settings_waiting());
    CHECK(link.take_replies().session.empty());
}

TEST_CASE("a heartbeat every 30 s, and at once when something changed") {
    Rig r;
    CHECK(r.link.connected());
    CHECK(r.link.heartbeat_due(0));  // the first one goes out at start
    common::Heartbeat h;
    h.version = "1.2.3";
    h.last_error = "printer: paper out";
    r.link.beat(0, h);
    REQUIRE(r.count(Kind::Heartbeat) == 1);
    CHECK(r.sent[0].health.version == "1.2.3");
    CHECK(r.sent[0].health.last_error == "printer: paper out");
    CHECK_FALSE(r.link.heartbeat_due(29'999));
    CHECK(r.link.heartbeat_due(30'000));
    CHECK(r.link.next_heartbeat() == 30'000);
    r.link.beat_soon(5'000);  // IT should hear of a fault now, not in 30 s
    CHECK(r.link.heartbeat_due(5'000));
    r.link.disconnect();
    CHECK_FALSE(r.link.heartbeat_due(100'000));
}

TEST_CASE("replies go to whom they belong") {
    Rig r;
    r.reply(Kind::Create, true);
    r.reply(Kind::Heartbeat, true);
    r.reply(Kind::Poll, false, 0);
    r.reply(Kind::Settings, true);  // no revision: nothing to apply
    CHECK(r.link.has_replies());
    const auto got = r.link.take_replies();
    REQUIRE(got.session.size() == 2);
    CHECK(got.session[0].kind == Kind::Create);
    CHECK(got.session[1].kind == Kind::Poll);
    REQUIRE(got.heartbeats.size() == 1);
    CHECK_FALSE(r.link.settings_waiting());
    CHECK_FALSE(r.link.has_replies());
}

TEST_CASE("usage goes in batches, one at a time, and survives a hub that is away") {
    Rig r;
    const auto batch = static_cast<int>(core::UsageRecorder::kBatch);
    r.link.usage().put_back(events(5));
    r.link.send_usage(1'000);  // a part batch waits up to a minute for more
    CHECK(r.count(Kind::Usage) == 0);
    r.link.send_usage(app::HubLink::kUsageEveryMs);
    REQUIRE(r.count(Kind::Usage) == 1);
    CHECK(r.sent.back().usage.find("\"s4\"") != std::string::npos);
    CHECK(r.link.usage().buffered() == 0);

    // While that batch is out, a full one waits (never two in flight).
    r.link.usage().put_back(events(batch + 3, "guide_start"));
    r.link.send_usage(app::HubLink::kUsageEveryMs + 10);
    CHECK(r.count(Kind::Usage) == 1);

    // The hub was away: the five go back to the front, and the next batch (a full one, at
    // once) starts with them.
    r.reply(Kind::Usage, false, 0);
    CHECK(r.link.take_replies().session.empty());
    CHECK(r.link.usage().buffered() == static_cast<std::size_t>(batch + 8));
    r.link.send_usage(app::HubLink::kUsageEveryMs + 20);
    REQUIRE(r.count(Kind::Usage) == 2);
    CHECK(r.sent.back().usage.find("\"s4\"") != std::string::npos);
    CHECK(r.link.usage().buffered() == 8);

    // Refused as malformed (400): dropped, so it cannot block the rest for ever.
    r.reply(Kind::Usage, false, 400);
    r.link.take_replies();
    CHECK(r.link.usage().buffered() == 8);
    r.link.send_usage(2 * app::HubLink::kUsageEveryMs + 20);
    REQUIRE(r.count(Kind::Usage) == 3);
    CHECK(r.link.usage().buffered() == 0);
    r.reply(Kind::Usage, true);
    r.link.take_replies();
    CHECK(r.link.usage().buffered() == 0);
    r.link.send_usage(10 * app::HubLink::kUsageEveryMs);
    CHECK(r.count(Kind::Usage) == 3);  // nothing left to send
}

TEST_CASE("remote settings are fetched once per revision") {
    Rig r;
    r.link.want_settings("", "0.0", "");
    r.link.want_settings("2.0", "2.0", "");     // the one applied
    r.link.want_settings("2.1", "2.0", "2.1");  // the one refused
    CHECK(r.count(Kind::Settings) == 0);
    r.link.want_settings("2.2", "2.0", "2.1");
    r.link.want_settings("2.2", "2.0", "2.1");  // asked already
    r.link.want_settings("2.3", "2.0", "2.1");  // one at a time
    CHECK(r.count(Kind::Settings) == 1);

    core::HubReply s;
    s.kind = Kind::Settings;
    s.ok = true;
    s.settings_revision = "2.3";
    s.settings_body = R"({"languages":["da","ar"]})";
    r.replies.push_back(s);
    r.link.take_replies();
    CHECK(r.link.settings_waiting());
    r.link.want_settings("2.3", "2.0", "2.1");  // waiting to be applied: not again
    CHECK(r.count(Kind::Settings) == 1);
    const auto got = r.link.take_settings();
    REQUIRE(got.has_value());
    CHECK(got->first == "2.3");
    CHECK(got->second == s.settings_body);
    CHECK_FALSE(r.link.settings_waiting());
    CHECK_FALSE(r.link.take_settings().has_value());

    // A failed fetch is asked for again at the next heartbeat that names it.
    r.link.want_settings("2.4", "2.3", "");
    r.reply(Kind::Settings, false, 503);
    r.link.take_replies();
    CHECK_FALSE(r.link.settings_waiting());
    r.link.want_settings("2.4", "2.3", "");
    CHECK(r.count(Kind::Settings) == 3);
}

TEST_CASE("the wake callback reaches the channel") {
    Rig r;
    r.link.set_wake([] {});
    CHECK(r.wakes == 1);
}
