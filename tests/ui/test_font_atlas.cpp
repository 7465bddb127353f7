// font_atlas_languages: the font atlas holds one citizen's language besides English, Danish
// and the attract screen's language. Going back to the attract screen keeps it (the next
// citizen often picks the same language), unless it is larger than the attract screen's
// own by more than 4 MiB; the attract screen looks the same with either. A new screen's
// shaped Arabic-script glyphs go into room the atlas keeps for them, not into a new atlas,
// and look as a new atlas draws them.
#include "harness.hpp"

using namespace ledsager;

namespace {

// Every character of `text` is in `font` (Arabic-script letters are drawn as shaped glyphs
// and are left out of this check).
void check_glyphs(const ImFont* font, const std::string& text) {
    for (size_t i = 0; i < text.size();) {
        const auto b = static_cast<unsigned char>(text[i]);
        const int n = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
        unsigned int c = n == 1 ? b : b & (0x7F >> n);
        for (int k = 1; k < n && i + k < text.size(); ++k)
            c = (c << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
        i += n;
        if (c < 0x20 || (c >= 0x0590 && c <= 0x08FF) || (c >= 0xFB1D && c <= 0xFEFF)) continue;
        INFO("U+" << std::hex << c << " of \"" << text << "\"");
        CHECK(font->FindGlyphNoFallback(static_cast<ImWchar>(c)) != nullptr);
    }
}

// From the attract screen to the catalogue in `lang`, then "End" and the wipe, back to the
// attract screen.
void visit(test::Harness& h, const std::string& lang) {
    REQUIRE(h.session().data().screen == core::Screen::Attract);
    h.tap("attract.start");
    h.tap("language." + lang);
    const auto& tr = h.app().translator();
    INFO(lang << "\n" << h.screen_text());
    CHECK(h.shows(tr.tr(lang, "catalogue.heading")));
    check_glyphs(h.app().fonts().heading, tr.tr(lang, "catalogue.heading"));
    h.tap("guide.mitid-login");
    const auto& text = h.app().content().find("mitid-login")->text;
    CHECK(h.shows(text.at(text.count(lang) ? lang : "en").title));
    check_glyphs(h.app().fonts().regular, text.at(text.count(lang) ? lang : "en").subtitle);
    h.tap("bar.end");
    h.wait(9000);
    CHECK(h.session().data().screen == core::Screen::Attract);
    h.frame();
    check_glyphs(h.app().fonts().title, tr.tr(h.app().config().default_language, "attract.title"));
    check_glyphs(h.app().fonts().regular, tr.tr(h.app().config().default_language, "attract.subtitle"));
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

TEST_CASE("a new Arabic-script screen adds its glyphs to the atlas in place, drawn as a new atlas draws them") {
    test::Harness h;
    h.frame();
    // The attract screen is whole in its first frames: the Arabic-script language names
    // are added to the atlas there is, not to a second one.
    CHECK(h.app().font_rebuilds() == 1);
    CHECK(h.app().font_additions() >= 1);
    CHECK(h.app().frame_whole());
    h.tap("attract.start");
    h.tap("language.ar");
    const int built = h.app().font_rebuilds(), added = h.app().font_additions();
    for (const std::string id : {"guide.mitid-login", "needs.start", "step.choice.app"}) {
        h.tap(id);
        INFO(id << "\n" << h.screen_text());
        CHECK(h.app().frame_whole());
    }
    CHECK(h.app().font_additions() > added);
    // Not one frame was shown with a glyph missing: each was drawn again first.
    CHECK(h.app().frames_missing_glyphs() == 0);
    CHECK(h.app().font_rebuilds() == built);  // three new screens, no new atlas
    const auto in_place = h.pixel_hash();

    // Text size round the cycle back to 100 %: the atlas is built anew, each glyph shaped so
    // far baked into it. The screen is the same, pixel for pixel.
    for (int i = 0; i < 3; ++i)
        h.tap("bar.text_size");
    CHECK(h.app().font_rebuilds() == built + 3);
    CHECK(h.session().data().text_scale == 100);
    CHECK(h.pixel_hash() == in_place);
}
