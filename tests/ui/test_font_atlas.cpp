// font_atlas_languages: the font atlas holds one citizen's language besides English, Danish
// and the attract screen's language. Going back to the attract screen keeps it (the next
// citizen often picks the same language), unless it is larger than the attract screen's
// own by more than 4 MiB; the attract screen looks the same with either.
#include "harness.hpp"

using namespace ledsager;

namespace {

// From the attract screen to the catalogue in `lang`, then "End" and the wipe, back to the
// attract screen.
void visit(test::Harness& h, const std::string& lang) {
    REQUIRE(h.session().data().screen == core::Screen::Attract);
    h.tap("attract.start");
    h.tap("language." + lang);
    const auto& tr = h.app().translator();
    INFO(lang << "\n" << h.screen_text());
    CHECK(h.shows(tr.tr(lang, "catalogue.heading")));
    h.tap("guide.mitid-login");
    const auto& text = h.app().content().find("mitid-login")->text;
    CHECK(h.shows(text.at(text.count(lang) ? lang : "en").title));
    h.tap("bar.end");
    h.wait(9000);
    CHECK(h.session().data().screen == core::Screen::Attract);
}

}  // namespace

TEST_CASE("a citizen's language is built once and kept; the attract screen stays as small as when fresh") {
    test::Harness h;
    h.frame();
    const auto fresh_picture = h.pixel_hash();
    const int fresh_px = h.app().font_texture_px();
    REQUIRE(fresh_px > 0);
    // The first visit to the language screen shapes the Arabic-script names of languages
    // at the size they are listed in, once: at most one more atlas, for good.
    const int fresh = h.app().font_rebuilds();
    visit(h, "da");
    CHECK(h.app().font_rebuilds() <= fresh + 1);
    const int start = h.app().font_rebuilds();

    // English and Danish are in every atlas: no new atlas for them.
    visit(h, "en");
    visit(h, "da");
    CHECK(h.app().font_rebuilds() == start);

    // Polish is built once, when chosen; the attract screen after it needs no other atlas
    // and looks as it did; the next Polish citizen uses the same atlas.
    visit(h, "pl");
    CHECK(h.app().font_rebuilds() == start + 1);
    CHECK(h.pixel_hash() == fresh_picture);
    visit(h, "pl");
    visit(h, "en");
    CHECK(h.app().font_rebuilds() == start + 1);

    // Each language change is one new atlas, and whatever the last citizen's language, the
    // attract screen's atlas is at most 4 MiB larger than a fresh start's (else it is built
    // again for the attract screen alone) and draws the same picture.
    int rebuilds = start + 1;
    for (const std::string lang : {"ti", "ar", "uk", "fa"}) {
        visit(h, lang);
        CHECK(h.app().font_rebuilds() >= rebuilds + 1);
        rebuilds = h.app().font_rebuilds();
        h.frame();
        CHECK(h.app().font_texture_px() <= fresh_px + (4 << 20) / 4);
        CHECK(h.pixel_hash() == fresh_picture);
    }
}
