// Where frames go: a real SDL window, or an offscreen surface drawn by SDL's software
// renderer (no display needed: screenshots and UI tests).
#pragma once

#include <memory>
#include <string>
#include <vector>

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

private:
    Display() = default;
    SDL_Window* window_ = nullptr;
    SDL_Renderer* renderer_ = nullptr;
    SDL_Surface* surface_ = nullptr;
    int width_ = 0, height_ = 0;
    double pixels_per_mm_ = 0;
};

}  // namespace ledsager::platform
