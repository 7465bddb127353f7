// session_timeout_screen: the inactivity warning as the citizen sees it: dimmed screen,
// "Are you still there?", a countdown of at least 20 s, one big button; then the wipe,
// "Your information has been deleted", and the attract screen with nothing left behind.
#include "harness.hpp"

using namespace ledsager;

namespace {
void into_guide(test::Harness& h) {
    h.tap("attract.start");
    h.tap("language.en");
    h.tap("guide.mitid-login");
    h.tap("needs.start");
    h.tap("step.choice.app");
    REQUIRE(h.shows("Choose MitID on the website"));
}
}  // namespace

TEST_CASE("warning, countdown, continue") {
    test::Harness h;
    into_guide(h);
    h.wait(119'000);
    CHECK_FALSE(h.shows("Are you still there?"));
    h.wait(1'000);
    INFO(h.screen_text());
    CHECK(h.shows("Are you still there?"));
    CHECK(h.find("timeout.seconds")->label == "30");
    CHECK(h.find("timeout")->role == ui::Role::Dialog);
    h.wait(10'000);
    CHECK(h.find("timeout.seconds")->label == "20");
    // What is under the dialog cannot be tapped.
    const auto* yes = h.find("step.yes");
    REQUIRE(yes);
    h.tap_at(yes->rect.cx(), yes->rect.cy());
    CHECK(h.session().data().step_id == "choose-mitid");
    // ... but a tap counts as being there.
    CHECK_FALSE(h.shows("Are you still there?"));
    h.wait(120'000);
    REQUIRE(h.shows("Are you still there?"));
    h.tap("timeout.continue");
    CHECK_FALSE(h.shows("Are you still there?"));
    CHECK(h.shows("Choose MitID on the website"));
    CHECK(h.session().data().step_id == "choose-mitid");
}

TEST_CASE("no answer: the session is wiped and the citizen is told") {
    test::Harness h;
    into_guide(h);
    h.tap("bar.text_size");
    CHECK(h.session().data().text_scale == 150);
    h.wait(120'000 + 29'000);
    CHECK(h.find("timeout.seconds")->label == "1");
    h.wait(1'000);
    INFO(h.screen_text());
    CHECK(h.session().data().screen == core::Screen::Wiped);
    // The notice is in the kiosk's default language (the citizen's choice is gone too).
    CHECK(h.shows("Dine oplysninger er slettet"));
    CHECK(h.shows("Sessionen sluttede, fordi ingen brugte skærmen"));
    CHECK_FALSE(h.shows("MitID"));
    CHECK(h.session().data().text_scale == 100);
    h.wait(8'000);
    CHECK(h.session().data().screen == core::Screen::Attract);
    CHECK(h.shows("Få hjælp til digital selvbetjening"));
}

TEST_CASE("End now from the warning, and End from the bar, both wipe at once") {
    test::Harness h;
    into_guide(h);
    h.wait(121'000);
    h.tap("timeout.end");
    CHECK(h.session().data().screen == core::Screen::Wiped);
    CHECK_FALSE(h.session().data().timed_out);
    h.tap("wiped.ok");
    CHECK(h.session().data().screen == core::Screen::Attract);
    into_guide(h);
    h.tap("bar.end");
    CHECK(h.session().data().screen == core::Screen::Wiped);
    CHECK(h.shows("Dine oplysninger er slettet"));
}

TEST_CASE("the attract screen never times out, and the kiosk asks for no frames while idle") {
    test::Harness h;
    h.wait(3'600'000);
    CHECK(h.session().data().screen == core::Screen::Attract);
    h.frame();
    h.frame();
    h.frame();
    CHECK_FALSE(h.app().needs_frame(h.now()));
    CHECK(h.app().next_wake(h.now()) == -1);
}
