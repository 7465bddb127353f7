// keypad_crawl: the real kiosk driven by the keypad alone (Up/Down/Left/Right, Tab, Enter,
// Back, Help and the Read aloud key), with reading aloud on, through every step of every
// guide in every language. On each screen every element that can be used is reached by
// moving focus (a full round, so there is no trap), and each one is spoken as it gets
// focus; every way on (Next, Yes, No, each answer) is used with Enter, and Back returns.
// Once per language the bar, "This step is confusing" and the reading-aloud settings are
// operated by keys too.
#include <map>
#include <set>

#include "common/languages.hpp"
#include "harness.hpp"
#include "ui/announce.hpp"

using namespace ledsager;
using core::Key;

namespace {

struct Crawl {
    test::Harness& h;
    std::string lang;
    int screens = 0, elements = 0, activations = 0;

    std::vector<const ui::Element*> focusables() const {
        const auto& els = h.elements();
        size_t start = 0;
        for (size_t i = 0; i < els.size(); ++i)
            if (els[i].role == ui::Role::Dialog) start = i;
        std::vector<const ui::Element*> out;
        for (size_t i = start; i < els.size(); ++i)
            if (els[i].actionable) out.push_back(&els[i]);
        return out;
    }

    // Every usable element gets focus in one round of Tab, and is said as it does.
    void check_screen(const std::string& where) {
        INFO(lang << " " << where << "\n" << h.screen_text());
        ++screens;
        std::set<std::string> ids, reached;
        std::map<std::string, std::string> words;
        for (const auto* e : focusables()) {
            ids.insert(e->id);
            words[e->id] = e->speech.empty() ? e->label : e->speech;
        }
        REQUIRE(!ids.empty());
        const std::string start = h.focused();
        for (size_t i = 0; i <= ids.size() + 1; ++i) {
            h.key(Key::Tab);
            const std::string f = h.focused();
            reached.insert(f);
            REQUIRE_MESSAGE(!h.said().empty(), "nothing said");
            // The focused element's words were said (its label, role and state).
            bool spoken = false;
            for (auto it = h.said().rbegin(); it != h.said().rend() && it - h.said().rbegin() < 3; ++it)
                spoken = spoken || it->find(words[f]) != std::string::npos;
            CHECK_MESSAGE(spoken, f << " got focus but '" << words[f] << "' was not said; last: " << h.said().back());
        }
        for (const auto& id : ids)
            CHECK_MESSAGE(reached.count(id), id << " cannot be reached with the keypad");
        elements += static_cast<int>(ids.size());
        // Arrows move too, and never leave the screen without a focus.
        h.key(Key::Down);
        CHECK(!h.focused().empty());
        (void)start;
    }

    void focus(const std::string& id) {
        for (int i = 0; i < 60 && h.focused() != id; ++i)
            h.key(Key::Tab);
        REQUIRE_MESSAGE(h.focused() == id, lang << ": cannot reach " << id << " with the keypad\n" << h.screen_text());
    }
    void press(const std::string& id) {
        focus(id);
        h.key(Key::Enter);
        ++activations;
    }

    // Every step reachable from here, depth first; Back (the keypad's Back key) returns.
    void explore(std::set<std::string>& visited) {
        const auto& d = h.session().data();
        REQUIRE(d.screen == core::Screen::Step);
        const std::string step = d.step_id;
        const std::string guide = d.guide_id;
        if (!visited.insert(step).second) return;
        check_screen(guide + "/" + step);
        const common::Step* st = h.session().step();
        REQUIRE(st);
        std::vector<std::string> ways;
        switch (st->kind) {
            case common::StepKind::Info:
                ways = {"step.next"};
                break;
            case common::StepKind::Check:
                ways = {"step.yes", "step.no"};
                break;
            case common::StepKind::Question:
                for (const auto& c : st->choices)
                    ways.push_back("step.choice." + c.id);
                break;
        }
        for (const auto& way : ways) {
            press(way);
            const auto& now = h.session().data();
            if (now.screen == core::Screen::Step && now.step_id != step) {
                explore(visited);
            } else if (now.screen == core::Screen::End || now.screen == core::Screen::Help) {
                if (!visited.count(std::string(core::screen_name(now.screen)))) {
                    visited.insert(core::screen_name(now.screen));
                    check_screen(guide + "/" + core::screen_name(now.screen));
                }
            } else {
                FAIL(lang << " " << guide << "/" << step << ": " << way << " led to " << core::screen_name(now.screen));
            }
            h.key(Key::Back);
            REQUIRE_MESSAGE(h.session().data().screen == core::Screen::Step,
                            lang << " " << guide << "/" << step << " Back after " << way);
            REQUIRE_MESSAGE(h.session().data().step_id == step,
                            lang << " " << guide << "/" << step << " Back after " << way);
        }
    }

    // The bar, the confusing control and the reading-aloud settings, by keys.
    void operate_controls() {
        const auto& d = h.session().data();
        const int scale = d.text_scale;
        press("bar.text_size");
        CHECK(h.session().data().text_scale != scale);
        press("bar.text_size");
        press("bar.text_size");
        CHECK(h.session().data().text_scale == scale);
        press("bar.contrast");
        CHECK(h.session().data().high_contrast);
        press("bar.contrast");
        CHECK(!h.session().data().high_contrast);
        press("step.confusing");
        CHECK(h.shows(h.app().translator().tr(lang, "step.confusing_thanks")));
        press("bar.read_aloud");  // on: opens its settings
        REQUIRE(h.session().data().speech_dialog == core::SpeechDialog::Settings);
        check_screen("speech settings");
        press("speech.faster");
        CHECK(h.session().data().speech_rate == 1);
        press("speech.slower");
        press("speech.slower");
        CHECK(h.session().data().speech_rate == -1);
        press("speech.louder");
        CHECK(h.session().data().speech_volume == 1);
        press("speech.quieter");
        CHECK(h.session().data().speech_volume == 0);
        press("speech.close");
        CHECK(h.session().data().speech_dialog == core::SpeechDialog::None);
        // The dedicated keys do the same without the dialog.
        h.key(Key::Faster);
        CHECK(h.session().data().speech_rate == 0);
        h.key(Key::Louder);
        CHECK(h.session().data().speech_volume == 1);
        const size_t before = h.app().announcer().count();
        h.key(Key::Repeat);
        CHECK(h.app().announcer().count() > before);
        h.key(Key::Help);  // Help key: the way to a person, and Back returns
        CHECK(h.session().data().screen == core::Screen::Help);
        check_screen("help");
        h.key(Key::Back);
        CHECK(h.session().data().screen == core::Screen::Step);
        press("bar.language");
        CHECK(h.session().data().screen == core::Screen::Language);
        check_screen("language");
        press("language." + lang);
        CHECK(h.session().data().screen == core::Screen::Step);
    }
};

}  // namespace

TEST_CASE("every screen of every guide in every language, by keypad alone, read aloud") {
    core::KioskConfig config;
    config.offered.clear();
    for (const auto& l : common::kLanguages)
        config.offered.emplace_back(l.code);
    int total_screens = 0, total_elements = 0, total_activations = 0;
    for (const auto& code : config.offered) {
        test::Harness h(config);
        h.set_rasterize(false);
        h.enable_speech();
        Crawl c{h, code};
        INFO(code);
        // From the attract screen: the Read aloud key, then Enter starts.
        h.key(Key::ReadAloud);
        REQUIRE(h.session().data().speech);
        CHECK(!h.said().empty());
        h.key(Key::Enter);
        REQUIRE(h.session().data().screen == core::Screen::Language);
        c.check_screen("language");
        c.press("language." + code);
        if (!h.session().has_voice(code)) {
            // No voice (Somali, Tigrinya): the kiosk says so in the language's own words
            // on screen, and offers Danish or English.
            REQUIRE(h.session().data().speech_dialog == core::SpeechDialog::NoVoice);
            CHECK(h.shows(h.app().translator().tr(code, "speech.no_voice")));
            c.check_screen("no voice");
            c.press("speech.voice.en");
            CHECK(h.session().speech_language() == "en");
        }
        REQUIRE(h.session().data().screen == core::Screen::Catalogue);
        c.check_screen("catalogue");
        bool controls_done = false;
        for (const auto& g : h.app().content().guides) {
            INFO(g.id);
            c.press("guide." + g.id);
            REQUIRE(h.session().data().screen == core::Screen::Needs);
            c.check_screen(g.id + "/needs");
            c.press("needs.start");
            std::set<std::string> visited;
            c.explore(visited);
            if (!controls_done) {
                c.operate_controls();
                controls_done = true;
            }
            c.press("bar.start_over");
            REQUIRE(h.session().data().screen == core::Screen::Catalogue);
        }
        // End, by keys: the session is wiped and the notice is said.
        c.press("bar.end");
        CHECK(h.session().data().screen == core::Screen::Wiped);
        CHECK(!h.session().data().speech);  // reading aloud ends with the session
        CHECK(h.said().back().find(h.app().translator().tr("da", "wiped.title")) != std::string::npos);
        MESSAGE(code << ": " << c.screens << " screens, " << c.elements << " elements reached and said, "
                     << c.activations << " activations");
        total_screens += c.screens;
        total_elements += c.elements;
        total_activations += c.activations;
    }
    MESSAGE("in all: " << total_screens << " screens, " << total_elements << " elements, " << total_activations
                       << " activations");
    CHECK(total_screens > 500);
}
