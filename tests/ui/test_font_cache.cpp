// font_atlas_cache: the attract screen's font atlas, built at the first start, is kept in the
// cache folder and taken up at the next start instead of being built again (most of the time
// to the first frame). What is drawn with it is the same, pixel for pixel, on the attract
// screen and on the Arabic-script screens that add glyphs to it later. A file that is cut
// short, altered or made for other texts is not used: the atlas is built and saved anew.
// A citizen's language is never saved. A file whose numbers ImGui could not take (a glyph
// for no character, NaN, a glyph on the last row, counts out of range) is refused.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>

#include "harness.hpp"
#include "temp_dir.hpp"
#include "ui/fonts.hpp"

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

namespace {

// The atlas part of a saved file (after the key, its '\0' and the checksum).
std::string atlas_part(const fs::path& file) {
    const std::string bytes = test::read_file(file.string());
    const auto end = bytes.find('\0');
    REQUIRE(end != std::string::npos);
    return bytes.substr(end + 1 + sizeof(std::uint64_t));
}

bool takes_up(const std::string& bytes, std::string& error) {
    ImFontAtlas atlas;
    ui::Fonts fonts;
    ui::Shaper shaper;
    error.clear();
    const bool ok = ui::load_atlas(bytes, atlas, fonts, shaper, error);
    if (!ok) CHECK(atlas.Fonts.Size == 0);  // nothing half taken up
    return ok;
}

template <typename T>
void poke(std::string& bytes, size_t at, T value) {
    REQUIRE(at + sizeof value <= bytes.size());
    std::memcpy(bytes.data() + at, &value, sizeof value);
}

}  // namespace

TEST_CASE("a saved atlas with numbers ImGui cannot take is refused, never taken up") {
    test::TempDir dir("ledsager-font-cache");
    { test::Harness h({}, LEDSAGER_SOURCE_ASSETS "/guides", LEDSAGER_SOURCE_PO, 1920, 1080, dir.path.string()); }
    const std::string good = atlas_part(saved(dir.path).front());
    std::string error;
    REQUIRE(takes_up(good, error));

    // Where the first font and its first glyph are (see ui::save_atlas).
    const size_t fonts_at = 8 + 4 + 4 + 4 + 4 + sizeof(ImVec2) * 2 + sizeof(ImFontAtlas::TexUvLines);
    const size_t glyphs_at = fonts_at + 4 + 4 * sizeof(float) + 3 * sizeof(ImWchar);
    const size_t glyph = glyphs_at + 4;
    struct Case {
        const char* what;
        std::function<void(std::string&)> change;
    };
    const float nan = std::numeric_limits<float>::quiet_NaN();
    for (const Case& c : std::vector<Case>{
             {"a glyph for no character", [&](std::string& b) { poke(b, glyph, 0xFFFFFFFFu); }},
             {"a glyph's u not a number", [&](std::string& b) { poke(b, glyph + offsetof(ImFontGlyph, U0), nan); }},
             {"a glyph at the texture's last row",
              [&](std::string& b) { poke(b, glyph + offsetof(ImFontGlyph, V1), 1.0f); }},
             {"a glyph's v1 above its v0", [&](std::string& b) { poke(b, glyph + offsetof(ImFontGlyph, V0), 0.9f); }},
             {"an advance not a number",
              [&](std::string& b) { poke(b, glyph + offsetof(ImFontGlyph, AdvanceX), nan); }},
             {"a font with no glyphs", [&](std::string& b) { poke(b, glyphs_at, 0); }},
             {"a font with 2^31 glyphs", [&](std::string& b) { poke(b, glyphs_at, 0x7FFFFFFF); }},
             {"a font of size 0", [&](std::string& b) { poke(b, fonts_at + 4, 0.0f); }},
             {"a thousand fonts", [&](std::string& b) { poke(b, fonts_at, 1000); }},
             {"a texture of no width", [&](std::string& b) { poke(b, 16, 0); }},
             {"a texture 2^31 rows high", [&](std::string& b) { poke(b, 20, 0x7FFFFFFF); }},
             {"one byte more", [&](std::string& b) { b.push_back('x'); }},
             {"the last byte gone", [&](std::string& b) { b.pop_back(); }},
             {"half of it", [&](std::string& b) { b.resize(b.size() / 2); }},
             {"only its first glyph", [&](std::string& b) { b.resize(glyph + sizeof(ImFontGlyph)); }},
             {"nothing", [&](std::string& b) { b.clear(); }},
         }) {
        INFO(c.what);
        std::string bytes = good;
        c.change(bytes);
        CHECK_FALSE(takes_up(bytes, error));
        CHECK_FALSE(error.empty());
    }
    // Any one byte of the fonts' part changed: taken up or refused, never a crash (this test
    // runs under AddressSanitizer in CI too).
    std::uint32_t seed = 12345;
    for (int i = 0; i < 400; ++i) {
        seed = seed * 1664525u + 1013904223u;
        std::string bytes = good;
        const size_t at = seed % std::min<size_t>(good.size(), glyph + 4096);
        bytes[at] = static_cast<char>(bytes[at] ^ static_cast<char>(1 + (seed >> 24) % 255));
        takes_up(bytes, error);
    }
}
