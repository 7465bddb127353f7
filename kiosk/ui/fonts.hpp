// Building the font atlas for one text size. Only the glyphs the kiosk can show are baked
// (the characters of the interface catalogues and guides of the offered languages), which
// keeps the atlas small and start-up fast. Rebuilt between frames when the size changes.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <imgui.h>

#include "ui/shaping.hpp"
#include "ui/ui.hpp"

namespace ledsager::ui {

struct FontFiles {
    std::string regular;  // Noto Sans
    std::string bold;
    std::string icons;                            // Font Awesome 4.7
    std::string arabic_regular, arabic_bold;      // Noto Sans Arabic UI (shaped, see shaping.hpp)
    std::string ethiopic_regular, ethiopic_bold;  // Noto Sans Ethiopic (Tigrinya), merged into the text fonts
};

// Debian's locations (fonts-noto-core, fonts-font-awesome); empty strings when missing.
FontFiles find_font_files();

// Sizes for a display `height` pixels tall at `scale_percent` text size.
float body_px(float height, int scale_percent);
float bar_px(float height);

// Clears `atlas` and adds the kiosk's fonts for `text` (every string that may be shown).
// Returns false with `error` set when a font file cannot be read.
// With a `shaper`, the Arabic-script glyphs it has shaped are added to the text fonts.
// `title_ranges` (when not empty) limits the largest font to what it shows (the attract
// title and the countdown's digits): large glyphs are most of an atlas.
bool build_fonts(ImFontAtlas& atlas, const FontFiles& files, float height, int scale_percent,
                 const ImVector<ImWchar>& ranges, Fonts& out, std::string& error, Shaper* shaper = nullptr,
                 const ImVector<ImWchar>& title_ranges = {});

// A built atlas as bytes (its pixels, its fonts' glyphs and metrics, which font is which,
// and the shaper's part), so that the next start can take it up instead of building it
// again (see app::FontAtlas). Call before the atlas's pixels are cleared. Only for this
// build of the program: ImGui's structures are written as they are in memory.
std::string save_atlas(const ImFontAtlas& atlas, const Fonts& fonts, const Shaper& shaper);
// Takes up bytes from save_atlas into a cleared `atlas`: its fonts into `fonts`, the
// shaper's part into `shaper`. False with `error` when the bytes are not a whole atlas of
// this format (the atlas is then left empty).
bool load_atlas(std::string_view bytes, ImFontAtlas& atlas, Fonts& fonts, Shaper& shaper, std::string& error);

// The glyph ranges for a set of texts (plus ASCII, and the punctuation screens use).
// Arabic-script letters are left out: they are drawn as shaped glyphs, never one by one.
// `base` adds ASCII and a few letters of names; without it, only the texts' own characters.
ImVector<ImWchar> glyph_ranges(const std::vector<std::string>& texts, bool base = true);

}  // namespace ledsager::ui
