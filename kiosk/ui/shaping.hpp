// Arabic-script text for Dear ImGui, which neither shapes nor orders right-to-left text.
// FriBidi finds the direction runs of a line (Unicode bidi algorithm), HarfBuzz shapes the
// Arabic-script runs with Noto Sans Arabic UI, and each shaped glyph (glyph id, advance
// and offset, in whole pixels at one font size) gets a Private Use Area code point in
// that ImGui font; FreeType renders its pixels into the font atlas. The result is a plain
// string in visual (left-to-right) order that ImGui draws as usual. Other runs (Latin,
// digits) keep their own characters and ImGui's own fonts.
//
// Urdu is shown in Naskh style (Noto Sans Arabic UI), not Nastaliq: Nastaliq's cascading
// joins need per-glyph vertical positions in every context, which a glyph atlas cannot
// hold. Naskh is widely read by Urdu speakers and is what most Urdu UI falls back to.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <vector>

#include <imgui.h>

namespace ledsager::ui {

class Shaper {
public:
    Shaper();
    ~Shaper();
    Shaper(const Shaper&) = delete;
    Shaper& operator=(const Shaper&) = delete;

    // The Arabic-script faces and the Latin face whose em the Arabic glyphs match.
    bool load(const std::string& arabic_regular, const std::string& arabic_bold, const std::string& latin_regular,
              std::string& error);
    bool loaded() const;
    // Pixels per em of the Arabic glyphs for an ImGui font of `size` pixels.
    float ppem(float size) const { return size * latin_ratio_; }

    // Whether a text needs this class at all (any right-to-left or Arabic-script character).
    static bool needs_shaping(std::string_view utf8);
    // The direction a paragraph is laid out in on a screen of `screen_rtl`: the screen's own
    // when the paragraph has any letter of that direction, else from its first strong one.
    static bool paragraph_rtl(std::string_view utf8, bool screen_rtl);

    // Around each atlas build: before ImFontAtlas::Build() the text fonts are named (with
    // their face and size) and the glyphs registered for their sizes get atlas space;
    // after it, their pixels are copied in and the glyphs added to the fonts.
    struct FontInfo {
        ImFont* font;
        bool bold;
        float size;
    };
    void begin_atlas(ImFontAtlas& atlas, const std::vector<FontInfo>& fonts);
    void end_atlas(ImFontAtlas& atlas);
    // Glyphs were registered that the current atlas lacks: add them (add_new) or rebuild the
    // atlas before the next frame.
    bool dirty() const { return dirty_; }
    // Adds the glyphs registered since the atlas was built to its fonts, in room the atlas
    // keeps free for them (a new screen's few glyphs, without building the atlas again). Each
    // glyph's pixels (alpha, `w` × `h` at `x`, `y` of the atlas) are handed to `upload` for the
    // font texture. False when the room is full: the atlas must be built again.
    struct Patch {
        int x, y, w, h;
        const unsigned char* alpha;
    };
    bool add_new(const ImFontAtlas& atlas, const std::function<void(const Patch&)>& upload);

    // What an atlas built by this shaper needs kept beside it (a saved atlas, see
    // ui::save_atlas): whether any glyph was shaped yet, which font has which face and size,
    // and where the room for later glyphs is.
    bool shaped_any() const;
    struct AtlasState {
        std::vector<std::pair<int, std::pair<bool, int>>> fonts;  // index in the atlas, (bold, size)
        int room_x = 0, room_y = 0, room_w = 0, room_h = 0;
    };
    AtlasState atlas_state(const ImFontAtlas& atlas) const;
    // Takes up a saved atlas as if this shaper had built it (no glyph shaped yet).
    void adopt_atlas(const ImFontAtlas& atlas, const AtlasState& state);

    // One line of logical text in visual order, for `font`.
    std::string visual(std::string_view line, ImFont* font, bool base_rtl);

    struct Line {
        std::string visual;
        float width = 0;
        bool rtl = false;  // the direction of its paragraph
    };
    struct Block {
        std::vector<Line> lines;
        float width = 0;  // the widest line
        bool rtl = false;
    };
    // A paragraph (or several, split at '\n') broken into lines of at most `wrap` pixels
    // (0 = no wrapping), each in visual order, in the direction paragraph_rtl() gives for a
    // screen of `default_rtl`. Cached until the atlas is rebuilt.
    const Block& layout(const std::string& text, ImFont* font, float wrap, bool default_rtl);

    struct Face;
    struct Glyph;

private:
    struct SizeGlyphs;
    SizeGlyphs& glyphs_for(ImFont* font);
    std::u32string shape_run(const std::u32string& run, bool rtl, SizeGlyphs& sg, float& pen_error);

    std::unique_ptr<Face> regular_, bold_;
    float latin_ratio_ = 0.73f;  // pixels per em / ImGui font size (Noto Sans: 1000 / 1362)
    std::map<std::pair<bool, int>, std::unique_ptr<SizeGlyphs>> sizes_;
    std::map<ImFont*, std::pair<bool, int>> font_keys_;
    std::unordered_map<std::string, Block> cache_;
    bool dirty_ = false;
    struct Pending {
        ImFont* font;
        ImWchar cp;
        int rect;
        const Glyph* glyph;
        float advance, x0, y0;
    };
    std::vector<Pending> pending_;
    // The atlas's free room for glyphs added after it was built, filled shelf by shelf.
    int room_rect_ = -1;                                       // its rectangle while the atlas is built
    int room_x0_ = 0, room_y0_ = 0, room_w_ = 0, room_h_ = 0;  // where it is in the atlas
    int room_x_ = 0, room_y_ = 0, shelf_h_ = 0;                // the next free place in it
};

}  // namespace ledsager::ui
