// Get help from a person: in person (through the hub, or the site's front-desk text
// without one) or a caseworker on video; without a hub, exactly what to tell the staff.
#include <algorithm>

#include "core/i18n.hpp"
#include "core/view.hpp"
#include "ui/screens/common.hpp"

namespace ledsager::ui {

namespace {
std::string front_desk_text(const core::KioskConfig& config, const std::string& lang) {
    if (auto it = config.front_desk.find(lang); it != config.front_desk.end()) return it->second;
    for (const auto& f : core::Translator::fallback_chain())
        if (auto it = config.front_desk.find(f); it != config.front_desk.end()) return it->second;
    return {};
}
}  // namespace

void draw_help(Ui& ui, const ScreenContext& ctx) {
    const auto& p = ui.palette();
    const Layout l = layout(ui, true);
    const float em = ui.em();
    const auto& d = ctx.session.data();
    // With a hub the person card is the thing to choose, so "Back" steps aside.
    const ButtonStyle back_style = ctx.session.hub_enabled() ? ButtonStyle::Secondary : ButtonStyle::Primary;
    const float row_y = action_row(
        ui, l, {}, {{"help.back", ui.t("help.back"), back_style, "chevron-left", core::ActionKind::CloseHelp}});

    // What a person would need to know: the task and the step, nothing about the citizen.
    std::string context = ui.t("help.context_none");
    if (const common::Guide* g = ctx.content.find(d.help.guide_id)) {
        const common::GuideText* text = g->text_for(d.lang, core::Translator::fallback_chain());
        if (text && !d.help.step_id.empty()) {
            const int n = static_cast<int>(d.history.size()) + 1;
            context = ui.t(d.help.step_failed ? N_("help.context_failed") : N_("help.context_step"),
                           {{"guide", text->title}, {"n", std::to_string(n)}});
        } else if (text) {
            context = text->title;
        }
    }

    const Rect area{l.content.x, l.content.y, l.content.w, row_y - l.gap - l.content.y};
    ui.begin_scroll("help.body", area);
    float y = l.content.y - ui.scroll_offset();
    y += ui.text("help.heading", ui.t("help.heading"), l.content.x, y, l.content.w, ui.fonts().heading, p.text,
                 Role::Heading);
    y += em * 0.8f;

    const int cols = l.content.w / em > 40 ? 2 : 1;
    const float cw = (l.content.w - (cols - 1) * l.gap) / cols;
    const float pad = em * 0.9f;
    // Card 1: a person here.
    const std::string desk = front_desk_text(ctx.config, d.lang);
    const float inner = cw - 2 * pad;
    const float h1 = pad * 2 + em * 2.4f + ui.text_height(ui.t("help.front_desk"), inner, ui.fonts().bold) +
                     ui.text_height(desk, inner, ui.fonts().regular) + em * 1.2f +
                     ui.text_height(ui.t("help.tell_staff"), inner, ui.fonts().small) +
                     ui.text_height(context, inner, ui.fonts().bold) + em * 0.6f;
    const float h2 = pad * 2 + em * 2.4f + ui.text_height(ui.t("help.video"), inner, ui.fonts().bold) + em * 0.3f +
                     ui.text_height(ui.t("help.video_unavailable"), inner, ui.fonts().regular);
    const float card_h = cols == 2 ? std::max(h1, h2) : h1;
    Rect c1{l.content.x, y, cw, card_h};
    if (ctx.session.hub_enabled()) {
        // Through the hub: a person comes to the citizen; the next screen shows what is shared.
        if (ui.tile("help.in_person", c1, "person", ui.t("help.here_title"), ui.t("help.here_body")))
            ui.act(core::ActionKind::ChooseHelp, "in_person");
        // Marked in the help colour, with a forward arrow: this card is the way to a person.
        ui.outline(c1, p.help, em * 0.6f, std::max(3.0f, em * 0.1f));
        ui.icon("chevron-right", ui.fonts().icon_large, c1.right() - pad - em * 0.6f, c1.y + pad + em * 1.1f, p.help);
    } else {
        ui.rect(c1, p.surface, em * 0.6f, p.help, std::max(p.border_width, em * 0.08f));
        ui.circle(c1.x + pad + em * 0.9f, c1.y + pad + em * 0.9f, em * 0.9f, p.help);
        ui.icon("person", ui.fonts().icon, c1.x + pad + em * 0.9f, c1.y + pad + em * 0.9f, p.on_help);
        float cy = c1.y + pad + em * 2.4f;
        cy += ui.text("help.front_desk", ui.t("help.front_desk"), c1.x + pad, cy, inner, ui.fonts().bold, p.text,
                      Role::Heading);
        cy += ui.text("help.desk_text", desk, c1.x + pad, cy, inner, ui.fonts().regular, p.text);
        cy += em * 0.9f;
        cy +=
            ui.text("help.tell_staff", ui.t("help.tell_staff"), c1.x + pad, cy, inner, ui.fonts().small, p.text_muted);
        ui.text("help.context", context, c1.x + pad, cy + em * 0.2f, inner, ui.fonts().bold, p.text);
    }

    // Card 2: a caseworker on video (or by voice where the kiosk has no camera); said plainly
    // when this kiosk cannot make calls.
    Rect c2 = cols == 2 ? Rect{l.content.x + cw + l.gap, y, cw, card_h} : Rect{l.content.x, y + card_h + l.gap, cw, h2};
    if (ctx.session.video_available()) {
        const bool camera = ctx.session.camera();
        if (ui.tile("help.video", c2, camera ? "video" : "call", ui.t("help.video_title"),
                    ui.t(camera ? N_("help.video_body") : N_("help.voice_body"))))
            ui.act(core::ActionKind::ChooseHelp, "video");
        ui.icon("chevron-right", ui.fonts().icon_large, c2.right() - pad - em * 0.6f, c2.y + pad + em * 1.1f, p.accent);
    } else {
        ui.rect(c2, p.background, em * 0.6f, p.border, p.border_width);
        ui.circle(c2.x + pad + em * 0.9f, c2.y + pad + em * 0.9f, em * 0.9f, p.border);
        ui.icon("phone", ui.fonts().icon, c2.x + pad + em * 0.9f, c2.y + pad + em * 0.9f, p.text_muted);
        float cy = c2.y + pad + em * 2.4f;
        cy += ui.text("help.video", ui.t("help.video"), c2.x + pad, cy, inner, ui.fonts().bold, p.text_muted,
                      Role::Heading);
        cy += em * 0.3f;
        ui.text("help.video_unavailable", ui.t("help.video_unavailable"), c2.x + pad, cy, inner, ui.fonts().regular,
                p.text_muted);
        ui.mark_unavailable();
    }
    ui.end_scroll(c2.bottom() + ui.scroll_offset() - l.content.y + em * 0.3f);
}

}  // namespace ledsager::ui
