// Input as the kiosk understands it: pointer (mouse or finger) down/move/up, keys, wheel,
// text. Plain values: the platform makes them from SDL's events (platform/input.hpp), the UI
// reads them, tests inject them directly. Positions are in renderer pixels.
#pragma once

#include <string>

namespace ledsager::core {

enum class Key {
    None,
    Up,
    Down,
    Left,
    Right,
    Tab,
    ShiftTab,
    Enter,
    Back,
    Help,
    PageUp,
    PageDown,
    ReadAloud,   // turns reading aloud on (or repeats when it is on)
    Repeat,      // says the screen again
    StopSpeech,  // stops the current speech (reading aloud stays on)
    Louder,
    Quieter,
    Faster,
    Slower,
};

struct InputEvent {
    enum class Kind { PointerDown, PointerMove, PointerUp, KeyDown, KeyUp, Wheel, Text } kind;
    float x = 0, y = 0;  // pointer position; Wheel: y = lines (positive = up)
    Key key = Key::None;
    std::string text{};  // Text: characters typed on a keyboard (UTF-8)
};

}  // namespace ledsager::core
