// The kiosk's drawing context and widgets. Dear ImGui is used for what it is good at
// (fonts, text layout, anti-aliased draw lists); hit-testing, focus and scrolling are the
// kiosk's own, so a tap is never lost (1.86 has no input queue) and so that every element
// on screen is recorded with its role and label: tests, the keypad and reading aloud use
// that record, never pixels.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <imgui.h>

#include "core/i18n.hpp"
#include "core/input.hpp"
#include "core/session.hpp"
#include "ui/shaping.hpp"
#include "ui/theme.hpp"

namespace ledsager::ui {

// Marks an interface key chosen at run time, so the catalogue check finds it (gettext's N_).
constexpr const char* N_(const char* key) {
    return key;
}

enum class Role { Text, Heading, Button, Tile, Progress, Image, ScrollArea, Dialog };
const char* role_name(Role r);

struct Rect {
    float x = 0, y = 0, w = 0, h = 0;
    bool contains(float px, float py) const { return px >= x && px < x + w && py >= y && py < y + h; }
    float cx() const { return x + w / 2; }
    float cy() const { return y + h / 2; }
    float bottom() const { return y + h; }
    float right() const { return x + w; }
};

struct Element {
    std::string id;  // stable id, never from translated text
    Role role = Role::Text;
    std::string label;  // what it says
    Rect rect;          // on screen, after scrolling
    bool actionable = false;
    bool focused = false;
    bool visible = true;  // false when scrolled out of its area
    bool selected = false;
    bool unavailable = false;  // shown but cannot be used (said as "not available")
    bool toggle = false;       // an on/off switch: `selected` is its state (said as "on" / "off")
    std::string scroll_area;   // id of the scroll area it lives in, if any
    std::string lang;          // the language of its words when not the screen's (a language's own name)
    std::string speech;        // what is said instead of the label, when set
    std::string audio;         // a recording played instead of speech for this and the text after it
};

struct Fonts {
    ImFont* regular = nullptr;
    ImFont* bold = nullptr;
    ImFont* heading = nullptr;  // 1.5 em bold
    ImFont* title = nullptr;    // 2 em bold (attract screen)
    ImFont* small = nullptr;    // 0.8 em
    ImFont* large = nullptr;    // 1.2 em: the instruction text of a step
    ImFont* tile = nullptr;     // 1.2 em bold: tile titles
    ImFont* number = nullptr;   // 4.2 em bold, digits and capitals only: the queue number
    ImFont* bar = nullptr;      // the bottom bar (capped at 150 % so it always fits)
    ImFont* icon = nullptr;     // icons at 1 em
    ImFont* icon_bar = nullptr;
    ImFont* icon_large = nullptr;  // tiles: 1.6 em
    ImFont* icon_huge = nullptr;   // the illustration slot: 5 em
    float em = 34;                 // body text size in pixels
    float bar_em = 34;
    ImVector<ImWchar> icon_ranges;  // the atlas keeps pointers to its glyph ranges: they live here
};

// What the kiosk remembers between frames about input (owned by the app, not static).
struct InputState {
    bool pointer_down = false;
    std::string pressed_id;  // element under the finger since it went down
    float down_x = 0, down_y = 0, last_y = 0;
    bool dragging = false;
    std::string drag_area;
    std::string focus_id;
    bool keyboard_mode = false;                  // show the focus ring only once keys are used
    bool explore = false;                        // reading aloud: the first touch says an element, the second uses it
    std::string explored_id;                     // the element touched once (and said) while reading aloud
    std::map<std::string, float> scroll;         // scroll offset per area
    std::map<std::string, float> scroll_extent;  // content height per area
    std::string screen_key;                      // resets focus and scroll when it changes
    std::vector<Element> last_elements;          // the previous frame, for hit-testing
};

// The outcome of this frame's input, computed before drawing from the previous frame.
struct FrameInput {
    std::vector<std::string> activated;  // ids tapped or Enter-ed, in order
    bool back = false;                   // the Back key
    bool help = false;                   // the Help key
    bool any = false;                    // any input at all (keeps the session alive)
    bool released = false;               // a finger lifted or a key released
    std::string explored;                // reading aloud: an element touched once (focused and said, not used)
    // Speech keys (on release).
    bool read_aloud = false, repeat = false, stop_speech = false;
    int volume = 0, rate = 0;  // +1 / -1
    std::string text;          // characters typed on a keyboard this frame
};

// Applies queued events to `state` using last frame's elements.
FrameInput process_input(InputState& state, const std::vector<core::InputEvent>& events);

enum class ButtonStyle { Primary, Secondary, Help, Quiet };

class Ui {
public:
    // Coordinates given to widgets are logical: for a right-to-left language (Arabic, Farsi,
    // Urdu) the Ui mirrors them, so screens lay out once, left to right. Text goes through
    // `shaper` (when given) for Arabic script and for right-aligned lines.
    Ui(InputState& state, const FrameInput& input, const Palette& palette, const Fonts& fonts,
       const core::Translator& tr, std::string lang, float width, float height, ImDrawList* draw,
       Shaper* shaper = nullptr);

    // Interface text in the citizen's language (with fallback).
    const std::string& t(const std::string& key) const { return tr_.tr(lang_, key); }
    std::string t(const std::string& key, const std::vector<std::pair<std::string, std::string>>& args) const {
        return core::format(t(key), args);
    }
    // Interface text for a count: the plural form the language takes for n (see tr_n).
    std::string t_n(const std::string& key, long long n,
                    const std::vector<std::pair<std::string, std::string>>& args) const {
        return core::format(tr_.tr_n(lang_, key, n), args);
    }
    const std::string& lang() const { return lang_; }
    // Interface text in another language (reading aloud in a voice the screen's language lacks).
    const std::string& t_in(const std::string& lang, const std::string& key) const { return tr_.tr(lang, key); }

    float em() const { return fonts_.em; }
    float width() const { return width_; }
    float height() const { return height_; }
    const Palette& palette() const { return palette_; }
    const Fonts& fonts() const { return fonts_; }
    ImDrawList* draw() const { return draw_; }
    // Draws into another list from here on (a layer drawn after the screen, e.g. a call's
    // picture, which a picture-only frame redraws alone). Elements are recorded as before.
    void set_draw_list(ImDrawList* list) { draw_ = list; }

    // ---- output
    void act(core::ActionKind kind, std::string arg = {}, int value = 0) {
        actions_.push_back({kind, std::move(arg), value});
    }
    std::vector<core::Action>& actions() { return actions_; }
    std::vector<Element>& elements() { return elements_; }

    // ---- widgets (all sizes in pixels; use em() to derive them)
    // A button; returns true when it was activated this frame.
    bool button(const std::string& id, const std::string& label, Rect r, ButtonStyle style, std::string_view icon = {},
                ImFont* font = nullptr, bool selected = false);
    // Width a button needs for its label and icon.
    float button_width(const std::string& label, std::string_view icon, ImFont* font, float pad) const;
    // A big rounded tile with an icon, title and subtitle.
    bool tile(const std::string& id, Rect r, std::string_view icon, const std::string& title,
              const std::string& subtitle);
    // A compact tile for lists of many: the icon on the start side, title and subtitle beside
    // it, the subtitle in `subtitle_font` (nullptr: not shown, only read aloud).
    // row_tile_height() is the height it needs at width `w`.
    bool row_tile(const std::string& id, Rect r, std::string_view icon, const std::string& title,
                  const std::string& subtitle, ImFont* subtitle_font);
    float row_tile_height(float w, const std::string& title, const std::string& subtitle, ImFont* subtitle_font) const;
    // Wrapped text; returns its height. Recorded as Text (or Heading) for tests and speech.
    float text(const std::string& id, const std::string& s, float x, float y, float wrap, ImFont* font, Rgb color,
               Role role = Role::Text);
    float text_height(const std::string& s, float wrap, ImFont* font) const;
    float text_width(const std::string& s, ImFont* font) const;
    void icon(std::string_view name, ImFont* font, float cx, float cy, Rgb color);
    void rect(Rect r, Rgb fill, float rounding, Rgb border = 0, float border_width = 0, float alpha = 1.0f);
    void outline(Rect r, Rgb color, float rounding, float width);
    void circle(float cx, float cy, float radius, Rgb color);
    // Text that is drawn but not recorded (a list number beside its recorded line).
    void label(const std::string& s, float x, float y, ImFont* font, Rgb color);
    // The screen's direction, and a logical x in screen pixels (for custom drawing).
    bool rtl() const { return rtl_; }
    float screen_x(float x) const { return rtl_ ? width_ - x : x; }
    Rect screen_rect(Rect r) const { return rtl_ ? Rect{width_ - r.x - r.w, r.y, r.w, r.h} : r; }
    void progress(const std::string& id, Rect r, int n, int total, const std::string& label);
    void image(const std::string& id, Rect r, ImTextureID texture, int w, int h, const std::string& alt);

    // Vertical scrolling region (drag, wheel, keys). Content is drawn at y - offset().
    void begin_scroll(const std::string& id, Rect r);
    float scroll_offset() const;
    float more_strip_height() const;
    void end_scroll(float content_height);

    // Records a drawn thing that is not a widget (a dialog's veil, a QR code) for the tree.
    void mark(const std::string& id, Role role, const std::string& label, Rect r);
    // Gives the element just recorded its own language (and optionally other words for speech).
    void speak_as(const std::string& lang, const std::string& speech = {});
    // The element just recorded shows something that cannot be used now.
    void mark_unavailable();
    // The element just recorded is an on/off switch.
    void mark_toggle();
    // The element just recorded has a recording (a WAV path) that reading aloud plays.
    void attach_audio(const std::string& path);

    static ImU32 col(Rgb c, float alpha = 1.0f);

private:
    enum class Align { Start, Center };
    void record(Element e);
    void focus_ring(Rect r, float rounding);                                           // r in screen pixels
    void fill(Rect r, ImU32 color, float rounding);                                    // screen pixels
    void icon_at(std::string_view name, ImFont* font, float cx, float cy, Rgb color);  // screen pixels
    // Draws text in the box [x, x + box_w) (screen pixels; box_w 0 = as wide as the text),
    // wrapping at box_w; returns its size. Lines start at the screen's start edge, or centre.
    ImVec2 draw_text(const std::string& s, float x, float y, float box_w, ImFont* font, ImU32 color, Align align,
                     bool draw = true) const;
    bool shaped(const std::string& s) const;

    InputState& state_;
    const FrameInput& input_;
    const Palette& palette_;
    const Fonts& fonts_;
    const core::Translator& tr_;
    std::string lang_;
    float width_, height_;
    ImDrawList* draw_;
    std::vector<core::Action> actions_;
    std::vector<Element> elements_;
    std::string scroll_id_;
    Rect scroll_rect_;           // in screen pixels
    Rect scroll_logical_;        // as the screen gave it
    bool scroll_strip_ = false;  // the area keeps a strip for "More below"
    Shaper* shaper_ = nullptr;
    bool rtl_ = false;
};

// Starts a frame: a new screen (another key) starts with focus and scrolling reset.
bool begin_frame(InputState& state, const std::string& screen_key);  // true when the screen changed
// Ends the frame: fixes focus (first element when the focused one is gone), scrolls the
// focused element into view, and keeps the elements for the next frame's hit-testing.
void finish_frame(InputState& state, std::vector<Element>& elements);

}  // namespace ledsager::ui
