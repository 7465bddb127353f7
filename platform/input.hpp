// Input as the kiosk understands it: pointer (mouse or finger) down/move/up, keys, wheel.
// The app turns SDL events into these; tests inject them directly. Positions are in
// renderer pixels.
#pragma once

#include <optional>

union SDL_Event;

namespace ledsager::platform {

enum class Key { None, Up, Down, Left, Right, Tab, ShiftTab, Enter, Back, Help, PageUp, PageDown };

struct InputEvent {
    enum class Kind { PointerDown, PointerMove, PointerUp, KeyDown, KeyUp, Wheel } kind;
    float x = 0, y = 0;  // pointer position; Wheel: y = lines (positive = up)
    Key key = Key::None;
};

// Translates one SDL event; nullopt for events the kiosk ignores (including quit requests:
// a citizen cannot close the kiosk). `width`/`height` scale finger coordinates (0..1).
std::optional<InputEvent> translate(const SDL_Event& event, int width, int height, float pixel_scale);

}  // namespace ledsager::platform
