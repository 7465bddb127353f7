#include "ui/theme.hpp"

#include <algorithm>
#include <cmath>

namespace ledsager::ui {

const Palette& default_palette() {
    static const Palette p{
        .background = 0xF5F2ED,
        .surface = 0xFFFFFF,
        .border = 0xD9D3C7,
        .text = 0x1A1A1A,
        .text_muted = 0x55524C,
        .primary = 0x1D6B33,
        .on_primary = 0xFFFFFF,
        .help = 0xAD2A1F,
        .on_help = 0xFFFFFF,
        .accent = 0x1559B0,
        .accent_soft = 0xE3ECF8,
        .focus = 0x9A4A00,
        .pressed = 0xE9E4DA,
        .dim = 0x1A1A1A,
        .border_width = 2.0f,
    };
    return p;
}

const Palette& high_contrast_palette() {
    static const Palette p{
        .background = 0x000000,
        .surface = 0x000000,
        .border = 0xFFFFFF,
        .text = 0xFFFFFF,
        .text_muted = 0xE6E6E6,
        .primary = 0xFFE600,
        .on_primary = 0x000000,
        .help = 0xFFB3AB,
        .on_help = 0x000000,
        .accent = 0x7FC8FF,
        .accent_soft = 0x1F1F1F,
        .focus = 0x00E5FF,
        .pressed = 0x333333,
        .dim = 0x000000,
        .border_width = 3.0f,
    };
    return p;
}

namespace {
double channel(double c) {
    c /= 255.0;
    return c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
}
double luminance(Rgb c) {
    return 0.2126 * channel((c >> 16) & 0xFF) + 0.7152 * channel((c >> 8) & 0xFF) + 0.0722 * channel(c & 0xFF);
}
}  // namespace

double contrast_ratio(Rgb a, Rgb b) {
    const double la = luminance(a), lb = luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

std::vector<ContrastPair> contrast_pairs(const Palette& p, bool high_contrast) {
    const double text = high_contrast ? 7.0 : 4.5;
    return {
        {"text on background", p.text, p.background, text},
        {"text on surface", p.text, p.surface, text},
        {"muted text on background", p.text_muted, p.background, text},
        {"muted text on surface", p.text_muted, p.surface, text},
        {"text on pressed button", p.text, p.pressed, text},
        {"primary button text", p.on_primary, p.primary, text},
        {"help button text", p.on_help, p.help, text},
        {"warning text (help colour) on background", p.help, p.background, text},
        {"claimed text (primary colour) on background", p.primary, p.background, text},
        {"icon on its tile background", p.accent, p.accent_soft, 3.0},
        {"accent text on surface", p.accent, p.surface, text},
        {"focus ring on background", p.focus, p.background, 3.0},
        {"focus ring on surface", p.focus, p.surface, 3.0},
        {"progress bar on background", p.accent, p.background, 3.0},
    };
}

}  // namespace ledsager::ui
