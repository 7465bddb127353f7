// --screenshots: every screen of every guide, in every language, at 100 % and 200 % text,
// in both themes, rendered offscreen to PNG (no display needed). The plan of screens is
// shared with the layout tests, so what is checked is what is pictured.
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

// One screen to picture: which screen, on which guide and step, in which state.
struct Shot {
    core::Screen screen;
    std::string guide, step, name;
    bool warning = false;
    core::Escalation::Phase phase = core::Escalation::Phase::None;
    core::SpeechDialog speech = core::SpeechDialog::None;  // a reading-aloud dialog on top
    core::CallPhase call = core::CallPhase::None;          // a video call's screen (Consent: the video consent)
    bool keyboard = false;                                 // the call's on-screen keyboard open
};

// Every screen: the kiosk's own (when `guide` is empty), then every screen of each guide.
std::vector<Shot> screenshot_plan(const common::ContentSet& content, const std::string& guide = {});
// Puts the session of `app` on `shot` in the given language, text size and theme.
void stage(KioskApp& app, const Shot& shot, const std::string& lang, int scale, bool high_contrast, core::Millis now);

// Returns the number of files written, or -1 on an error (printed to stderr).
// `app` must be attached to `display`.
int render_screenshots(KioskApp& app, const platform::Display& display, const ScreenshotOptions& options);

}  // namespace ledsager::app
