// Building the font atlas for one text size. Only the glyphs the kiosk can show are baked
// (the characters of the interface catalogues and guides of the offered languages), which
// keeps the atlas small and start-up fast. Rebuilt between frames when the size changes.
#pragma once

#include <string>
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

// The glyph ranges for a set of texts (plus ASCII, and the punctuation screens use).
// Arabic-script letters are left out: they are drawn as shaped glyphs, never one by one.
// `base` adds ASCII and a few letters of names; without it, only the texts' own characters.
ImVector<ImWchar> glyph_ranges(const std::vector<std::string>& texts, bool base = true);

}  // namespace ledsager::ui
