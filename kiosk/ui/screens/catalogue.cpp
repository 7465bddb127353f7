// The task catalogue: every guide, grouped by life situation, in columns that use the whole
// width, so that at 100 % text a citizen sees every task at once without scrolling. The
// tasks keep their order, top to bottom and then column by column (mirrored right to
// left); a group that must continue in the next column shows its heading again there.
// Larger text gets fewer columns, and the list scrolls only when it must.
#include <algorithm>
#include <limits>

#include "core/view.hpp"
#include "ui/screens/common.hpp"

namespace ledsager::ui {

namespace {

struct Item {
    size_t group;
    float h;
};

// Splits the tiles (in order) into at most `cols` consecutive columns so that the tallest
// column is as short as it can be (the linear partition problem, on a dozen tiles). A
// column's height counts the heading of every group it holds part of; breaking inside a
// group costs `split` more, so groups stay whole when that costs little.
std::vector<size_t> column_starts(const std::vector<Item>& items, const std::vector<float>& head_h, int cols,
                                  float tile_gap, float group_gap, float split) {
    const size_t n = items.size();
    if (n == 0) return {0};
    const size_t k = std::min<size_t>(static_cast<size_t>(std::max(cols, 1)), n);
    auto height = [&](size_t a, size_t b) {
        float h = a > 0 && items[a].group == items[a - 1].group ? split : 0;
        for (size_t i = a; i < b; ++i) {
            if (i == a || items[i].group != items[i - 1].group) h += head_h[items[i].group] + (i > a ? group_gap : 0);
            h += items[i].h + tile_gap;
        }
        return h;
    };
    const float inf = std::numeric_limits<float>::max();
    std::vector<std::vector<float>> best(k + 1, std::vector<float>(n + 1, inf));
    std::vector<std::vector<size_t>> from(k + 1, std::vector<size_t>(n + 1, 0));
    best[0][0] = 0;
    for (size_t j = 1; j <= k; ++j)
        for (size_t i = 1; i <= n; ++i)
            for (size_t a = j - 1; a < i; ++a) {
                if (best[j - 1][a] == inf) continue;
                const float h = std::max(best[j - 1][a], height(a, i));
                if (h < best[j][i]) best[j][i] = h, from[j][i] = a;
            }
    size_t used = 1;
    for (size_t j = 1; j <= k; ++j)
        if (best[j][n] < best[used][n] - 0.5f) used = j;
    std::vector<size_t> starts;
    for (size_t j = used, i = n; j > 0; --j) {
        starts.push_back(from[j][i]);
        i = from[j][i];
    }
    std::reverse(starts.begin(), starts.end());
    return starts;
}

}  // namespace

void draw_catalogue(Ui& ui, const ScreenContext& ctx) {
    const auto& p = ui.palette();
    const Layout l = layout(ui, true);
    const float em = ui.em();
    float y = l.content.y;
    y += ui.text("catalogue.heading", ui.t("catalogue.heading"), l.content.x, y, l.content.w, ui.fonts().heading,
                 p.text, Role::Heading);
    y += em * 0.5f;

    const auto sections = core::catalogue_view(ctx.content, ctx.session.data().lang);
    const int cols = std::clamp(static_cast<int>((l.content.w + l.gap) / (em * 12.5f + l.gap)), 1, 4);
    const float col_w = (l.content.w - (cols - 1) * l.gap) / cols;
    const float tile_gap = em * 0.4f, group_gap = em * 0.3f;
    const float head_indent = em * 1.3f;
    std::vector<float> head_h;
    for (const auto& section : sections)
        head_h.push_back(ui.text_height(ui.t("category." + section.category), col_w - head_indent, ui.fonts().bold) +
                         em * 0.35f);
    const Rect area{l.content.x, y, l.content.w, l.content.bottom() - y};
    // Every task in sight comes first: when the tiles with their subtitles are too tall for
    // the screen (long words, large text), the subtitles are set smaller, and if that is not
    // enough the tiles show their titles only. The subtitle is still read aloud, and the
    // guide's first screen says the same.
    std::vector<Item> items;
    std::vector<size_t> starts;
    ImFont* subtitle_font = nullptr;
    for (ImFont* font : {ui.fonts().regular, ui.fonts().small, static_cast<ImFont*>(nullptr)}) {
        subtitle_font = font;
        items.clear();
        for (size_t s = 0; s < sections.size(); ++s)
            for (const auto& t : sections[s].tiles)
                items.push_back({s, ui.row_tile_height(col_w, t.title, t.subtitle, font)});
        starts = column_starts(items, head_h, cols, tile_gap, group_gap, em * 1.5f);
        float tallest = 0;
        for (size_t c = 0; c < starts.size(); ++c) {
            const size_t end = c + 1 < starts.size() ? starts[c + 1] : items.size();
            float h = em * 0.2f;
            for (size_t i = starts[c]; i < end; ++i) {
                if (i == starts[c] || items[i].group != items[i - 1].group)
                    h += head_h[items[i].group] + (i > starts[c] ? group_gap : 0);
                h += items[i].h + tile_gap;
            }
            tallest = std::max(tallest, h);
        }
        if (tallest <= area.h) break;
    }

    ui.begin_scroll("catalogue.list", area);
    const float top = y - ui.scroll_offset() + em * 0.1f;
    float tallest = 0;
    std::vector<size_t> tile_index(sections.size(), 0);
    size_t item = 0;
    for (size_t c = 0; c < starts.size(); ++c) {
        const size_t end = c + 1 < starts.size() ? starts[c + 1] : items.size();
        const float x = l.content.x + static_cast<float>(c) * (col_w + l.gap);
        float cy = top;
        for (; item < end; ++item) {
            const size_t s = items[item].group;
            const auto& section = sections[s];
            if (item == starts[c] || s != items[item - 1].group) {
                if (item != starts[c]) cy += group_gap;
                // The heading's id names its column too: a group split in two has two.
                ui.icon(section.icon, ui.fonts().icon, x + em * 0.5f, cy + ui.fonts().bold->FontSize / 2, p.accent);
                ui.text("category." + section.category + (tile_index[s] > 0 ? ".more" : ""),
                        ui.t("category." + section.category), x + head_indent, cy, col_w - head_indent, ui.fonts().bold,
                        p.text_muted, Role::Heading);
                cy += head_h[s];
            }
            const auto& t = section.tiles[tile_index[s]++];
            if (ui.row_tile("guide." + t.guide_id, {x, cy, col_w, items[item].h}, t.icon, t.title, t.subtitle,
                            subtitle_font))
                ui.act(core::ActionKind::OpenGuide, t.guide_id);
            cy += items[item].h + tile_gap;
        }
        tallest = std::max(tallest, cy - top);
    }
    ui.end_scroll(tallest + em * 0.1f);
}

}  // namespace ledsager::ui
