#include "ui/fonts.hpp"

#include <cmath>
#include <filesystem>

#include "core/icons.hpp"

namespace ledsager::ui {

FontFiles find_font_files() {
    auto first = [](std::initializer_list<const char*> paths) -> std::string {
        for (const char* p : paths)
            if (std::filesystem::exists(p)) return p;
        return {};
    };
    return {
        first({"/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf"}),
        first({"/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf"}),
        first({"/usr/share/fonts/truetype/font-awesome/fontawesome-webfont.ttf"}),
    };
}

float body_px(float height, int scale_percent) { return std::round(34.0f * height / 1080.0f * scale_percent / 100.0f); }
float bar_px(float height) { return std::round(29.0f * height / 1080.0f); }

ImVector<ImWchar> glyph_ranges(const std::vector<std::string>& texts) {
    ImFontGlyphRangesBuilder b;
    b.AddRanges(ImGui::GetIO().Fonts->GetGlyphRangesDefault() /* ASCII + Latin-1 */);
    b.AddText("–—‘’“”…›‹•·€✓");
    for (const auto& t : texts) b.AddText(t.c_str());
    ImVector<ImWchar> out;
    b.BuildRanges(&out);
    return out;
}

bool build_fonts(ImFontAtlas& atlas, const FontFiles& files, float height, int scale_percent,
                 const ImVector<ImWchar>& ranges, Fonts& out, std::string& error) {
    atlas.Clear();
    for (const auto* f : {&files.regular, &files.bold, &files.icons}) {
        if (f->empty() || !std::filesystem::exists(*f)) {
            error = "font file missing: " + (f->empty() ? std::string("(Noto Sans / Font Awesome)") : *f) +
                    " (install fonts-noto-core and fonts-font-awesome)";
            return false;
        }
    }
    // Icon glyphs: only those the kiosk names.
    ImFontGlyphRangesBuilder ib;
    for (const auto& icon : core::kIcons) ib.AddChar(static_cast<ImWchar>(icon.codepoint));
    ImVector<ImWchar> icon_ranges;  // read by atlas.Build() below, not after
    ib.BuildRanges(&icon_ranges);

    const float em = body_px(height, scale_percent);
    const float bar_em = bar_px(height);
    ImFontConfig cfg;
    cfg.OversampleH = 1;  // large sizes need no oversampling; keeps the atlas small
    cfg.OversampleV = 1;
    cfg.PixelSnapH = true;
    auto add = [&](const std::string& file, float px, const ImWchar* r) {
        return atlas.AddFontFromFileTTF(file.c_str(), px, &cfg, r);
    };
    out.em = em;
    out.bar_em = bar_em;
    out.regular = add(files.regular, em, ranges.Data);
    out.bold = add(files.bold, em, ranges.Data);
    out.heading = add(files.bold, std::round(em * 1.45f), ranges.Data);
    out.title = add(files.bold, std::round(em * 1.9f), ranges.Data);
    out.small = add(files.regular, std::round(em * 0.82f), ranges.Data);
    out.large = add(files.regular, std::round(em * 1.2f), ranges.Data);
    out.tile = add(files.bold, std::round(em * 1.2f), ranges.Data);
    static constexpr ImWchar kNumberGlyphs[] = {'-', '-', '0', '9', 'A', 'Z', 0};  // "A-042"
    out.number = add(files.bold, std::round(em * 4.2f), kNumberGlyphs);
    out.bar = add(files.bold, bar_em, ranges.Data);
    out.icon = add(files.icons, em, icon_ranges.Data);
    out.icon_bar = add(files.icons, bar_em, icon_ranges.Data);
    out.icon_large = add(files.icons, std::round(em * 1.5f), icon_ranges.Data);
    out.icon_huge = add(files.icons, std::round(em * 5.0f), icon_ranges.Data);
    if (!out.regular || !out.bold || !out.icon || !atlas.Build()) {
        error = "cannot build the font atlas";
        return false;
    }
    return true;
}

}  // namespace ledsager::ui
