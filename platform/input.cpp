#include "platform/input.hpp"

#include <SDL.h>

namespace ledsager::platform {

using core::InputEvent;
using core::Key;

bool make_key_map(const std::map<std::string, std::vector<std::string>>& bindings, KeyMap& out, std::string& error) {
    static const std::map<std::string, Key, std::less<>> actions{
        {"up", Key::Up},          {"down", Key::Down},
        {"left", Key::Left},      {"right", Key::Right},
        {"next", Key::Tab},       {"previous", Key::ShiftTab},
        {"enter", Key::Enter},    {"back", Key::Back},
        {"help", Key::Help},      {"read_aloud", Key::ReadAloud},
        {"repeat", Key::Repeat},  {"stop", Key::StopSpeech},
        {"louder", Key::Louder},  {"quieter", Key::Quieter},
        {"faster", Key::Faster},  {"slower", Key::Slower},
        {"page_up", Key::PageUp}, {"page_down", Key::PageDown},
    };
    out.clear();
    for (const auto& [action, names] : bindings) {
        auto a = actions.find(action);
        if (a == actions.end()) {
            error = "keys." + action + ": unknown keypad action";
            return false;
        }
        for (const auto& name : names) {
            const SDL_Keycode code = SDL_GetKeyFromName(name.c_str());
            if (code == SDLK_UNKNOWN) {
                error = "keys." + action + ": \"" + name +
                        "\" is not a key name (see SDL_GetKeyName, e.g. \"Up\", \"Keypad 8\", \"F2\")";
                return false;
            }
            out[static_cast<int>(code)] = a->second;
        }
    }
    return true;
}

std::optional<InputEvent> translate(const SDL_Event& e, int width, int height, float pixel_scale, const KeyMap& keys) {
    using K = InputEvent::Kind;
    switch (e.type) {
        case SDL_MOUSEBUTTONDOWN:
        case SDL_MOUSEBUTTONUP:
            if (e.button.which == SDL_TOUCH_MOUSEID || e.button.button != SDL_BUTTON_LEFT) return std::nullopt;
            return InputEvent{e.type == SDL_MOUSEBUTTONDOWN ? K::PointerDown : K::PointerUp, e.button.x * pixel_scale,
                              e.button.y * pixel_scale};
        case SDL_MOUSEMOTION:
            if (e.motion.which == SDL_TOUCH_MOUSEID) return std::nullopt;
            return InputEvent{K::PointerMove, e.motion.x * pixel_scale, e.motion.y * pixel_scale};
        case SDL_FINGERDOWN:
        case SDL_FINGERUP:
        case SDL_FINGERMOTION: {
            const K kind = e.type == SDL_FINGERDOWN ? K::PointerDown
                           : e.type == SDL_FINGERUP ? K::PointerUp
                                                    : K::PointerMove;
            return InputEvent{kind, e.tfinger.x * width, e.tfinger.y * height};
        }
        case SDL_TEXTINPUT:
            // Typed characters (used only where the kiosk takes text: real-time text in a call).
            return InputEvent{K::Text, 0, 0, Key::None, e.text.text};
        case SDL_MOUSEWHEEL:
            return InputEvent{K::Wheel, 0, static_cast<float>(e.wheel.y)};
        case SDL_KEYDOWN:
        case SDL_KEYUP: {
            // Alt+F4 and similar leave the kiosk through the window manager as SDL_QUIT,
            // which the app ignores; here only the navigation keys mean anything.
            auto it = keys.find(static_cast<int>(e.key.keysym.sym));
            Key key = it == keys.end() ? Key::None : it->second;
            if (key == Key::Tab && (e.key.keysym.mod & KMOD_SHIFT)) key = Key::ShiftTab;
            if (key == Key::None) return std::nullopt;
            return InputEvent{e.type == SDL_KEYDOWN ? K::KeyDown : K::KeyUp, 0, 0, key};
        }
        default:
            return std::nullopt;
    }
}

}  // namespace ledsager::platform
