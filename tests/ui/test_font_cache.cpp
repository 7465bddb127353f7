// font_atlas_cache: the attract screen's font atlas, built at the first start, is kept in the
// cache folder and taken up at the next start instead of being built again (most of the time
// to the first frame). What is drawn with it is the same, pixel for pixel, on the attract
// screen and on the Arabic-script screens that add glyphs to it later. A file that is cut
// short, altered or made for other texts is not used: the atlas is built and saved anew.
// A citizen's language is never saved.
#include <filesystem>
#include <fstream>

#include "harness.hpp"
#include "temp_dir.hpp"

using namespace ledsager;
namespace fs = std::filesystem;

namespace {

std::vector<fs::path> saved(const fs::path& dir) {
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(dir))
        files.push_back(e.path());
    return files;
}

// The attract screen, then an Arabic guide's first screens (glyphs added in place).
std::vector<unsigned long long> pictures(test::Harness& h) {
    std::vector<unsigned long long> out{h.pixel_hash()};
    h.tap("attract.start");
    h.tap("language.ar");
    for (const std::string id : {"guide.mitid-login", "needs.start"}) {
        h.tap(id);
        out.push_back(h.pixel_hash());
    }
    return out;
}

}  // namespace

TEST_CASE("the attract screen's font atlas is kept for the next start and draws the same") {
    test::TempDir dir("ledsager-font-cache");
    std::vector<unsigned long long> built;
    {
        test::Harness h({}, LEDSAGER_SOURCE_ASSETS "/guides", LEDSAGER_SOURCE_PO, 1920, 1080, dir.path.string());
        CHECK(h.app().fonts_from_cache() == 0);
        REQUIRE(saved(dir.path).size() == 1);
        const std::string before = test::read_file(saved(dir.path).front().string());
        built = pictures(h);
        // The citizen's Arabic atlas was built, and not saved: the folder holds the attract
        // screen's atlas alone, byte for byte as before the session.
        CHECK(h.app().font_rebuilds() >= 2);
        REQUIRE(saved(dir.path).size() == 1);
        CHECK(test::read_file(saved(dir.path).front().string()) == before);
    }
    const fs::path file = saved(dir.path).front();
    const auto size = fs::file_size(file);
    {
        test::Harness h({}, LEDSAGER_SOURCE_ASSETS "/guides", LEDSAGER_SOURCE_PO, 1920, 1080, dir.path.string());
        CHECK(h.app().fonts_from_cache() == 1);
        CHECK(pictures(h) == built);
    }
    // Without a cache folder: built as always, the same picture.
    {
        test::Harness h;
        CHECK(h.app().fonts_from_cache() == 0);
        CHECK(pictures(h) == built);
    }

    SUBCASE("a file cut short is built anew and saved again") {
        fs::resize_file(file, size / 2);
    }
    SUBCASE("a file with other bytes after the key is built anew") {
        std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
        std::string bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
        const auto at = bytes.find("LDSATLAS");
        REQUIRE(at != std::string::npos);
        f.seekp(static_cast<std::streamoff>(at));
        f.write("LDSATLAZ", 8);
    }
    SUBCASE("an atlas saved for other texts is not taken up") {
        std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(10);
        f.put('#');
    }
    SUBCASE("a larger text size has an atlas of its own") {
        core::KioskConfig config;
        config.text_scale = 150;
        test::Harness h(config, LEDSAGER_SOURCE_ASSETS "/guides", LEDSAGER_SOURCE_PO, 1920, 1080, dir.path.string());
        CHECK(h.app().fonts_from_cache() == 0);
        REQUIRE(saved(dir.path).size() == 1);
        CHECK(saved(dir.path).front() != file);  // the other one went
        return;
    }
    test::Harness h({}, LEDSAGER_SOURCE_ASSETS "/guides", LEDSAGER_SOURCE_PO, 1920, 1080, dir.path.string());
    CHECK(h.app().fonts_from_cache() == 0);
    CHECK(pictures(h) == built);
    REQUIRE(saved(dir.path).size() == 1);
    CHECK(fs::file_size(saved(dir.path).front()) == size);  // saved again, whole
    test::Harness again({}, LEDSAGER_SOURCE_ASSETS "/guides", LEDSAGER_SOURCE_PO, 1920, 1080, dir.path.string());
    CHECK(again.app().fonts_from_cache() == 1);
}
