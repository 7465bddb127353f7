// Input as the kiosk understands it: pointer (mouse or finger) down/move/up, keys, wheel.
// The app turns SDL events into these; tests inject them directly. Positions are in
// renderer pixels.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

union SDL_Event;

namespace ledsager::platform {

enum class Key {
    None, Up, Down, Left, Right, Tab, ShiftTab, Enter, Back, Help, PageUp, PageDown,
    ReadAloud,   // turns reading aloud on (or repeats when it is on)
    Repeat,      // says the screen again
    StopSpeech,  // stops the current speech (reading aloud stays on)
    Louder, Quieter, Faster, Slower,
};

struct InputEvent {
    enum class Kind { PointerDown, PointerMove, PointerUp, KeyDown, KeyUp, Wheel, Text } kind;
    float x = 0, y = 0;  // pointer position; Wheel: y = lines (positive = up)
    Key key = Key::None;
    std::string text{};  // Text: characters typed on a keyboard (UTF-8)
};

// SDL key code -> keypad action, built from the config's [keys] table.
using KeyMap = std::map<int, Key>;
// Builds the map; false with `error` naming the action and the key name SDL does not know.
bool make_key_map(const std::map<std::string, std::vector<std::string>>& bindings, KeyMap& out, std::string& error);

// Translates one SDL event; nullopt for events the kiosk ignores (including quit requests:
// a citizen cannot close the kiosk). `width`/`height` scale finger coordinates (0..1).
std::optional<InputEvent> translate(const SDL_Event& event, int width, int height, float pixel_scale, const KeyMap& keys);

}  // namespace ledsager::platform
