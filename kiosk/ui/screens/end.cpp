// The end of a guide: a short summary and "Did this help?" (kept only as an anonymous count).
#include "core/view.hpp"
#include "ui/screens/common.hpp"

namespace ledsager::ui {

void draw_end(Ui& ui, const ScreenContext& ctx) {
    const auto& p = ui.palette();
    const Layout l = layout(ui, true);
    const float em = ui.em();
    const auto g = core::guide_view(ctx.session);
    if (!g.text) return;
    const float row_y = action_row(
        ui, l,
        {{"end.another", ui.t("end.another"), ButtonStyle::Secondary, "chevron-left", core::ActionKind::AnotherTask}},
        {{"end.finish", ui.t("end.finish"), ButtonStyle::Primary, "exit", core::ActionKind::EndSession}});
    const Rect area{l.content.x, l.content.y, l.content.w, row_y - l.gap - l.content.y};
    ui.begin_scroll("end.body", area);
    float y = l.content.y - ui.scroll_offset();
    const float circle = em * 3.2f;
    ui.circle(l.content.x + circle / 2, y + circle / 2, circle / 2, p.primary);
    ui.icon("check", ui.fonts().icon_large, l.content.x + circle / 2, y + circle / 2, p.on_primary);
    y += circle + em * 0.6f;
    y +=
        ui.text("end.title", g.text->end_title, l.content.x, y, l.content.w, ui.fonts().heading, p.text, Role::Heading);
    y += em * 0.4f;
    y += ui.text("end.summary", g.text->end_summary, l.content.x, y, l.content.w * 0.8f, ui.fonts().regular, p.text);
    y += em * 1.2f;

    const auto& helped = ctx.session.data().helped;
    if (!helped) {
        y += ui.text("end.question", ui.t("end.question"), l.content.x, y, l.content.w, ui.fonts().bold, p.text,
                     Role::Heading);
        y += em * 0.5f;
        float x = l.content.x;
        for (const auto& [id, key, icon, value] : {std::tuple{"end.yes", N_("end.yes"), "thumbs-up", 1},
                                                   std::tuple{"end.no", N_("end.no"), "thumbs-down", 0}}) {
            const std::string label = ui.t(key);
            const float w = std::max(em * 6, ui.button_width(label, icon, ui.fonts().bold, em));
            if (ui.button(id, label, {x, y, w, l.button_h}, ButtonStyle::Secondary, icon))
                ui.act(core::ActionKind::Helped, {}, value);
            x += w + l.gap;
        }
        y += l.button_h;
    } else {
        y += ui.text("end.thanks", ui.t("end.thanks"), l.content.x, y, l.content.w, ui.fonts().bold, p.text);
    }
    ui.end_scroll(y + ui.scroll_offset() - l.content.y + em * 0.5f);
}

}  // namespace ledsager::ui
