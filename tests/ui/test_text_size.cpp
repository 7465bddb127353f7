// text_size_layout: at 100, 150 and 200 % text, in both themes, on every screen of every
// guide: nothing clipped off screen, no two buttons overlapping, no text running into a
// button, touch targets at least 15 mm (and the design's 96 px at 1080p); and switching
// text size mid-guide rebuilds the fonts and keeps the citizen where they were.
#include <algorithm>
#include <set>

#include "app/screenshots.hpp"
#include "harness.hpp"

using namespace ledsager;

namespace {

bool overlap(const ui::Rect& a, const ui::Rect& b) {
    const float e = 0.5f;  // touching edges is fine
    return a.x + e < b.right() && b.x + e < a.right() && a.y + e < b.bottom() && b.y + e < a.bottom();
}

// 15 mm on a 24" 1920x1080 display (92 dpi): the largest pixels a kiosk is likely to have.
const float kPxPerMm = 1920.0f / (24.0f * 25.4f * 16.0f / 18.3576f);  // 18.36 = hypot(16, 9)

void check_layout(test::Harness& h, const std::string& what, int scale) {
    INFO(what << "\n" << h.screen_text());
    const float W = 1920, H = 1080;
    const auto& all = h.elements();
    // Under a dialog nothing can be reached, so only what is on top counts.
    size_t first = 0;
    for (size_t i = 0; i < all.size(); ++i)
        if (all[i].role == ui::Role::Dialog) first = i;
    std::vector<const ui::Element*> buttons, texts, areas;
    for (size_t i = first; i < all.size(); ++i) {
        const auto& e = all[i];
        if (!e.visible || e.id == "attract.screen") continue;
        if (e.actionable)
            buttons.push_back(&e);
        else if (e.role == ui::Role::ScrollArea)
            areas.push_back(&e);
        else if (e.role == ui::Role::Text || e.role == ui::Role::Heading)
            texts.push_back(&e);
    }
    for (const auto* b : buttons) {
        CAPTURE(b->id);
        CHECK(b->rect.x >= 0);
        CHECK(b->rect.y >= 0);
        CHECK(b->rect.right() <= W + 0.5f);
        CHECK(b->rect.bottom() <= H + 0.5f);
        if (b->scroll_area.empty()) {
            CHECK(b->rect.h >= 15 * kPxPerMm);
            CHECK(b->rect.w >= 15 * kPxPerMm);
            if (scale == 100) CHECK(b->rect.h >= 95.5f);
        }
        for (const auto* o : buttons)
            if (o < b) CHECK_MESSAGE(!overlap(b->rect, o->rect), b->id << " overlaps " << o->id);
        for (const auto* a : areas)
            if (b->scroll_area != a->id)
                CHECK_MESSAGE(!overlap(b->rect, a->rect), b->id << " overlaps scroll area " << a->id);
    }
    for (const auto* t : texts) {
        CAPTURE(t->id);
        CHECK(t->rect.x >= 0);
        CHECK(t->rect.right() <= W + 0.5f);
        if (t->scroll_area.empty()) {
            CHECK(t->rect.bottom() <= H);
            for (const auto* b : buttons)
                CHECK_MESSAGE(!overlap(t->rect, b->rect), t->id << " runs into " << b->id);
        }
    }
}

}  // namespace

TEST_CASE("every screen at every text size and theme: nothing clipped or overlapping, targets >= 15 mm") {
    test::Harness h;
    h.enable_speech();  // the bar then has its Read aloud button too
    h.set_rasterize(false);
    const auto shots = app::screenshot_plan(h.app().content());
    int checked = 0;
    for (int scale : {100, 150, 200})
        for (bool hc : {false, true})
            for (const auto& lang : h.app().config().offered)
                for (const auto& shot : shots) {
                    app::stage(h.app(), shot, lang, scale, hc, h.now());
                    h.frame();
                    h.frame();
                    check_layout(h, shot.name + " " + lang + " " + std::to_string(scale) + (hc ? " contrast" : ""),
                                 scale);
                    ++checked;
                }
    MESSAGE(checked << " screens checked");
}

TEST_CASE("switching text size mid-guide rebuilds the fonts and keeps the step") {
    test::Harness h;
    h.tap("attract.start");
    h.tap("language.en");
    h.tap("guide.mitid-login");
    h.tap("needs.start");
    h.tap("step.choice.app");
    const float h100 = h.find("step.title")->rect.h;
    const int rebuilds = h.app().font_rebuilds();
    const auto hash100 = h.pixel_hash();
    h.tap("bar.text_size");
    CHECK(h.app().font_rebuilds() == rebuilds + 1);
    CHECK(h.find("step.title")->rect.h == doctest::Approx(h100 * 1.5f).epsilon(0.1));
    h.tap("bar.text_size");
    CHECK(h.app().font_rebuilds() == rebuilds + 2);
    CHECK(h.find("step.title")->rect.h == doctest::Approx(h100 * 2.0f).epsilon(0.1));
    CHECK(h.session().data().step_id == "choose-mitid");
    CHECK(h.shows("Choose MitID on the website"));
    CHECK(h.pixel_hash() != hash100);
    h.tap("bar.text_size");
    CHECK(h.find("step.title")->rect.h == doctest::Approx(h100).epsilon(0.02));
    CHECK(h.pixel_hash() == hash100);  // same state, same picture
    // The rest of the session keeps working at the new size.
    h.tap("step.yes");
    CHECK(h.shows("Type your user ID"));
}

TEST_CASE("high contrast switches the picture and is kept until the session ends") {
    test::Harness h;
    h.tap("attract.start");
    h.tap("language.da");
    const auto before = h.pixel_hash();
    h.tap("bar.contrast");
    CHECK(h.session().data().high_contrast);
    CHECK(h.find("bar.contrast")->selected);
    CHECK(h.pixel_hash() != before);
    h.tap("guide.mitid-login");
    CHECK(h.session().data().high_contrast);
    h.tap("bar.end");
    CHECK_FALSE(h.session().data().high_contrast);
}
