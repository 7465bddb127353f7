// Inactivity: warning with a countdown, wipe, the "deleted" notice, back to attract. Time is
// a fake clock, so a day of kiosk life runs in microseconds.
#include <doctest/doctest.h>

#include "core/session.hpp"

using namespace ledsager::core;
using namespace ledsager::common;

namespace {
struct Fixture {
    KioskConfig config;
    ContentSet content = load_content(LEDSAGER_SOURCE_ASSETS "/guides");
    Session session{config, content};
    void into_guide(Millis now) {
        session.apply({ActionKind::Start}, now);
        session.apply({ActionKind::ChooseLanguage, "en"}, now);
        session.apply({ActionKind::OpenGuide, "mitid-login"}, now);
        session.apply({ActionKind::BeginSteps}, now);
        session.apply({ActionKind::Choose, "app"}, now);
        session.apply({ActionKind::CycleTextScale}, now);
    }
};
}  // namespace

TEST_CASE_FIXTURE(Fixture, "no timeout on the attract screen") {
    session.tick(24LL * 3600 * 1000);
    CHECK(session.data().screen == Screen::Attract);
    CHECK(session.next_deadline(0) == -1);
}

TEST_CASE_FIXTURE(Fixture, "warning after the configured idle time, countdown, then wipe and notice") {
    const Millis t0 = 5000;
    into_guide(t0);
    CHECK(session.next_deadline(t0) == t0 + 120000);
    session.tick(t0 + 119999);
    CHECK_FALSE(session.data().warning);
    session.tick(t0 + 120000);
    CHECK(session.data().warning);
    CHECK(session.countdown_seconds(t0 + 120000) == 30);
    CHECK(session.countdown_seconds(t0 + 120001) == 30);
    CHECK(session.countdown_seconds(t0 + 121000) == 29);
    CHECK(session.next_deadline(t0 + 120500) == t0 + 121000);  // wakes each second
    session.tick(t0 + 149999);
    CHECK(session.data().screen == Screen::Step);  // still there, 1 s left
    CHECK(session.countdown_seconds(t0 + 149999) == 1);
    session.tick(t0 + 150000);
    CHECK(session.data().screen == Screen::Wiped);
    CHECK(session.data().timed_out);
    // Everything about the citizen is gone.
    CHECK(session.data().guide_id.empty());
    CHECK(session.data().step_id.empty());
    CHECK(session.data().history.empty());
    CHECK(session.data().lang == config.default_language);
    CHECK(session.data().text_scale == 100);
    CHECK(session.counts().timeouts == 1);
    session.tick(t0 + 150000 + 7999);
    CHECK(session.data().screen == Screen::Wiped);
    session.tick(t0 + 150000 + 8000);
    CHECK(session.data().screen == Screen::Attract);
}

TEST_CASE_FIXTURE(Fixture, "'Yes, continue' keeps the session; any touch counts as being there") {
    into_guide(0);
    session.tick(125000);
    REQUIRE(session.data().warning);
    session.apply({ActionKind::Continue}, 126000);
    CHECK_FALSE(session.data().warning);
    CHECK(session.data().step_id == "choose-mitid");
    session.tick(126000 + 119000);
    CHECK_FALSE(session.data().warning);
    session.tick(126000 + 120000);
    CHECK(session.data().warning);
    session.activity(126000 + 125000);
    CHECK_FALSE(session.data().warning);
    CHECK(session.data().screen == Screen::Step);
}

TEST_CASE_FIXTURE(Fixture, "a late tick (the kiosk slept) still wipes, never resumes a stale session") {
    into_guide(0);
    session.tick(10LL * 60 * 1000);
    CHECK(session.data().screen == Screen::Wiped);
}

TEST_CASE("configured times are used") {
    KioskConfig config;
    config.inactivity_timeout_s = 30;
    config.warning_countdown_s = 20;
    ContentSet content = load_content(LEDSAGER_SOURCE_ASSETS "/guides");
    Session session(config, content);
    session.apply({ActionKind::Start}, 0);
    session.tick(29999);
    CHECK_FALSE(session.data().warning);
    session.tick(30000);
    CHECK(session.data().warning);
    CHECK(session.countdown_seconds(30000) == 20);
    session.tick(50000);
    CHECK(session.data().screen == Screen::Wiped);
}
