// keyboard_navigation: a whole guide by keys alone (arrows, Tab, Enter, Escape as Back,
// F1 as Help), with a visible focus ring drawn around the focused element.
#include <set>

#include "harness.hpp"

using namespace ledsager;
using core::Key;

namespace {
// Moves focus with Tab until `id` is focused (fails after a full round).
void focus(test::Harness& h, const std::string& id) {
    for (int i = 0; i < 40 && h.focused() != id; ++i)
        h.key(Key::Tab);
    REQUIRE_MESSAGE(h.focused() == id, "could not reach " << id << " with Tab\n" << h.screen_text());
}
}  // namespace

TEST_CASE("a guide from start to end with the keyboard only") {
    test::Harness h;
    const auto before = h.pixel_hash();
    h.key(Key::Enter);  // the attract screen: Enter starts
    CHECK(h.session().data().screen == core::Screen::Language);
    CHECK(h.pixel_hash() != before);
    focus(h, "language.en");
    h.key(Key::Enter);
    CHECK(h.shows("What do you need help with?"));
    // Arrows move between tiles.
    const std::string first = h.focused();
    h.key(Key::Right);
    CHECK(h.focused() != first);
    focus(h, "guide.mitid-login");
    h.key(Key::Enter);
    CHECK(h.shows("What you need"));
    focus(h, "needs.start");
    h.key(Key::Enter);
    CHECK(h.shows("Do you have the MitID app?"));
    focus(h, "step.choice.app");
    h.key(Key::Enter);
    CHECK(h.shows("Choose MitID on the website"));
    h.key(Key::Back);  // Escape/Backspace: back one step
    CHECK(h.shows("Do you have the MitID app?"));
    focus(h, "step.choice.app");
    h.key(Key::Enter);
    while (h.session().data().screen == core::Screen::Step) {
        focus(h, "step.yes");
        h.key(Key::Enter);
    }
    CHECK(h.session().data().screen == core::Screen::End);
    h.key(Key::Help);
    CHECK(h.session().data().screen == core::Screen::Help);
    h.key(Key::Back);
    CHECK(h.session().data().screen == core::Screen::End);
    focus(h, "end.finish");
    h.key(Key::Enter);
    CHECK(h.session().data().screen == core::Screen::Wiped);
}

TEST_CASE("the focus ring is drawn in the focus colour and only for keyboard users") {
    test::Harness h;
    h.tap("attract.start");
    h.tap("language.en");
    const auto touch = h.pixel_hash();
    h.key(Key::Tab);
    const auto keyed = h.pixel_hash();
    CHECK(keyed != touch);  // the ring appeared
    CHECK_FALSE(h.focused().empty());
    h.tap_at(5, 5);  // touching hides it again
    CHECK(h.pixel_hash() == touch);
}

TEST_CASE("Tab cycles through every actionable element and wraps; focus never leaves a dialog") {
    test::Harness h;
    h.tap("attract.start");
    h.tap("language.da");
    std::set<std::string> seen;
    int actionable = 0;
    for (const auto& e : h.elements())
        actionable += e.actionable;
    for (int i = 0; i < actionable + 1; ++i) {
        h.key(Key::Tab);
        seen.insert(h.focused());
    }
    CHECK(static_cast<int>(seen.size()) == actionable);
    h.wait(125'000);  // the timeout warning takes the focus, so Enter answers it
    REQUIRE(h.find("timeout"));
    CHECK(h.focused() == "timeout.continue");
    h.key(Key::Enter);
    CHECK_FALSE(h.find("timeout"));
    CHECK(h.session().data().screen == core::Screen::Catalogue);
}
