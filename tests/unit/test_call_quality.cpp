// call_send_quality: the video a kiosk sends follows the path (core::SendQuality). A path
// model stands in for the line: the far side receives what fits under a capacity (plus the
// sound), loses the rest, and a queue builds the round-trip time up. Checked: a clean path
// climbs to the best picture; a 300 kbit/s line brings the rate under it within seconds and
// keeps it there; a drop from 2 Mbit/s to 300 kbit/s mid-call is followed; below what the
// smallest picture needs, the picture pauses and the sound goes on; when the line recovers,
// the picture comes back and climbs again; sizes do not flap around one threshold; a far side
// that stops reporting while the picture is sent (a blackout) is taken as loss, but not before
// its first report; a path whose round-trip time changed for good (a new route) is measured
// afresh; one slow report alone cuts nothing; a try 10 % lower is not made again at once; a
// blackout that ends (the sound's reports all lost, then clean) brings the picture back at once.
#include <doctest/doctest.h>

#include <algorithm>

#include "core/call_quality.hpp"

using namespace ledsager::core;

namespace {

// A line of `capacity` bit/s shared with the sound (~50 kbit/s with its packet overhead), as
// the kernel's tbf makes it in video_call_weak_network: what is sent above it waits in a queue
// of at most 150 ms, and what does not fit there is lost.
PathReport path(double sent_bps, double capacity_bps, double base_rtt_ms = 40) {
    const double room = std::max(0.0, capacity_bps - 50'000);
    PathReport r;
    r.fraction_lost = sent_bps > room ? (sent_bps - room) / sent_bps : 0;
    r.rtt_ms = base_rtt_ms + (sent_bps > room ? 150 : 0);
    return r;
}

struct Run {
    SendQuality q;
    Millis now = 0;
    // Runs `seconds` reports on a line of `capacity`; returns the level at the end.
    SendLevel for_seconds(int seconds, double capacity) {
        for (int i = 0; i < seconds; ++i) {
            now += 1000;
            const SendLevel l = q.level();
            q.report(path(l.video ? l.bitrate : 0, capacity), now);
        }
        return q.level();
    }
    // A slow line first: the picture pauses and fails a few tries, so its wait has grown.
    void after_failed_tries() {
        for_seconds(20, 10'000'000);
        for_seconds(150, 120'000);
    }
};

}  // namespace

TEST_CASE("a clean path climbs to the best picture and stays there") {
    Run run;
    CHECK(run.q.level().bitrate == 900'000);  // where a call starts: 640x480 at 20
    CHECK(run.q.level().width == 640);
    CHECK(run.q.level().fps == 20);
    const SendLevel l = run.for_seconds(30, 10'000'000);
    CHECK(l.bitrate == 1'500'000);
    CHECK(l.width == 640);
    CHECK(l.height == 480);
    CHECK(l.fps == 30);
    CHECK(l.video);
}

TEST_CASE("a 300 kbit/s line: the rate settles under it within seconds") {
    Run run;
    int settled_at = -1;
    for (int s = 1; s <= 60; ++s) {
        run.for_seconds(1, 300'000);
        if (settled_at < 0 && run.q.level().bitrate <= 250'000) settled_at = s;
    }
    CHECK(settled_at > 0);
    CHECK(settled_at <= 10);
    // And it stays under the line afterwards, with a picture (320x240 is within reach).
    int over = 0;
    for (int s = 0; s < 60; ++s) {
        const SendLevel l = run.for_seconds(1, 300'000);
        CHECK(l.video);
        over += l.bitrate > 260'000 ? 1 : 0;
    }
    CHECK(over <= 6);  // brief tries above it, not a rate that lives there
    CHECK(run.q.level().width == 320);
}

TEST_CASE("a drop from 2 Mbit/s to 300 kbit/s during a call is followed") {
    Run run;
    CHECK(run.for_seconds(30, 2'000'000).bitrate == 1'500'000);
    int seconds = 0;
    while (run.q.level().bitrate > 250'000 && seconds < 60) {
        run.for_seconds(1, 300'000);
        ++seconds;
    }
    MESSAGE("settled after the drop in ", seconds, " s");
    CHECK(seconds <= 12);
    CHECK(run.q.level().video);
}

TEST_CASE("below the smallest picture the picture pauses, the sound goes on, and it comes back") {
    Run run;
    // 120 kbit/s: the sound fits, no picture does.
    SendLevel l = run.for_seconds(20, 120'000);
    CHECK_FALSE(l.video);
    // The sound alone fits, so the picture is tried again now and then; each failed try makes
    // the next wait longer: over two minutes, the picture is on (disturbing the sound) seldom.
    int on = 0, tries = 0;
    bool was = false;
    for (int s = 0; s < 120; ++s) {
        l = run.for_seconds(1, 120'000);
        on += l.video ? 1 : 0;
        tries += l.video && !was ? 1 : 0;
        was = l.video;
    }
    MESSAGE("in 120 s on 120 kbit/s: ", tries, " tries, the picture on for ", on, " s");
    CHECK(tries <= 5);
    CHECK(on <= 20);
    // The line recovers: after at most SendQuality::kPausedRetryMaxMs of good reports the
    // smallest picture comes back, and then it climbs.
    l = run.for_seconds(static_cast<int>(SendQuality::kPausedRetryMaxMs / 1000) + 1, 2'000'000);
    CHECK(l.video);
    l = run.for_seconds(40, 2'000'000);
    CHECK(l.video);
    CHECK(l.width == 640);
}

TEST_CASE("a lone lost packet or a slow moment does not pause the picture") {
    SendQuality q;
    Millis now = 0;
    for (int i = 0; i < 20; ++i)
        q.report({0.25, 500}, now += 1000);  // a bad stretch
    CHECK(q.level().bitrate == 150'000);
    CHECK_FALSE(q.level().video);  // at the floor and still losing: paused
    SendQuality q2;
    now = 0;
    for (int i = 0; i < 100; ++i)
        q2.report({i % 30 == 0 ? 0.2 : 0.0, 40}, now += 1000);  // a spike each 30 s
    CHECK(q2.level().video);
    CHECK(q2.level().bitrate > 600'000);
}

TEST_CASE("the picture size does not flap around a threshold") {
    // A line where the rate keeps wandering across 600 kbit/s (640x480 at 20 frames above it,
    // 480x360 at 15 below): the size changes once or twice, not every few seconds.
    Run run;
    run.for_seconds(5, 690'000);
    int changes = 0, crossings = 0;
    SendLevel last = run.q.level();
    for (int s = 0; s < 200; ++s) {
        const SendLevel l = run.for_seconds(1, 690'000);
        changes += l.width != last.width || l.fps != last.fps ? 1 : 0;
        crossings += (l.bitrate >= 600'000) != (last.bitrate >= 600'000) ? 1 : 0;
        last = l;
    }
    MESSAGE("the rate crossed 600 kbit/s ", crossings, " times; the size changed ", changes, " times");
    CHECK(crossings >= 10);  // the case is the one it is meant to be
    CHECK(changes <= 2);
}

TEST_CASE("a blackout: the far side stops reporting while the picture is sent, and the picture pauses") {
    Run run;
    CHECK(run.for_seconds(20, 10'000'000).bitrate == 1'500'000);
    // Nothing new comes back: the call goes on with idle() once a second.
    int paused_after = -1;
    for (int s = 1; s <= 30 && paused_after < 0; ++s) {
        run.q.idle(run.now += 1000);
        if (!run.q.level().video) paused_after = s;
        if (s <= 3) CHECK(run.q.level().bitrate == 1'500'000);  // a report may be late by a few seconds
    }
    MESSAGE("paused ", paused_after, " s into the blackout");
    CHECK(paused_after > 3);
    CHECK(paused_after <= 12);
    // The line comes back: the picture is tried again after its wait, and climbs.
    const SendLevel l = run.for_seconds(static_cast<int>(SendQuality::kPausedRetryMs / 1000) + 45, 10'000'000);
    CHECK(l.video);
    CHECK(l.bitrate > 600'000);
}

TEST_CASE("a blackout that ends brings the picture back at once, whatever its wait") {
    Run run;
    run.after_failed_tries();
    // Then nothing at all gets through (the sound's reports say nothing arrived) for 20 s...
    for (int s = 0; s < 20; ++s)
        run.q.report({1.0, 40, false, true}, run.now += 1000);
    REQUIRE_FALSE(run.q.level().video);
    // ...and the line comes back whole: the first clean report on the sound brings the picture
    // back (not the 30-60 s the grown wait would take).
    run.q.report({0, 40}, run.now += 1000);
    CHECK(run.q.level().video);
    // A pause on a line that was never dark keeps its wait: the sound's clean reports alone do
    // not bring the picture back early.
    Run slow;
    for (int s = 0; s < 30 && slow.q.level().video; ++s)
        slow.for_seconds(1, 120'000);
    REQUIRE_FALSE(slow.q.level().video);
    slow.q.report({0, 40}, slow.now += 1000);
    CHECK_FALSE(slow.q.level().video);
}

TEST_CASE("paused by a blackout, the picture comes back with the first clean report") {
    Run run;
    run.after_failed_tries();
    run.for_seconds(static_cast<int>(SendQuality::kPausedRetryMaxMs / 1000) + 20, 10'000'000);
    REQUIRE(run.q.level().video);
    // Nothing comes back: paused by the silence...
    for (int s = 0; s < 30 && run.q.level().video; ++s)
        run.q.idle(run.now += 1000);
    REQUIRE_FALSE(run.q.level().video);
    // ...and the line is back at once: the next report on the sound brings the picture back.
    run.q.report({0, 40}, run.now += 4000);
    CHECK(run.q.level().video);
}

TEST_CASE("a line that carries the sound and loses every picture is not tried every few seconds") {
    Run run;
    run.for_seconds(20, 10'000'000);
    // 55 kbit/s: the sound (~50 kbit/s) fits; any picture is (nearly) all lost, but something
    // arrives: not a blackout.
    int tries = 0;
    bool was = true;
    Millis last_try = -1, least_gap = 1'000'000;
    for (int s = 0; s < 180; ++s) {
        const SendLevel l = run.for_seconds(1, 55'000);
        if (l.video && !was) {
            ++tries;
            if (last_try >= 0) least_gap = std::min(least_gap, run.now - last_try);
            last_try = run.now;
        }
        was = l.video;
    }
    MESSAGE("in 180 s on 55 kbit/s: ", tries, " tries, at least ", least_gap, " ms apart");
    CHECK(tries <= 6);
    CHECK(least_gap >= SendQuality::kPausedRetryMs);
}

TEST_CASE("reports that come seldom but come do not pause the picture") {
    Run run;
    run.for_seconds(20, 10'000'000);
    for (int i = 0; i < 30; ++i) {  // a report every 3 s, none lost
        run.q.idle(run.now += 1000);
        run.q.idle(run.now += 1000);
        run.q.report({0, 40}, run.now += 1000);
    }
    CHECK(run.q.level().video);
    CHECK(run.q.level().bitrate == 1'500'000);
}

TEST_CASE("before the far side's first report on the picture, no report is no blackout") {
    SendQuality q;
    Millis now = 0;
    for (int s = 0; s < 20; ++s)
        q.idle(now += 1000);
    CHECK(q.level().video);
    CHECK(q.level().bitrate == 900'000);
}

TEST_CASE("a path whose round-trip time rose for good (a new route) is measured afresh") {
    Run run;
    CHECK(run.for_seconds(20, 10'000'000).bitrate == 1'500'000);
    // From now on every report says 300 ms (was 40): at first it looks like a queue, then the
    // least round-trip time is the new path's and the rate climbs back.
    int lowest = run.q.level().bitrate;
    for (int s = 0; s < 40; ++s) {
        run.q.report({0, 300}, run.now += 1000);
        lowest = std::min(lowest, run.q.level().bitrate);
    }
    MESSAGE("after the route changed the rate went down to ", lowest, " bit/s; 40 s after: ", run.q.level().bitrate);
    CHECK(lowest >= 600'000);  // a few cuts, not down to the floor
    CHECK(run.q.level().bitrate == 1'500'000);
    CHECK(run.q.level().width == 640);
}

TEST_CASE("one slow report alone does not lower the rate; two in a row do") {
    Run run;
    CHECK(run.for_seconds(20, 10'000'000).bitrate == 1'500'000);
    run.q.report({0, 400}, run.now += 1000);
    CHECK(run.q.level().bitrate == 1'500'000);
    run.q.report({0, 40}, run.now += 1000);
    CHECK(run.q.level().bitrate == 1'500'000);
    run.q.report({0, 400}, run.now += 1000);
    run.q.report({0, 400}, run.now += 1000);
    CHECK(run.q.level().bitrate < 1'500'000);
}

TEST_CASE("after a try 10 % lower, the next try waits") {
    // Loss in the hold band (5 %) every other second, whatever the rate: each try lower seems
    // to answer it. The rate is tried lower once per kCeilingMs, not every other second.
    Run run;
    run.for_seconds(20, 10'000'000);
    int lowered = 0;
    int last = run.q.level().bitrate;
    for (int s = 0; s < 40; ++s) {
        run.q.report({s % 2 == 0 ? 0.05 : 0.0, 40}, run.now += 1000);
        lowered += run.q.level().bitrate < last ? 1 : 0;
        last = run.q.level().bitrate;
    }
    MESSAGE("tried lower ", lowered, " times in 40 s");
    CHECK(lowered >= 2);
    CHECK(lowered <= 5);
}
