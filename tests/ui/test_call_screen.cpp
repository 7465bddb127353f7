// call_screen_keypad: the video call's screens rendered for real (offscreen), in every
// language at 100 % and 200 %: every control on screen and whole, "Camera is on" always in
// sight (also with the keyboard open), End call never squeezed; and the call by keypad and
// keyboard alone: Tab reaches every control, Enter mutes and turns the camera off, typed
// characters and Backspace go to the real-time text, reading aloud says each control's state.
#include <algorithm>
#include <cstdlib>

#include "harness.hpp"

using namespace ledsager;
using core::Key;

namespace {

// A citizen in a call with Ali (staged: the call's media are not part of this test).
void stage_call(test::Harness& h, const std::string& lang, int scale, bool keyboard,
                core::CallPhase phase = core::CallPhase::Active) {
    auto& s = h.session();
    s.set_video(true, true);
    // From step 2 of MitID login, through "Get help from a person" (so the call returns there).
    s.show(core::Screen::Step, "mitid-login", "choose-mitid", h.now());
    s.apply({core::ActionKind::OpenHelp}, h.now());
    s.show(core::Screen::Call, "mitid-login", "choose-mitid", h.now());
    s.set_language(lang);
    s.set_text_scale(scale);
    core::Escalation e;
    e.phase = core::Escalation::Phase::Claimed;
    e.share = s.help_share("video");
    e.share.guide = "mitid-login";
    e.share.step = "choose-mitid";
    e.share.step_number = 2;
    e.id = 7;
    e.number = "V-007";
    s.set_escalation(e);
    core::CallState c;
    c.phase = phase;
    c.caseworker = "Ali";
    c.keyboard = keyboard;
    c.since = c.waiting_since = h.now();
    s.set_call(c);
    h.frame();
    h.frame();
}

const ui::Element* el(test::Harness& h, const std::string& id) {
    return h.find(id);
}

bool inside(const ui::Rect& a, const ui::Rect& b) {
    return a.x >= b.x - 1 && a.y >= b.y - 1 && a.right() <= b.right() + 1 && a.bottom() <= b.bottom() + 1;
}

void focus(test::Harness& h, const std::string& id) {
    for (int i = 0; i < 80 && h.focused() != id; ++i)
        h.key(Key::Tab);
    REQUIRE_MESSAGE(h.focused() == id, "could not reach " << id << " with Tab\n" << h.screen_text());
}

}  // namespace

TEST_CASE("the call screen in every language, at 100 % and 200 %, keyboard open or not") {
    test::Harness h;
    h.set_rasterize(false);
    const ui::Rect screen{0, 0, static_cast<float>(h.app().width()), static_cast<float>(h.app().height())};
    int checked = 0;
    for (const auto& lang : h.app().config().offered)
        for (int scale : {100, 200})
            for (bool keyboard : {false, true}) {
                stage_call(h, lang, scale, keyboard);
                INFO(lang << " " << scale << "% keyboard " << keyboard << "\n" << h.screen_text());
                for (const char* id :
                     {"call.mute", "call.camera", "call.keyboard", "call.end", "call.camera_badge", "call.self"}) {
                    const auto* e = el(h, id);
                    REQUIRE_MESSAGE(e, id);
                    CHECK_MESSAGE(e->visible, id);
                    CHECK_MESSAGE(inside(e->rect, screen), id);
                }
                // End call is never narrower than its words.
                const auto* end = el(h, "call.end");
                CHECK(end->rect.w >= end->rect.h);
                // The four buttons do not overlap.
                std::vector<ui::Rect> row;
                for (const char* id : {"call.mute", "call.camera", "call.keyboard", "call.end"})
                    row.push_back(el(h, id)->rect);
                for (size_t i = 0; i + 1 < row.size(); ++i)
                    for (size_t j = i + 1; j < row.size(); ++j) {
                        const bool apart = row[i].right() <= row[j].x + 1 || row[j].right() <= row[i].x + 1;
                        CHECK_MESSAGE(apart, "buttons " << i << " and " << j << " overlap");
                    }
                // "Camera is on" stays clear of the keyboard.
                const auto* badge = el(h, "call.camera_badge");
                if (keyboard) {
                    const auto* key = el(h, "call.key.Q");
                    REQUIRE(key);
                    CHECK(badge->rect.bottom() <= key->rect.y);
                    CHECK(inside(el(h, "call.key.space")->rect, screen));
                    CHECK(inside(el(h, "call.key.erase")->rect, screen));
                }
                ++checked;
            }
    CHECK(checked == 40);
}

TEST_CASE("a 5:4 screen at 200 %: the text goes below the picture, everything stays on screen") {
    test::Harness h({}, LEDSAGER_SOURCE_ASSETS "/guides", LEDSAGER_SOURCE_PO, 1280, 1024);
    const ui::Rect screen{0, 0, 1280, 1024};
    for (bool keyboard : {false, true}) {
        stage_call(h, "da", 200, keyboard);
        INFO(h.screen_text());
        for (const char* id : {"call.mute", "call.camera", "call.keyboard", "call.end", "call.camera_badge",
                               "call.my_text", "call.self"}) {
            REQUIRE_MESSAGE(el(h, id), id);
            const auto r = el(h, id)->rect;
            CHECK_MESSAGE(inside(r, screen), id << " at " << r.x << "," << r.y << " " << r.w << "x" << r.h);
        }
        CHECK(el(h, "call.self")->rect.w > 100);
        CHECK(el(h, "call.self")->rect.bottom() <= el(h, "call.my_text")->rect.y);
        // LEDSAGER_SHOTS=DIR keeps the pictures for a person to look at.
        if (const char* dir = std::getenv("LEDSAGER_SHOTS"))
            h.save(std::string(dir) + "/call-5x4-" + (keyboard ? "keyboard" : "plain") + ".png");
        CHECK(el(h, "call.my_text")->rect.y > el(h, "call.self")->rect.bottom());  // below the picture
    }
}

TEST_CASE("a right-to-left call keeps the keyboard's own layout") {
    test::Harness h;
    stage_call(h, "ar", 100, true);
    CHECK(el(h, "call.key.1")->rect.x < el(h, "call.key.2")->rect.x);
    CHECK(el(h, "call.key.Q")->rect.x < el(h, "call.key.P")->rect.x);
    // ...while the screen itself is mirrored: the text panel is on the left.
    CHECK(el(h, "call.my_text")->rect.x < el(h, "call.mute")->rect.x);
}

TEST_CASE("a call by keypad and keyboard alone") {
    test::Harness h;
    stage_call(h, "en", 100, false);
    // One round of Tab reaches every control.
    std::vector<std::string> seen;
    for (int i = 0; i < 12; ++i) {
        h.key(Key::Tab);
        seen.push_back(h.focused());
    }
    for (const char* id : {"call.mute", "call.camera", "call.keyboard", "call.end"})
        CHECK_MESSAGE(std::find(seen.begin(), seen.end(), id) != seen.end(), id);

    focus(h, "call.mute");
    h.key(Key::Enter);
    CHECK(h.session().data().call.muted);
    CHECK(h.shows("Unmute"));
    CHECK(h.shows("You are muted"));
    REQUIRE(el(h, "call.mute"));
    CHECK(el(h, "call.mute")->toggle);
    CHECK(el(h, "call.mute")->selected);
    focus(h, "call.camera");
    h.key(Key::Enter);
    CHECK(h.session().data().call.camera_off);
    CHECK(h.shows("Camera is off"));
    CHECK_FALSE(h.shows("Camera is on"));

    // Typed characters go to the real-time text; Backspace (the Back key) takes one away.
    for (const char* c : {"N", "ø", "r", "r"}) {
        h.app().push({core::InputEvent::Kind::Text, 0, 0, Key::None, c});
        h.frame();
    }
    h.key(Key::Back);
    CHECK(h.session().data().call.my_text == "Nør");
    CHECK(h.session().data().screen == core::Screen::Call);  // Back never leaves the call

    // The on-screen keyboard, by keys too.
    focus(h, "call.keyboard");
    h.key(Key::Enter);
    focus(h, "call.key.5");
    h.key(Key::Enter);
    CHECK(h.session().data().call.my_text == "Nør5");
    focus(h, "call.key.erase");
    h.key(Key::Enter);
    CHECK(h.session().data().call.my_text == "Nør");

    // Reading aloud says a control and its state as focus reaches it.
    h.enable_speech();
    h.key(Key::ReadAloud);
    focus(h, "call.keyboard");
    focus(h, "call.mute");
    const auto& said = h.said();
    REQUIRE_FALSE(said.empty());
    CHECK(said.back().find("Unmute") != std::string::npos);
    CHECK(said.back().find("on") != std::string::npos);

    focus(h, "call.end");
    h.key(Key::Enter);
    CHECK(h.session().take_call_hangup());
    CHECK(h.session().data().screen == core::Screen::Step);
    CHECK(h.session().data().call.my_text.empty());
}

TEST_CASE("waiting, no answer, lost and ended: one clear way on each, in words") {
    test::Harness h;
    stage_call(h, "en", 200, false, core::CallPhase::Waiting);
    CHECK(h.shows("Calling a caseworker"));
    CHECK(el(h, "call.stop_waiting"));
    stage_call(h, "en", 200, false, core::CallPhase::NoAnswer);
    CHECK(h.shows("No caseworker is free right now"));
    REQUIRE(el(h, "call.front_desk"));
    REQUIRE(el(h, "call.keep_waiting"));
    h.tap("call.front_desk");
    CHECK(h.session().data().screen == core::Screen::Waiting);
    CHECK(h.session().data().escalation.share.kind == "in_person");
    CHECK(h.session().data().escalation.share.step == "choose-mitid");
    stage_call(h, "en", 100, false, core::CallPhase::Ended);
    CHECK(h.shows("Ali ended the call"));
    h.tap("call.back");
    CHECK(h.session().data().screen == core::Screen::Step);
}
