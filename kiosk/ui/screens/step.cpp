// One step of a guide: progress at the top, the instruction on the left, the illustration
// on the right, and Back / No / Yes (or Next, or the answers) below.
#include <algorithm>

#include "common/languages.hpp"
#include "core/view.hpp"
#include "ui/screens/common.hpp"

namespace ledsager::ui {

void draw_step(Ui& ui, const ScreenContext& ctx) {
    const auto& p = ui.palette();
    const Layout l = layout(ui, true);
    const float em = ui.em();
    const auto v = core::step_view(ctx.session);
    if (!v.step) return;

    // Header: guide title, progress bar, "Step 3 of 7".
    float y = l.content.y;
    const std::string progress =
        ui.t("step.progress", {{"n", std::to_string(v.number)}, {"total", std::to_string(v.total)}});
    const float pw = ui.text_width(progress, ui.fonts().regular);
    const float title_w = std::min(ui.text_width(v.guide.text->title, ui.fonts().bold), l.content.w * 0.4f);
    const float th = ui.text("step.guide", v.guide.text->title, l.content.x, y, l.content.w * 0.4f, ui.fonts().bold,
                             p.text, Role::Heading);
    const float bar_x = l.content.x + title_w + em, bar_w = l.content.w - title_w - pw - 2 * em;
    const float line_h = ui.fonts().bold->FontSize;
    ui.progress("step.progress", {bar_x, y + line_h / 2 - em * 0.18f, std::max(em, bar_w), em * 0.36f}, v.number,
                v.total, progress);
    ui.text("step.progress.label", progress, l.content.right() - pw, y, 0, ui.fonts().regular, p.text_muted);
    y += std::max(th, line_h) + em * 0.8f;

    if (v.guide.fallback) {
        const auto* lang = common::find_language(v.guide.text_lang);
        const std::string note =
            ui.t("step.fallback", {{"language", lang ? std::string(lang->native_name) : v.guide.text_lang}});
        y += ui.text("step.fallback", note, l.content.x, y, l.content.w, ui.fonts().small, p.accent);
        y += em * 0.4f;
    }

    // Actions.
    std::vector<RowButton> right;
    switch (v.step->kind) {
        case common::StepKind::Info:
            right.push_back(
                {"step.next", ui.t("step.next"), ButtonStyle::Primary, "chevron-right", core::ActionKind::Next});
            break;
        case common::StepKind::Check:
            right.push_back({"step.no", ui.t("step.no"), ButtonStyle::Secondary, "cross", core::ActionKind::No});
            right.push_back({"step.yes", ui.t("step.yes"), ButtonStyle::Primary, "check", core::ActionKind::Yes});
            break;
        case common::StepKind::Question:
            break;  // the answers are in the content area
    }
    const float row_y = action_row(
        ui, l, {{"step.back", ui.t("step.back"), ButtonStyle::Secondary, "chevron-left", core::ActionKind::Back}},
        right);

    // Illustration to the right while there is room; below the text at large sizes.
    const bool side = l.content.w / em > 42;
    const float text_w = side ? l.content.w * 0.56f : l.content.w;
    const Rect area{l.content.x, y, text_w, row_y - l.gap - y};
    ui.begin_scroll("step.body", area);
    float cy = y - ui.scroll_offset();
    cy += ui.text("step.title", v.text->title, l.content.x, cy, text_w, ui.fonts().heading, p.text, Role::Heading);
    if (!v.text->audio.empty()) ui.attach_audio(v.text->audio);  // read aloud as recorded
    cy += em * 0.5f;
    // Several lines are several actions: number them, as a recipe does.
    const std::vector<std::string> lines = common::text_lines(v.text->text);
    ImFont* body = ui.fonts().large;
    if (lines.size() == 1) {
        cy += ui.text("step.text", lines[0], l.content.x, cy, text_w - em * 0.5f, body, p.text);
    } else {
        const float indent = body->FontSize * 1.4f;
        for (size_t i = 0; i < lines.size(); ++i) {
            ui.label(std::to_string(i + 1) + ".", l.content.x, cy, ui.fonts().tile, p.accent);
            cy += ui.text("step.text." + std::to_string(i + 1), lines[i], l.content.x + indent, cy,
                          text_w - indent - em * 0.5f, body, p.text);
            cy += em * 0.35f;
        }
    }
    cy += em * 0.8f;
    // A small way to tell the content editors that this step is hard to follow.
    if (ctx.session.data().confusing_step == ctx.session.data().step_id) {
        cy += ui.text("step.confusing_thanks", ui.t("step.confusing_thanks"), l.content.x, cy, text_w - em * 0.5f,
                      ui.fonts().small, p.text_muted);
        cy += em * 0.8f;
    } else {
        const std::string label = ui.t("step.confusing");
        const float bw = std::min(text_w - em * 0.5f, ui.button_width(label, "question", ui.fonts().small, em * 0.6f));
        const float bh = std::max(ui.fonts().small->FontSize * 2.2f, 72.0f * ui.height() / 1080.0f);
        if (ui.button("step.confusing", label, {l.content.x, cy, bw, bh}, ButtonStyle::Secondary, "question",
                      ui.fonts().small))
            ui.act(core::ActionKind::Confusing);
        cy += bh + em * 0.8f;
    }
    if (v.step->kind == common::StepKind::Question) {
        for (const auto& choice : v.step->choices) {
            const std::string& label = v.text->choices.at(choice.id);
            const float h = std::max(l.button_h, ui.text_height(label, text_w - em * 3.5f, ui.fonts().bold) + em);
            if (ui.button("step.choice." + choice.id, label, {l.content.x, cy, text_w - em * 0.5f, h},
                          ButtonStyle::Secondary, "chevron-right"))
                ui.act(core::ActionKind::Choose, choice.id);
            cy += h + l.gap;
        }
    }
    // The illustration: to the right while there is room, below the text at large sizes.
    auto illustration = [&](Rect art, bool big) {
        ui.rect(art, p.surface, em * 0.6f, p.border, p.border_width);
        const ImageRef img = v.image_path.empty() ? ImageRef{} : ctx.image(v.image_path);
        if (img.texture) {
            const float pad = em * 0.5f;
            ui.image("step.image", {art.x + pad, art.y + pad, art.w - 2 * pad, art.h - 2 * pad}, img.texture, img.width,
                     img.height, v.text->image_alt);
            return;
        }
        const std::string name = v.step->icon.empty() ? v.guide.guide->icon : v.step->icon;
        ImFont* font = big ? ui.fonts().icon_huge : ui.fonts().icon_large;
        const float r = std::min(std::min(art.w, art.h) * 0.36f, font->FontSize * 1.2f);
        ui.circle(art.cx(), art.cy(), r, p.accent_soft);
        ui.icon(name, font, art.cx(), art.cy(), p.accent);
    };
    if (!side) {
        // A drawn picture keeps its proportions (at most two thirds of the screen's height);
        // an icon needs only a band.
        const float art_w = text_w - em * 0.5f;
        float art_h = em * 4.0f;
        if (!v.image_path.empty()) {
            const ImageRef img = ctx.image(v.image_path);
            if (img.texture && img.width > 0)
                art_h = std::min(art_w * static_cast<float>(img.height) / static_cast<float>(img.width) + em,
                                 ui.height() * 0.66f);
        }
        const Rect art{l.content.x, cy, art_w, art_h};
        illustration(art, false);
        cy += art.h + em * 0.5f;
    }
    ui.end_scroll(cy + ui.scroll_offset() - y);
    if (side) {
        const float ax = l.content.x + text_w + em * 1.2f;
        illustration({ax, y, l.content.right() - ax, row_y - l.gap - y - em * 0.4f}, true);
    }
}

}  // namespace ledsager::ui
