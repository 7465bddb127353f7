// catalogue_every_task_visible: on a 1920x1080 screen at 100 % text, in every language and
// both themes, the catalogue shows every guide's tile whole, under its group's heading,
// with no scrolling (no scroll bar, no "More below"); the columns fill the width. At 200 %
// text every tile is still reachable and opens its guide.
#include "harness.hpp"

using namespace ledsager;

namespace {

void open_catalogue(test::Harness& h, const std::string& lang) {
    h.tap("attract.start");
    h.tap("language." + lang);
    REQUIRE(h.session().data().screen == core::Screen::Catalogue);
}

}  // namespace

TEST_CASE("every task is in sight at 100 % text, in every language, using the whole width") {
    core::KioskConfig config;
    for (const auto& lang : config.offered) {
        for (bool contrast : {false, true}) {
            INFO(lang << (contrast ? " high contrast" : ""));
            test::Harness h(config);
            open_catalogue(h, lang);
            if (contrast) {
                h.tap("bar.contrast");
                h.frame();
            }
            const auto& guides = h.app().content().guides;
            REQUIRE(guides.size() == 10);
            float left = 1920, right = 0, bottom = 0;
            for (const auto& g : guides) {
                const ui::Element* tile = h.find("guide." + g.id);
                REQUIRE_MESSAGE(tile, "no tile for " << g.id);
                INFO(g.id << " at " << tile->rect.x << "," << tile->rect.y << " " << tile->rect.w << "x"
                          << tile->rect.h);
                CHECK(tile->visible);
                CHECK(tile->rect.y >= 0);
                left = std::min(left, tile->rect.x);
                right = std::max(right, tile->rect.x + tile->rect.w);
                bottom = std::max(bottom, tile->rect.y + tile->rect.h);
                // Its group's heading is on screen too.
                CHECK(h.find("category." + g.category));
            }
            const ui::Element* bar = h.find("bar.help");
            REQUIRE(bar);
            CHECK(bottom <= bar->rect.y);
            CHECK_FALSE(h.find("catalogue.list.more"));  // nothing below the fold
            // The columns span the screen: no third of the width left empty.
            CHECK(right - left > 1920 * 0.9f);
        }
    }
}

TEST_CASE("at 200 % text every tile can be scrolled to and opens its guide") {
    core::KioskConfig config;
    for (const std::string lang : {"da", "ar", "uk"}) {
        test::Harness h(config);
        open_catalogue(h, lang);
        h.session().set_text_scale(200);
        h.frame();
        for (const auto& g : h.app().content().guides) {
            INFO(lang << " " << g.id);
            h.tap("guide." + g.id);
            CHECK(h.session().data().guide_id == g.id);
            h.session().show(core::Screen::Catalogue, "", "", h.now());
            h.frame();
        }
    }
}
