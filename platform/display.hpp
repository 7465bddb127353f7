// Where frames go: a real SDL window, or an offscreen surface drawn by SDL's software
// renderer (no display needed: screenshots and UI tests). A window also brings the events
// of its screen, keys and sound devices, translated for the kiosk.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "platform/input.hpp"

struct SDL_Window;
struct SDL_Renderer;
struct SDL_Surface;

namespace ledsager::platform {

class Display {
public:
    // A window. fullscreen = a borderless window covering the display (faster than SDL's
    // fullscreen mode without a window manager). Returns nullptr with `error` set on failure.
    static std::unique_ptr<Display> open_window(int width, int height, bool fullscreen, std::string& error);
    // An offscreen surface of the given size; needs no video subsystem at all.
    static std::unique_ptr<Display> open_offscreen(int width, int height, std::string& error);
    ~Display();

    SDL_Renderer* renderer() const { return renderer_; }
    SDL_Window* window() const { return window_; }
    int width() const { return width_; }
    int height() const { return height_; }
    // Physical size of the display in millimetres per pixel, 0 when unknown.
    double pixels_per_mm() const { return pixels_per_mm_; }
    void present();
    // Writes what was last rendered to a PNG file.
    bool save_png(const std::string& path, std::string& error) const;
    // Hash of the rendered pixels (for "same input, same picture" tests).
    unsigned long long pixel_hash() const;
    // What was last rendered, RGBA, row by row (empty when it cannot be read).
    std::vector<unsigned char> read_pixels() const;

    // What happened at a window, as the kiosk's frame loop needs it.
    struct Event {
        enum class Kind {
            Input,             // a touch, pointer, key or wheel (in `input`)
            Resized,           // the drawing area has a new size (width() and height() say it)
            Exposed,           // the window must be drawn again
            AudioOutputAdded,  // a sound output appeared (a headset plugged in)
            Woken,             // waker() was called
        } kind;
        core::InputEvent input{};
    };
    // Waits up to `timeout_ms` for the next events and returns them all (none on a timeout).
    // Quit requests are dropped: a citizen cannot close the kiosk; systemd stops it.
    std::vector<Event> wait_events(int timeout_ms, const KeyMap& keys);
    // A function any thread may call to end wait_events() at once (Kind::Woken).
    std::function<void()> waker();
    void show_cursor(bool visible);
    // Outside opening hours the screen may go dark and sleep; otherwise it stays on.
    static void allow_sleep(bool allowed);

private:
    Display() = default;
    unsigned wake_event_ = 0;
    SDL_Window* window_ = nullptr;
    SDL_Renderer* renderer_ = nullptr;
    SDL_Surface* surface_ = nullptr;
    int width_ = 0, height_ = 0;
    double pixels_per_mm_ = 0;
};

}  // namespace ledsager::platform
