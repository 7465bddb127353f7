#include "ui/shaping.hpp"

#include <ft2build.h>
#include FT_FREETYPE_H
#include <fribidi.h>
#include <hb.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <cstring>

namespace ledsager::ui {

namespace {

// The width of the atlas's room for glyphs added later: less than the narrowest atlas ImGui
// makes (512, of which 511 are packed), so the room always has a place.
constexpr int kRoomWidth = 384;
constexpr ImWchar kFirstCp = 0xE000, kLastCp = 0xEFFF;              // below Font Awesome's 0xF000..
constexpr char32_t kMinForLength[] = {0, 0, 0x80, 0x800, 0x10000};  // smallest code point per UTF-8 length

bool arabic_script(char32_t c) {
    return (c >= 0x0600 && c <= 0x06FF) || (c >= 0x0750 && c <= 0x077F) || (c >= 0x08A0 && c <= 0x08FF) ||
           (c >= 0xFB50 && c <= 0xFDFF) || (c >= 0xFE70 && c <= 0xFEFF);
}
// Invisible formatting characters (ZWNJ, ZWJ, marks, isolates) that a Latin font lacks.
bool ignorable(char32_t c) {
    return (c >= 0x200B && c <= 0x200F) || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
}

std::u32string decode(std::string_view s) {
    std::u32string out;
    for (size_t i = 0; i < s.size();) {
        const unsigned char c = s[i];
        char32_t cp;
        int n;
        if (c < 0x80)
            cp = c, n = 1;
        else if ((c >> 5) == 6)
            cp = c & 0x1F, n = 2;
        else if ((c >> 4) == 14)
            cp = c & 0x0F, n = 3;
        else if ((c >> 3) == 30)
            cp = c & 0x07, n = 4;
        else {
            out.push_back(0xFFFD);
            ++i;
            continue;
        }
        bool valid = i + n <= s.size();
        for (int k = 1; valid && k < n; ++k) {
            const unsigned char cc = s[i + k];
            valid = (cc & 0xC0) == 0x80;
            cp = (cp << 6) | (cc & 0x3F);
        }
        // Overlong forms, surrogates and values past Unicode are not text either.
        valid = valid && cp >= kMinForLength[n] && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF);
        if (!valid) {
            out.push_back(0xFFFD);
            ++i;
            continue;
        }
        out.push_back(cp);
        i += n;
    }
    return out;
}

void encode(char32_t cp, std::string& out) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }  // beyond the BMP ImGui (16-bit ImWchar) cannot draw: left out
}

}  // namespace

struct Shaper::Glyph {
    int w = 0, h = 0, left = 0, top = 0;
    std::vector<unsigned char> pixels;
};

struct Shaper::Face {
    FT_Library lib = nullptr;
    FT_Face face = nullptr;
    hb_blob_t* blob = nullptr;
    hb_face_t* hb_face = nullptr;
    hb_font_t* hb_font = nullptr;
    int upem = 1000;
    std::map<std::pair<long, unsigned>, Glyph> bitmaps;  // (ppem in 1/64 px, glyph id)

    ~Face() {
        if (hb_font) hb_font_destroy(hb_font);
        if (hb_face) hb_face_destroy(hb_face);
        if (blob) hb_blob_destroy(blob);
        if (face) FT_Done_Face(face);
        if (lib) FT_Done_FreeType(lib);
    }
    bool open(const std::string& path, std::string& error) {
        if (FT_Init_FreeType(&lib) || FT_New_Face(lib, path.c_str(), 0, &face)) {
            error = "cannot read the font " + path + " (install fonts-noto-core)";
            return false;
        }
        upem = face->units_per_EM;
        blob = hb_blob_create_from_file(path.c_str());
        hb_face = hb_face_create(blob, 0);
        hb_font = hb_font_create(hb_face);
        hb_font_set_scale(hb_font, upem, upem);  // positions in font units
        return true;
    }
    const Glyph& raster(float ppem, unsigned gid) {
        const long key = std::lround(ppem * 64);
        auto [it, fresh] = bitmaps.try_emplace({key, gid});
        if (!fresh) return it->second;
        Glyph& g = it->second;
        FT_Set_Char_Size(face, 0, key, 72, 72);
        if (FT_Load_Glyph(face, gid, FT_LOAD_TARGET_LIGHT) || FT_Render_Glyph(face->glyph, FT_RENDER_MODE_NORMAL))
            return g;
        const FT_Bitmap& b = face->glyph->bitmap;
        g.w = static_cast<int>(b.width);
        g.h = static_cast<int>(b.rows);
        g.left = face->glyph->bitmap_left;
        g.top = face->glyph->bitmap_top;
        g.pixels.resize(static_cast<size_t>(g.w) * g.h);
        for (int y = 0; y < g.h; ++y)
            std::memcpy(&g.pixels[static_cast<size_t>(y) * g.w], b.buffer + y * b.pitch, g.w);
        return g;
    }
};

struct Shaper::SizeGlyphs {
    bool bold = false;
    float ppem = 0;
    using Key = std::tuple<unsigned, int, int, int>;  // glyph id, advance, x offset, y offset (pixels)
    std::map<Key, ImWchar> cps;
    std::vector<Key> keys;  // keys[i] has code point kFirstCp + i
    size_t baked = 0;       // how many keys the current atlas holds
};

Shaper::Shaper() = default;
Shaper::~Shaper() = default;

bool Shaper::load(const std::string& arabic_regular, const std::string& arabic_bold, const std::string& latin_regular,
                  std::string& error) {
    auto r = std::make_unique<Face>(), b = std::make_unique<Face>();
    if (!r->open(arabic_regular, error) || !b->open(arabic_bold, error)) return false;
    Face latin;
    if (!latin.open(latin_regular, error)) return false;
    // ImGui sizes a font by ascender - descender (hhea); the Arabic glyphs use the same
    // pixels per em as the Latin text around them.
    const float height = static_cast<float>(latin.face->ascender - latin.face->descender);
    if (height > 0) latin_ratio_ = static_cast<float>(latin.upem) / height;
    regular_ = std::move(r);
    bold_ = std::move(b);
    return true;
}

bool Shaper::loaded() const {
    return regular_ && bold_;
}

bool Shaper::needs_shaping(std::string_view utf8) {
    for (size_t i = 0; i + 1 < utf8.size(); ++i) {
        const unsigned char c = utf8[i];
        // Lead bytes of U+0590..U+08FF (D6..E0 A3) and U+FB1D..U+FEFF (EF AC..EF BB).
        if (c >= 0xD6 && c <= 0xDF) return true;
        if (c == 0xE0 && static_cast<unsigned char>(utf8[i + 1]) <= 0xA3) return true;
        if (c == 0xEF && static_cast<unsigned char>(utf8[i + 1]) >= 0xAC &&
            static_cast<unsigned char>(utf8[i + 1]) <= 0xBB)
            return true;
    }
    return false;
}

namespace {
// +1 right to left, -1 left to right, 0 no strong character (rules P2, P3).
int first_strong(std::string_view utf8) {
    for (char32_t c : decode(utf8)) {
        const FriBidiCharType t = fribidi_get_bidi_type(c);
        if (t == FRIBIDI_TYPE_RTL || t == FRIBIDI_TYPE_AL) return 1;
        if (t == FRIBIDI_TYPE_LTR) return -1;
    }
    return 0;
}
}  // namespace

bool Shaper::paragraph_rtl(std::string_view utf8, bool screen_rtl) {
    // The screen's language sets the direction of its own text: a Persian line that starts
    // with "MitID" or a {name} is still a right-to-left paragraph. Only a paragraph with no
    // letter of the screen's direction at all (a Danish name, an English fallback text on an
    // Arabic screen, "العربية" in the language list of a Danish one) takes its direction from
    // its first strong character (rules P2, P3), or the screen's when it has none.
    bool has_rtl = false, has_ltr = false;
    for (char32_t c : decode(utf8)) {
        const FriBidiCharType t = fribidi_get_bidi_type(c);
        has_rtl = has_rtl || t == FRIBIDI_TYPE_RTL || t == FRIBIDI_TYPE_AL;
        has_ltr = has_ltr || t == FRIBIDI_TYPE_LTR;
    }
    if (screen_rtl ? has_rtl : has_ltr) return screen_rtl;
    const int strong = first_strong(utf8);
    return strong == 0 ? screen_rtl : strong > 0;
}

Shaper::SizeGlyphs& Shaper::glyphs_for(ImFont* font) {
    auto fk = font_keys_.find(font);
    std::pair<bool, int> key =
        fk != font_keys_.end() ? fk->second : std::pair<bool, int>{false, static_cast<int>(font->FontSize)};
    auto& sg = sizes_[key];
    if (!sg) {
        sg = std::make_unique<SizeGlyphs>();
        sg->bold = key.first;
        sg->ppem = key.second * latin_ratio_;
    }
    return *sg;
}

std::u32string Shaper::shape_run(const std::u32string& run, bool rtl, SizeGlyphs& sg, float& pen_error) {
    std::u32string out;
    Face& face = sg.bold ? *bold_ : *regular_;
    hb_buffer_t* buf = hb_buffer_create();
    hb_buffer_add_utf32(buf, reinterpret_cast<const uint32_t*>(run.data()), static_cast<int>(run.size()), 0,
                        static_cast<int>(run.size()));
    hb_buffer_set_direction(buf, rtl ? HB_DIRECTION_RTL : HB_DIRECTION_LTR);
    hb_buffer_set_script(buf, HB_SCRIPT_ARABIC);
    hb_buffer_set_cluster_level(buf, HB_BUFFER_CLUSTER_LEVEL_MONOTONE_CHARACTERS);
    hb_shape(face.hb_font, buf, nullptr, 0);
    unsigned n = 0;
    const hb_glyph_info_t* info = hb_buffer_get_glyph_infos(buf, &n);
    const hb_glyph_position_t* pos = hb_buffer_get_glyph_positions(buf, &n);
    const float scale = sg.ppem / static_cast<float>(face.upem);
    for (unsigned i = 0; i < n; ++i) {
        if (info[i].codepoint == 0) {  // the Arabic font lacks it (a Latin sign): ImGui's font draws it
            char32_t c = run[std::min<size_t>(info[i].cluster, run.size() - 1)];
            if (rtl) {
                FriBidiChar m = 0;
                if (fribidi_get_mirror_char(c, &m)) c = m;
            }
            if (!ignorable(c)) out.push_back(c);
            continue;
        }
        // Whole-pixel advances with the rounding error carried along, so glyph bitmaps
        // land on whole pixels and the run keeps its true length.
        const float want = pos[i].x_advance * scale + pen_error;
        const int adv = static_cast<int>(std::lround(want));
        pen_error = want - adv;
        const SizeGlyphs::Key key{info[i].codepoint, adv, static_cast<int>(std::lround(pos[i].x_offset * scale)),
                                  static_cast<int>(std::lround(pos[i].y_offset * scale))};
        auto it = sg.cps.find(key);
        if (it == sg.cps.end()) {
            if (kFirstCp + sg.keys.size() > kLastCp) {
                out.push_back(U'?');
                continue;
            }
            const ImWchar cp = static_cast<ImWchar>(kFirstCp + sg.keys.size());
            sg.keys.push_back(key);
            it = sg.cps.emplace(key, cp).first;
            dirty_ = true;  // the atlas needs this glyph
        }
        out.push_back(it->second);
    }
    hb_buffer_destroy(buf);
    return out;
}

std::string Shaper::visual(std::string_view line, ImFont* font, bool base_rtl) {
    const std::u32string u = decode(line);
    const int n = static_cast<int>(u.size());
    std::string out;
    if (n == 0) return out;
    std::vector<FriBidiCharType> types(n);
    std::vector<FriBidiBracketType> brackets(n);
    std::vector<FriBidiLevel> levels(n);
    const auto* chars = reinterpret_cast<const FriBidiChar*>(u.data());
    fribidi_get_bidi_types(chars, n, types.data());
    fribidi_get_bracket_types(chars, n, types.data(), brackets.data());
    FriBidiParType dir = base_rtl ? FRIBIDI_PAR_RTL : FRIBIDI_PAR_LTR;
    if (!fribidi_get_par_embedding_levels_ex(types.data(), brackets.data(), n, &dir, levels.data()))
        std::fill(levels.begin(), levels.end(), base_rtl ? 1 : 0);

    // Runs of one level, each already in its own visual order.
    struct Run {
        int level;
        std::u32string text;
    };
    std::vector<Run> runs;
    // Only the text fonts the atlas was told about can carry shaped glyphs.
    SizeGlyphs* sg = loaded() && font_keys_.count(font) ? &glyphs_for(font) : nullptr;
    float pen_error = 0;
    for (int a = 0; a < n;) {
        int b = a;
        while (b < n && levels[b] == levels[a])
            ++b;
        std::u32string run(u.begin() + a, u.begin() + b);
        const bool odd = levels[a] % 2 == 1;
        const bool arabic = std::any_of(run.begin(), run.end(), arabic_script);
        if (arabic && sg) {
            runs.push_back({levels[a], shape_run(run, odd, *sg, pen_error)});
        } else {
            std::u32string t;
            for (char32_t c : run) {
                if (ignorable(c)) continue;
                if (odd) {
                    FriBidiChar m = 0;
                    if (fribidi_get_mirror_char(c, &m)) c = m;
                }
                t.push_back(c);
            }
            if (odd) std::reverse(t.begin(), t.end());
            runs.push_back({levels[a], std::move(t)});
        }
        a = b;
    }
    // Rule L2 on whole runs: from the highest level down to the lowest odd one, reverse
    // every stretch of runs at that level or above.
    int highest = 0, lowest_odd = 255;
    for (const auto& r : runs) {
        highest = std::max(highest, r.level);
        if (r.level % 2) lowest_odd = std::min(lowest_odd, r.level);
    }
    for (int lvl = highest; lvl >= lowest_odd && lvl > 0; --lvl) {
        for (size_t i = 0; i < runs.size();) {
            if (runs[i].level < lvl) {
                ++i;
                continue;
            }
            size_t j = i;
            while (j < runs.size() && runs[j].level >= lvl)
                ++j;
            std::reverse(runs.begin() + static_cast<long>(i), runs.begin() + static_cast<long>(j));
            i = j;
        }
    }
    for (const auto& r : runs)
        for (char32_t c : r.text)
            encode(c, out);
    return out;
}

const Shaper::Block& Shaper::layout(const std::string& text, ImFont* font, float wrap, bool default_rtl) {
    const std::string key = text + '\x1f' + std::to_string(reinterpret_cast<uintptr_t>(font)) + '\x1f' +
                            std::to_string(static_cast<int>(wrap)) + (default_rtl ? "r" : "l");
    if (auto it = cache_.find(key); it != cache_.end()) return it->second;
    if (cache_.size() > 4000) cache_.clear();  // changing texts (countdowns) must not pile up
    Block block;
    block.rtl = paragraph_rtl(text, default_rtl);
    auto width = [&](const std::string& visual) {
        return font->CalcTextSizeA(font->FontSize, FLT_MAX, 0, visual.c_str()).x;
    };
    size_t pos = 0;
    while (pos <= text.size()) {
        size_t end = text.find('\n', pos);
        if (end == std::string::npos) end = text.size();
        const std::string par = text.substr(pos, end - pos);
        const bool rtl = paragraph_rtl(par, default_rtl);
        auto emit = [&](const std::string& logical) {
            Line l;
            l.rtl = rtl;
            l.visual = visual(logical, font, rtl);
            l.width = width(l.visual);
            block.width = std::max(block.width, l.width);
            block.lines.push_back(std::move(l));
        };
        if (wrap <= 0) {
            emit(par);
        } else {
            // Greedy breaking at spaces, measured on the shaped words.
            std::string cur;
            size_t w0 = 0;
            while (w0 <= par.size()) {
                size_t w1 = par.find(' ', w0);
                if (w1 == std::string::npos) w1 = par.size();
                const std::string word = par.substr(w0, w1 - w0);
                const std::string cand = cur.empty() ? word : cur + " " + word;
                if (!cur.empty() && width(visual(cand, font, rtl)) > wrap) {
                    emit(cur);
                    cur = word;
                } else {
                    cur = cand;
                }
                w0 = w1 + 1;
            }
            emit(cur);
        }
        pos = end + 1;
    }
    return cache_.emplace(key, std::move(block)).first->second;
}

void Shaper::begin_atlas(ImFontAtlas& atlas, const std::vector<FontInfo>& fonts) {
    font_keys_.clear();
    pending_.clear();
    cache_.clear();
    dirty_ = false;
    room_rect_ = -1;
    room_w_ = room_h_ = 0;
    if (!loaded()) return;
    for (const auto& f : fonts) {
        const std::pair<bool, int> key{f.bold, static_cast<int>(std::lround(f.size))};
        font_keys_[f.font] = key;
        auto& sg = sizes_[key];
        if (!sg) {
            sg = std::make_unique<SizeGlyphs>();
            sg->bold = f.bold;
            sg->ppem = key.second * latin_ratio_;
        }
        Face& face = f.bold ? *bold_ : *regular_;
        for (size_t i = 0; i < sg->keys.size(); ++i) {
            const auto& [gid, adv, dx, dy] = sg->keys[i];
            const Glyph& g = face.raster(sg->ppem, gid);
            const int rect = g.w > 0 && g.h > 0 ? atlas.AddCustomRectRegular(g.w, g.h) : -1;
            pending_.push_back({f.font, static_cast<ImWchar>(kFirstCp + i), rect, &g, static_cast<float>(adv),
                                static_cast<float>(g.left + dx), static_cast<float>(-g.top - dy)});
        }
        sg->baked = sg->keys.size();
    }
    // Room for the glyphs of screens drawn later (six lines of the largest text font, 384
    // pixels wide): 0.4 MB as the renderer's texture at 100 % text, 0.8 MB at 200 %.
    float largest = 0;
    for (const auto& f : fonts)
        largest = std::max(largest, f.size);
    room_rect_ = atlas.AddCustomRectRegular(kRoomWidth, std::max(64, static_cast<int>(largest * 6)));
    room_w_ = room_h_ = 0;
}

void Shaper::end_atlas(ImFontAtlas& atlas) {
    // Where the room is (the atlas forgets its rectangles once the input data is cleared).
    if (room_rect_ >= 0) {
        if (const ImFontAtlasCustomRect* r = atlas.GetCustomRectByIndex(room_rect_); r->IsPacked()) {
            room_x0_ = r->X, room_y0_ = r->Y, room_w_ = r->Width, room_h_ = r->Height;
            room_x_ = room_y_ = shelf_h_ = 0;
        } else {
            std::fprintf(stderr,
                         "ledsager-kiosk: no room in the font atlas for shaped glyphs: each new Arabic-script "
                         "screen builds it anew\n");
        }
    }
    if (pending_.empty()) return;
    unsigned char* pixels = nullptr;
    int tw = 0, th = 0;
    atlas.GetTexDataAsAlpha8(&pixels, &tw, &th);
    for (const auto& p : pending_) {
        float u0 = 0, v0 = 0, u1 = 0, v1 = 0;
        if (p.rect >= 0) {
            const ImFontAtlasCustomRect* r = atlas.GetCustomRectByIndex(p.rect);
            for (int y = 0; y < p.glyph->h; ++y)
                std::memcpy(pixels + static_cast<size_t>(r->Y + y) * tw + r->X,
                            &p.glyph->pixels[static_cast<size_t>(y) * p.glyph->w], p.glyph->w);
            ImVec2 a, b;
            atlas.CalcCustomRectUV(r, &a, &b);
            u0 = a.x, v0 = a.y, u1 = b.x, v1 = b.y;
        }
        const float top = p.font->Ascent + p.y0;
        p.font->AddGlyph(nullptr, p.cp, p.x0, top, p.x0 + p.glyph->w, top + p.glyph->h, u0, v0, u1, v1, p.advance);
    }
    for (const auto& [font, key] : font_keys_)
        font->BuildLookupTable();
    pending_.clear();
}

bool Shaper::shaped_any() const {
    for (const auto& [key, sg] : sizes_)
        if (!sg->keys.empty()) return true;
    return false;
}

Shaper::AtlasState Shaper::atlas_state(const ImFontAtlas& atlas) const {
    AtlasState st;
    for (int i = 0; i < atlas.Fonts.Size; ++i)
        if (auto it = font_keys_.find(atlas.Fonts[i]); it != font_keys_.end()) st.fonts.push_back({i, it->second});
    st.room_x = room_x0_, st.room_y = room_y0_, st.room_w = room_w_, st.room_h = room_h_;
    return st;
}

void Shaper::adopt_atlas(const ImFontAtlas& atlas, const AtlasState& state) {
    font_keys_.clear();
    pending_.clear();
    cache_.clear();
    dirty_ = false;
    room_rect_ = -1;
    for (const auto& [index, key] : state.fonts)
        if (index >= 0 && index < atlas.Fonts.Size) font_keys_[atlas.Fonts[index]] = key;
    room_x0_ = state.room_x, room_y0_ = state.room_y, room_w_ = state.room_w, room_h_ = state.room_h;
    room_x_ = room_y_ = shelf_h_ = 0;
    for (auto& [key, sg] : sizes_)
        sg->baked = sg->keys.size();
}

bool Shaper::add_new(const ImFontAtlas& atlas, const std::function<void(const Patch&)>& upload) {
    if (!dirty_) return true;
    if (room_w_ <= 0 || !atlas.TexWidth || !atlas.TexHeight) return false;
    // Placed first, added after: a glyph that does not fit leaves the fonts as they were.
    struct Placed {
        const SizeGlyphs* sg;
        size_t index;
        const Glyph* glyph;
        int x, y;
    };
    std::vector<Placed> placed;
    int x = room_x_, y = room_y_, shelf = shelf_h_;
    for (const auto& [key, sg] : sizes_) {
        // Sizes no font of this atlas has (an earlier text size) take no room.
        const bool used = std::any_of(font_keys_.begin(), font_keys_.end(),
                                      [&, &size_key = key](const auto& fk) { return fk.second == size_key; });
        if (sg->baked == sg->keys.size() || !used) continue;
        Face& face = sg->bold ? *bold_ : *regular_;
        for (size_t i = sg->baked; i < sg->keys.size(); ++i) {
            const Glyph& g = face.raster(sg->ppem, std::get<0>(sg->keys[i]));
            if (g.w <= 0 || g.h <= 0) {
                placed.push_back({sg.get(), i, &g, 0, 0});
                continue;
            }
            // One row and column of padding around each glyph, as ImGui leaves; the room's
            // last two rows stay empty (SDL's software renderer reads one row past a glyph).
            if (x + g.w + 1 > room_w_) x = 0, y += shelf, shelf = 0;
            if (g.w + 1 > room_w_ || y + g.h + 1 > room_h_ - 2) return false;
            placed.push_back({sg.get(), i, &g, room_x0_ + x, room_y0_ + y});
            x += g.w + 1;
            shelf = std::max(shelf, g.h + 1);
        }
    }
    room_x_ = x, room_y_ = y, shelf_h_ = shelf;
    const float tw = static_cast<float>(atlas.TexWidth), th = static_cast<float>(atlas.TexHeight);
    for (const auto& p : placed) {
        const Glyph& g = *p.glyph;
        float u0 = 0, v0 = 0, u1 = 0, v1 = 0;
        if (g.w > 0 && g.h > 0) {
            upload({p.x, p.y, g.w, g.h, g.pixels.data()});
            // v a quarter row into its row, as every glyph of the atlas (see settle_rows).
            u0 = p.x / tw, u1 = (p.x + g.w) / tw;
            v0 = (p.y + 0.25f) / th, v1 = (p.y + g.h + 0.25f) / th;
        }
        const auto& [gid, adv, dx, dy] = p.sg->keys[p.index];
        const ImWchar cp = static_cast<ImWchar>(kFirstCp + p.index);
        for (const auto& [font, key] : font_keys_) {
            if (auto it = sizes_.find(key); it == sizes_.end() || it->second.get() != p.sg) continue;
            const float x0 = static_cast<float>(g.left + dx), top = font->Ascent + static_cast<float>(-g.top - dy);
            font->AddGlyph(nullptr, cp, x0, top, x0 + g.w, top + g.h, u0, v0, u1, v1, static_cast<float>(adv));
        }
    }
    for (auto& [key, sg] : sizes_)
        sg->baked = sg->keys.size();
    for (const auto& [font, key] : font_keys_)
        font->BuildLookupTable();
    cache_.clear();  // lines laid out while the glyphs were missing
    dirty_ = false;
    return true;
}

}  // namespace ledsager::ui
