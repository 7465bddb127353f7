// Waiting for a person: the queue number very large, who is coming, the place in the
// queue, a QR code to take the number along, and a way to cancel.
#include <algorithm>

#include "ui/screens/common.hpp"

namespace ledsager::ui {

void draw_waiting(Ui& ui, const ScreenContext& ctx) {
    using Phase = core::Escalation::Phase;
    const auto& p = ui.palette();
    const Layout l = layout(ui, true);
    const float em = ui.em();
    const auto& e = ctx.session.data().escalation;
    const bool closed = e.phase == Phase::Closed;
    std::vector<RowButton> left;
    if (!ctx.config.printer_device.empty() && !e.number.empty() && !closed)
        left.push_back({"waiting.print", ui.t("waiting.print"), ButtonStyle::Secondary, "document",
                        core::ActionKind::PrintNumber});
    std::vector<RowButton> right{{"waiting.cancel", closed ? ui.t("help.back") : ui.t("waiting.cancel"),
                                  closed ? ButtonStyle::Primary : ButtonStyle::Secondary,
                                  closed ? "chevron-left" : "cross", core::ActionKind::CancelHelp}};
    // Waiting need not mean standing still: back to the task, with the place in line kept.
    if (ctx.session.waiting_for_person())
        right.push_back({"waiting.back", ui.t("waiting.back"), ButtonStyle::Primary, "chevron-left",
                         core::ActionKind::ReturnWhileWaiting});
    const float row_y = action_row(ui, l, left, right);

    // Left: the number and what is happening. Right: the QR code.
    const bool qr = ctx.qr.size > 0 && !e.number.empty() && !closed;
    // The code and its caption must fit above the buttons at any text size.
    float qr_side = 0;
    if (qr) {
        const float avail = row_y - l.gap - l.content.y;
        qr_side = std::min(em * 9.0f, avail * 0.8f);
        for (int i = 0; i < 2; ++i)
            qr_side =
                std::min(qr_side, avail - em * 0.6f - ui.text_height(ui.t("waiting.qr"), qr_side, ui.fonts().small));
        qr_side = std::max(qr_side, em * 3.0f);
    }
    const float text_w = l.content.w - (qr ? qr_side + em * 2 : 0);
    const Rect area{l.content.x, l.content.y, text_w, row_y - l.gap - l.content.y};
    ui.begin_scroll("waiting.body", area);
    float y = l.content.y - ui.scroll_offset();
    if (e.number.empty()) {
        y += ui.text("waiting.sending", ui.t("waiting.sending"), l.content.x, y, text_w, ui.fonts().heading, p.text,
                     Role::Heading);
    } else {
        y += ui.text("waiting.your_number", ui.t("waiting.your_number"), l.content.x, y, text_w, ui.fonts().bold,
                     p.text_muted);
        // The number very large: readable from across the room.
        y += ui.text("waiting.number", e.number, l.content.x, y, 0, ui.fonts().number, p.text, Role::Heading);
        y += em * 0.4f;
    }
    std::string status;
    if (closed)
        status = ui.t("waiting.closed");
    else if (e.phase == Phase::Claimed)
        status = e.claimed_by.empty() ? ui.t("waiting.someone") : ui.t("waiting.claimed", {{"name", e.claimed_by}});
    else if (e.phase == Phase::Waiting && e.position > 0)
        status = ui.t("waiting.position", {{"n", std::to_string(e.position)}});
    if (!status.empty())
        y += ui.text("waiting.status", status, l.content.x, y, text_w, ui.fonts().heading,
                     e.phase == Phase::Claimed ? p.primary : p.text, Role::Heading);
    if (e.phase == Phase::Waiting && e.wait_s > 0) {
        y += em * 0.3f;
        const int minutes = std::max(1, (e.wait_s + 59) / 60);
        y += ui.text("waiting.wait", ui.t_n("waiting.wait", minutes, {{"minutes", std::to_string(minutes)}}),
                     l.content.x, y, text_w, ui.fonts().large, p.text_muted);
    }
    if (e.print == core::Escalation::Print::Printed || e.print == core::Escalation::Print::Failed) {
        y += em * 0.5f;
        const bool ok = e.print == core::Escalation::Print::Printed;
        y += ui.text("waiting.printed", ui.t(ok ? N_("waiting.printed") : N_("waiting.print_failed")), l.content.x, y,
                     text_w, ui.fonts().bold, ok ? p.primary : p.help);
    }
    if (e.unreachable) {
        // The hub cannot be reached: say so plainly and give the way to a person anyway.
        y += em * 0.8f;
        y += ui.text("waiting.unreachable", ui.t("waiting.unreachable"), l.content.x, y, text_w, ui.fonts().bold,
                     p.help);
        y += em * 0.3f;
        auto it = ctx.config.front_desk.find(ctx.session.data().lang);
        if (it == ctx.config.front_desk.end()) it = ctx.config.front_desk.find("en");
        if (it != ctx.config.front_desk.end())
            y += ui.text("waiting.fallback", it->second, l.content.x, y, text_w, ui.fonts().large, p.text);
    }
    ui.end_scroll(y + ui.scroll_offset() - l.content.y + em * 0.3f);

    if (qr) {
        const Rect box{l.content.right() - qr_side, l.content.y, qr_side, qr_side};
        ui.rect(box, 0xFFFFFF, em * 0.4f, p.border, p.border_width);  // a QR code needs a light quiet zone
        const float quiet = qr_side * 0.08f;
        const float cell = (qr_side - 2 * quiet) / ctx.qr.size;
        const Rect sbox = ui.screen_rect(box);  // the code itself is never mirrored
        for (int yy = 0; yy < ctx.qr.size; ++yy)
            for (int xx = 0; xx < ctx.qr.size; ++xx)
                if ((*ctx.qr.modules)[static_cast<size_t>(yy) * ctx.qr.size + xx])
                    ui.draw()->AddRectFilled(
                        {sbox.x + quiet + xx * cell, sbox.y + quiet + yy * cell},
                        {sbox.x + quiet + (xx + 1) * cell + 0.5f, sbox.y + quiet + (yy + 1) * cell + 0.5f},
                        Ui::col(0x000000));
        ui.mark("waiting.qr", Role::Image, ui.t("waiting.qr"), box);
        ui.text("waiting.qr_text", ui.t("waiting.qr"), box.x, box.bottom() + em * 0.4f, qr_side, ui.fonts().small,
                p.text_muted);
    }
}

}  // namespace ledsager::ui
