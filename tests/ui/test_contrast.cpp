// theme_contrast: every text/background and focus/background pair the screens draw, in
// both themes, meets WCAG: 4.5:1 (default), 7:1 (high contrast), 3:1 for the focus ring
// and non-text graphics.
#include <cstdio>

#include "harness.hpp"
#include "ui/theme.hpp"

using namespace ledsager::ui;

TEST_CASE("contrast ratio maths") {
    CHECK(contrast_ratio(0x000000, 0xFFFFFF) == doctest::Approx(21.0));
    CHECK(contrast_ratio(0xFFFFFF, 0xFFFFFF) == doctest::Approx(1.0));
    CHECK(contrast_ratio(0x767676, 0xFFFFFF) == doctest::Approx(4.54).epsilon(0.01));
}

TEST_CASE("both themes meet their contrast minimums") {
    for (bool hc : {false, true}) {
        const Palette& p = hc ? high_contrast_palette() : default_palette();
        for (const auto& pair : contrast_pairs(p, hc)) {
            const double r = contrast_ratio(pair.fg, pair.bg);
            std::printf("%-14s %-32s %5.2f:1 (min %.1f)\n", hc ? "high-contrast" : "default", pair.what.c_str(), r,
                        pair.minimum);
            CHECK_MESSAGE(r >= pair.minimum, (hc ? "high contrast: " : "default: ") << pair.what << " is " << r);
        }
    }
}
