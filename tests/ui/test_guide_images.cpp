// guide_images: a step's PNG illustration is loaded (outside draw code) and drawn in the
// illustration slot, with its description recorded for people who cannot see it.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include "harness.hpp"

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
}  // namespace

TEST_CASE("a PNG illustration is drawn with its description") {
    const fs::path dir = fs::temp_directory_path() / ("ledsager-img-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    fs::copy(LEDSAGER_SOURCE_ASSETS "/guides/mitid-login", dir / "mitid-login");
    {
        // A real PNG: a picture of the kiosk's own attract screen, small.
        test::Harness painter({}, dir.string(), LEDSAGER_SOURCE_PO, 640, 360);
        REQUIRE(painter.save((dir / "mitid-login" / "phone.png").string()));
    }
    insert_after(dir / "mitid-login" / "guide.toml", "id = \"open-app\"\nkind = \"check\"\n", "image = \"phone.png\"\n");
    insert_after(dir / "mitid-login" / "en.toml", "[step.open-app]\n", "image_alt = \"A phone showing the MitID app\"\n");
    insert_after(dir / "mitid-login" / "da.toml", "[step.open-app]\n", "image_alt = \"En telefon med MitID-appen\"\n");
    // Every other language of the guide describes the picture too (here in English words).
    for (const auto& f : fs::directory_iterator(dir / "mitid-login"))
        if (f.path().extension() == ".toml" && f.path().stem() != "guide" && f.path().stem() != "en" && f.path().stem() != "da")
            insert_after(f.path(), "[step.open-app]\n", "image_alt = \"A phone showing the MitID app\"\n");
    auto content = core::load_content(dir);
    std::string report;
    for (const auto& d : content.diagnostics.items) report += d.format() + "\n";
    REQUIRE_MESSAGE(!content.diagnostics.has_errors(), report);

    test::Harness h({}, dir.string());
    h.session().show(core::Screen::Step, "mitid-login", "user-id", h.now());
    h.session().set_language("en");
    h.frame();
    h.frame();
    CHECK_FALSE(h.find("step.image"));  // an icon step
    h.tap("step.yes");
    INFO(h.screen_text());
    REQUIRE(h.session().data().step_id == "open-app");
    const auto* img = h.find("step.image");
    REQUIRE(img);
    CHECK(img->role == ui::Role::Image);
    CHECK(img->label == "A phone showing the MitID app");
    CHECK(img->rect.w > 200);
    fs::remove_all(dir);
}

TEST_CASE("a step with an image but no description is an error") {
    const fs::path dir = fs::temp_directory_path() / ("ledsager-img2-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    fs::copy(LEDSAGER_SOURCE_ASSETS "/guides/mitid-login", dir / "mitid-login");
    std::ofstream(dir / "mitid-login" / "phone.png") << "\x89PNG\r\n\x1a\n";
    insert_after(dir / "mitid-login" / "guide.toml", "id = \"open-app\"\nkind = \"check\"\n", "image = \"phone.png\"\n");
    auto content = core::load_content(dir);
    bool found = false;
    for (const auto& d : content.diagnostics.items)
        found |= d.format().find("en.toml") != std::string::npos &&
                 d.format().find("missing 'image_alt' in [step.open-app]") != std::string::npos;
    CHECK(found);
    CHECK(content.guides.empty());
    fs::remove_all(dir);
}
