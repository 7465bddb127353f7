#include "ui/screens/common.hpp"

#include <algorithm>

#include "common/languages.hpp"

namespace ledsager::ui {

Layout layout(const Ui& ui, bool with_bar) {
    Layout l;
    const float unit = ui.height() / 1080.0f;  // 1 at 1080p
    l.margin = ui.fonts().bar_em * 1.6f;
    l.gap = ui.em() * 0.6f;
    l.button_h = std::max(ui.em() * 1.9f, 96.0f * unit);
    l.bar_h = with_bar ? std::max(ui.fonts().bar_em * 2.9f, 96.0f * unit) + ui.fonts().bar_em * 1.0f : 0;
    l.content = {l.margin, l.margin, ui.width() - 2 * l.margin, ui.height() - l.bar_h - 2 * l.margin};
    return l;
}

void draw_bar(Ui& ui, const ScreenContext& ctx, const Layout& l) {
    const auto& p = ui.palette();
    const auto& d = ctx.session.data();
    const float top = ui.height() - l.bar_h;
    ui.rect({0, top, ui.width(), l.bar_h}, p.surface, 0);
    ui.draw()->AddLine({0, top}, {ui.width(), top}, Ui::col(p.border), p.border_width);

    ImFont* font = ui.fonts().bar;
    const float bar_em = ui.fonts().bar_em;
    const float h = l.bar_h - bar_em * 1.0f;
    const float y = top + (l.bar_h - h) / 2;
    const auto* lang = common::find_language(d.lang);
    const bool in_guide = !d.guide_id.empty() && (d.screen == core::Screen::Needs || d.screen == core::Screen::Step ||
                                                  d.screen == core::Screen::End);

    struct Item {
        std::string id, label;
        std::string_view icon;
        ButtonStyle style;
        core::ActionKind action;
        bool right;
    };
    std::vector<Item> items{
        {"bar.text_size", ui.t("bar.text_size"), "text-size", ButtonStyle::Secondary, core::ActionKind::CycleTextScale,
         false},
        {"bar.language", lang ? std::string(lang->native_name) : ui.t("bar.language"), "globe", ButtonStyle::Secondary,
         core::ActionKind::OpenLanguage, false},
        {"bar.contrast", ui.t("bar.contrast"), "contrast", ButtonStyle::Secondary, core::ActionKind::ToggleContrast,
         false},
    };
    if (ctx.session.speech_available())
        items.push_back({"bar.read_aloud", ui.t("bar.read_aloud"), "volume-up", ButtonStyle::Secondary,
                         core::ActionKind::ReadAloud, false});
    if (in_guide)
        items.push_back({"bar.start_over", ui.t("bar.start_over"), "restart", ButtonStyle::Secondary,
                         core::ActionKind::StartOver, true});
    items.push_back({"bar.end", ui.t("bar.end"), "exit", ButtonStyle::Secondary, core::ActionKind::EndSession, true});
    if (ctx.session.waiting_for_person() && d.screen != core::Screen::Waiting) {
        // Back in the guide while waiting for a person: the help button shows the place in
        // line (and who is coming), and leads back to it.
        const auto& e = d.escalation;
        std::string label = e.phase == core::Escalation::Phase::Claimed ? ui.t("bar.coming", {{"number", e.number}})
                            : e.number.empty()                          ? ui.t("bar.in_line_sending")
                                                                        : ui.t("bar.in_line", {{"number", e.number}});
        items.push_back({"bar.help", label, "hourglass", ButtonStyle::Help, core::ActionKind::OpenHelp, true});
    } else {
        items.push_back({"bar.help", ui.t("bar.help"), "help", ButtonStyle::Help, core::ActionKind::OpenHelp, true});
    }

    // Fit: shrink the padding before anything else; the bar never wraps or clips.
    float pad = bar_em * 0.9f, gap = bar_em * 0.6f;
    auto total = [&] {
        float w = 0;
        for (const auto& it : items)
            w += ui.button_width(it.label, it.icon, font, pad) + gap;
        return w - gap;
    };
    const float edge = l.margin * 0.7f;
    const float avail = ui.width() - 2 * edge;
    while (total() > avail - bar_em && pad > bar_em * 0.35f) {
        pad -= bar_em * 0.1f;
        gap = std::max(bar_em * 0.25f, gap - bar_em * 0.05f);
    }
    float left_x = edge;
    float right_w = 0;
    for (const auto& it : items)
        if (it.right) right_w += ui.button_width(it.label, it.icon, font, pad) + gap;
    float right_x = ui.width() - edge - (right_w - gap);
    for (const auto& it : items) {
        const float w = ui.button_width(it.label, it.icon, font, pad);
        float& x = it.right ? right_x : left_x;
        const bool selected = it.action == core::ActionKind::ToggleContrast ? d.high_contrast
                              : it.action == core::ActionKind::ReadAloud    ? d.speech
                                                                            : false;
        if (ui.button(it.id, it.label, {x, y, w, h}, it.style, it.icon, font, selected)) ui.act(it.action);
        if (it.action == core::ActionKind::ToggleContrast || it.action == core::ActionKind::ReadAloud) ui.mark_toggle();
        x += w + gap;
    }
}

float help_button_height(const Ui& ui) {
    return std::max(ui.fonts().bar_em * 2.9f, 96.0f * ui.height() / 1080.0f);
}

void read_aloud_button(Ui& ui, const ScreenContext& ctx, const Layout& l) {
    if (!ctx.session.speech_available()) return;
    const std::string label = ui.t("bar.read_aloud");
    const float w = ui.button_width(label, "volume-up", ui.fonts().bar, ui.fonts().bar_em * 0.9f);
    const float h = help_button_height(ui);
    if (ui.button("bar.read_aloud", label, {l.margin, ui.height() - l.margin - h, w, h}, ButtonStyle::Secondary,
                  "volume-up", ui.fonts().bar, ctx.session.data().speech))
        ui.act(core::ActionKind::ReadAloud);
    ui.mark_toggle();
}

void help_button(Ui& ui, const Layout& l) {
    const std::string help = ui.t("bar.help");
    const float w = ui.button_width(help, "help", ui.fonts().bar, ui.fonts().bar_em * 0.9f);
    const float h = help_button_height(ui);
    if (ui.button("bar.help", help, {ui.width() - l.margin - w, ui.height() - l.margin - h, w, h}, ButtonStyle::Help,
                  "help", ui.fonts().bar))
        ui.act(core::ActionKind::OpenHelp);
}

float action_row(Ui& ui, const Layout& l, const std::vector<RowButton>& left, const std::vector<RowButton>& right) {
    const float y = l.content.bottom() - l.button_h;
    const float pad = ui.em() * 1.0f;
    float x = l.content.x;
    for (const auto& b : left) {
        const float w = ui.button_width(b.label, b.icon, ui.fonts().bold, pad);
        if (ui.button(b.id, b.label, {x, y, w, l.button_h}, b.style, b.icon)) ui.act(b.action, b.arg, b.value);
        x += w + l.gap;
    }
    // Right-hand buttons share what is left; if they do not fit side by side they shrink
    // evenly and their labels wrap inside them.
    float need = 0;
    for (const auto& b : right)
        need += ui.button_width(b.label, b.icon, ui.fonts().bold, pad) + l.gap;
    const float avail = l.content.right() - x;
    const float shrink = need > avail ? avail / need : 1.0f;
    float rx = l.content.right();
    for (auto it = right.rbegin(); it != right.rend(); ++it) {
        const float w = ui.button_width(it->label, it->icon, ui.fonts().bold, pad) * shrink;
        rx -= w;
        if (ui.button(it->id, it->label, {rx, y, w, l.button_h}, it->style, it->icon))
            ui.act(it->action, it->arg, it->value);
        rx -= l.gap;
    }
    return y;
}

}  // namespace ledsager::ui
