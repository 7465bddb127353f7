// The kiosk: core state, the screens and a display's canvas wired together for one frame at
// a time. main() drives it from the window's events and the real clock; tests and the
// screenshot mode drive the very same object with injected input, a fake clock and an
// offscreen display. Everything SDL is behind platform/ (Display, Canvas, ImageCache).
#pragma once

#include <array>
#include <ctime>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/call_picture.hpp"
#include "app/content_updates.hpp"
#include "app/font_atlas.hpp"
#include "app/hub_link.hpp"
#include "app/print_worker.hpp"
#include "app/screen_hours.hpp"
#include "common/content.hpp"
#include "common/remote_settings.hpp"
#include "core/call.hpp"
#include "core/config.hpp"
#include "core/content_store.hpp"
#include "core/i18n.hpp"
#include "core/session.hpp"
#include "core/usage.hpp"
#include "core/voice.hpp"
#include "platform/canvas.hpp"
#include "platform/content_fetch.hpp"
#include "platform/display.hpp"
#include "platform/image.hpp"
#include "platform/input.hpp"
#include "platform/qr.hpp"
#include "platform/video_call.hpp"
#include "ui/announce.hpp"
#include "ui/fonts.hpp"
#include "ui/ui.hpp"

struct ImGuiContext;

namespace ledsager::app {

class KioskApp {
public:
    KioskApp(core::KioskConfig config, common::ContentSet content, core::Translator translator);
    ~KioskApp();
    KioskApp(const KioskApp&) = delete;
    KioskApp& operator=(const KioskApp&) = delete;

    // Sets up drawing on the display (at its size). False with `error` on failure.
    bool attach(const platform::Display& display, std::string& error);
    void resize(int width, int height);
    // Lets go of everything made with the renderer; call before the renderer is destroyed.
    void detach();

    void push(const core::InputEvent& event);
    // True when a frame should be drawn now (input waiting, a timer due, or just after a change).
    bool needs_frame(core::Millis now) const;
    // Whether the frame just drawn had every glyph it showed (none waiting for the next atlas).
    bool frame_whole() const { return !atlas_.shaper().dirty(); }
    // When the kiosk must next wake up by itself (ms), -1 for "only on input".
    core::Millis next_wake(core::Millis now) const;
    // One frame: input, timers, drawing into the renderer (the caller presents it).
    void frame(core::Millis now);
    // Renders as configured but never calls the hub (screenshots must not ask for people).
    void disconnect_hub() { hub_.disconnect(); }
    // Talks to the hub over this channel instead (tests: a fake one; before attach()).
    void use_hub(std::unique_ptr<core::HubChannel> channel) { hub_ = HubLink(std::move(channel)); }
    // Called from another thread (a hub reply, a download, a call, a printed ticket) when
    // there is news (the program wakes its loop).
    void set_hub_wake(std::function<void()> wake);
    // Tests that only read the element record can skip rasterising (draw lists are still built).
    void set_rasterize(bool on) { rasterize_ = on; }
    // Reading aloud through this engine (its voices decide which languages can be read).
    // Reading aloud: platform::Speech in the program, a fake in tests (null: no voice).
    void set_speech(std::unique_ptr<core::Voice> speech);
    core::Voice* speech() { return speech_.get(); }
    // The video call with a caseworker (null when calls cannot be made here).
    // The video call: platform::VideoCall in the program, a fake in tests (null: no calls).
    void use_call(std::unique_ptr<core::CallLine> call) {
        call_ = std::move(call);
        session_.set_video(call_ != nullptr, call_ && call_->camera_present());
    }
    platform::VideoCall* video_call() { return dynamic_cast<platform::VideoCall*>(call_.get()); }
    const ui::Announcer& announcer() const { return announcer_; }
    ui::Announcer& announcer() { return announcer_; }
    // Asks for a redraw (window exposed, etc.).
    void invalidate() { pending_frames_ = std::max(pending_frames_, 1); }

    // Content updates: the store the served content came from, and its version (0 = the
    // installed guides). Without a store (no public key pinned) no bundle is ever taken.
    void set_content_store(std::unique_ptr<core::ContentStore> store, std::int64_t served_version,
                           std::string note = {});
    const core::ContentStore* content_store() const { return updates_.store(); }
    std::int64_t content_version() const { return updates_.served_version(); }
    // A verified bundle waiting for the session to end (0 = none).
    std::int64_t staged_version() const { return updates_.staged_version(); }
    // No citizen is using the kiosk: the attract screen, nothing asked, no call.
    bool idle() const;
    // Remote settings from the hub: the revision applied ("0.0" = none yet).
    const std::string& settings_revision() const { return settings_applied_; }
    // The local time of day, for opening hours (tests set their own).
    void set_wall_clock(std::function<std::time_t()> clock) {
        wall_clock_ = std::move(clock);
        invalidate();
    }
    // Outside opening hours with nobody there: the screen is dark (a touch wakes it).
    bool dark() const { return screen_.dark(); }
    const std::string& last_error() const { return last_error_; }
    const core::UsageRecorder& usage() const { return hub_.usage(); }

    core::Session& session() { return session_; }
    const core::Session& session() const { return session_; }
    const common::ContentSet& content() const { return content_; }
    // Serves other guides from now on (the content studio's previews). The session must not
    // be on a guide: stage a screen after this.
    void serve_content(common::ContentSet content);
    const core::KioskConfig& config() const { return config_; }
    const core::Translator& translator() const { return translator_; }
    const std::vector<ui::Element>& elements() const { return input_.last_elements; }
    const ui::InputState& input_state() const { return input_; }
    int font_rebuilds() const { return atlas_.rebuilds(); }
    int font_additions() const { return atlas_.additions(); }
    // Frames shown while a glyph they needed was not in the atlas yet.
    int frames_missing_glyphs() const { return frames_missing_glyphs_; }
    int fonts_from_cache() const { return atlas_.from_cache(); }
    // The folder the attract screen's font atlas is saved in for the next start (before attach).
    void set_font_cache(std::filesystem::path dir) { atlas_.set_cache_dir(std::move(dir)); }
    int font_texture_px() const { return atlas_.texture_px(); }
    const ui::Fonts& fonts() const { return atlas_.fonts(); }
    // Frames rasterised in full, and frames that redrew only a call's picture.
    std::pair<int, int> frames_drawn() const { return {full_frames_, partial_frames_}; }
    // Microseconds spent rasterising full frames and picture-only frames.
    std::pair<long long, long long> raster_us() const { return {raster_us_[0], raster_us_[1]}; }
    int width() const { return width_; }
    int height() const { return height_; }

private:
    FontAtlas::Need font_need() const;
    void pump_hub(core::Millis now);
    void pump_content(core::Millis now);
    void on_heartbeat_reply(const core::HubReply& reply, core::Millis now);
    void apply_settings(core::Millis now);
    platform::HubClientOptions hub_options() const;
    // Content or settings changed what may be shown: rebuild the font atlas's glyphs, redraw.
    void texts_changed();
    // Sends the next heartbeat at once (IT should hear of a change now, not in 30 s).
    void beat_now(core::Millis now) { hub_.beat_soon(now); }
    bool should_be_dark(core::Millis now) const;
    void pump_call(core::Millis now, bool pictures);
    void speak(std::vector<ui::SpokenPart> parts);

    // The steps of one frame, in order.
    struct FrameStart {
        int pending_frames;
        bool speech;
        std::string speech_lang;
    };
    bool stay_dark(core::Millis now, std::vector<core::InputEvent>& events);  // true: drawn dark
    void ensure_fonts();
    struct Drawn {
        std::vector<core::Action> actions;  // what the screen's taps asked for
        float em = 0;                       // the body text size it was drawn at
        ui::Rgb background{};               // its theme's background
    };
    Drawn draw(core::Millis now, const ui::FrameInput& in);
    void announce(const ui::FrameInput& in, const std::string& drawn_key);
    void add_key_actions(ui::FrameInput in, bool warning, std::vector<core::Action>& actions) const;
    void apply(const std::vector<core::Action>& actions, core::Millis now);
    void after_session(const FrameStart& start);
    void observe_usage(core::Millis now, const std::vector<core::InputEvent>& events);
    void print_tickets();
    void render(bool picture_only, const Drawn& drawn);
    // What decides the picture, apart from input: a timer that changes it needs a frame.
    static std::string signature(const core::Session& session, core::Millis now);

    core::KioskConfig config_;
    common::ContentSet content_;
    core::Translator translator_;
    core::Session session_;
    ui::InputState input_;
    FontAtlas atlas_;
    std::vector<core::InputEvent> queue_;
    std::unique_ptr<platform::ImageCache> images_;
    HubLink hub_;          // heartbeats, the session's calls, usage, remote settings
    PrintWorker printer_;  // tickets are written off the frame loop
    int frames_missing_glyphs_ = 0;
    platform::QrCode qr_;
    std::string qr_text_;
    ImGuiContext* imgui_ = nullptr;
    platform::Canvas canvas_;
    int width_ = 0, height_ = 0;
    int pending_frames_ = 1;
    bool rasterize_ = true;
    std::string drawn_signature_;
    std::unique_ptr<core::Voice> speech_;
    std::unique_ptr<core::CallLine> call_;
    CallPicture picture_;
    core::Millis last_frame_ms_ = -1000;
    core::Millis started_ms_ = -1;
    std::string last_error_;
    common::Heartbeat health(core::Millis now) const;
    // In a call on a software renderer, a frame that only brings a new picture redraws only
    // the picture's rectangle (the rest of the screen is as it was): possible when the last
    // frame drew the whole call screen with its picture.
    bool drawn_full_video_ = false;
    int full_frames_ = 0, partial_frames_ = 0;
    long long raster_us_[2] = {0, 0};
    core::KioskConfig base_config_;  // kiosk.toml (and the device file): remote settings go over it
    std::string settings_applied_ = "0.0", settings_refused_;
    ScreenHours screen_;  // dark outside opening hours
    std::function<std::time_t()> wall_clock_ = [] { return std::time(nullptr); };
    ContentUpdates updates_;  // newer bundles, served between sessions
    ui::Announcer announcer_;
};

}  // namespace ledsager::app
