// "Are you still there?": a dimmed screen, the countdown, one big button.
#include <algorithm>

#include "ui/screens/common.hpp"

namespace ledsager::ui {

void draw_timeout(Ui& ui, const ScreenContext& ctx) {
    const auto& p = ui.palette();
    const Layout l = layout(ui, false);
    const float em = ui.em();
    ui.rect({0, 0, ui.width(), ui.height()}, p.dim, 0, 0, 0, 0.72f);

    const float w = std::min(ui.width() - 2 * l.margin, em * 24);
    const float pad = em * 1.2f;
    const float inner = w - 2 * pad;
    const std::string seconds = ui.t("timeout.seconds", {{"n", std::to_string(ctx.session.countdown_seconds(ctx.now))}});
    const float h = pad * 2 + em * 2.6f + ui.text_height(ui.t("timeout.title"), inner, ui.fonts().heading) + em * 0.4f +
                    ui.text_height(ui.t("timeout.body"), inner, ui.fonts().regular) + em * 0.6f +
                    ui.fonts().title->FontSize + em * 0.8f + l.button_h * 2 + l.gap;
    const Rect card{(ui.width() - w) / 2, std::max(l.margin * 0.5f, (ui.height() - h) / 2), w, h};
    Element dialog;
    dialog.id = "timeout";
    dialog.role = Role::Dialog;
    dialog.label = ui.t("timeout.title");
    dialog.rect = {0, 0, ui.width(), ui.height()};
    ui.elements().push_back(dialog);
    ui.rect(card, p.surface, em * 0.8f, p.border, p.border_width);
    float y = card.y + pad;
    ui.icon("hourglass", ui.fonts().icon_large, card.cx(), y + em * 1.0f, p.accent);
    y += em * 2.6f;
    auto centred = [&](const std::string& id, const std::string& s, ImFont* f, Rgb c, Role role = Role::Text) {
        const float tw = std::min(inner, ui.text_width(s, f));
        y += ui.text(id, s, card.cx() - tw / 2, y, inner, f, c, role);
    };
    centred("timeout.title", ui.t("timeout.title"), ui.fonts().heading, p.text, Role::Heading);
    y += em * 0.4f;
    centred("timeout.body", ui.t("timeout.body"), ui.fonts().regular, p.text);
    y += em * 0.6f;
    centred("timeout.seconds", seconds, ui.fonts().title, p.accent);
    y += em * 0.8f;
    if (ui.button("timeout.continue", ui.t("timeout.continue"), {card.x + pad, y, inner, l.button_h}, ButtonStyle::Primary, "check"))
        ui.act(core::ActionKind::Continue);
    y += l.button_h + l.gap;
    if (ui.button("timeout.end", ui.t("timeout.end"), {card.x + pad, y, inner, l.button_h}, ButtonStyle::Secondary, "exit"))
        ui.act(core::ActionKind::EndSession);
}

}  // namespace ledsager::ui
