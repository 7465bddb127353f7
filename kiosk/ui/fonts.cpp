#include "ui/fonts.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <map>
#include <type_traits>
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

namespace {

constexpr char kAtlasMagic[8] = {'L', 'D', 'S', 'A', 'T', 'L', 'A', 'S'};
constexpr std::uint32_t kAtlasFormat = 1;

// The fonts of ui::Fonts in a fixed order (their index in the atlas is what is saved).
std::array<ImFont**, 13> font_slots(Fonts& f) {
    return {&f.regular, &f.bold, &f.heading, &f.title,    &f.small,      &f.large,    &f.tile,
            &f.number,  &f.bar,  &f.icon,    &f.icon_bar, &f.icon_large, &f.icon_huge};
}

template <typename T>
void put(std::string& out, const T& v) {
    static_assert(std::is_trivially_copyable_v<T>);
    out.append(reinterpret_cast<const char*>(&v), sizeof v);
}

struct Reader {
    std::string_view in;
    size_t at = 0;
    bool ok = true;
    template <typename T>
    T get() {
        T v{};
        if (!ok || in.size() - at < sizeof v) {
            ok = false;
            return v;
        }
        std::memcpy(&v, in.data() + at, sizeof v);
        at += sizeof v;
        return v;
    }
    const char* take(size_t n) {
        if (!ok || in.size() - at < n) {
            ok = false;
            return nullptr;
        }
        const char* p = in.data() + at;
        at += n;
        return p;
    }
};

}  // namespace

std::string save_atlas(const ImFontAtlas& atlas, const Fonts& fonts, const Shaper& shaper) {
    std::string out;
    if (!atlas.TexPixelsAlpha8 || atlas.TexWidth <= 0 || atlas.TexHeight <= 0) return out;
    out.append(kAtlasMagic, sizeof kAtlasMagic);
    put(out, kAtlasFormat);
    put(out, static_cast<std::uint32_t>(sizeof(ImFontGlyph)));
    put(out, atlas.TexWidth);
    put(out, atlas.TexHeight);
    put(out, atlas.TexUvScale);
    put(out, atlas.TexUvWhitePixel);
    put(out, atlas.TexUvLines);
    put(out, atlas.Fonts.Size);
    for (const ImFont* f : atlas.Fonts) {
        put(out, f->FontSize);
        put(out, f->Scale);
        put(out, f->Ascent);
        put(out, f->Descent);
        put(out, f->FallbackChar);
        put(out, f->EllipsisChar);
        put(out, f->DotChar);
        put(out, f->Glyphs.Size);
        out.append(reinterpret_cast<const char*>(f->Glyphs.Data), sizeof(ImFontGlyph) * f->Glyphs.Size);
    }
    Fonts copy = fonts;
    for (ImFont** slot : font_slots(copy))
        put(out,
            static_cast<int>(atlas.Fonts.index_from_ptr(std::find(atlas.Fonts.begin(), atlas.Fonts.end(), *slot))));
    put(out, fonts.em);
    put(out, fonts.bar_em);
    const Shaper::AtlasState st = shaper.atlas_state(atlas);
    put(out, static_cast<int>(st.fonts.size()));
    for (const auto& [index, key] : st.fonts) {
        put(out, index);
        put(out, static_cast<std::uint8_t>(key.first ? 1 : 0));
        put(out, key.second);
    }
    put(out, std::array<int, 4>{st.room_x, st.room_y, st.room_w, st.room_h});
    out.append(reinterpret_cast<const char*>(atlas.TexPixelsAlpha8),
               static_cast<size_t>(atlas.TexWidth) * static_cast<size_t>(atlas.TexHeight));
    return out;
}

bool load_atlas(std::string_view bytes, ImFontAtlas& atlas, Fonts& fonts, Shaper& shaper, std::string& error) {
    // The bytes come from a file: every number is checked before ImGui sees it (a bad one
    // could make ImGui write past its tables or stop the program on an assertion).
    atlas.Clear();
    Reader r{bytes};
    const char* magic = r.take(sizeof kAtlasMagic);
    if (!magic || std::memcmp(magic, kAtlasMagic, sizeof kAtlasMagic) != 0 || r.get<std::uint32_t>() != kAtlasFormat ||
        r.get<std::uint32_t>() != sizeof(ImFontGlyph)) {
        error = "not a saved atlas of this format";
        return false;
    }
    auto fail = [&](const char* what) {
        atlas.Clear();
        error = what;
        return false;
    };
    auto finite = [](std::initializer_list<float> values) {
        return std::all_of(values.begin(), values.end(), [](float v) { return std::isfinite(v); });
    };
    auto in_unit = [](float v) { return v >= 0 && v <= 1; };  // false for NaN
    const int w = r.get<int>(), h = r.get<int>();
    if (!r.ok || w <= 0 || h <= 0 || w > 16384 || h > 65536) return fail("bad texture size");
    atlas.TexWidth = w;
    atlas.TexHeight = h;
    atlas.TexUvScale = r.get<ImVec2>();
    atlas.TexUvWhitePixel = r.get<ImVec2>();
    if (const char* lines = r.take(sizeof atlas.TexUvLines))
        std::memcpy(atlas.TexUvLines, lines, sizeof atlas.TexUvLines);
    if (!r.ok || !in_unit(atlas.TexUvScale.x) || !in_unit(atlas.TexUvScale.y) || !in_unit(atlas.TexUvWhitePixel.x) ||
        !in_unit(atlas.TexUvWhitePixel.y))
        return fail("bad texture coordinates");
    for (const ImVec4& l : atlas.TexUvLines)
        if (!in_unit(l.x) || !in_unit(l.y) || !in_unit(l.z) || !in_unit(l.w)) return fail("bad line coordinates");
    const int n = r.get<int>();
    if (!r.ok || n <= 0 || n > 64) return fail("bad number of fonts");
    // SDL's software renderer reads one row past a glyph that reaches the last row (see
    // build_fonts): no glyph may come within two rows of the bottom.
    const float lowest = static_cast<float>(h) - 2.0f;
    for (int i = 0; i < n; ++i) {
        ImFont* f = IM_NEW(ImFont)();
        atlas.Fonts.push_back(f);
        f->ContainerAtlas = &atlas;
        f->FontSize = r.get<float>();
        f->Scale = r.get<float>();
        f->Ascent = r.get<float>();
        f->Descent = r.get<float>();
        f->FallbackChar = r.get<ImWchar>();
        f->EllipsisChar = r.get<ImWchar>();
        f->DotChar = r.get<ImWchar>();
        const int glyphs = r.get<int>();
        if (!r.ok || !finite({f->FontSize, f->Scale, f->Ascent, f->Descent}) || f->FontSize <= 0 ||
            f->FontSize > 4096 || f->Scale <= 0)
            return fail("bad font metrics");
        if (glyphs < 1 || glyphs >= 0xFFFF) return fail("bad number of glyphs");
        const char* data = r.take(sizeof(ImFontGlyph) * static_cast<size_t>(glyphs));
        if (!data) return fail("glyphs cut short");
        f->Glyphs.resize(glyphs);
        std::memcpy(f->Glyphs.Data, data, sizeof(ImFontGlyph) * static_cast<size_t>(glyphs));
        for (const ImFontGlyph& g : f->Glyphs) {
            if (g.Codepoint > IM_UNICODE_CODEPOINT_MAX) return fail("glyph for no character");
            if (!finite({g.AdvanceX, g.X0, g.Y0, g.X1, g.Y1}) || std::fabs(g.AdvanceX) > 4096 ||
                std::fabs(g.X0) > 4096 || std::fabs(g.Y0) > 4096 || std::fabs(g.X1) > 4096 || std::fabs(g.Y1) > 4096)
                return fail("bad glyph metrics");
            if (!in_unit(g.U0) || !in_unit(g.U1) || !in_unit(g.V0) || !in_unit(g.V1) || g.U0 > g.U1 || g.V0 > g.V1 ||
                std::round(g.V1 * static_cast<float>(h)) > lowest)
                return fail("glyph outside the texture");
        }
        f->BuildLookupTable();
    }
    Fonts out;
    for (ImFont** slot : font_slots(out)) {
        const int index = r.get<int>();
        if (!r.ok || index < 0 || index >= n) return fail("bad font index");
        *slot = atlas.Fonts[index];
    }
    out.em = r.get<float>();
    out.bar_em = r.get<float>();
    if (!r.ok || !finite({out.em, out.bar_em}) || out.em <= 0 || out.bar_em <= 0) return fail("bad font sizes");
    Shaper::AtlasState st;
    const int keys = r.get<int>();
    if (!r.ok || keys < 0 || keys > n) return fail("bad shaper fonts");
    for (int i = 0; i < keys; ++i) {
        const int index = r.get<int>();
        const auto bold = r.get<std::uint8_t>();
        const int size = r.get<int>();
        // The shaper's size of a font is the font's own, rounded (Shaper::begin_atlas).
        if (!r.ok || index < 0 || index >= n || bold > 1 || size != std::lround(atlas.Fonts[index]->FontSize))
            return fail("bad shaper font");
        st.fonts.push_back({index, {bold == 1, size}});
    }
    const auto room = r.get<std::array<int, 4>>();
    st.room_x = room[0], st.room_y = room[1], st.room_w = room[2], st.room_h = room[3];
    const std::int64_t rx = st.room_x, ry = st.room_y, rw = st.room_w, rh = st.room_h;
    if (!r.ok || rx < 0 || ry < 0 || rw < 0 || rh < 0 || rx + rw > w || ry + rh > h) return fail("bad room for glyphs");
    const char* pixels = r.take(static_cast<size_t>(w) * static_cast<size_t>(h));
    if (!pixels || r.at != bytes.size()) return fail("pixels cut short");
    atlas.TexPixelsAlpha8 = static_cast<unsigned char*>(IM_ALLOC(static_cast<size_t>(w) * h));
    std::memcpy(atlas.TexPixelsAlpha8, pixels, static_cast<size_t>(w) * h);
    atlas.TexReady = true;
    // The rest of `fonts` (the icons' glyph ranges) stays as it is.
    const auto from = font_slots(out), to = font_slots(fonts);
    for (size_t i = 0; i < to.size(); ++i)
        *to[i] = *from[i];
    fonts.em = out.em;
    fonts.bar_em = out.bar_em;
    shaper.adopt_atlas(atlas, st);
    return true;
}

}  // namespace ledsager::ui
