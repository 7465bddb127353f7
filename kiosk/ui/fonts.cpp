#include "ui/fonts.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <vector>

#include "common/icons.hpp"

namespace ledsager::ui {

FontFiles find_font_files() {
    auto first = [](std::initializer_list<const char*> paths) -> std::string {
        for (const char* p : paths)
            if (std::filesystem::exists(p)) return p;
        return {};
    };
    const std::string noto = "/usr/share/fonts/truetype/noto/";
    return {
        first({"/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf"}),
        first({"/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf"}),
        first({"/usr/share/fonts/truetype/font-awesome/fontawesome-webfont.ttf"}),
        first({"/usr/share/fonts/truetype/noto/NotoSansArabicUI-Regular.ttf",
               "/usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf"}),
        first({"/usr/share/fonts/truetype/noto/NotoSansArabicUI-Bold.ttf",
               "/usr/share/fonts/truetype/noto/NotoSansArabic-Bold.ttf"}),
        first({"/usr/share/fonts/truetype/noto/NotoSansEthiopic-Regular.ttf"}),
        first({"/usr/share/fonts/truetype/noto/NotoSansEthiopic-Bold.ttf"}),
    };
}

float body_px(float height, int scale_percent) {
    return std::round(34.0f * height / 1080.0f * scale_percent / 100.0f);
}
float bar_px(float height) {
    return std::round(29.0f * height / 1080.0f);
}

namespace {
constexpr ImWchar kAscii[] = {0x20, 0x7E, 0};
}  // namespace

ImVector<ImWchar> glyph_ranges(const std::vector<std::string>& texts, bool base) {
    ImFontGlyphRangesBuilder b;
    if (base) {
        // ASCII and the letters of names typed by staff (a claimed request shows one).
        b.AddRanges(kAscii);
        b.AddText("–—‘’“”…›‹•·€✓æøåÆØÅéèáäöüÉÄÖÜ");
    }
    for (const auto& t : texts)
        b.AddText(t.c_str());
    for (ImWchar c = 0x0590; c <= 0x08FF; ++c)
        b.UsedChars[c >> 5] &= ~(1u << (c & 31));  // shaped instead
    for (ImWchar c = 0xFB1D; c <= 0xFEFF; ++c)
        b.UsedChars[c >> 5] &= ~(1u << (c & 31));
    ImVector<ImWchar> out;
    b.BuildRanges(&out);
    return out;
}

namespace {

// The atlas's height, in steps of 256 rows: adding the few glyphs a new Arabic-script
// screen needs mostly keeps the height, so the texture is written in place rather than made
// anew (at most 255 rows, 2 MB at 200 % text, more than the glyphs need).
// Such a height is not a power of two, so y / height is not exact in a float, and SDL's
// software renderer truncates v * height to a row: a glyph could start one row early (its
// padding) and lose its last row, differently in each atlas. A glyph's v is put a quarter of
// a row into the row it means, which truncates to that row (and nearest-texel sampling, as
// the font texture uses, reads the same row on any renderer).
void settle_rows(ImFontAtlas& atlas) {
    const int h = atlas.TexHeight, stepped = (h + 255) / 256 * 256, w = atlas.TexWidth;
    if (stepped != h && atlas.TexPixelsAlpha8) {
        auto* pixels = static_cast<unsigned char*>(IM_ALLOC(static_cast<size_t>(w) * stepped));
        std::memcpy(pixels, atlas.TexPixelsAlpha8, static_cast<size_t>(w) * h);
        std::memset(pixels + static_cast<size_t>(w) * h, 0, static_cast<size_t>(w) * (stepped - h));
        IM_FREE(atlas.TexPixelsAlpha8);
        atlas.TexPixelsAlpha8 = pixels;
        atlas.TexHeight = stepped;
        atlas.TexUvScale.y = 1.0f / static_cast<float>(stepped);
    }
    const float from = static_cast<float>(h), to = static_cast<float>(atlas.TexHeight);
    for (ImFont* f : atlas.Fonts)
        for (ImFontGlyph& g : f->Glyphs) {
            g.V0 = (std::round(g.V0 * from) + 0.25f) / to;
            g.V1 = (std::round(g.V1 * from) + 0.25f) / to;
        }
    // The white pixel and the lines are sampled in the middle of their rows already.
    atlas.TexUvWhitePixel.y = atlas.TexUvWhitePixel.y * from / to;
    for (ImVec4& line : atlas.TexUvLines) {
        line.y = line.y * from / to;
        line.w = line.w * from / to;
    }
}

bool build_once(ImFontAtlas& atlas, const FontFiles& files, float height, int scale_percent,
                const ImVector<ImWchar>& ranges, Fonts& out, std::string& error, Shaper* shaper,
                const ImVector<ImWchar>& title_ranges, int tex_width) {
    // Checked before anything is cleared: a missing file leaves the fonts in use as they are.
    for (const auto* f : {&files.regular, &files.bold, &files.icons}) {
        if (f->empty() || !std::filesystem::exists(*f)) {
            error = "font file missing: " + (f->empty() ? std::string("(Noto Sans / Font Awesome)") : *f) +
                    " (install fonts-noto-core and fonts-font-awesome)";
            return false;
        }
    }
    atlas.Clear();
    atlas.TexDesiredWidth = tex_width;
    // As high as the glyphs reach (in steps of 256 rows, see settle_rows), not rounded up to a
    // power of two: at 200 % text an atlas of 4,400 rows was given 8,192 (64 MB as the
    // renderer's RGBA texture instead of 35).
    atlas.Flags |= ImFontAtlasFlags_NoPowerOfTwoHeight;
    // Icon glyphs: only those the kiosk names.
    ImFontGlyphRangesBuilder ib;
    for (const auto& icon : common::kIcons)
        ib.AddChar(static_cast<ImWchar>(icon.codepoint));
    ImVector<ImWchar>& icon_ranges = out.icon_ranges;  // the atlas keeps a pointer to it
    ib.BuildRanges(&icon_ranges);

    const float em = body_px(height, scale_percent);
    const float bar_em = bar_px(height);
    ImFontConfig cfg;
    cfg.OversampleH = 1;  // large sizes need no oversampling; keeps the atlas small
    cfg.OversampleV = 1;
    cfg.PixelSnapH = true;
    // Each file is read once for all its sizes (ImGui would read it again for every font),
    // and the atlas only borrows the bytes: they are freed when this build returns.
    cfg.FontDataOwnedByAtlas = false;
    std::map<std::string, std::vector<char>> data;
    auto bytes = [&](const std::string& file) -> std::vector<char>& {
        auto [it, fresh] = data.try_emplace(file);
        if (fresh) {
            std::ifstream in(file, std::ios::binary | std::ios::ate);
            const std::streamsize size = in ? static_cast<std::streamsize>(in.tellg()) : 0;
            it->second.resize(static_cast<size_t>(std::max<std::streamsize>(size, 0)));
            in.seekg(0);
            if (size <= 0 || !in.read(it->second.data(), size)) it->second.clear();
        }
        return it->second;
    };
    auto add_font = [&](const std::string& file, float px, const ImFontConfig& c, const ImWchar* r) -> ImFont* {
        std::vector<char>& b = bytes(file);
        if (b.empty()) return nullptr;
        return atlas.AddFontFromMemoryTTF(b.data(), static_cast<int>(b.size()), px, &c, r);
    };
    auto add = [&](const std::string& file, float px, const ImWchar* r) { return add_font(file, px, cfg, r); };
    // Ethiopic letters (Tigrinya) come from Noto Sans Ethiopic, merged into each text font.
    bool ethiopic = false;
    for (const ImWchar* r = ranges.Data; r && r[0]; r += 2)
        ethiopic = ethiopic || (r[1] >= 0x1200 && r[0] <= 0x139F);
    std::vector<Shaper::FontInfo> text_fonts;
    auto text_font = [&](bool bold, float px, const ImVector<ImWchar>* own = nullptr) {
        const ImWchar* r = own ? own->Data : ranges.Data;
        ImFont* f = add(bold ? files.bold : files.regular, px, r);
        const std::string& merge = bold ? files.ethiopic_bold : files.ethiopic_regular;
        if (f && ethiopic && !merge.empty() && std::filesystem::exists(merge)) {
            ImFontConfig m = cfg;
            m.MergeMode = true;
            add_font(merge, px, m, r);
        }
        text_fonts.push_back({f, bold, px});
        return f;
    };
    out.em = em;
    out.bar_em = bar_em;
    out.regular = text_font(false, em);
    out.bold = text_font(true, em);
    out.heading = text_font(true, std::round(em * 1.45f));
    out.title = text_font(true, std::round(em * 1.9f), title_ranges.Size ? &title_ranges : nullptr);
    out.small = text_font(false, std::round(em * 0.82f));
    out.large = text_font(false, std::round(em * 1.2f));
    out.tile = text_font(true, std::round(em * 1.2f));
    static constexpr ImWchar kNumberGlyphs[] = {'-', '-', '0', '9', 'A', 'Z', 0};  // "A-042"
    out.number = add(files.bold, std::round(em * 4.2f), kNumberGlyphs);
    out.bar = text_font(true, bar_em);
    out.icon = add(files.icons, em, icon_ranges.Data);
    out.icon_bar = add(files.icons, bar_em, icon_ranges.Data);
    out.icon_large = add(files.icons, std::round(em * 1.5f), icon_ranges.Data);
    out.icon_huge = add(files.icons, std::round(em * 5.0f), icon_ranges.Data);
    if (shaper) shaper->begin_atlas(atlas, text_fonts);
    if (!out.regular || !out.bold || !out.icon || !atlas.Build()) {
        atlas.ClearInputData();  // it borrowed the bytes in `data`, gone when this returns
        error = "cannot build the font atlas";
        return false;
    }
    if (shaper) shaper->end_atlas(atlas);
    settle_rows(atlas);
    // The fonts' data is not needed once the glyphs are in the atlas (the bytes it
    // borrowed go with `data`): every build adds them again from the files.
    atlas.ClearInputData();
    return true;
}

// How far down the atlas the glyphs reach (0..1).
float lowest_uv(const ImFontAtlas& atlas) {
    float v = 0;
    for (const ImFont* f : atlas.Fonts)
        for (const ImFontGlyph& g : f->Glyphs)
            v = std::max(v, g.V1);
    return v;
}

}  // namespace

bool build_fonts(ImFontAtlas& atlas, const FontFiles& files, float height, int scale_percent,
                 const ImVector<ImWchar>& ranges, Fonts& out, std::string& error, Shaper* shaper,
                 const ImVector<ImWchar>& title_ranges) {
    // SDL 2.26's software renderer reads one row past a texture when a triangle's texture
    // coordinates reach its last row; for a large atlas that row is past the end of its
    // memory. ImGui's glyph rectangles end in a row of padding and the atlas is at least one
    // row higher than the lowest, so their glyphs end two rows above its bottom; shaped glyphs
    // have no padding, and when one ends lower, the atlas is built again twice as wide.
    int width = 0;
    for (int attempt = 0; attempt < 3; ++attempt) {
        if (!build_once(atlas, files, height, scale_percent, ranges, out, error, shaper, title_ranges, width))
            return false;
        if (std::round(lowest_uv(atlas) * static_cast<float>(atlas.TexHeight)) <=
            static_cast<float>(atlas.TexHeight) - 2.0f)
            return true;
        width = std::min(8192, atlas.TexWidth * 2);
    }
    return true;
}

}  // namespace ledsager::ui
