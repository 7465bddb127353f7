// Consent: exactly what the staff will see if the citizen asks, before anything is sent.
#include <algorithm>

#include "common/languages.hpp"
#include "core/i18n.hpp"
#include "ui/screens/common.hpp"

namespace ledsager::ui {

void draw_consent(Ui& ui, const ScreenContext& ctx) {
    const auto& p = ui.palette();
    const Layout l = layout(ui, true);
    const float em = ui.em();
    const auto& d = ctx.session.data();
    const core::HelpShare& share = d.escalation.share;
    const bool video = share.kind == "video";
    const float row_y = action_row(
        ui, l, {{"consent.back", ui.t("step.back"), ButtonStyle::Secondary, "chevron-left", core::ActionKind::Back}},
        {{"consent.send", ui.t(video ? N_("consent.call") : N_("consent.send")), ButtonStyle::Primary,
          video ? "video" : "check", core::ActionKind::SendHelp}});

    // The lines, from what will really be sent.
    std::vector<std::pair<std::string_view, std::string>> lines;
    if (const common::Guide* g = ctx.content.find(share.guide)) {
        const common::GuideText* text = g->text_for(d.lang, core::Translator::fallback_chain());
        const std::string title = text ? text->title : g->id;
        lines.push_back(
            {"document", share.step_number > 0
                             ? ui.t("consent.task", {{"guide", title}, {"n", std::to_string(share.step_number)}})
                             : ui.t("consent.task_only", {{"guide", title}})});
    } else {
        lines.push_back({"document", ui.t("consent.no_task")});
    }
    const auto* lang = common::find_language(share.language);
    lines.push_back(
        {"globe", ui.t("consent.language", {{"language", lang ? std::string(lang->native_name) : share.language}})});
    if (!ctx.config.site_place.empty())
        lines.push_back({"place", ui.t("consent.place", {{"place", ctx.config.site_place}})});
    auto has = [&](const char* need) {
        return std::find(share.needs.begin(), share.needs.end(), need) != share.needs.end();
    };
    if (has("large_text")) lines.push_back({"text-size", ui.t("consent.large_text")});
    const bool interpreter = has("interpreter");
    if (interpreter) lines.push_back({"globe", ui.t("consent.interpreter_line")});
    if (video) {
        // Before any camera turns on: what the call shares, and that nothing is kept.
        if (ctx.session.camera())
            lines.push_back({"video", ui.t("consent.video_camera")});
        else
            lines.push_back({"microphone", ui.t("consent.video_voice")});
        lines.push_back({"lock", ui.t("consent.video_not_recorded")});
    }

    const Rect area{l.content.x, l.content.y, l.content.w, row_y - l.gap - l.content.y};
    ui.begin_scroll("consent.body", area);
    float y = l.content.y - ui.scroll_offset();
    y += ui.text("consent.heading", ui.t("consent.heading"), l.content.x, y, l.content.w, ui.fonts().heading, p.text,
                 Role::Heading);
    y += em * 0.8f;
    const float pad = em * 0.9f, inner = std::min(l.content.w, em * 36) - 2 * pad - em * 1.6f;
    float h = pad * 2;
    for (const auto& [icon, line] : lines)
        h += ui.text_height(line, inner, ui.fonts().large) + em * 0.5f;
    const Rect card{l.content.x, y, std::min(l.content.w, em * 36), h};
    ui.rect(card, p.surface, em * 0.6f, p.border, p.border_width);
    float cy = card.y + pad;
    int i = 0;
    for (const auto& [icon, line] : lines) {
        ui.icon(icon, ui.fonts().icon, card.x + pad + em * 0.5f, cy + ui.fonts().large->FontSize * 0.6f, p.accent);
        cy += ui.text("consent.line." + std::to_string(i++), line, card.x + pad + em * 1.6f, cy, inner,
                      ui.fonts().large, p.text);
        cy += em * 0.5f;
    }
    y = card.bottom() + em * 0.8f;
    // The one choice here: an interpreter (a citizen new to Danish may not know to ask).
    const std::string ask = ui.t("consent.ask_interpreter");
    const float bw = std::min(l.content.w, ui.button_width(ask, interpreter ? "checkbox" : "box", ui.fonts().bold, em));
    if (ui.button("consent.interpreter", ask, {l.content.x, y, bw, l.button_h}, ButtonStyle::Secondary,
                  interpreter ? "checkbox" : "box", nullptr, interpreter))
        ui.act(core::ActionKind::ToggleNeed, "interpreter");
    y += l.button_h + em * 0.8f;
    y += ui.text("consent.nothing_else", ui.t("consent.nothing_else"), l.content.x, y, l.content.w, ui.fonts().bold,
                 p.text);
    ui.end_scroll(y + ui.scroll_offset() - l.content.y + em * 0.3f);
}

}  // namespace ledsager::ui
