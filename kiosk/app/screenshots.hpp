// --screenshots: every screen of every guide, in every language, at 100 % and 200 % text,
// in both themes, rendered offscreen to PNG (no display needed).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "app/kiosk_app.hpp"
#include "platform/display.hpp"

namespace ledsager::app {

struct ScreenshotOptions {
    std::filesystem::path out_dir;
    std::vector<std::string> languages;  // empty = every offered language
    std::string guide;                   // empty = every guide
    std::vector<int> scales{100, 200};
    std::vector<bool> themes{false, true};  // high contrast off/on
    int width = 1920, height = 1080;
};

// Returns the number of files written, or -1 on an error (printed to stderr).
// `app` must be attached to `display`.
int render_screenshots(KioskApp& app, const platform::Display& display, const ScreenshotOptions& options);

}  // namespace ledsager::app
