#include "platform/input.hpp"

#include <SDL.h>

namespace ledsager::platform {

namespace {
Key map_key(const SDL_Keysym& k) {
    switch (k.sym) {
        case SDLK_UP: return Key::Up;
        case SDLK_DOWN: return Key::Down;
        case SDLK_LEFT: return Key::Left;
        case SDLK_RIGHT: return Key::Right;
        case SDLK_TAB: return (k.mod & KMOD_SHIFT) ? Key::ShiftTab : Key::Tab;
        case SDLK_RETURN:
        case SDLK_KP_ENTER:
        case SDLK_SPACE: return Key::Enter;
        case SDLK_ESCAPE:
        case SDLK_BACKSPACE:
        case SDLK_AC_BACK: return Key::Back;
        case SDLK_F1:
        case SDLK_HELP: return Key::Help;
        case SDLK_PAGEUP: return Key::PageUp;
        case SDLK_PAGEDOWN: return Key::PageDown;
        default: return Key::None;
    }
}
}  // namespace

std::optional<InputEvent> translate(const SDL_Event& e, int width, int height, float pixel_scale) {
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
            const K kind = e.type == SDL_FINGERDOWN ? K::PointerDown : e.type == SDL_FINGERUP ? K::PointerUp : K::PointerMove;
            return InputEvent{kind, e.tfinger.x * width, e.tfinger.y * height};
        }
        case SDL_MOUSEWHEEL:
            return InputEvent{K::Wheel, 0, static_cast<float>(e.wheel.y)};
        case SDL_KEYDOWN:
        case SDL_KEYUP: {
            // Alt+F4 and similar leave the kiosk through the window manager as SDL_QUIT,
            // which the app ignores; here only the navigation keys mean anything.
            const Key key = map_key(e.key.keysym);
            if (key == Key::None) return std::nullopt;
            return InputEvent{e.type == SDL_KEYDOWN ? K::KeyDown : K::KeyUp, 0, 0, key};
        }
        default:
            return std::nullopt;
    }
}

}  // namespace ledsager::platform
