// A video call with a caseworker. Before an answer: a calm card ("Calling a caseworker…",
// place in the queue, Stop waiting). In the call: the caseworker large, the citizen small
// with "Camera is on" always in sight, who is speaking, real-time text beside the picture,
// and four big buttons: Mute, Camera off, Keyboard, End call. No answer, or a lost call:
// the front desk is offered with the same context. The picture is never mirrored for
// right-to-left languages (it is a picture of the room, not text).
#include <algorithm>

#include <imgui.h>

#include "ui/screens/common.hpp"

namespace ledsager::ui {

namespace {

using core::ActionKind;
using core::CallPhase;

// Rows of the on-screen keyboard for real-time text (names and numbers are what citizens
// spell most; Danish letters included).
constexpr const char* kKeyRows[][11] = {
    {"1", "2", "3", "4", "5", "6", "7", "8", "9", "0", "-"},
    {"Q", "W", "E", "R", "T", "Y", "U", "I", "O", "P", "Å"},
    {"A", "S", "D", "F", "G", "H", "J", "K", "L", "Æ", "Ø"},
    {"Z", "X", "C", "V", "B", "N", "M", ",", ".", "@", "/"},
};

// A notice card in the middle of the screen: heading, body, buttons (the last is primary).
void notice(Ui& ui, const std::string& id, std::string_view icon, Rgb icon_bg, const std::string& heading,
            const std::vector<std::string>& body, const std::vector<RowButton>& buttons) {
    const auto& p = ui.palette();
    const Layout l = layout(ui, false);
    const float em = ui.em();
    const float w = std::min(l.content.w, em * 34);
    const float x = l.content.x + (l.content.w - w) / 2;
    const float pad = em * 1.4f, inner = w - 2 * pad;
    float h = pad * 2 + em * 3.6f + ui.text_height(heading, inner, ui.fonts().heading) + em * 0.6f;
    for (const auto& b : body)
        h += ui.text_height(b, inner, ui.fonts().large) + em * 0.5f;
    const Rect area{l.content.x, l.content.y, l.content.w, l.content.h - l.button_h - l.gap};
    ui.begin_scroll(id + ".body", area);
    float y = std::max(l.content.y, l.content.y + (area.h - h) / 2) - ui.scroll_offset();
    const Rect card{x, y, w, h};
    ui.rect(card, p.surface, em * 0.8f, p.border, p.border_width);
    ui.circle(x + w / 2, y + pad + em * 1.3f, em * 1.3f, icon_bg);
    ui.icon(icon, ui.fonts().icon_large, x + w / 2, y + pad + em * 1.3f, p.on_primary);
    float cy = y + pad + em * 3.6f;
    cy += ui.text(id + ".heading", heading, x + pad, cy, inner, ui.fonts().heading, p.text, Role::Heading);
    cy += em * 0.6f;
    int i = 0;
    for (const auto& b : body) {
        cy += ui.text(id + ".text." + std::to_string(i++), b, x + pad, cy, inner, ui.fonts().large, p.text);
        cy += em * 0.5f;
    }
    ui.end_scroll(card.bottom() + ui.scroll_offset() - l.content.y);
    Layout row = l;
    row.content = {x, l.content.y, w, l.content.h};
    action_row(ui, row, {}, buttons);
}

// Draws a video frame filling `r` (cropped to keep its shape), never mirrored for RTL. (The
// citizen's own picture comes mirrored like a looking-glass, as people expect of it.)
void video(Ui& ui, const CallView& view, Rect r, const ImageRef& img) {
    const Rect s = ui.screen_rect(r);
    if (!img.texture || img.width <= 0 || img.height <= 0) return;
    const float want = s.w / s.h, have = static_cast<float>(img.width) / img.height;
    float u0 = 0, u1 = 1, v0 = 0, v1 = 1;
    if (have > want) {
        const float cut = (1 - want / have) / 2;
        u0 = cut;
        u1 = 1 - cut;
    } else {
        const float cut = (1 - have / want) / 2;
        v0 = cut;
        v1 = 1 - cut;
    }
    if (view.blit) return view.blit(img.texture, s, u0, v0, u1, v1);
    ui.draw()->AddImage(img.texture, {s.x, s.y}, {s.right(), s.bottom()}, {u0, v0}, {u1, v1});
}

// A pill label on a picture (name, "Camera is on").
void pill(Ui& ui, const std::string& id, const std::string& text, float x, float y, Rgb bg, Rgb fg,
          std::string_view icon = {}) {
    const float em = ui.em();
    ImFont* font = ui.fonts().bold;
    const float iw = icon.empty() ? 0 : em * 1.2f;
    const float w = ui.text_width(text, font) + em * 1.0f + iw, h = font->FontSize * 1.5f;
    ui.rect({x, y, w, h}, bg, h / 2);
    if (!icon.empty()) ui.icon(icon, ui.fonts().icon, x + em * 0.5f + iw / 2 - em * 0.1f, y + h / 2, fg);
    ui.text(id, text, x + em * 0.5f + iw, y + font->FontSize * 0.25f, 0, font, fg);
}

void draw_waiting_card(Ui& ui, const ScreenContext& ctx) {
    const auto& d = ctx.session.data();
    const auto& e = d.escalation;
    std::vector<std::string> body{ui.t("call.waiting_body")};
    if (e.position > 0) body.push_back(ui.t("waiting.position", {{"n", std::to_string(e.position)}}));
    if (e.unreachable) body.push_back(ui.t("waiting.unreachable"));
    notice(ui, "call.waiting", "video", ui.palette().accent, ui.t("call.waiting_title"), body,
           {{"call.stop_waiting", ui.t("call.stop_waiting"), ButtonStyle::Secondary, "cross", ActionKind::CallEnd}});
}

void draw_in_call(Ui& ui, const ScreenContext& ctx) {
    const auto& p = ui.palette();
    const Layout l = layout(ui, false);
    const float em = ui.em();
    const auto& c = ctx.session.data().call;
    const bool camera = ctx.session.camera();
    const std::string name = c.caseworker.empty() ? ui.t("call.caseworker") : c.caseworker;

    // The four buttons along the bottom: the red End call last (the primary place), always
    // whole; when the row is too narrow (large text) the other three share what is left.
    std::vector<RowButton> row{
        {"call.mute", ui.t(c.muted ? N_("call.unmute") : N_("call.mute")), ButtonStyle::Secondary,
         c.muted ? "microphone-slash" : "microphone", ActionKind::CallMute},
    };
    if (camera)
        row.push_back({"call.camera", ui.t(c.camera_off ? N_("call.camera_on") : N_("call.camera_off")),
                       ButtonStyle::Secondary, c.camera_off ? "eye-slash" : "video", ActionKind::CallCamera});
    row.push_back(
        {"call.keyboard", ui.t("call.keyboard"), ButtonStyle::Secondary, "keyboard", ActionKind::CallKeyboard});
    const RowButton end{"call.end", ui.t("call.end"), ButtonStyle::Help, "call", ActionKind::CallEnd};
    const float row_y = l.content.bottom() - l.button_h;
    {
        const float pad = em;
        const float end_w = std::min(l.content.w * 0.45f, ui.button_width(end.label, end.icon, ui.fonts().bold, pad));
        float need = 0;
        for (const auto& b : row)
            need += ui.button_width(b.label, b.icon, ui.fonts().bold, pad) + l.gap;
        const float avail = l.content.w - end_w - l.gap;
        const float k = need > avail ? avail / need : 1.0f;
        float x = l.content.x;
        // Squeezed hard (large text on a narrow screen): big icons alone, their words kept for
        // reading aloud and the tree.
        const bool icons_only = k < 0.75f;
        for (const auto& b : row) {
            const float w = icons_only ? (avail - l.gap * row.size()) / row.size()
                                       : ui.button_width(b.label, b.icon, ui.fonts().bold, pad) * k;
            if (ui.button(b.id, icons_only ? std::string() : b.label, {x, row_y, w, l.button_h}, b.style,
                          k < 1 && !icons_only ? std::string_view{} : b.icon))
                ui.act(b.action);
            if (icons_only && !ui.elements().empty()) ui.elements().back().label = b.label;
            x += w + l.gap * (icons_only ? 1 : k);
        }
        if (ui.button(end.id, end.label, {l.content.right() - end_w, row_y, end_w, l.button_h}, end.style, end.icon))
            ui.act(end.action);
    }
    // Toggle states for the tree (and so for reading aloud): Mute and Camera off are "on" when active.
    for (auto& el : ui.elements()) {
        const bool on = el.id == "call.mute" ? c.muted : el.id == "call.camera" ? c.camera_off : c.keyboard;
        if (el.id == "call.mute" || el.id == "call.camera" || el.id == "call.keyboard") {
            el.toggle = true;
            el.selected = on;
        }
    }

    // Picture on the left (about two thirds), text on the right.
    // On a narrow screen (portrait, 5:4, large text) the text goes below the picture instead.
    const float top = l.content.y, bottom = row_y - l.gap;
    const float text_w = std::max(em * 12, l.content.w * 0.32f);
    // With the keyboard open, side by side as long as eleven keys of a good size fit beside
    // the text (the keyboard then has the picture's whole height).
    const float side_by_side_w = l.content.w - text_w - l.gap;
    const bool stacked = c.keyboard ? side_by_side_w < 11 * l.button_h * 0.45f + em : side_by_side_w < em * 18;
    // Stacked with the keyboard open: picture, text, then the keyboard below them all.
    const bool stacked_keys = stacked && c.keyboard;
    const float avail_h = bottom - top;
    const float pic_h = stacked_keys ? avail_h * 0.26f : stacked ? avail_h * 0.5f : avail_h;
    const Rect pic{l.content.x, top, stacked ? l.content.w : l.content.w - text_w - l.gap, pic_h};
    const float side_h = stacked_keys ? avail_h * 0.26f : stacked ? bottom - pic.bottom() - l.gap : avail_h;
    const Rect side = stacked ? Rect{l.content.x, pic.bottom() + l.gap, l.content.w, side_h}
                              : Rect{pic.right() + l.gap, top, text_w, avail_h};
    const float radius = em * 0.6f;

    // The picture and everything on it go on their own layer (ImGui's foreground list): a
    // frame that only brings a new picture redraws that layer alone. Not while a dialog is
    // up (the dialog must stay on top).
    ImDrawList* screen_layer = ui.draw();
    ImDrawList* picture_layer =
        ctx.session.data().speech_dialog == core::SpeechDialog::None && !ctx.session.data().warning
            ? ImGui::GetForegroundDrawList()
            : screen_layer;
    ui.set_draw_list(picture_layer);
    const bool have_remote = ctx.call.remote.texture && c.phase != CallPhase::Reconnecting;
    // (A dark ground only when there is no picture: a big filled shape costs the software
    // renderer far more than the picture itself.)
    if (!have_remote) ui.rect(pic, 0x1E2430, radius);
    if (have_remote) {
        video(ui, ctx.call, pic, ctx.call.remote);
        ui.mark("call.remote", Role::Image, ui.t("call.remote_alt", {{"name", name}}), pic);
    } else {
        // Connecting, reconnecting, or no picture from the caseworker (voice only).
        ui.circle(pic.x + pic.w / 2, pic.y + pic.h * 0.4f, std::min(em * 2.6f, pic.h * 0.22f), p.accent);
        size_t first = 1;  // the name's first letter (a whole UTF-8 character)
        while (first < name.size() && (static_cast<unsigned char>(name[first]) & 0xC0) == 0x80)
            ++first;
        const std::string initial = name.substr(0, first);
        ui.label(initial, pic.x + pic.w / 2 - ui.text_width(initial, ui.fonts().heading) / 2,
                 pic.y + pic.h * 0.4f - ui.fonts().heading->FontSize * 0.55f, ui.fonts().heading, p.on_primary);
        std::string status;
        if (c.phase == CallPhase::Connecting)
            status = ui.t("call.connecting", {{"name", name}});
        else if (c.phase == CallPhase::Reconnecting)
            status = ui.t("call.reconnecting");
        if (!status.empty()) {
            const float w = std::min(pic.w - em * 2, ui.text_width(status, ui.fonts().large) + em);
            ui.text("call.status", status, pic.x + (pic.w - w) / 2, pic.y + pic.h * 0.4f + em * 3.2f, w,
                    ui.fonts().large, 0xFFFFFF, Role::Heading);
        }
    }
    // Who is speaking: a ring in the accent colour round the picture of whoever is.
    const float ring = std::max(4.0f, em * 0.18f);
    if (ctx.call.remote_speaking && c.phase == CallPhase::Active) ui.outline(pic, p.accent, radius, ring);
    if (!c.keyboard)  // (the keyboard covers the bottom of the picture)
        pill(ui, "call.name",
             ctx.call.remote_speaking && c.phase == CallPhase::Active ? ui.t("call.speaking", {{"name", name}}) : name,
             pic.x + em * 0.6f, pic.bottom() - em * 2.4f, 0x000000, 0xFFFFFF,
             ctx.call.remote_speaking ? "volume-up" : std::string_view{});

    // The citizen's own picture, small, top corner of the picture; "Camera is on" always visible.
    const float sw = std::min({pic.w * 0.28f, em * 9, (pic.h - em * 1.2f) / 0.75f}), sh = sw * 0.75f;
    const Rect self{pic.right() - sw - em * 0.6f, pic.y + em * 0.6f, sw, sh};
    ui.rect(self, 0x000000, em * 0.3f);
    if (camera && !c.camera_off && ctx.call.self.texture)
        video(ui, ctx.call, self, ctx.call.self);
    else
        ui.icon(camera ? "eye-slash" : "microphone", ui.fonts().icon_large, self.x + self.w / 2, self.y + self.h / 2,
                0xFFFFFF);
    if (ctx.call.self_speaking && !c.muted) ui.outline(self, p.accent, em * 0.3f, ring);
    ui.mark("call.self", Role::Image, ui.t("call.you"), self);
    ui.set_draw_list(screen_layer);

    // Real-time text: what the caseworker writes, what the citizen writes.
    ui.rect(side, p.surface, radius, p.border, p.border_width);
    const float pad = em * 0.8f, inner = side.w - 2 * pad;
    float y = side.y + pad;
    if (!stacked) {  // (under the picture the two captions say it, and room is short)
        y += ui.text("call.write_heading", ui.t("call.write_heading", {{"name", name}}), side.x + pad, y, inner,
                     ui.fonts().bold, p.text, Role::Heading);
        y += em * 0.5f;
    }
    // Two boxes, one above the other; side by side when the text sits under the picture.
    const float col_gap = em * 0.6f;
    const float col_w = stacked ? (inner - col_gap) / 2 : inner;
    const float top_y = y;
    const float box_h = stacked ? side.bottom() - pad - y : (side.bottom() - y - pad - em * 0.6f) / 2;
    auto box = [&](int i, const std::string& id, const std::string& caption, const std::string& text, bool mine) {
        const float x = side.x + pad + (stacked ? i * (col_w + col_gap) : 0);
        float by = stacked ? top_y : top_y + i * (box_h + em * 0.6f);
        by += ui.text(id + ".caption", caption, x, by, col_w, ui.fonts().small, p.text_muted);
        const float h = stacked || i == 1 ? (stacked ? top_y + box_h : side.bottom() - pad) - by - em * 0.2f
                                          : top_y + box_h - by - em * 0.2f;
        const Rect b{x, by + em * 0.2f, col_w, std::max(em * 2.0f, h)};
        ui.rect(b, p.background, em * 0.4f, mine && c.keyboard ? p.focus : p.border,
                p.border_width * (mine && c.keyboard ? 2 : 1));
        // Only the end of a long text fits: show its last lines (the first character that
        // still lets the rest fit, found by halving).
        const std::string all = text + (mine ? "|" : "");
        std::vector<size_t> starts;
        for (size_t k = 0; k < all.size(); ++k)
            if ((static_cast<unsigned char>(all[k]) & 0xC0) != 0x80) starts.push_back(k);
        auto fits = [&](size_t from) {
            return ui.text_height(all.substr(from), b.w - em, ui.fonts().large) <= b.h - em * 0.6f;
        };
        size_t lo = 0, hi = starts.empty() ? 0 : starts.size() - 1;
        while (lo < hi) {
            const size_t mid = (lo + hi) / 2;
            if (fits(starts[mid]))
                hi = mid;
            else
                lo = mid + 1;
        }
        const std::string shown = starts.empty() ? all : all.substr(starts[lo]);
        ui.text(id, text.empty() && !mine ? std::string() : shown, b.x + em * 0.5f, b.y + em * 0.3f, b.w - em,
                ui.fonts().large, p.text);
    };
    box(0, "call.their_text", ui.t("call.their_text", {{"name", name}}), c.their_text, false);
    box(1, "call.my_text", ui.t("call.my_text"), c.my_text, true);

    // "Camera is on" (or off, or voice only) in the top corner of the picture, always in
    // sight: drawn last, and the keyboard stays below it.
    const std::string badge = !camera        ? ui.t("call.voice_only")
                              : c.camera_off ? ui.t("call.camera_is_off")
                                             : ui.t("call.camera_is_on");
    const float badge_h = ui.fonts().bold->FontSize * 1.5f;
    const float badges_bottom = pic.y + em * 0.6f + badge_h + (c.muted ? badge_h + em * 0.3f : 0);

    // The on-screen keyboard, over the picture, when asked for.
    ui.set_draw_list(picture_layer);
    if (c.keyboard) {
        const Rect area = stacked_keys
                              ? Rect{l.content.x, side.bottom() + l.gap, l.content.w, bottom - side.bottom() - l.gap}
                              : Rect{pic.x, badges_bottom + em * 0.6f, pic.w, pic.bottom() - badges_bottom - em * 0.6f};
        const float kh = (area.h - em * 0.5f) / 5;
        const float kw = (area.w - em) / 11;
        const Rect kb{area.x, area.bottom() - kh * 5 - em * 0.5f, area.w, kh * 5 + em * 0.5f};
        ui.rect(kb, p.surface, radius, p.border, p.border_width);
        // A keyboard keeps its own layout in right-to-left languages: columns are given so that,
        // once the Ui mirrors them, they land where a keyboard has them.
        auto col = [&](int k, int span) { return kb.x + em * 0.5f + (ui.rtl() ? 11 - k - span : k) * kw; };
        for (int r = 0; r < 4; ++r)
            for (int k = 0; k < 11; ++k) {
                const std::string key = kKeyRows[r][k];
                const Rect kr{col(k, 1), kb.y + em * 0.5f + r * kh, kw - em * 0.25f, kh - em * 0.25f};
                if (ui.button("call.key." + key, key, kr, ButtonStyle::Secondary)) ui.act(ActionKind::CallType, key);
            }
        const float y4 = kb.y + em * 0.5f + 4 * kh;
        if (ui.button("call.key.space", ui.t("call.space"), {col(0, 6), y4, kw * 6 - em * 0.25f, kh - em * 0.25f},
                      ButtonStyle::Secondary))
            ui.act(ActionKind::CallType, " ");
        if (ui.button("call.key.erase", ui.t("call.erase"), {col(6, 5), y4, kw * 5 - em * 0.25f, kh - em * 0.25f},
                      ButtonStyle::Secondary))
            ui.act(ActionKind::CallErase);
    }
    pill(ui, "call.camera_badge", badge, pic.x + em * 0.6f, pic.y + em * 0.6f,
         camera && !c.camera_off ? 0xC62828 : 0x37474F, 0xFFFFFF, camera && !c.camera_off ? "circle" : "eye-slash");
    if (c.muted)
        pill(ui, "call.muted_badge", ui.t("call.you_are_muted"), pic.x + em * 0.6f, pic.y + em * 0.9f + badge_h,
             0x37474F, 0xFFFFFF, "microphone-slash");
    ui.set_draw_list(screen_layer);
}

}  // namespace

void draw_call(Ui& ui, const ScreenContext& ctx) {
    const auto& d = ctx.session.data();
    const auto& c = d.call;
    const auto& p = ui.palette();
    const std::string name = c.caseworker.empty() ? ui.t("call.caseworker") : c.caseworker;
    switch (c.phase) {
        case CallPhase::None:
        case CallPhase::Waiting:
            draw_waiting_card(ui, ctx);
            return;
        case CallPhase::NoAnswer:
            notice(ui, "call.no_answer", "person", p.help, ui.t("call.no_answer_title"), {ui.t("call.front_desk_body")},
                   {{"call.keep_waiting", ui.t("call.keep_waiting"), ButtonStyle::Secondary, "hourglass",
                     ActionKind::CallKeepWaiting},
                    {"call.front_desk", ui.t("call.front_desk"), ButtonStyle::Primary, "person",
                     ActionKind::CallFrontDesk}});
            return;
        case CallPhase::Lost:
            notice(ui, "call.lost", "person", p.help, ui.t("call.lost_title"), {ui.t("call.front_desk_body")},
                   {{"call.back", ui.t("call.back"), ButtonStyle::Secondary, "chevron-left", ActionKind::CallEnd},
                    {"call.front_desk", ui.t("call.front_desk"), ButtonStyle::Primary, "person",
                     ActionKind::CallFrontDesk}});
            return;
        case CallPhase::Ended:
            notice(ui, "call.ended", "check", p.primary, ui.t("call.ended_title", {{"name", name}}),
                   {ui.t("call.ended_body")},
                   {{"call.back", ui.t("call.back"), ButtonStyle::Primary, "chevron-left", ActionKind::CallBack}});
            return;
        case CallPhase::Connecting:
        case CallPhase::Active:
        case CallPhase::Reconnecting:
            draw_in_call(ui, ctx);
            return;
    }
}

}  // namespace ledsager::ui
