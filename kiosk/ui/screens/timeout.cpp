// "Are you still there?": a dimmed screen, the countdown, one big button.
#include <algorithm>
#include <numbers>

#include "ui/screens/common.hpp"

namespace ledsager::ui {

void draw_timeout(Ui& ui, const ScreenContext& ctx) {
    constexpr float kPi = std::numbers::pi_v<float>;
    const auto& p = ui.palette();
    const Layout l = layout(ui, false);
    const float em = ui.em();
    ui.rect({0, 0, ui.width(), ui.height()}, p.dim, 0, 0, 0, 0.72f);

    const float w = std::min(ui.width() - 2 * l.margin, em * 24);
    const float pad = em * 1.2f;
    const float inner = w - 2 * pad;
    const int left_s = ctx.session.countdown_seconds(ctx.now);
    const std::string seconds = std::to_string(left_s);
    // At large text sizes the picture goes and the buttons stand side by side, so the
    // dialog always fits on the screen.
    const float text_h = ui.text_height(ui.t("timeout.title"), inner, ui.fonts().heading) + em * 0.4f +
                         ui.text_height(ui.t("timeout.body"), inner, ui.fonts().regular) + em * 0.6f +
                         ui.fonts().title->FontSize * 1.9f + em * 0.8f;
    const bool compact = pad * 2 + em * 2.6f + text_h + l.button_h * 2 + l.gap > ui.height() - l.margin;
    const float h = pad * 2 + (compact ? 0 : em * 2.6f) + text_h + (compact ? l.button_h : l.button_h * 2 + l.gap);
    const Rect card{(ui.width() - w) / 2, std::max(l.margin * 0.5f, (ui.height() - h) / 2), w, h};
    ui.mark("timeout", Role::Dialog, ui.t("timeout.title"), {0, 0, ui.width(), ui.height()});
    ui.rect(card, p.surface, em * 0.8f, p.border, p.border_width);
    float y = card.y + pad;
    if (!compact) {
        ui.icon("hourglass", ui.fonts().icon_large, card.cx(), y + em * 1.0f, p.accent);
        y += em * 2.6f;
    }
    auto centred = [&](const std::string& id, const std::string& s, ImFont* f, Rgb c, Role role = Role::Text) {
        const float tw = std::min(inner, ui.text_width(s, f));
        y += ui.text(id, s, card.cx() - tw / 2, y, inner, f, c, role);
    };
    centred("timeout.title", ui.t("timeout.title"), ui.fonts().heading, p.text, Role::Heading);
    y += em * 0.4f;
    centred("timeout.body", ui.t("timeout.body"), ui.fonts().regular, p.text);
    y += em * 0.6f;
    // The countdown: a big number in a ring that empties as time runs out.
    const float r = ui.fonts().title->FontSize * 0.95f;
    const ImVec2 c{card.cx(), y + r};
    const float left = static_cast<float>(ctx.session.countdown_seconds(ctx.now)) / ctx.config.warning_countdown_s;
    ui.draw()->AddCircle(c, r, Ui::col(p.border), 64, em * 0.25f);
    ui.draw()->PathArcTo(c, r, -kPi / 2, -kPi / 2 + 2 * kPi * left, 64);
    ui.draw()->PathStroke(Ui::col(p.accent), 0, em * 0.25f);
    const float tw = ui.text_width(seconds, ui.fonts().title);
    ui.text("timeout.seconds", seconds, c.x - tw / 2, c.y - ui.fonts().title->FontSize * 0.62f, 0, ui.fonts().title,
            p.text);
    ui.speak_as({}, ui.t_n("timeout.seconds", left_s, {{"n", seconds}}));
    y += 2 * r + em * 0.8f;
    const float bw = compact ? (inner - l.gap) / 2 : inner;
    if (ui.button("timeout.continue", ui.t("timeout.continue"), {card.x + pad, y, bw, l.button_h}, ButtonStyle::Primary,
                  "check"))
        ui.act(core::ActionKind::Continue);
    const Rect end = compact ? Rect{card.x + pad + bw + l.gap, y, bw, l.button_h}
                             : Rect{card.x + pad, y + l.button_h + l.gap, bw, l.button_h};
    if (ui.button("timeout.end", ui.t("timeout.end"), end, ButtonStyle::Secondary, "exit"))
        ui.act(core::ActionKind::EndSession);
}

}  // namespace ledsager::ui
