// SDL's events made into the kiosk's own input (core/input.hpp), with the keypad's keys as
// the config binds them.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/input.hpp"

union SDL_Event;

namespace ledsager::platform {

// SDL key code -> keypad action, built from the config's [keys] table.
using KeyMap = std::map<int, core::Key>;
// Builds the map; false with `error` naming the action and the key name SDL does not know.
bool make_key_map(const std::map<std::string, std::vector<std::string>>& bindings, KeyMap& out, std::string& error);

// Translates one SDL event; nullopt for events the kiosk ignores (including quit requests:
// a citizen cannot close the kiosk). `width`/`height` scale finger coordinates (0..1).
std::optional<core::InputEvent> translate(const SDL_Event& event, int width, int height, float pixel_scale,
                                          const KeyMap& keys);

}  // namespace ledsager::platform
