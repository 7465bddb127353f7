// "What you need": the checklist before step 1.
#include "core/view.hpp"
#include "ui/screens/common.hpp"

namespace ledsager::ui {

void draw_needs(Ui& ui, const ScreenContext& ctx) {
    const auto& p = ui.palette();
    const Layout l = layout(ui, true);
    const float em = ui.em();
    const auto g = core::guide_view(ctx.session);
    if (!g.text) return;
    const float row_y = action_row(
        ui, l, {{"needs.back", ui.t("step.back"), ButtonStyle::Secondary, "chevron-left", core::ActionKind::Back}},
        {{"needs.start", ui.t("needs.start"), ButtonStyle::Primary, "chevron-right", core::ActionKind::BeginSteps}});
    float y = l.content.y;
    y += ui.text("needs.guide", g.text->title, l.content.x, y, l.content.w, ui.fonts().bold, p.text_muted,
                 Role::Heading);
    y += em * 0.3f;
    y += ui.text("needs.heading", ui.t("needs.heading"), l.content.x, y, l.content.w, ui.fonts().heading, p.text,
                 Role::Heading);
    y += em * 0.6f;
    const Rect area{l.content.x, y, l.content.w, row_y - l.gap - y};
    ui.begin_scroll("needs.list", area);
    float cy = y - ui.scroll_offset();
    cy += ui.text("needs.intro", ui.t("needs.intro"), l.content.x, cy, l.content.w, ui.fonts().regular, p.text);
    cy += em * 0.5f;
    int i = 0;
    for (const auto& item : g.text->needs) {
        ui.icon("checkbox", ui.fonts().icon, l.content.x + em * 0.6f, cy + em * 0.62f, p.primary);
        cy += ui.text("needs.item." + std::to_string(i++), item, l.content.x + em * 1.6f, cy, l.content.w - em * 1.6f,
                      ui.fonts().regular, p.text);
        cy += em * 0.45f;
    }
    ui.end_scroll(cy + ui.scroll_offset() - y);
}

}  // namespace ledsager::ui
