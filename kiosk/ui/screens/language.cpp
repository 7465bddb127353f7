// Language choice: each language named in its own words, never flags.
#include <algorithm>

#include "common/languages.hpp"
#include "ui/screens/common.hpp"

namespace ledsager::ui {

void draw_language(Ui& ui, const ScreenContext& ctx) {
    const auto& p = ui.palette();
    const Layout l = layout(ui, true);
    const float em = ui.em();
    float y = l.content.y;
    y += ui.text("language.heading", ui.t("language.heading"), l.content.x, y, l.content.w, ui.fonts().heading, p.text,
                 Role::Heading);
    y += em * 0.8f;

    const auto& offered = ctx.config.offered;
    const int cols = ui.width() / em > 40 ? 2 : 1;
    const float w = (l.content.w - (cols - 1) * l.gap) / cols;
    const float h = l.button_h * 1.1f;
    const Rect area{l.content.x, y, l.content.w + em * 0.3f, l.content.bottom() - y};
    ui.begin_scroll("language.list", area);
    const float top = y - ui.scroll_offset();
    for (size_t i = 0; i < offered.size(); ++i) {
        const auto* lang = common::find_language(offered[i]);
        if (!lang) continue;
        const float bx = l.content.x + (i % cols) * (w + l.gap);
        const float by = top + (i / cols) * (h + l.gap) + em * 0.2f;
        const bool current = offered[i] == ctx.session.data().lang;
        if (ui.button("language." + offered[i], std::string(lang->native_name), {bx, by, w, h},
                      current ? ButtonStyle::Primary : ButtonStyle::Secondary, current ? "check" : "",
                      ui.fonts().heading, current))
            ui.act(core::ActionKind::ChooseLanguage, offered[i]);
        ui.speak_as(offered[i]);  // each language's name is read aloud in that language
    }
    const size_t rows = (offered.size() + cols - 1) / cols;
    ui.end_scroll(rows * (h + l.gap) + em * 0.4f);
}

}  // namespace ledsager::ui
