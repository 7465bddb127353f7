// After a session: "Your information has been deleted".
#include <algorithm>

#include "ui/screens/common.hpp"

namespace ledsager::ui {

void draw_wiped(Ui& ui, const ScreenContext& ctx) {
    const auto& p = ui.palette();
    const Layout l = layout(ui, false);
    const float em = ui.em();
    const float wrap = std::min(ui.width() - 2 * l.margin, em * 28);
    const float x = (ui.width() - wrap) / 2;
    float y = ui.height() * 0.18f;
    const float circle = em * 3.6f;
    ui.circle(ui.width() / 2, y + circle / 2, circle / 2, p.primary);
    ui.icon("lock", ui.fonts().icon_large, ui.width() / 2, y + circle / 2, p.on_primary);
    y += circle + em;
    y += ui.text("wiped.title", ui.t("wiped.title"), x, y, wrap, ui.fonts().heading, p.text, Role::Heading);
    y += em * 0.5f;
    y += ui.text("wiped.body", ui.t("wiped.body"), x, y, wrap, ui.fonts().regular, p.text);
    if (ctx.session.data().timed_out) {
        y += em * 0.5f;
        y += ui.text("wiped.timeout", ui.t("wiped.timeout"), x, y, wrap, ui.fonts().regular, p.text_muted);
    }
    y += em * 1.2f;
    const float bw = std::max(em * 6, ui.button_width(ui.t("wiped.ok"), {}, ui.fonts().bold, em * 1.5f));
    if (ui.button("wiped.ok", ui.t("wiped.ok"), {x, y, bw, l.button_h}, ButtonStyle::Primary))
        ui.act(core::ActionKind::Dismiss);

    help_button(
        ui,
        l);  // (no Read aloud here: the notice is said by itself when it was on)  // a person stays reachable here too
}

}  // namespace ledsager::ui
