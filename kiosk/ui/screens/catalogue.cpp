// The task catalogue: guides grouped by life situation, as big tiles.
#include <algorithm>

#include "core/view.hpp"
#include "ui/screens/common.hpp"

namespace ledsager::ui {

void draw_catalogue(Ui& ui, const ScreenContext& ctx) {
    const auto& p = ui.palette();
    const Layout l = layout(ui, true);
    const float em = ui.em();
    float y = l.content.y;
    y += ui.text("catalogue.heading", ui.t("catalogue.heading"), l.content.x, y, l.content.w, ui.fonts().heading, p.text,
                 Role::Heading);
    y += em * 0.6f;

    const int cols = std::clamp(static_cast<int>(l.content.w / (em * 15)), 1, 3);
    const float tw = (l.content.w - (cols - 1) * l.gap) / cols;
    const float pad = em * 0.75f;
    const Rect area{l.content.x, y, l.content.w, l.content.bottom() - y};
    ui.begin_scroll("catalogue.list", area);
    const float top = y;
    float cy = y - ui.scroll_offset() + em * 0.2f;
    for (const auto& section : core::catalogue_view(ctx.content, ctx.session.data().lang)) {
        ui.icon(section.icon, ui.fonts().icon, l.content.x + em * 0.5f, cy + ui.fonts().bold->FontSize / 2, p.accent);
        cy += ui.text("category." + section.category, ui.t("category." + section.category), l.content.x + em * 1.3f, cy,
                      l.content.w, ui.fonts().bold, p.text_muted, Role::Heading);
        cy += em * 0.5f;
        for (size_t i = 0; i < section.tiles.size(); i += cols) {
            // Tiles in a row share the height of the tallest.
            float h = 0;
            for (size_t j = i; j < std::min(section.tiles.size(), i + cols); ++j) {
                const auto& t = section.tiles[j];
                h = std::max(h, pad * 2 + em * 2.7f + ui.text_height(t.title, tw - 2 * pad, ui.fonts().tile) +
                                    em * 0.2f + ui.text_height(t.subtitle, tw - 2 * pad, ui.fonts().regular));
            }
            for (size_t j = i; j < std::min(section.tiles.size(), i + cols); ++j) {
                const auto& t = section.tiles[j];
                const Rect r{l.content.x + (j - i) * (tw + l.gap), cy, tw, h};
                if (ui.tile("guide." + t.guide_id, r, t.icon, t.title, t.subtitle))
                    ui.act(core::ActionKind::OpenGuide, t.guide_id);
            }
            cy += h + l.gap;
        }
        cy += em * 0.4f;
    }
    ui.end_scroll(cy + ui.scroll_offset() - top);
}

}  // namespace ledsager::ui
