#include "ui/ui.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "common/icons.hpp"
#include "common/languages.hpp"

namespace ledsager::ui {

using core::InputEvent;
using core::Key;

const char* role_name(Role r) {
    switch (r) {
        case Role::Text:
            return "text";
        case Role::Heading:
            return "heading";
        case Role::Button:
            return "button";
        case Role::Tile:
            return "tile";
        case Role::Progress:
            return "progress";
        case Role::Image:
            return "image";
        case Role::ScrollArea:
            return "scroll";
        case Role::Dialog:
            return "dialog";
    }
    return "?";
}

namespace {

constexpr float kDragThreshold = 14.0f;  // pixels a finger may wander before a tap becomes a scroll

const Element* hit(const std::vector<Element>& elements, float x, float y) {
    // Last drawn is on top (dialogs are drawn after the screen under them).
    for (auto it = elements.rbegin(); it != elements.rend(); ++it) {
        if (it->role == Role::Dialog && it->rect.contains(x, y)) return nullptr;  // a modal blocks what is under it
        if (it->actionable && it->visible && it->rect.contains(x, y)) return &*it;
    }
    return nullptr;
}

const Element* scroll_area_at(const std::vector<Element>& elements, float x, float y) {
    for (const auto& e : elements)
        if (e.role == Role::ScrollArea && e.rect.contains(x, y)) return &e;
    return nullptr;
}

std::vector<const Element*> focusables(const std::vector<Element>& elements) {
    std::vector<const Element*> out;
    // When a dialog is open, only its own buttons (drawn after it) can take focus.
    size_t start = 0;
    for (size_t i = 0; i < elements.size(); ++i)
        if (elements[i].role == Role::Dialog) start = i;
    for (size_t i = start; i < elements.size(); ++i)
        if (elements[i].actionable) out.push_back(&elements[i]);
    return out;
}

// Spatial move: the nearest element in the direction of the arrow.
const Element* spatial(const std::vector<const Element*>& items, const Element& from, Key key) {
    const Element* best = nullptr;
    float best_score = std::numeric_limits<float>::max();
    for (const Element* e : items) {
        if (e->id == from.id) continue;
        float dx = e->rect.cx() - from.rect.cx(), dy = e->rect.cy() - from.rect.cy();
        float along, across;
        switch (key) {
            case Key::Up:
                along = -dy;
                across = dx;
                break;
            case Key::Down:
                along = dy;
                across = dx;
                break;
            case Key::Left:
                along = -dx;
                across = dy;
                break;
            default:
                along = dx;
                across = dy;
                break;
        }
        if (along <= 1.0f) continue;
        const float score = along + 2.5f * std::fabs(across);
        if (score < best_score) {
            best_score = score;
            best = e;
        }
    }
    return best;
}

}  // namespace

FrameInput process_input(InputState& s, const std::vector<InputEvent>& events) {
    FrameInput in;
    const auto& els = s.last_elements;
    for (const auto& ev : events) {
        in.any = true;
        switch (ev.kind) {
            case InputEvent::Kind::PointerDown: {
                s.keyboard_mode = false;
                s.pointer_down = true;
                s.dragging = false;
                s.down_x = ev.x;
                s.down_y = s.last_y = ev.y;
                const Element* e = hit(els, ev.x, ev.y);
                s.pressed_id = e ? e->id : "";
                const Element* area = scroll_area_at(els, ev.x, ev.y);
                s.drag_area = area ? area->id : "";
                break;
            }
            case InputEvent::Kind::PointerMove:
                if (!s.pointer_down) break;
                if (!s.dragging && !s.drag_area.empty() &&
                    std::hypot(ev.x - s.down_x, ev.y - s.down_y) > kDragThreshold) {
                    s.dragging = true;
                    s.pressed_id.clear();  // a scroll is not a tap
                }
                if (s.dragging) s.scroll[s.drag_area] -= ev.y - s.last_y;
                s.last_y = ev.y;
                break;
            case InputEvent::Kind::PointerUp: {
                in.released = true;
                const Element* e = hit(els, ev.x, ev.y);
                if (s.pointer_down && !s.dragging && e && e->id == s.pressed_id) {
                    if (s.explore && e->id != s.explored_id) {
                        s.focus_id = s.explored_id = e->id;  // said now; touching it again uses it
                        in.explored = e->id;
                    } else {
                        in.activated.push_back(e->id);
                    }
                }
                s.pointer_down = false;
                s.dragging = false;
                s.pressed_id.clear();
                break;
            }
            case InputEvent::Kind::Text:
                if (in.text.size() + ev.text.size() <= 256) in.text += ev.text;
                break;
            case InputEvent::Kind::Wheel: {
                const Element* area = nullptr;
                for (const auto& e : els)
                    if (e.role == Role::ScrollArea) area = &e;
                if (area) s.scroll[area->id] -= ev.y * area->rect.h * 0.15f;
                break;
            }
            case InputEvent::Kind::KeyDown: {
                s.keyboard_mode = true;
                auto items = focusables(els);
                if (items.empty()) break;
                auto cur =
                    std::find_if(items.begin(), items.end(), [&](const Element* e) { return e->id == s.focus_id; });
                switch (ev.key) {
                    case Key::Tab:
                        s.focus_id =
                            (cur == items.end() || cur + 1 == items.end()) ? items.front()->id : (*(cur + 1))->id;
                        break;
                    case Key::ShiftTab:
                        s.focus_id = (cur == items.end() || cur == items.begin()) ? items.back()->id : (*(cur - 1))->id;
                        break;
                    case Key::Up:
                    case Key::Down:
                    case Key::Left:
                    case Key::Right:
                        if (cur == items.end()) {
                            s.focus_id = items.front()->id;
                        } else if (const Element* next = spatial(items, **cur, ev.key)) {
                            s.focus_id = next->id;
                        } else if (ev.key == Key::Down || ev.key == Key::Right) {
                            s.focus_id = (cur + 1 == items.end()) ? items.front()->id : (*(cur + 1))->id;
                        } else {
                            s.focus_id = (cur == items.begin()) ? items.back()->id : (*(cur - 1))->id;
                        }
                        break;
                    case Key::PageDown:
                    case Key::PageUp:
                        for (const auto& e : els)
                            if (e.role == Role::ScrollArea)
                                s.scroll[e.id] += (ev.key == Key::PageDown ? 0.8f : -0.8f) * e.rect.h;
                        break;
                    default:
                        break;
                }
                break;
            }
            case InputEvent::Kind::KeyUp:
                in.released = true;
                // Actions happen on release (a held key never repeats an action).
                if (ev.key == Key::Enter) {
                    auto items = focusables(els);
                    if (std::any_of(items.begin(), items.end(), [&](const Element* e) { return e->id == s.focus_id; }))
                        in.activated.push_back(s.focus_id);
                } else if (ev.key == Key::Back) {
                    in.back = true;
                } else if (ev.key == Key::Help) {
                    in.help = true;
                } else if (ev.key == Key::ReadAloud) {
                    in.read_aloud = true;
                } else if (ev.key == Key::Repeat) {
                    in.repeat = true;
                } else if (ev.key == Key::StopSpeech) {
                    in.stop_speech = true;
                } else if (ev.key == Key::Louder || ev.key == Key::Quieter) {
                    in.volume = ev.key == Key::Louder ? 1 : -1;
                } else if (ev.key == Key::Faster || ev.key == Key::Slower) {
                    in.rate = ev.key == Key::Faster ? 1 : -1;
                }
                break;
        }
    }
    return in;
}

bool begin_frame(InputState& s, const std::string& screen_key) {
    if (screen_key == s.screen_key) return false;
    s.screen_key = screen_key;
    s.focus_id.clear();
    s.explored_id.clear();
    s.scroll.clear();
    s.scroll_extent.clear();
    return true;
}

void finish_frame(InputState& s, std::vector<Element>& elements) {
    auto items = focusables(elements);
    const bool focus_present =
        std::any_of(items.begin(), items.end(), [&](const Element* e) { return e->id == s.focus_id; });
    if (!focus_present && !items.empty()) {
        // Start on the first actionable element of the screen (or the dialog).
        s.focus_id = items.front()->id;
    }
    for (auto& e : elements)
        e.focused = e.actionable && e.id == s.focus_id;
    // Keep the focused element in view when the keypad moved it.
    if (s.keyboard_mode) {
        for (const auto& e : elements) {
            if (!e.focused || e.scroll_area.empty()) continue;
            for (const auto& area : elements) {
                if (area.id != e.scroll_area) continue;
                if (e.rect.y < area.rect.y) s.scroll[area.id] -= area.rect.y - e.rect.y + 8;
                if (e.rect.bottom() > area.rect.bottom()) s.scroll[area.id] += e.rect.bottom() - area.rect.bottom() + 8;
            }
        }
    }
    s.last_elements = elements;
}

Ui::Ui(InputState& state, const FrameInput& input, const Palette& palette, const Fonts& fonts,
       const core::Translator& tr, std::string lang, float width, float height, ImDrawList* draw, Shaper* shaper)
    : state_(state),
      input_(input),
      palette_(palette),
      fonts_(fonts),
      tr_(tr),
      lang_(std::move(lang)),
      width_(width),
      height_(height),
      draw_(draw),
      shaper_(shaper) {
    const auto* l = common::find_language(lang_);
    rtl_ = l && l->rtl;
}

ImU32 Ui::col(Rgb c, float alpha) {
    return IM_COL32((c >> 16) & 0xFF, (c >> 8) & 0xFF, c & 0xFF, static_cast<int>(alpha * 255.0f + 0.5f));
}

void Ui::record(Element e) {
    if (!scroll_id_.empty()) {
        e.scroll_area = scroll_id_;
        e.visible = e.rect.bottom() > scroll_rect_.y + 1 && e.rect.y < scroll_rect_.bottom() - 1;
        // A partly hidden button is only tappable where it shows.
        if (e.actionable && e.visible) {
            const float top = std::max(e.rect.y, scroll_rect_.y),
                        bottom = std::min(e.rect.bottom(), scroll_rect_.bottom());
            e.rect.y = top;
            e.rect.h = bottom - top;
        }
    }
    e.focused = e.actionable && e.id == state_.focus_id;
    elements_.push_back(std::move(e));
}

void Ui::mark(const std::string& id, Role role, const std::string& label, Rect r) {
    Element e;
    e.id = id;
    e.role = role;
    e.label = label;
    e.rect = screen_rect(r);
    record(std::move(e));
}

void Ui::speak_as(const std::string& lang, const std::string& speech) {
    if (elements_.empty()) return;
    elements_.back().lang = lang;
    elements_.back().speech = speech;
}

void Ui::mark_unavailable() {
    if (!elements_.empty()) elements_.back().unavailable = true;
}

void Ui::attach_audio(const std::string& path) {
    if (!elements_.empty()) elements_.back().audio = path;
}

void Ui::mark_toggle() {
    if (!elements_.empty()) elements_.back().toggle = true;
}

void Ui::focus_ring(Rect r, float rounding) {
    const float gap = em() * 0.12f, w = std::max(3.0f, em() * 0.14f);
    draw_->AddRect({r.x - gap - w / 2, r.y - gap - w / 2}, {r.right() + gap + w / 2, r.bottom() + gap + w / 2},
                   col(palette_.focus), rounding + gap, 0, w);
}

void Ui::fill(Rect r, ImU32 color, float rounding) {
    // A rounded rectangle as plain rectangles and four small rounded corners. ImGui fills
    // a rounded shape as one fan of long, thin triangles, and SDL 2.26's software renderer
    // reads outside its texture for such triangles once they are a few hundred pixels long
    // (a crash at 200 % text); plain rectangles take its exact path.
    // Whole pixels: parts meeting at fractional edges leave a hairline seam in the software
    // renderer.
    const float x0 = std::round(r.x), y0 = std::round(r.y);
    r = {x0, y0, std::round(r.right()) - x0, std::round(r.bottom()) - y0};
    rounding = std::min({rounding, r.w / 2, r.h / 2});
    if (rounding < 1.0f) {
        draw_->AddRectFilled({r.x, r.y}, {r.right(), r.bottom()}, color);
        return;
    }
    const float k = std::floor(rounding);
    // The corners' soft edges fall on the plain parts (one pixel of overlap), so no seam shows.
    draw_->AddRectFilled({r.x + k - 1, r.y}, {r.right() - k + 1, r.bottom()}, color);
    draw_->AddRectFilled({r.x, r.y + k - 1}, {r.x + k, r.bottom() - k + 1}, color);
    draw_->AddRectFilled({r.right() - k, r.y + k - 1}, {r.right(), r.bottom() - k + 1}, color);
    // Corners without anti-aliased fringes on their straight sides: drawn after the plain
    // parts, their curved side keeps its soft edge.
    draw_->AddRectFilled({r.x, r.y}, {r.x + k, r.y + k}, color, k, ImDrawFlags_RoundCornersTopLeft);
    draw_->AddRectFilled({r.right() - k, r.y}, {r.right(), r.y + k}, color, k, ImDrawFlags_RoundCornersTopRight);
    draw_->AddRectFilled({r.x, r.bottom() - k}, {r.x + k, r.bottom()}, color, k, ImDrawFlags_RoundCornersBottomLeft);
    draw_->AddRectFilled({r.right() - k, r.bottom() - k}, {r.right(), r.bottom()}, color, k,
                         ImDrawFlags_RoundCornersBottomRight);
}

void Ui::rect(Rect r, Rgb fill_color, float rounding, Rgb border, float border_width, float alpha) {
    r = screen_rect(r);
    fill(r, col(fill_color, alpha), rounding);
    if (border_width > 0) draw_->AddRect({r.x, r.y}, {r.right(), r.bottom()}, col(border), rounding, 0, border_width);
}

void Ui::outline(Rect r, Rgb color, float rounding, float width) {
    r = screen_rect(r);
    draw_->AddRect({r.x, r.y}, {r.right(), r.bottom()}, col(color), rounding, 0, width);
}

void Ui::circle(float cx, float cy, float radius, Rgb color) {
    // A fan from the centre (short, wide triangles; see fill()).
    cx = screen_x(cx);
    constexpr int kSegments = 64;
    const ImU32 c = col(color);
    const ImVec2 uv = ImGui::GetIO().Fonts->TexUvWhitePixel;
    draw_->PrimReserve(kSegments * 3, kSegments + 1);
    const auto base = static_cast<ImDrawIdx>(draw_->_VtxCurrentIdx);
    draw_->PrimWriteVtx({cx, cy}, uv, c);
    for (int i = 0; i < kSegments; ++i) {
        const float a = 6.2831853f * static_cast<float>(i) / kSegments;
        draw_->PrimWriteVtx({cx + radius * std::cos(a), cy + radius * std::sin(a)}, uv, c);
    }
    for (int i = 0; i < kSegments; ++i) {
        draw_->PrimWriteIdx(base);
        draw_->PrimWriteIdx(static_cast<ImDrawIdx>(base + 1 + i));
        draw_->PrimWriteIdx(static_cast<ImDrawIdx>(base + 1 + (i + 1) % kSegments));
    }
}

bool Ui::shaped(const std::string& s) const {
    return shaper_ && shaper_->loaded() && (rtl_ || Shaper::needs_shaping(s));
}

ImVec2 Ui::draw_text(const std::string& s, float x, float y, float box_w, ImFont* font, ImU32 color, Align align,
                     bool draw) const {
    if (!shaped(s)) {
        const ImVec2 size = font->CalcTextSizeA(font->FontSize, std::numeric_limits<float>::max(), box_w, s.c_str());
        if (draw) {
            const float dx = align == Align::Center && box_w > 0 ? std::floor((box_w - size.x) / 2) : 0;
            draw_->AddText(font, font->FontSize, {std::round(x + dx), std::round(y)}, color, s.c_str(), nullptr, box_w);
        }
        return size;
    }
    const Shaper::Block& block = shaper_->layout(s, font, box_w, rtl_);
    // Arabic script reaches higher and lower than Latin: a little more room between lines.
    const float line_h = std::round(font->FontSize * (Shaper::needs_shaping(s) ? 1.18f : 1.0f));
    const float w = box_w > 0 ? box_w : block.width;
    if (draw) {
        float ly = y;
        for (const auto& line : block.lines) {
            float lx = x;
            if (align == Align::Center)
                lx = x + (w - line.width) / 2;
            else if (rtl_)
                lx = x + w - line.width;
            draw_->AddText(font, font->FontSize, {std::round(lx), std::round(ly)}, color, line.visual.c_str());
            ly += line_h;
        }
    }
    return {block.width, line_h * static_cast<float>(block.lines.size())};
}

float Ui::text_width(const std::string& s, ImFont* font) const {
    if (shaped(s)) return draw_text(s, 0, 0, 0, font, 0, Align::Start, false).x;
    return font->CalcTextSizeA(font->FontSize, std::numeric_limits<float>::max(), 0, s.c_str()).x;
}

float Ui::text_height(const std::string& s, float wrap, ImFont* font) const {
    if (shaped(s)) return draw_text(s, 0, 0, wrap, font, 0, Align::Start, false).y;
    return font->CalcTextSizeA(font->FontSize, std::numeric_limits<float>::max(), wrap, s.c_str()).y;
}

float Ui::text(const std::string& id, const std::string& s, float x, float y, float wrap, ImFont* font, Rgb color,
               Role role) {
    const ImVec2 size = draw_text(s, 0, 0, wrap, font, 0, Align::Start, false);
    // The box the text may use, in screen pixels; the text starts at its start edge.
    const float box_w = wrap > 0 ? wrap : size.x;
    const Rect box = screen_rect({x, y, box_w, size.y});
    draw_text(s, box.x, y, wrap, font, col(color), Align::Start);
    const float ink_x = rtl_ ? box.right() - size.x : box.x;
    Element e;
    e.id = id;
    e.role = role;
    e.label = s;
    e.rect = {ink_x, y, size.x, size.y};
    record(std::move(e));
    return size.y;
}

void Ui::label(const std::string& s, float x, float y, ImFont* font, Rgb color) {
    const ImVec2 size = draw_text(s, 0, 0, 0, font, 0, Align::Start, false);
    const Rect box = screen_rect({x, y, size.x, size.y});
    draw_text(s, box.x, y, 0, font, col(color), Align::Start);
}

void Ui::icon(std::string_view name, ImFont* font, float cx, float cy, Rgb color) {
    icon_at(name, font, screen_x(cx), cy, color);
}

void Ui::icon_at(std::string_view name, ImFont* font, float cx, float cy, Rgb color) {
    // Arrows point the way of reading: mirrored for right-to-left languages.
    if (rtl_) {
        if (name == "chevron-right")
            name = "chevron-left";
        else if (name == "chevron-left")
            name = "chevron-right";
        else if (name == "forward")
            name = "back";
        else if (name == "back")
            name = "forward";
    }
    const char32_t cp = common::icon_codepoint(name);
    if (!cp || !font) return;
    // Icon code points are in the Private Use Area (3-byte UTF-8).
    const char buf[4] = {static_cast<char>(0xE0 | (cp >> 12)), static_cast<char>(0x80 | ((cp >> 6) & 0x3F)),
                         static_cast<char>(0x80 | (cp & 0x3F)), 0};
    const ImVec2 size = font->CalcTextSizeA(font->FontSize, 1e9f, 0, buf);
    draw_->AddText(font, font->FontSize, {std::round(cx - size.x / 2), std::round(cy - size.y / 2)}, col(color), buf);
}

float Ui::button_width(const std::string& label, std::string_view icon_name, ImFont* font, float pad) const {
    float w = text_width(label, font) + 2 * pad;
    if (!icon_name.empty()) w += font->FontSize * 1.35f;
    return w;
}

bool Ui::button(const std::string& id, const std::string& label, Rect r, ButtonStyle style, std::string_view icon_name,
                ImFont* font, bool selected) {
    if (!font) font = fonts_.bold;
    r = screen_rect(r);
    const bool pressed = state_.pointer_down && !state_.dragging && state_.pressed_id == id;
    Rgb fill = palette_.surface, ink = palette_.text, border = palette_.border;
    float bw = palette_.border_width;
    switch (style) {
        case ButtonStyle::Primary:
            fill = palette_.primary;
            ink = palette_.on_primary;
            border = palette_.primary;
            break;
        case ButtonStyle::Help:
            fill = palette_.help;
            ink = palette_.on_help;
            border = palette_.help;
            break;
        case ButtonStyle::Secondary:
            break;
        case ButtonStyle::Quiet:
            border = palette_.background;
            bw = 0;
            fill = palette_.background;
            break;
    }
    if (selected) {
        border = palette_.accent;
        bw = std::max(bw, em() * 0.12f);
    }
    const float rounding = std::min(r.h / 2, em() * 1.4f);
    // Quiet buttons have no surface of their own (the attract screen is one big button).
    if (style != ButtonStyle::Quiet) this->fill(r, col(fill), rounding);
    if (pressed) this->fill(r, col(0x000000, 0.12f), rounding);
    if (bw > 0) draw_->AddRect({r.x, r.y}, {r.right(), r.bottom()}, col(border), rounding, 0, bw);

    const float icon_w = icon_name.empty() ? 0 : font->FontSize * 1.35f;
    const float wrap = r.w - font->FontSize * 0.8f - icon_w;
    const ImVec2 ts = draw_text(label, 0, 0, wrap, font, 0, Align::Center, false);
    const float content_w = icon_w + ts.x;
    const float left = r.x + (r.w - content_w) / 2;
    const float y = r.y + (r.h - ts.y) / 2;
    // A forward arrow follows the words ("Next ›"); every other icon leads them. Reading
    // right to left, "leading" is on the right.
    const bool trailing = icon_name == "chevron-right" || icon_name == "forward";
    ImFont* ifont = font == fonts_.bar ? fonts_.icon_bar : fonts_.icon;
    const bool icon_left = icon_name.empty() ? false : (trailing == rtl_);
    const float text_x = icon_left ? left + icon_w : left;
    if (!icon_name.empty()) {
        const float icx = icon_left ? left + font->FontSize * 0.5f : left + ts.x + font->FontSize * 0.85f;
        icon_at(icon_name, ifont, icx, r.cy(), ink);
    }
    draw_text(label, text_x - (wrap - ts.x) / 2, y, wrap, font, col(ink), Align::Center);
    if ((state_.keyboard_mode || state_.explore) && state_.focus_id == id) focus_ring(r, rounding);

    Element e;
    e.id = id;
    e.role = Role::Button;
    e.label = label;
    e.rect = r;
    e.actionable = true;
    e.selected = selected;
    record(std::move(e));
    return std::find(input_.activated.begin(), input_.activated.end(), id) != input_.activated.end();
}

bool Ui::tile(const std::string& id, Rect r, std::string_view icon_name, const std::string& title,
              const std::string& subtitle) {
    const bool pressed = state_.pointer_down && !state_.dragging && state_.pressed_id == id;
    const float rounding = em() * 0.6f;
    rect(r, pressed ? palette_.pressed : palette_.surface, rounding, palette_.border, palette_.border_width);
    const float pad = em() * 0.75f;
    const float box = em() * 2.2f;
    rect({r.x + pad, r.y + pad, box, box}, palette_.accent_soft, em() * 0.4f);
    icon(icon_name, fonts_.icon_large, r.x + pad + box / 2, r.y + pad + box / 2, palette_.accent);
    const float wrap = r.w - 2 * pad;
    const Rect inner = screen_rect({r.x + pad, r.y, wrap, r.h});
    float y = r.y + pad + box + em() * 0.5f;
    const ImVec2 ts = draw_text(title, inner.x, y, wrap, fonts_.tile, col(palette_.text), Align::Start);
    y += ts.y + em() * 0.2f;
    draw_text(subtitle, inner.x, y, wrap, fonts_.regular, col(palette_.text_muted), Align::Start);
    const Rect sr = screen_rect(r);
    if ((state_.keyboard_mode || state_.explore) && state_.focus_id == id) focus_ring(sr, rounding);
    Element e;
    e.id = id;
    e.role = Role::Tile;
    e.label = title + ". " + subtitle;
    e.rect = sr;
    e.actionable = true;
    record(std::move(e));
    return std::find(input_.activated.begin(), input_.activated.end(), id) != input_.activated.end();
}

namespace {
struct RowTileMetrics {
    float pad, box, gap, text_w;
};
RowTileMetrics row_tile_metrics(float em, float w) {
    RowTileMetrics m{em * 0.55f, em * 1.8f, em * 0.5f, 0};
    m.text_w = std::max(em * 4, w - 2 * m.pad - m.box - m.gap);
    return m;
}
}  // namespace

float Ui::row_tile_height(float w, const std::string& title, const std::string& subtitle, ImFont* subtitle_font) const {
    const RowTileMetrics m = row_tile_metrics(em(), w);
    float text_h = text_height(title, m.text_w, fonts_.tile);
    if (subtitle_font && !subtitle.empty()) text_h += em() * 0.15f + text_height(subtitle, m.text_w, subtitle_font);
    return 2 * m.pad + std::max(m.box, text_h);
}

bool Ui::row_tile(const std::string& id, Rect r, std::string_view icon_name, const std::string& title,
                  const std::string& subtitle, ImFont* subtitle_font) {
    const bool pressed = state_.pointer_down && !state_.dragging && state_.pressed_id == id;
    const float rounding = em() * 0.5f;
    rect(r, pressed ? palette_.pressed : palette_.surface, rounding, palette_.border, palette_.border_width);
    const RowTileMetrics m = row_tile_metrics(em(), r.w);
    rect({r.x + m.pad, r.y + m.pad, m.box, m.box}, palette_.accent_soft, em() * 0.4f);
    icon(icon_name, fonts_.icon_large, r.x + m.pad + m.box / 2, r.y + m.pad + m.box / 2, palette_.accent);
    // The text beside the icon, on the reading side of it (mirrored with the tile).
    const Rect inner = screen_rect({r.x + m.pad + m.box + m.gap, r.y, m.text_w, r.h});
    const float text_h = row_tile_height(r.w, title, subtitle, subtitle_font) - 2 * m.pad;
    float y = r.y + m.pad + std::max(0.0f, (m.box - text_h) / 2);
    const ImVec2 ts = draw_text(title, inner.x, y, m.text_w, fonts_.tile, col(palette_.text), Align::Start);
    y += ts.y + em() * 0.15f;
    if (subtitle_font && !subtitle.empty())
        draw_text(subtitle, inner.x, y, m.text_w, subtitle_font, col(palette_.text_muted), Align::Start);
    const Rect sr = screen_rect(r);
    if ((state_.keyboard_mode || state_.explore) && state_.focus_id == id) focus_ring(sr, rounding);
    Element e;
    e.id = id;
    e.role = Role::Tile;
    e.label = subtitle.empty() ? title : title + ". " + subtitle;  // read aloud whole, shown or not
    e.rect = sr;
    e.actionable = true;
    record(std::move(e));
    return std::find(input_.activated.begin(), input_.activated.end(), id) != input_.activated.end();
}

void Ui::progress(const std::string& id, Rect r, int n, int total, const std::string& label) {
    const Rect s = screen_rect(r);
    const float rounding = s.h / 2;
    fill(s, col(palette_.border), rounding);
    const float f = total > 0 ? std::clamp(static_cast<float>(n) / total, 0.0f, 1.0f) : 0;
    const float fill = std::max(s.h, s.w * f);
    // Progress grows in the direction of reading.
    if (f > 0) {
        if (rtl_)
            this->fill({s.right() - fill, s.y, fill, s.h}, col(palette_.accent), rounding);
        else
            this->fill({s.x, s.y, fill, s.h}, col(palette_.accent), rounding);
    }
    mark(id, Role::Progress, label, r);
}

void Ui::image(const std::string& id, Rect r, ImTextureID texture, int w, int h, const std::string& alt) {
    const Rect s = screen_rect(r);
    if (texture && w > 0 && h > 0) {
        const float k = std::min(s.w / w, s.h / h);
        // On whole pixels: a picture's thin lines and QR modules stay even when scaled.
        const float iw = std::round(w * k), ih = std::round(h * k);
        const float x = std::round(s.x + (s.w - iw) / 2), y = std::round(s.y + (s.h - ih) / 2);
        draw_->AddImageRounded(texture, {x, y}, {x + iw, y + ih}, {0, 0}, {1, 1}, IM_COL32_WHITE, em() * 0.4f);
    }
    mark(id, Role::Image, alt, r);
}

void Ui::begin_scroll(const std::string& id, Rect r) {
    scroll_id_ = id;
    float& off = state_.scroll[id];
    const float extent = state_.scroll_extent.count(id) ? state_.scroll_extent[id] : 0;
    // When the content is taller than the area, a strip at the bottom is kept for the
    // "More below" sign, so the sign never covers content.
    scroll_strip_ = extent > r.h + 1;
    if (scroll_strip_) r.h -= more_strip_height();
    scroll_rect_ = screen_rect(r);
    scroll_logical_ = r;
    off = std::clamp(off, 0.0f, std::max(0.0f, extent - r.h));
    const Rect s = scroll_rect_;
    draw_->PushClipRect({s.x - em(), s.y}, {s.right() + em(), s.bottom()}, true);
    Element e;
    e.id = id;
    e.role = Role::ScrollArea;
    e.rect = s;
    elements_.push_back(e);
}

float Ui::more_strip_height() const {
    return fonts_.small->FontSize * 1.7f + em() * 0.3f;
}

float Ui::scroll_offset() const {
    auto it = state_.scroll.find(scroll_id_);
    return it == state_.scroll.end() ? 0 : it->second;
}

void Ui::end_scroll(float content_height) {
    draw_->PopClipRect();
    const std::string id = scroll_id_;
    const Rect r = scroll_logical_;
    scroll_id_.clear();
    state_.scroll_extent[id] = content_height;
    const float off = state_.scroll[id];
    if (content_height <= r.h + 1) return;
    const bool strip = scroll_strip_;
    // A visible scroll bar and "More below" so nobody misses content under the fold.
    const float bar_w = em() * 0.22f;
    // Inside the screen: SDL's software renderer can crash on textured triangles that
    // reach past the edge of the target.
    const float track_x = std::clamp(rtl_ ? screen_x(r.right() + em() * 0.35f) - bar_w : r.right() + em() * 0.35f, 1.0f,
                                     width_ - bar_w - 1.0f);
    fill({track_x, r.y, bar_w, r.h}, col(palette_.border), bar_w / 2);
    const float thumb_h = std::max(em(), r.h * r.h / content_height);
    const float thumb_y = r.y + (r.h - thumb_h) * (off / (content_height - r.h));
    fill({track_x, thumb_y, bar_w, thumb_h}, col(palette_.accent), bar_w / 2);
    if (off + r.h < content_height - 2) {
        const std::string more = t("common.more_below");
        const float fs = fonts_.small->FontSize;
        const float w = text_width(more, fonts_.small) + fs * 3.2f, h = fs * 1.7f;
        Rect pill{r.cx() - w / 2, strip ? r.bottom() + em() * 0.15f : r.bottom() - h, w, h};
        rect(pill, palette_.surface, h / 2, palette_.border, palette_.border_width);
        icon("chevron-down", fonts_.icon, pill.x + fs * 1.1f, pill.cy(), palette_.accent);
        text(id + ".more", more, pill.x + fs * 2.2f, pill.y + (h - fs) / 2, 0, fonts_.small, palette_.text);
    }
}

}  // namespace ledsager::ui
