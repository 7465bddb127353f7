// Colours of the two themes. Every text/background and focus/background pair is checked
// by the theme_contrast test: at least 4.5:1 (default) and 7:1 (high contrast); the focus
// ring at least 3:1 against what it surrounds.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ledsager::ui {

using Rgb = std::uint32_t;  // 0xRRGGBB

struct Palette {
    Rgb background;  // the screen
    Rgb surface;     // cards, tiles, secondary buttons, the bottom bar
    Rgb border;      // card and button outlines (decorative)
    Rgb text;        // body text on background and surface
    Rgb text_muted;  // subtitles, "Step 3 of 7"
    Rgb primary;     // the one primary action
    Rgb on_primary;
    Rgb help;  // "Get help from a person"
    Rgb on_help;
    Rgb accent;          // progress bar, icon backgrounds' ink
    Rgb accent_soft;     // icon background on tiles
    Rgb focus;           // the keypad focus ring
    Rgb pressed;         // a secondary button while pressed
    Rgb dim;             // the veil behind the timeout dialog (alpha applied by the drawer)
    float border_width;  // in pixels at 100 %
};

const Palette& default_palette();
const Palette& high_contrast_palette();

// WCAG 2.x contrast ratio of two sRGB colours (1..21).
double contrast_ratio(Rgb a, Rgb b);

struct ContrastPair {
    std::string what;
    Rgb fg, bg;
    double minimum;
};
// Every pair the screens draw, with the minimum each must reach in this theme.
std::vector<ContrastPair> contrast_pairs(const Palette& p, bool high_contrast);

}  // namespace ledsager::ui
