// Attract: inviting the next citizen. The whole screen starts a session.
#include <algorithm>

#include "common/languages.hpp"
#include "ui/screens/common.hpp"

namespace ledsager::ui {

void draw_attract(Ui& ui, const ScreenContext& ctx) {
    const auto& p = ui.palette();
    const Layout l = layout(ui, false);
    const float em = ui.em();
    const float wrap = std::min(ui.width() - 2 * l.margin, em * 30);

    // The whole screen is the start button (recorded first, so the buttons on it win).
    const std::string touch = ui.t("attract.touch");
    if (ui.button("attract.screen", touch, {0, 0, ui.width(), ui.height()}, ButtonStyle::Quiet))
        ui.act(core::ActionKind::Start);
    ui.elements().back().actionable = true;

    const std::string title = ui.t("attract.title");
    const std::string sub = ui.t("attract.subtitle");
    const float bh = l.button_h * 1.15f;
    const float help_h = help_button_height(ui);
    // Centre the block in the space above the help button; leave the picture out when the
    // text is so large that it would not fit.
    float circle = em * 6.4f;
    float text_h = ui.text_height(title, wrap, ui.fonts().title) + em * 0.6f +
                   ui.text_height(sub, wrap, ui.fonts().regular) + em * 1.6f + bh + em * 1.4f + em * 1.5f;
    // The offered languages, each in its own words: a citizen sees at once that theirs is here.
    std::string langs;
    for (const auto& code : ctx.config.offered)
        if (const auto* lang = common::find_language(code))
            langs += (langs.empty() ? "" : "   ·   ") + std::string(lang->native_name);
    const float langs_h = ui.text_height(langs, wrap, ui.fonts().regular);
    const float room = ui.height() - 2 * l.margin - help_h;
    if (circle + em * 1.2f + text_h + langs_h > room) circle = 0;
    const bool show_langs = text_h + langs_h <= room;  // the next screen lists them anyway
    if (show_langs) text_h += langs_h;
    float y = l.margin + std::max(0.0f, (room - (circle ? circle + em * 1.2f : 0) - text_h) / 2);
    if (circle > 0) {
        ui.circle(ui.width() / 2, y + circle / 2, circle / 2, p.accent_soft);
        ui.icon("touch", ui.fonts().icon_huge, ui.width() / 2, y + circle / 2, p.accent);
        y += circle + em * 1.2f;
    }
    const float tw = std::min(wrap, ui.text_width(title, ui.fonts().title));
    y += ui.text("attract.title", title, (ui.width() - tw) / 2, y, wrap, ui.fonts().title, p.text, Role::Heading);
    y += em * 0.6f;
    const float sw = std::min(wrap, ui.text_width(sub, ui.fonts().regular));
    y += ui.text("attract.subtitle", sub, (ui.width() - sw) / 2, y, wrap, ui.fonts().regular, p.text_muted);
    y += em * 1.6f;

    const float bw = std::min(wrap, ui.button_width(touch, "touch", ui.fonts().bold, em * 1.5f));
    if (ui.button("attract.start", touch, {(ui.width() - bw) / 2, y, bw, bh}, ButtonStyle::Primary, "touch"))
        ui.act(core::ActionKind::Start);
    y += bh + em * 1.4f;

    if (show_langs) {
        const float lw = std::min(wrap, ui.text_width(langs, ui.fonts().regular));
        ui.text("attract.languages", langs, (ui.width() - lw) / 2, y, wrap, ui.fonts().regular, p.text_muted);
    }

    read_aloud_button(ui, ctx, l);
    help_button(ui, l);  // a person is reachable from here too
}

}  // namespace ledsager::ui
