// rtl_layout_mirrored: in Arabic, Farsi and Urdu the whole layout is mirrored: what sits on
// the left in Danish sits on the right (Back, the bar's left group, the step's text, the
// progress bar's start), text lines end at the right margin, and nothing is clipped.
#include <cmath>

#include "harness.hpp"

using namespace ledsager;

namespace {
std::map<std::string, ui::Rect> walk(const std::string& lang) {
    core::KioskConfig config;
    config.offered = {"da", "en", "ar", "fa", "ur"};
    test::Harness h(config);
    h.tap("attract.start");
    h.tap("language." + lang);
    h.tap("guide.mitid-login");
    h.tap("needs.start");
    h.tap("step.choice.app");
    h.frame();
    std::map<std::string, ui::Rect> rects;
    for (const auto& e : h.elements())
        if (e.visible) rects[e.id] = e.rect;
    return rects;
}
}  // namespace

TEST_CASE("right-to-left languages mirror the layout") {
    const float W = 1920;
    const auto da = walk("da");
    for (const std::string lang : {"ar", "fa", "ur"}) {
        INFO(lang);
        const auto rtl = walk(lang);
        int compared = 0;
        for (const auto& [id, r] : da) {
            auto it = rtl.find(id);
            if (it == rtl.end()) continue;
            const float left = r.cx() - W / 2, right = it->second.cx() - W / 2;
            if (std::fabs(left) < W * 0.1f) continue;  // centred things stay centred
            CAPTURE(id);
            CHECK(left * right < 0);  // on the other side of the screen
            ++compared;
        }
        CHECK(compared >= 10);
        // Reading starts at the right: the step title and its lines end at the right margin.
        const auto& title = rtl.at("step.title");
        CHECK(title.right() > W * 0.9f);
        CHECK(rtl.at("step.back").cx() > W / 2);
        CHECK(rtl.at("bar.help").cx() < W / 2);
        CHECK(rtl.at("bar.text_size").cx() > W / 2);
        for (const auto& [id, r] : rtl) {
            CAPTURE(id);
            CHECK(r.x >= 0);
            CHECK(r.right() <= W + 0.5f);
        }
    }
}
