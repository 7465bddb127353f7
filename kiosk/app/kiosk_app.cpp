#include "app/kiosk_app.hpp"

#include <imgui.h>
#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <vector>

#include "common/languages.hpp"
#include "core/view.hpp"
#include "platform/display.hpp"
#include "platform/hub_client.hpp"
#include "platform/memory.hpp"
#include "platform/printer.hpp"
#include "ui/screens.hpp"

namespace ledsager::app {

KioskApp::KioskApp(core::KioskConfig config, common::ContentSet content, core::Translator translator)
    : config_(std::move(config)),
      content_(std::move(content)),
      translator_(std::move(translator)),
      session_(config_, content_),
      base_config_(config_) {
    screen_.configure(config_.opening_hours, config_.screen_off_when_closed);  // checked when the config was read
    if (!config_.hub_url.empty()) hub_ = HubLink(std::make_unique<platform::HubClient>(hub_options()));
    // The content's version for IT: "installed" or the bundle's, and a short hash of what is served.
    updates_.set_store(nullptr, 0, content_, nullptr);
    // Video calls: through the hub, when GStreamer's WebRTC elements are installed.
    std::string why;
    if (hub_.connected() && config_.video_enabled) {
        if (platform::VideoCall::available(why)) {
            platform::VideoCallOptions o;
            o.base_url = config_.hub_url;
            o.token = config_.hub_token;
            o.ca_file = config_.hub_ca_file;
            o.source = config_.video_source;
            o.camera_device = config_.video_camera;
            o.speaker = config_.video_speaker;
            o.echo_cancel = config_.video_echo_cancel;
            o.loopback = config_.video_loopback;
            o.min_port = config_.video_min_port;
            o.max_port = config_.video_max_port;
            call_ = std::make_unique<platform::VideoCall>(o);
            session_.set_video(true, call_->camera_present());
        } else {
            std::fprintf(stderr, "ledsager-kiosk: video calls are not offered: %s\n", why.c_str());
        }
    }
}

void KioskApp::set_content_store(std::unique_ptr<core::ContentStore> store, std::int64_t served_version,
                                 std::string note) {
    if (!note.empty()) last_error_ = std::move(note);  // a rollback at start-up: IT sees it on the Devices page
    const platform::HubClientOptions hub = hub_options();
    updates_.set_store(std::move(store), served_version, content_, hub_.connected() ? &hub : nullptr);
}

platform::HubClientOptions KioskApp::hub_options() const {
    return {config_.hub_url, config_.hub_token, config_.hub_ca_file, config_.hub_timeout_s};
}

void KioskApp::texts_changed() {
    atlas_.texts_changed();
    invalidate();
}

bool KioskApp::idle() const {
    const auto& d = session_.data();
    return d.screen == core::Screen::Attract && d.escalation.phase == core::Escalation::Phase::None &&
           (!call_ || !call_->running());
}

void KioskApp::on_heartbeat_reply(const core::HubReply& reply, core::Millis now) {
    // Remote settings changed on the hub: fetch them (applied between sessions).
    if (reply.ok) hub_.want_settings(reply.settings_revision, settings_applied_, settings_refused_);
    updates_.offered(reply, now);
}

void KioskApp::apply_settings(core::Millis now) {
    if (!hub_.settings_waiting() || !idle()) return;
    const auto [revision, body] = *hub_.take_settings();
    // Over kiosk.toml every time (a setting removed on the hub goes back to the file's value).
    core::KioskConfig c = base_config_;
    std::string error;
    std::vector<std::string> usable;
    if (core::apply_remote_settings(body, c, error)) {
        for (const auto& code : c.offered)
            if (translator_.has_language(code)) usable.push_back(code);
        if (usable.empty()) error = "languages: none of them has an interface catalogue here";
    }
    if (!error.empty()) {
        // The kiosk keeps what it had; IT sees why on the Devices page.
        last_error_ = "settings " + revision + " refused: " + error;
        std::fprintf(stderr, "ledsager-kiosk: %s\n", last_error_.c_str());
        settings_refused_ = revision;
        beat_now(now);
        return;
    }
    c.offered = usable;
    if (std::find(usable.begin(), usable.end(), c.default_language) == usable.end())
        c.default_language = usable.front();
    config_ = std::move(c);  // the session refers to config_ (the same object)
    screen_.configure(config_.opening_hours, config_.screen_off_when_closed);  // checked by apply_remote_settings
    settings_applied_ = revision;
    if (last_error_.rfind("settings ", 0) == 0) last_error_.clear();
    session_.settings_changed();
    texts_changed();  // other languages, other front-desk texts: the atlas follows
    std::fprintf(stderr, "ledsager-kiosk: settings %s from the hub applied\n", revision.c_str());
}

bool KioskApp::should_be_dark(core::Millis now) const {
    return screen_.should_be_dark(now, wall_clock_(), idle());
}

void KioskApp::pump_content(core::Millis now) {
    apply_settings(now);
    const auto outcome = updates_.pump(now, idle(), content_, last_error_);  // the session refers to content_
    if (outcome.switched) {
        texts_changed();
        if (canvas_.renderer()) images_ = std::make_unique<platform::ImageCache>(canvas_.renderer());
    }
    if (outcome.tell_hub) beat_now(now);
}

void KioskApp::serve_content(common::ContentSet content) {
    session_.wipe(0, false);  // the session refers to content_
    content_ = std::move(content);
    texts_changed();
    if (canvas_.renderer()) images_ = std::make_unique<platform::ImageCache>(canvas_.renderer());
}

void KioskApp::set_hub_wake(std::function<void()> wake) {
    printer_.set_wake(wake);
    if (call_) call_->set_wake(wake);
    updates_.set_wake(wake);
    hub_.set_wake(std::move(wake));
}

void KioskApp::pump_call(core::Millis now, bool pictures) {
    if (!call_) return;
    if (std::string failure = core::follow_session(*call_, session_, now); !failure.empty())
        last_error_ = std::move(failure);
    if (pictures) picture_.update(*call_, canvas_);  // before drawing, never under a draw list
}

common::Heartbeat KioskApp::health(core::Millis now) const {
    common::Heartbeat h;
    h.version = LEDSAGER_VERSION;
    h.uptime_s = started_ms_ < 0 ? 0 : (now - started_ms_) / 1000;
    h.content_version = updates_.label();
    std::error_code ec;
    h.printer = config_.printer_device.empty()                        ? "none"
                : std::filesystem::exists(config_.printer_device, ec) ? "ok"
                                                                      : "missing";
    if (h.printer == "ok" && session_.data().escalation.print == core::Escalation::Print::Failed) h.printer = "failing";
    h.camera = !call_ ? "none" : call_->camera_present() ? "ok" : "missing";
    h.audio = speech_ ? "ok" : "missing";
    h.last_error = last_error_;
    h.screen = screen_.dark() ? "dark" : "on";
    return h;
}

void KioskApp::pump_hub(core::Millis now) {
    if (started_ms_ < 0) started_ms_ = now;
    if (hub_.heartbeat_due(now)) hub_.beat(now, health(now));
    const auto replies = hub_.take_replies();
    for (const auto& reply : replies.heartbeats)
        on_heartbeat_reply(reply, now);
    for (const auto& reply : replies.session)
        session_.on_hub_reply(reply, now);
    if (hub_.connected())
        while (auto call = session_.next_hub_call(now))
            hub_.submit(*call);
    hub_.send_usage(now);
    pump_content(now);
    // The QR code for the queue number, made once per number.
    const std::string& number = session_.data().escalation.number;
    if (number != qr_text_) {
        qr_text_ = number;
        qr_ = number.empty() ? platform::QrCode{} : platform::make_qr(number);
    }
}

KioskApp::~KioskApp() {
    detach();
}

void KioskApp::detach() {
    if (!imgui_) return;
    ImGui::SetCurrentContext(imgui_);
    images_.reset();
    picture_.drop();
    atlas_.release();
    canvas_.detach();
    ImGui::DestroyContext(imgui_);
    imgui_ = nullptr;
}

bool KioskApp::attach(const platform::Display& display, std::string& error) {
    const int width = display.width(), height = display.height();
    width_ = width;
    height_ = height;
    imgui_ = ImGui::CreateContext();
    ImGui::SetCurrentContext(imgui_);
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;  // nothing of a session reaches disk, not even window positions
    io.LogFilename = nullptr;
    io.DisplaySize = ImVec2(static_cast<float>(width), static_cast<float>(height));
    if (!canvas_.attach(display.renderer(), error)) return false;
    images_ = std::make_unique<platform::ImageCache>(display.renderer());
    atlas_.load();
    return atlas_.ensure(font_need(), {content_, translator_, config_}, canvas_, error);
}

void KioskApp::resize(int width, int height) {
    if (width == width_ && height == height_) return;
    width_ = width;
    height_ = height;
    invalidate();
}

void KioskApp::push(const core::InputEvent& event) {
    queue_.push_back(event);
}

void KioskApp::set_speech(std::unique_ptr<core::Voice> speech) {
    speech_ = std::move(speech);
    std::vector<std::string> codes;
    for (const auto& l : common::kLanguages)
        codes.emplace_back(l.code);
    session_.set_voices(speech_ ? speech_->voices_for(codes) : std::vector<std::string>{});
    if (started_ms_ >= 0) beat_now(last_frame_ms_);  // after a heartbeat: IT hears of the sound at once
    invalidate();
}

void KioskApp::speak(std::vector<ui::SpokenPart> parts) {
    if (!speech_ || parts.empty()) return;
    const auto& d = session_.data();
    const int wpm = config_.speech_rate_wpm * (100 + 20 * d.speech_rate) / 100;
    const int volume = std::clamp(config_.speech_volume + 25 * d.speech_volume, 0, 200);
    std::vector<core::SpeechRequest> requests;
    for (auto& p : parts)
        requests.push_back({std::move(p.text), std::move(p.lang), wpm, volume, std::move(p.audio)});
    speech_->say(std::move(requests));
}

core::Millis KioskApp::next_wake(core::Millis now) const {
    core::Millis due = session_.next_deadline(now);
    if (hub_.connected()) due = due < 0 ? hub_.next_heartbeat() : std::min(due, hub_.next_heartbeat());
    // Opening hours: look at the clock once a minute (and when a woken screen may go dark again).
    if (const core::Millis check = screen_.next_check(now); check >= 0) due = due < 0 ? check : std::min(due, check);
    // In a call, who is speaking changes all the time: look again ten times a second.
    if (call_ && call_->running() && session_.data().screen == core::Screen::Call)
        return due < 0 ? now + 100 : std::min(due, now + 100);
    return due;
}

std::string KioskApp::signature(const core::Session& s, core::Millis now) {
    const auto& d = s.data();
    const auto& e = d.escalation;
    return ui::screen_key(s) + "|" + d.lang + "|" + std::to_string(d.text_scale) + (d.high_contrast ? "|hc" : "") +
           (d.warning ? "|" + std::to_string(s.countdown_seconds(now)) : "") + "|" + e.number + "|" + e.claimed_by +
           "|" + std::to_string(static_cast<int>(e.phase)) + std::to_string(e.position) + (e.unreachable ? "u" : "") +
           "|" + core::call_phase_name(d.call.phase) + "|" + d.call.caseworker + (d.call.muted ? "m" : "") +
           (d.call.camera_off ? "c" : "") + (d.call.keyboard ? "k" : "") + "|" + d.call.my_text + "|" +
           d.call.their_text + "|" + std::to_string(static_cast<int>(d.speech_dialog));
}

bool KioskApp::needs_frame(core::Millis now) const {
    if (!queue_.empty() || pending_frames_ > 0) return true;
    if (hub_.heartbeat_due(now)) return true;  // the heartbeat goes out from the frame
    if (hub_.has_replies()) return true;
    if (updates_.has_news(idle())) return true;
    // A ticket printed (its outcome to show), or one waiting for the printer to be free.
    using Print = core::Escalation::Print;
    const Print print = session_.data().escalation.print;
    if ((print == Print::Requested || print == Print::Printing) && !printer_.busy()) return true;
    if (hub_.settings_waiting() && idle()) return true;
    if (should_be_dark(now) != screen_.dark()) return true;
    // A call's new pictures: drawn at most 25 times a second (each frame costs the renderer).
    if (call_ && picture_.has_news(*call_) && now - last_frame_ms_ >= 40) return true;
    const core::Millis due = session_.next_deadline(now);
    if (due < 0 || now < due - 1000) return false;
    // A timer is due: draw only if what is on screen would change.
    core::Session later = session_;
    later.tick(now);
    if (signature(later, now) != drawn_signature_) return true;
    // A call to the hub is due (sending, polling, withdrawing a request, a quiet signal).
    return hub_.connected() && later.next_hub_call(now).has_value();
}

void KioskApp::frame(core::Millis now) {
    ImGui::SetCurrentContext(imgui_);
    last_frame_ms_ = now;
    const FrameStart start{pending_frames_, session_.data().speech, session_.speech_language()};
    session_.tick(now);
    pump_hub(now);
    pump_call(now, true);
    std::vector<core::InputEvent> events = std::move(queue_);
    queue_.clear();
    if (stay_dark(now, events)) return;

    // Input, on the screen as it was drawn last.
    const std::string drawn_key = ui::screen_key(session_);
    const bool new_screen = ui::begin_frame(input_, drawn_key);
    input_.explore = session_.data().speech;  // the first touch says, the second uses
    ui::FrameInput in = ui::process_input(input_, events);
    // Taps aimed at the previous screen (a timer changed it meanwhile) must not act on this one.
    if (new_screen) in.activated.clear();
    // While "Are you still there?" shows, its buttons decide; any other tap or key continues.
    const bool warning = session_.data().warning;
    if (in.any && !warning) session_.activity(now);

    // Drawing: the screen's taps become actions; reading aloud follows what was drawn.
    ensure_fonts();
    Drawn drawn = draw(now, in);
    // A new screen lacked shaped (Arabic-script) glyphs: with nothing touched in this frame
    // (a pointer that only moved acts on nothing), they go into the atlas and the screen is
    // drawn again before it is shown, so no frame shows missing letters.
    const bool only_moved = std::all_of(events.begin(), events.end(), [](const core::InputEvent& e) {
        return e.kind == core::InputEvent::Kind::PointerMove;
    });
    // Lines broken anew with the added glyphs' true widths may need a few more: a few passes.
    for (int pass = 0; pass < 3 && atlas_.shaper().dirty() && only_moved && drawn.actions.empty(); ++pass) {
        ImGui::EndFrame();
        ensure_fonts();
        drawn = draw(now, in);
    }
    std::vector<core::Action>& actions = drawn.actions;
    const bool speech_before = session_.data().speech;
    if (in.read_aloud && speech_before) in.repeat = true;
    announce(in, drawn_key);
    add_key_actions(in, warning, actions);

    // The session.
    apply(actions, now);
    after_session(start);
    if (!actions.empty()) {
        pump_hub(now);  // send at once what the citizen just asked for
        pump_call(now, false);
    }
    observe_usage(now, events);
    print_tickets();

    ImGui::Render();
    const std::string new_signature = signature(session_, now);
    if (rasterize_) {
        // Only a new picture in a call (nothing touched, nothing else changed): redraw just
        // the picture's rectangle.
        const bool picture_only = canvas_.software() && picture_.region().w > 0 && events.empty() && actions.empty() &&
                                  !new_screen && start.pending_frames == 0 && new_signature == drawn_signature_ &&
                                  drawn_full_video_ && session_.data().speech_dialog == core::SpeechDialog::None &&
                                  !session_.data().warning;
        render(picture_only, drawn);
        if (atlas_.shaper().dirty()) ++frames_missing_glyphs_;  // shown with '?' for a glyph
    }
    drawn_signature_ = new_signature;
    // Draw again after a change (the new screen) and while a finger is down (pressed look).
    if (!actions.empty() || !events.empty())
        pending_frames_ = 2;
    else if (pending_frames_ > 0)
        --pending_frames_;
    // Text needed glyphs the atlas lacks (a new Arabic-script screen): add them and draw again.
    if (atlas_.shaper().dirty()) pending_frames_ = std::max(pending_frames_, 1);
}

bool KioskApp::stay_dark(core::Millis now, std::vector<core::InputEvent>& events) {
    // Outside opening hours, with nobody there: a dark screen, and the display may sleep.
    // A touch or key wakes it (that touch only wakes it) for a minute; a session keeps it lit.
    if (should_be_dark(now)) {
        bool touched = false;
        for (const auto& e : events)
            touched |= e.kind == core::InputEvent::Kind::PointerDown || e.kind == core::InputEvent::Kind::KeyDown;
        if (!touched) {
            if (screen_.set_dark(true)) {
                platform::Display::allow_sleep(true);
                beat_now(now);  // IT sees "closed", not a fault
                std::fprintf(stderr, "ledsager-kiosk: closed (opening hours): screen dark\n");
            }
            input_.last_elements.clear();
            if (rasterize_) canvas_.clear(0x000000);
            drawn_signature_ = "dark";
            if (pending_frames_ > 0) --pending_frames_;
            return true;
        }
        screen_.wake(now);
        pending_frames_ = std::max(pending_frames_, 1);
        events.clear();
    }
    if (screen_.set_dark(false)) {
        platform::Display::allow_sleep(false);
        std::fprintf(stderr, "ledsager-kiosk: screen lit (%s)\n", screen_.woken(now) ? "touched" : "opening hours");
    }
    return false;
}

FontAtlas::Need KioskApp::font_need() const {
    const auto& d = session_.data();
    return {d.lang, d.text_scale, height_, d.screen == core::Screen::Attract};
}

void KioskApp::ensure_fonts() {
    // Keep serving with the fonts there are (logged once, not every frame).
    if (std::string error; !atlas_.ensure(font_need(), {content_, translator_, config_}, canvas_, error))
        std::fprintf(stderr, "ledsager-kiosk: %s\n", error.c_str());
}

KioskApp::Drawn KioskApp::draw(core::Millis now, const ui::FrameInput& in) {
    // Illustrations are loaded here, before drawing, never inside draw code.
    const auto step = core::step_view(session_);
    if (!step.image_path.empty()) images_->get(step.image_path);

    ImGuiIO& io = ImGui::GetIO();
    io.DisplaySize = ImVec2(static_cast<float>(width_), static_cast<float>(height_));
    io.DeltaTime = 1.0f / 60.0f;
    canvas_.new_frame();
    ImGui::NewFrame();

    const ui::Palette& palette = session_.data().high_contrast ? ui::high_contrast_palette() : ui::default_palette();
    ui::Ui ui(input_, in, palette, atlas_.fonts(), translator_, session_.data().lang, static_cast<float>(width_),
              static_cast<float>(height_), ImGui::GetBackgroundDrawList(), &atlas_.shaper());
    ui::ScreenContext ctx{session_,
                          content_,
                          config_,
                          now,
                          [this](const std::string& path) {
                              const platform::Texture* t = images_->find(path);
                              return t ? ui::ImageRef{t->texture, t->width, t->height} : ui::ImageRef{};
                          },
                          ui::QrView{qr_.size, &qr_.modules}};
    if (call_) ctx.call = picture_.view(*call_, ui, canvas_);
    ui::draw_screen(ui, ctx);
    ui::finish_frame(input_, ui.elements());
    // The colours and sizes the screen was drawn in (the session may change them before it is shown).
    return {std::move(ui.actions()), ui.em(), palette.background};
}

void KioskApp::announce(const ui::FrameInput& in, const std::string& drawn_key) {
    // Reading aloud, from the elements just drawn: a new screen, a focus move, Repeat.
    const bool on = session_.data().speech;
    const std::string speech_lang = session_.speech_language().empty() ? "en" : session_.speech_language();
    speak(announcer_.after_frame({input_.last_elements, drawn_key, in, on, session_.data().lang, speech_lang,
                                  translator_, [this](const std::string& l) { return session_.has_voice(l); }}));
    if (in.stop_speech && speech_) speech_->stop();
}

void KioskApp::add_key_actions(ui::FrameInput in, bool warning, std::vector<core::Action>& actions) const {
    using K = core::ActionKind;
    const auto& d = session_.data();
    if (in.read_aloud && !d.speech && session_.speech_available()) actions.push_back({K::ReadAloud});
    if (in.volume && d.speech) actions.push_back({K::SpeechVolume, {}, in.volume});
    if (in.rate && d.speech) actions.push_back({K::SpeechRate, {}, in.rate});
    // In a call, typed characters and the Back key (backspace) go to the real-time text.
    const bool in_call = d.screen == core::Screen::Call &&
                         (d.call.phase == core::CallPhase::Connecting || d.call.phase == core::CallPhase::Active ||
                          d.call.phase == core::CallPhase::Reconnecting);
    if (in_call && !in.text.empty()) actions.push_back({K::CallType, in.text});
    if (in_call && in.back) {
        actions.push_back({K::CallErase});
        in.back = false;
    }
    if (in.help) actions.push_back({K::OpenHelp});
    if (in.back && !d.warning) actions.push_back({K::Back});
    if (warning && in.released && actions.empty()) actions.push_back({K::Continue});
}

void KioskApp::apply(const std::vector<core::Action>& actions, core::Millis now) {
    const bool speech_before = session_.data().speech;
    const std::string speech_lang_before = session_.speech_language();
    for (const auto& a : actions) {
        session_.apply(a, now);
        // Changes to reading aloud itself are said at once, in the new speed and volume.
        const auto& d = session_.data();
        const std::string lang = session_.speech_language();
        if (a.kind == core::ActionKind::SpeechOff && speech_before) {
            const std::string off = translator_.tr(speech_lang_before, ui::N_("speech.off"));
            announcer_.note(off);
            speak({{off, speech_lang_before, {}}});
        } else if ((a.kind == core::ActionKind::SpeechRate || a.kind == core::ActionKind::SpeechVolume) && d.speech &&
                   !lang.empty()) {
            const bool rate = a.kind == core::ActionKind::SpeechRate;
            const int n = (rate ? d.speech_rate : d.speech_volume) + core::kSpeechSteps + 1;
            const std::string text =
                core::format(translator_.tr(lang, rate ? ui::N_("speech.rate") : ui::N_("speech.volume")),
                             {{"n", std::to_string(n)}, {"total", std::to_string(2 * core::kSpeechSteps + 1)}});
            announcer_.note(text);
            speak({{text, lang, {}}});
        }
    }
}

void KioskApp::after_session(const FrameStart& start) {
    const auto& d = session_.data();
    if (start.speech && !d.speech && d.screen == core::Screen::Wiped) {
        // The session ended while reading aloud: say that it was deleted, then fall silent.
        const std::string lang = session_.has_voice(d.lang) ? d.lang : start.speech_lang;
        std::string text =
            translator_.tr(lang, ui::N_("wiped.title")) + "\n" + translator_.tr(lang, ui::N_("wiped.body"));
        announcer_.clear_log();  // what was read during the session goes with it
        announcer_.note(text);
        speak({{std::move(text), lang, {}}});
    }
    // Back on the attract screen nothing of the last session is kept, not even what was read.
    if (d.screen == core::Screen::Attract && !d.speech && !announcer_.said().empty()) announcer_.clear_log();
}

void KioskApp::observe_usage(core::Millis now, const std::vector<core::InputEvent>& events) {
    // What happened, anonymously, for the insight reports (only with a hub to send it to).
    if (!hub_.connected()) return;
    bool keypad = false;
    for (const auto& e : events)
        keypad |= e.kind == core::InputEvent::Kind::KeyDown;
    const std::time_t wall = wall_clock_();
    std::tm tm{};
    localtime_r(&wall, &tm);
    char day[16];
    std::strftime(day, sizeof day, "%Y-%m-%d", &tm);
    hub_.usage().observe(session_.data(), now, day, tm.tm_hour, keypad);
}

void KioskApp::print_tickets() {
    // A ticket is written on its own thread; the next one waits until the printer is free.
    if (!printer_.busy() && session_.take_print_request()) {
        const auto& lang = session_.data().lang;
        platform::Ticket ticket{translator_.tr(lang, "waiting.your_number"), session_.data().escalation.number,
                                translator_.tr(lang, ui::N_("ticket.note")), config_.site_name};
        printer_.submit(config_.printer_device, platform::escpos_ticket(ticket));
    }
    if (auto printed = printer_.take()) {
        if (!printed->ok) {
            std::fprintf(stderr, "ledsager-kiosk: %s\n", printed->error.c_str());  // the device, never the citizen
            last_error_ = printed->error;
        }
        session_.printed(printed->ok);
        pending_frames_ = 2;
    }
}

void KioskApp::render(bool picture_only, const Drawn& drawn) {
    const ui::Rgb bg = drawn.background;
    ImDrawData* dd = ImGui::GetDrawData();
    const auto t_raster = std::chrono::steady_clock::now();
    const ui::Rect& video = picture_.region();
    if (picture_only) {
        const float grow = drawn.em * 0.3f;  // the speaking ring sits on the edge
        const ImVec4 r{video.x - grow, video.y - grow, video.right() + grow, video.bottom() + grow};
        // Only the picture's layer (the foreground list) is drawn, clipped to the picture;
        // the screen under it stays as it was.
        for (int i = 0; i < dd->CmdListsCount; ++i) {
            const bool picture_layer = dd->CmdLists[i] == ImGui::GetForegroundDrawList();
            for (auto& cmd : dd->CmdLists[i]->CmdBuffer) {
                if (!picture_layer) {
                    cmd.ClipRect = ImVec4(0, 0, 0, 0);
                    continue;
                }
                cmd.ClipRect.x = std::max(cmd.ClipRect.x, r.x);
                cmd.ClipRect.y = std::max(cmd.ClipRect.y, r.y);
                cmd.ClipRect.z = std::min(cmd.ClipRect.z, r.z);
                cmd.ClipRect.w = std::min(cmd.ClipRect.w, r.w);
            }
        }
        canvas_.fill(bg, static_cast<int>(r.x), static_cast<int>(r.y), static_cast<int>(r.z - r.x),
                     static_cast<int>(r.w - r.y));
        ++partial_frames_;
    } else {
        canvas_.clear(bg);
        ++full_frames_;
    }
    canvas_.draw(dd);
    raster_us_[picture_only ? 1 : 0] +=
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t_raster).count();
    drawn_full_video_ = video.w > 0;
}

}  // namespace ledsager::app
