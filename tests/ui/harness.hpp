// Drives the real kiosk (KioskApp: the same object the program runs) headless: an
// offscreen software renderer, a fake clock, and input injected as taps and key presses,
// frame by frame. Assertions read what is on screen: the element record of the last frame.
#pragma once

#include <doctest/doctest.h>

#include <deque>
#include <functional>
#include <memory>
#include <string>

#include "app/kiosk_app.hpp"
#include "fake_voice.hpp"
#include "platform/display.hpp"

namespace ledsager::test {

// The whole of a text file ("" when it cannot be read).
std::string read_file(const std::string& path);

class Harness {
public:
    // `font_cache`: the folder the attract screen's font atlas is kept in (none by default).
    explicit Harness(core::KioskConfig config = {}, std::string guides_dir = LEDSAGER_SOURCE_ASSETS "/guides",
                     std::string po_dir = LEDSAGER_SOURCE_PO, int width = 1920, int height = 1080,
                     std::string font_cache = "");

    app::KioskApp& app() { return *app_; }
    const platform::Display& display() const { return *display_; }
    core::Session& session() { return app_->session(); }
    const std::vector<ui::Element>& elements() const { return app_->elements(); }
    core::Millis now() const { return now_; }

    // One frame, 1/60 s later.
    void frame();
    // Lets `ms` pass, drawing a frame each second of it (timers fire at their time).
    void wait(core::Millis ms);
    // Taps the centre of the element with this id; scrolls it into view first. Fails the
    // test when it is not on screen.
    void tap(const std::string& id);
    void tap_at(float x, float y);
    void key(core::Key k);
    void set_rasterize(bool on) { app_->set_rasterize(on); }
    // Reading aloud with the real espeak-ng voices (no sound device: samples are made, not played).
    void enable_speech();
    // Reading aloud with a fake reader that has voices for `langs` and keeps what it is
    // asked to say (owned by the kiosk; valid while the harness lives).
    FakeVoice* use_fake_voice(std::vector<std::string> langs);
    // What reading aloud said, most recent last.
    const std::deque<std::string>& said() const { return app_->announcer().said(); }

    const ui::Element* find(const std::string& id) const;
    // True when visible text or a button on screen contains `text`.
    bool shows(const std::string& text) const;
    std::string screen_text() const;  // everything visible, one element a line (for messages)
    std::string focused() const;
    bool save(const std::string& path);
    unsigned long long pixel_hash() const { return display_->pixel_hash(); }

private:
    std::unique_ptr<platform::Display> display_;
    std::unique_ptr<app::KioskApp> app_;
    core::Millis now_ = 10'000;
};

// Runs frames (fake clock 100 ms a step, real time 10 ms) until `pred` holds or `seconds` of
// real time pass: for what arrives from another thread (the hub's answers, a download).
bool until(Harness& h, const std::function<bool()>& pred, int seconds = 10);

}  // namespace ledsager::test
