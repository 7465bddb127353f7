// guide_images: the drawn pictures of the hardest steps are shown in the illustration slot,
// in the variant for the theme (high contrast) and the reading direction (mirrored where the
// picture's layout is), with their description recorded for people who cannot see them.
#include <unistd.h>
#include <filesystem>
#include <fstream>

#include "core/view.hpp"
#include "harness.hpp"
#include "temp_dir.hpp"

namespace fs = std::filesystem;
using namespace ledsager;

namespace {
void insert_after(const fs::path& file, const std::string& anchor, const std::string& text) {
    std::string s = test::read_file(file.string());
    const auto at = s.find(anchor);
    REQUIRE(at != std::string::npos);
    s.insert(at + anchor.size(), text);
    std::ofstream(file) << s;
}

// How many pixels inside the element's rectangle have about this colour (0xRRGGBB).
int count_colour(const test::Harness& h, const ui::Element& e, unsigned rgb) {
    const std::vector<unsigned char> px = h.display().read_pixels();
    const int w = h.display().width();
    int n = 0;
    for (int y = static_cast<int>(e.rect.y); y < static_cast<int>(e.rect.bottom()); ++y)
        for (int x = static_cast<int>(e.rect.x); x < static_cast<int>(e.rect.right()); ++x) {
            const unsigned char* p = &px[(static_cast<size_t>(y) * w + x) * 4];
            const int d = std::abs(p[0] - static_cast<int>(rgb >> 16 & 0xFF)) +
                          std::abs(p[1] - static_cast<int>(rgb >> 8 & 0xFF)) +
                          std::abs(p[2] - static_cast<int>(rgb & 0xFF));
            n += d < 24;
        }
    return n;
}

// Puts the session on a step of a guide, in a language and theme, and draws it.
void show(test::Harness& h, const std::string& guide, const std::string& step, const std::string& lang, bool contrast) {
    h.session().set_language(lang);
    h.session().set_high_contrast(contrast);
    h.session().show(core::Screen::Step, guide, step, h.now());
    h.frame();
    h.frame();
}
}  // namespace

TEST_CASE("the drawn pictures show in the variant for the theme and the reading direction") {
    test::Harness h({}, LEDSAGER_SOURCE_ASSETS "/guides", LEDSAGER_SOURCE_PO);
    constexpr unsigned kMark = 0x9A4A00, kMarkContrast = 0xFFE600;  // assets/pictures/*.css

    show(h, "mitid-login", "user-id", "en", false);
    CHECK_FALSE(h.find("step.image"));  // a step without a picture has its icon

    show(h, "mitid-login", "approve", "en", false);
    const auto* img = h.find("step.image");
    REQUIRE(img);
    CHECK(img->role == ui::Role::Image);
    CHECK(img->label.find("borger.dk") != std::string::npos);
    CHECK(img->label.find("4") != std::string::npos);
    CHECK(fs::path(core::step_view(h.session()).image_path).filename() == "approve.png");
    CHECK(img->rect.w > 300);
    CHECK(img->rect.x > h.display().width() / 2);  // beside the text, on the reading side
    CHECK(count_colour(h, *img, kMark) > 500);     // the picture is drawn, its numbers and rings in the mark colour
    CHECK(count_colour(h, *img, kMarkContrast) == 0);

    show(h, "mitid-login", "approve", "en", true);
    img = h.find("step.image");
    REQUIRE(img);
    CHECK(fs::path(core::step_view(h.session()).image_path).filename() == "approve.contrast.png");
    CHECK(count_colour(h, *img, kMarkContrast) > 500);
    CHECK(count_colour(h, *img, kMark) == 0);

    // The phone app reads left to right in Arabic too: the same picture, on the mirrored side.
    show(h, "mitid-login", "approve", "ar", false);
    img = h.find("step.image");
    REQUIRE(img);
    CHECK(fs::path(core::step_view(h.session()).image_path).filename() == "approve.png");
    CHECK(img->rect.right() < h.display().width() / 2);
    CHECK(img->label.find("borger.dk") != std::string::npos);
    CHECK(img->label !=
          "A phone with the MitID app. At the top is the name of the website that asks (here borger.dk), marked 1. "
          "At the bottom is the arrow you swipe to the right, marked 4.");

    // Screen, then phone: that order follows the reading direction.
    show(h, "mitid-login", "open-app", "ar", false);
    CHECK(fs::path(core::step_view(h.session()).image_path).filename() == "open-app.rtl.png");
    show(h, "mitid-login", "open-app", "ar", true);
    CHECK(fs::path(core::step_view(h.session()).image_path).filename() == "open-app.rtl.contrast.png");
    img = h.find("step.image");
    REQUIRE(img);
    CHECK(count_colour(h, *img, kMarkContrast) > 500);
    show(h, "mitid-login", "open-app", "da", false);
    CHECK(fs::path(core::step_view(h.session()).image_path).filename() == "open-app.png");

    // Every step with a picture, in every language of its guide: a description in that language.
    const auto content = common::load_content(LEDSAGER_SOURCE_ASSETS "/guides");
    int pictures = 0;
    for (const auto& g : content.guides)
        for (const auto& step : g.steps) {
            if (step.image.empty()) continue;
            ++pictures;
            CHECK(step.image_contrast);
            for (const auto& [lang, text] : g.text) {
                INFO(g.id << " " << step.id << " " << lang);
                CHECK(!text.steps.at(step.id).image_alt.empty());
            }
        }
    CHECK(pictures >= 5);
}

TEST_CASE("a step with an image but no description is an error") {
    const ledsager::test::TempDir dir_tmp("ledsager-img2");
    const std::filesystem::path& dir = dir_tmp.path;
    fs::copy(LEDSAGER_SOURCE_ASSETS "/guides/mitid-login", dir / "mitid-login");
    std::ofstream(dir / "mitid-login" / "phone.png") << "\x89PNG\r\n\x1a\n";
    insert_after(dir / "mitid-login" / "guide.toml", "id = \"user-id\"\nkind = \"check\"\n", "image = \"phone.png\"\n");
    auto content = common::load_content(dir);
    bool found = false;
    for (const auto& d : content.diagnostics.items)
        found |= d.format().find("en.toml") != std::string::npos &&
                 d.format().find("missing 'image_alt' in [step.user-id]") != std::string::npos;
    CHECK(found);
    CHECK(content.guides.empty());
    fs::remove_all(dir);
}

TEST_CASE("a variant of a picture that is not a PNG is an error naming the file") {
    const ledsager::test::TempDir dir_tmp("ledsager-img3");
    const std::filesystem::path& dir = dir_tmp.path;
    fs::copy(LEDSAGER_SOURCE_ASSETS "/guides/mitid-login", dir / "mitid-login");
    std::ofstream(dir / "mitid-login" / "approve.contrast.png") << "not a picture";
    auto content = common::load_content(dir);
    bool found = false;
    for (const auto& d : content.diagnostics.items)
        found |= d.format().find("approve.contrast.png") != std::string::npos &&
                 d.format().find("not a PNG") != std::string::npos;
    CHECK(found);
    fs::remove_all(dir);
}
