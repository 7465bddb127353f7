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

namespace {

bool in_every_atlas(const std::string& code, const core::KioskConfig& config) {
    // English and Danish (the fallbacks) and the attract screen's language, so that going
    // back to the attract screen needs no new atlas.
    return code == "en" || code == "da" || code == config.default_language;
}

}  // namespace

std::vector<std::string> displayable_texts(const common::ContentSet& content, const core::Translator& tr,
                                           const core::KioskConfig& config, const std::string& lang) {
    std::vector<std::string> texts;
    auto wanted = [&](const std::string& code) { return lang.empty() || code == lang || in_every_atlas(code, config); };
    for (const auto& code : config.offered) {
        if (const auto* l = common::find_language(code)) texts.emplace_back(l->native_name);
        if (!wanted(code)) continue;
        if (const auto* cat = tr.catalog(code))
            for (const auto& [k, v] : *cat)
                texts.push_back(v);
        if (const auto* plurals = tr.plural_catalog(code))
            for (const auto& [k, forms] : *plurals)
                texts.insert(texts.end(), forms.begin(), forms.end());
        if (auto it = config.front_desk.find(code); it != config.front_desk.end()) texts.push_back(it->second);
    }
    for (const auto& g : content.guides)
        for (const auto& [code, t] : g.text) {
            if (!wanted(code)) continue;
            texts.push_back(t.title);
            texts.push_back(t.subtitle);
            texts.push_back(t.end_title);
            texts.push_back(t.end_summary);
            for (const auto& n : t.needs)
                texts.push_back(n);
            for (const auto& [id, s] : t.steps) {
                texts.push_back(s.title);
                texts.push_back(s.text);
                for (const auto& [cid, label] : s.choices)
                    texts.push_back(label);
            }
        }
    return texts;
}

KioskApp::KioskApp(core::KioskConfig config, common::ContentSet content, core::Translator translator)
    : config_(std::move(config)),
      content_(std::move(content)),
      translator_(std::move(translator)),
      session_(config_, content_),
      base_config_(config_) {
    screen_.configure(config_.opening_hours, config_.screen_off_when_closed);  // checked when the config was read
    if (!config_.hub_url.empty()) hub_ = HubLink(std::make_unique<platform::HubClient>(hub_options()));
    // The content's version for IT: "installed" or the bundle's, and a short hash of what is served.
    content_version_ = core::content_version_label(0, content_);
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
            o.loopback = config_.video_loopback;
            call_ = std::make_unique<platform::VideoCall>(o);
            session_.set_video(true, call_->camera_present());
        } else {
            std::fprintf(stderr, "ledsager-kiosk: video calls are not offered: %s\n", why.c_str());
        }
    }
}

void KioskApp::set_content_store(std::unique_ptr<core::ContentStore> store, std::int64_t served_version,
                                 std::string note) {
    store_ = std::move(store);
    if (!note.empty()) last_error_ = std::move(note);  // a rollback at start-up: IT sees it on the Devices page
    served_version_ = served_version;
    content_version_ = core::content_version_label(served_version_, content_);
    if (store_ && hub_.connected()) fetcher_ = std::make_unique<platform::ContentFetcher>(hub_options(), *store_);
}

platform::HubClientOptions KioskApp::hub_options() const {
    return {config_.hub_url, config_.hub_token, config_.hub_ca_file, config_.hub_timeout_s};
}

void KioskApp::texts_changed() {
    glyphs_.clear();  // the new texts' glyphs, at the next frame
    built_lang_.clear();
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
    if (!fetcher_ || !reply.ok || reply.content_version <= 0) return;
    if (!store_->wanted(reply.content_version) || fetcher_->busy() || staged_ || now < fetch_retry_at_) return;
    fetcher_->fetch(reply.content_version, reply.content_sha256, reply.content_size);
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
    if (!store_) return;
    if (served_since_ < 0) served_since_ = now;
    store_->tick(now - served_since_);
    if (fetcher_) {
        if (auto r = fetcher_->take()) {
            if (r->ok) {
                std::fprintf(
                    stderr,
                    "ledsager-kiosk: content bundle v%lld verified (%zu guides): served from the next session\n",
                    static_cast<long long>(r->version), r->content.guides.size());
                staged_ = std::move(r->content);
                staged_version_ = r->version;
            } else {
                // Technical words for IT; the old content keeps serving.
                std::fprintf(stderr, "ledsager-kiosk: %s\n", r->error.c_str());
                last_error_ = r->error;
                if (r->retry)
                    fetch_retry_at_ = now + 5 * 60 * 1000;
                else
                    store_->refuse(r->version);
                beat_now(now);  // tell the hub now
            }
        }
    }
    // Between sessions only: a citizen never sees a guide change under them.
    if (staged_ && idle()) {
        content_ = std::move(*staged_);  // the session refers to content_ (the same object)
        staged_.reset();
        store_->switched(staged_version_);
        if (!store_->last_write_error().empty()) last_error_ = store_->last_write_error();
        served_version_ = staged_version_;
        served_since_ = now;
        content_version_ = core::content_version_label(served_version_, content_);
        if (last_error_.rfind("content bundle", 0) == 0) last_error_.clear();
        texts_changed();
        if (canvas_.renderer()) images_ = std::make_unique<platform::ImageCache>(canvas_.renderer());
        std::fprintf(stderr, "ledsager-kiosk: now serving content bundle v%lld (%s)\n",
                     static_cast<long long>(served_version_), content_version_.c_str());
        beat_now(now);
    }
}

void KioskApp::set_hub_wake(std::function<void()> wake) {
    printer_.set_wake(wake);
    if (call_) call_->set_wake(wake);
    if (fetcher_) fetcher_->set_wake(wake);
    hub_.set_wake(std::move(wake));
}

void KioskApp::pump_call(core::Millis now, bool pictures) {
    if (!call_) return;
    using K = platform::CallEvent::Kind;
    for (const auto& ev : call_->take_events()) {
        const core::CallNews news = ev.kind == K::Answered       ? core::CallNews::Answered
                                    : ev.kind == K::Connected    ? core::CallNews::Connected
                                    : ev.kind == K::Disconnected ? core::CallNews::Disconnected
                                    : ev.kind == K::RemoteHangup ? core::CallNews::RemoteHangup
                                    : ev.kind == K::Released     ? core::CallNews::Released
                                    : ev.kind == K::RemoteText   ? core::CallNews::RemoteText
                                                                 : core::CallNews::Failed;
        if (ev.kind == K::Failed) last_error_ = "video call: " + ev.text;  // technical, never about the citizen
        session_.on_call(news, ev.text, now);
    }
    // The call follows the session: started for a video request, ended when it is over.
    if (session_.take_call_hangup()) call_->end(true);
    const std::int64_t want = session_.call_request();
    if (want != call_->request_id()) {
        if (call_->running()) call_->end(false);
        if (want) call_->start(want);
    }
    const auto& c = session_.data().call;
    call_->set_muted(c.muted);
    call_->set_camera_off(c.camera_off);
    call_->send_text(c.my_text);
    // Textures change only before drawing starts (never under a draw list that uses them).
    if (!pictures) return;
    if (!call_->running()) {
        drop_call_textures();
        return;
    }
    if (call_->remote_frame(remote_frame_)) upload(remote_texture_, remote_w_, remote_h_, remote_frame_);
    if (call_->self_frame(self_frame_)) upload(self_texture_, self_w_, self_h_, self_frame_);
}

void KioskApp::upload(platform::TextureId& texture, int& tw, int& th, const platform::VideoFrame& frame) {
    if (!canvas_.renderer() || frame.rgba.empty()) return;
    if (!texture || tw != frame.width || th != frame.height) {
        platform::Canvas::destroy_texture(texture);
        std::string error;
        texture = canvas_.make_texture(frame.width, frame.height, true, error);
        tw = frame.width;
        th = frame.height;
    }
    canvas_.update_texture(texture, frame.rgba.data(), frame.width);
}

void KioskApp::drop_call_textures() {
    // Nothing of a call's pictures outlives it.
    const bool had = remote_texture_ || self_texture_ || !remote_frame_.rgba.empty() || !self_frame_.rgba.empty();
    platform::Canvas::destroy_texture(remote_texture_);
    platform::Canvas::destroy_texture(self_texture_);
    remote_w_ = remote_h_ = self_w_ = self_h_ = 0;
    remote_frame_ = {};
    self_frame_ = {};
    if (had) platform::give_back_free_memory();  // the call's buffers, once, when it ends
}

common::Heartbeat KioskApp::health(core::Millis now) const {
    common::Heartbeat h;
    h.version = LEDSAGER_VERSION;
    h.uptime_s = started_ms_ < 0 ? 0 : (now - started_ms_) / 1000;
    h.content_version = content_version_;
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
    drop_call_textures();
    platform::Canvas::destroy_texture(font_texture_);
    platform::Canvas::destroy_texture(retired_texture_);
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
    font_files_ = ui::find_font_files();
    {
        // Arabic, Farsi and Urdu need shaping; without the fonts those languages show '?'.
        std::string shaping_error;
        if (font_files_.arabic_regular.empty() || font_files_.arabic_bold.empty() ||
            !shaper_.load(font_files_.arabic_regular, font_files_.arabic_bold, font_files_.regular, shaping_error))
            std::fprintf(stderr, "ledsager-kiosk: Arabic script unavailable: %s\n",
                         shaping_error.empty() ? "Noto Sans Arabic UI not installed" : shaping_error.c_str());
    }
    return rebuild_fonts(error);
}

void KioskApp::resize(int width, int height) {
    if (width == width_ && height == height_) return;
    width_ = width;
    height_ = height;
    built_scale_ = 0;  // font sizes follow the height
    attract_scale_ = 0;
    invalidate();
}

bool KioskApp::fonts_cover(const std::string& lang) const {
    return !built_lang_.empty() && !glyphs_.empty() && (lang == built_lang_ || in_every_atlas(lang, config_));
}

bool KioskApp::attract_atlas_too_big() const {
    // Back on the attract screen after a citizen's language, the atlas stays (the next
    // citizen often picks the same one) unless its texture is more than 4 MiB larger than
    // the attract screen's own.
    constexpr int kSlackPx = (4 << 20) / 4;
    if (session_.data().screen != core::Screen::Attract || built_lang_ == config_.default_language) return false;
    return attract_scale_ != built_scale_ || font_texture_w_ * font_texture_h_ > attract_texture_px_ + kSlackPx;
}

bool KioskApp::rebuild_fonts(std::string& error) {
    ImGui::SetCurrentContext(imgui_);
    const int scale = session_.data().text_scale;
    // Only the glyphs this language's screens can show: ten languages' scripts at 200 %
    // would outgrow what the software renderer's textures can hold.
    if (built_lang_ != session_.data().lang || glyphs_.empty()) {
        built_lang_ = session_.data().lang;
        glyphs_ = ui::glyph_ranges(displayable_texts(content_, translator_, config_, built_lang_));
        title_glyphs_ = ui::glyph_ranges({translator_.tr(built_lang_, "attract.title"),
                                          translator_.tr(config_.default_language, "attract.title"), "0123456789"},
                                         false);
    }
    if (!ui::build_fonts(*ImGui::GetIO().Fonts, font_files_, static_cast<float>(height_), scale, glyphs_, fonts_, error,
                         &shaper_, title_glyphs_))
        return false;
    // The font texture is the kiosk's own (not the backend's). An atlas of the same size is
    // written into it in place (SDL first draws what is queued with the old glyphs); one of
    // another size gets a new texture, and the old one is destroyed at the start of the next
    // frame (SDL's software renderer may still read it until the frame drawn with it is
    // presented): at 1080p a font texture is 16 MB.
    unsigned char* pixels = nullptr;
    int tw = 0, th = 0;
    ImGui::GetIO().Fonts->GetTexDataAsAlpha8(&pixels, &tw, &th);
    if (!font_texture_ || tw != font_texture_w_ || th != font_texture_h_) {
        std::string texture_error;
        platform::TextureId texture = canvas_.make_texture(tw, th, false, texture_error);
        if (!texture) {
            error = "cannot make the font texture (" + texture_error + ")";
            return false;
        }
        platform::Canvas::destroy_texture(retired_texture_);
        retired_texture_ = font_texture_;
        font_texture_ = texture;
        font_texture_w_ = tw;
        font_texture_h_ = th;
    }
    canvas_.update_texture_alpha(font_texture_, pixels, tw, th);
    ImGui::GetIO().Fonts->SetTexID(font_texture_);
    ImGui::GetIO().Fonts->ClearTexData();  // the texture has the pixels now; keep no second copy
    if (built_lang_ == config_.default_language) {
        attract_texture_px_ = tw * th;
        attract_scale_ = scale;
    }
    built_scale_ = scale;
    ++font_rebuilds_;
    return true;
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
    if (fetcher_ && !fetcher_->busy() && fetcher_->has_result()) return true;
    // A ticket printed (its outcome to show), or one waiting for the printer to be free.
    using Print = core::Escalation::Print;
    const Print print = session_.data().escalation.print;
    if ((print == Print::Requested || print == Print::Printing) && !printer_.busy()) return true;
    if (staged_ && idle()) return true;
    if (hub_.settings_waiting() && idle()) return true;
    if (should_be_dark(now) != screen_.dark()) return true;
    // A call's new pictures: drawn at most 25 times a second (each frame costs the renderer).
    if (call_ && call_->has_news(remote_frame_.serial, self_frame_.serial) && now - last_frame_ms_ >= 40) return true;
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
    // The atlas a rebuild in an earlier frame replaced: that frame is presented, nothing reads it.
    if (retired_texture_) {
        platform::Canvas::destroy_texture(retired_texture_);
        platform::give_back_free_memory();  // the old atlas and what building the new one took
    }
    const int pending_at_start = pending_frames_;
    const bool speech_at_start = session_.data().speech;
    const std::string speech_lang_at_start = session_.speech_language();
    session_.tick(now);
    pump_hub(now);
    pump_call(now, true);

    std::vector<core::InputEvent> events = std::move(queue_);
    queue_.clear();
    // Outside opening hours, with nobody there: a dark screen, and the display may sleep.
    // A touch or key wakes it (that touch only wakes it) for a minute; a session keeps it lit.
    if (should_be_dark(now)) {
        bool touched = false;
        for (const auto& e : events)
            touched |= e.kind == core::InputEvent::Kind::PointerDown || e.kind == core::InputEvent::Kind::KeyDown;
        if (touched) {
            screen_.wake(now);
            pending_frames_ = std::max(pending_frames_, 1);
            events.clear();
        }
        if (!touched) {
            if (screen_.set_dark(true)) {
                platform::Display::allow_sleep(true);
                beat_now(now);  // IT sees "closed", not a fault
                std::fprintf(stderr, "ledsager-kiosk: closed (opening hours): screen dark\n");
            }
            input_.last_elements.clear();
            if (rasterize_) {
                canvas_.clear(0x000000);
            }
            drawn_signature_ = "dark";
            if (pending_frames_ > 0) --pending_frames_;
            return;
        }
    }
    if (screen_.set_dark(false)) {
        platform::Display::allow_sleep(false);
        std::fprintf(stderr, "ledsager-kiosk: screen lit (%s)\n", screen_.woken(now) ? "touched" : "opening hours");
    }
    const std::string drawn_key = ui::screen_key(session_);
    const bool new_screen = ui::begin_frame(input_, drawn_key);
    input_.explore = session_.data().speech;  // the first touch says, the second uses
    ui::FrameInput in = ui::process_input(input_, events);
    // Taps aimed at the previous screen (a timer changed it meanwhile) must not act on this one.
    if (new_screen) in.activated.clear();
    // While "Are you still there?" shows, its buttons decide; any other tap or key continues.
    const bool warning = session_.data().warning;
    if (in.any && !warning) session_.activity(now);

    if (built_scale_ != session_.data().text_scale || !fonts_cover(session_.data().lang) || shaper_.dirty() ||
        attract_atlas_too_big()) {
        std::string error;
        if (!rebuild_fonts(error)) {
            // Keep serving with the fonts there are (logged once, not every frame).
            std::fprintf(stderr, "ledsager-kiosk: %s\n", error.c_str());
            built_scale_ = session_.data().text_scale;
            built_lang_ = session_.data().lang;
        }
    }

    // Illustrations are loaded here, before drawing, never inside draw code.
    const auto step = core::step_view(session_);
    if (!step.image_path.empty()) images_->get(step.image_path);

    ImGuiIO& io = ImGui::GetIO();
    io.DisplaySize = ImVec2(static_cast<float>(width_), static_cast<float>(height_));
    io.DeltaTime = 1.0f / 60.0f;
    canvas_.new_frame();
    ImGui::NewFrame();

    const ui::Palette& palette = session_.data().high_contrast ? ui::high_contrast_palette() : ui::default_palette();
    ui::Ui ui(input_, in, palette, fonts_, translator_, session_.data().lang, static_cast<float>(width_),
              static_cast<float>(height_), ImGui::GetBackgroundDrawList(), &shaper_);
    const float em_at_frame = ui.em();
    ui::ScreenContext ctx{session_,
                          content_,
                          config_,
                          now,
                          [this](const std::string& path) {
                              const platform::Texture* t = images_->find(path);
                              return t ? ui::ImageRef{t->texture, t->width, t->height} : ui::ImageRef{};
                          },
                          ui::QrView{qr_.size, &qr_.modules}};
    blit_count_ = 0;
    video_region_ = {};
    if (call_ && call_->running()) {
        ctx.call.blit = [this, &ui](ImTextureID texture, ui::Rect r, float u0, float v0, float u1, float v1) {
            if (blit_count_ >= static_cast<int>(blits_.size())) return;
            Blit& b = blits_[blit_count_++];
            b = {&canvas_, texture, r.x, r.y, r.w, r.h, u0, v0, u1, v1};
            if (blit_count_ == 1) video_region_ = r;  // the first is the caseworker's picture
            ui.draw()->AddCallback(
                [](const ImDrawList*, const ImDrawCmd* cmd) {
                    const auto* p = static_cast<const Blit*>(cmd->UserCallbackData);
                    p->canvas->copy(p->texture, p->u0, p->v0, p->u1, p->v1, p->x, p->y, p->w, p->h);
                },
                &b);
        };
        ctx.call.remote = {remote_texture_, remote_w_, remote_h_};
        ctx.call.self = {self_texture_, self_w_, self_h_};
        ctx.call.remote_speaking = call_->remote_level() > 0.02f;
        ctx.call.self_speaking = call_->self_level() > 0.02f;
    }
    ui::draw_screen(ui, ctx);
    ui::finish_frame(input_, ui.elements());

    auto actions = std::move(ui.actions());
    // Reading aloud, from the elements just drawn: a new screen, a focus move, Repeat.
    const bool speech_before = session_.data().speech;
    if (in.read_aloud && speech_before) in.repeat = true;
    {
        const std::string speech_lang = session_.speech_language().empty() ? "en" : session_.speech_language();
        speak(announcer_.after_frame({input_.last_elements, drawn_key, in, speech_before, session_.data().lang,
                                      speech_lang, translator_,
                                      [this](const std::string& l) { return session_.has_voice(l); }}));
    }
    if (in.stop_speech && speech_) speech_->stop();
    if (in.read_aloud && !speech_before && session_.speech_available())
        actions.push_back({core::ActionKind::ReadAloud});
    if (in.volume && speech_before) actions.push_back({core::ActionKind::SpeechVolume, {}, in.volume});
    if (in.rate && speech_before) actions.push_back({core::ActionKind::SpeechRate, {}, in.rate});
    // In a call, typed characters and the Back key (backspace) go to the real-time text.
    const bool in_call =
        session_.data().screen == core::Screen::Call && (session_.data().call.phase == core::CallPhase::Connecting ||
                                                         session_.data().call.phase == core::CallPhase::Active ||
                                                         session_.data().call.phase == core::CallPhase::Reconnecting);
    if (in_call && !in.text.empty()) actions.push_back({core::ActionKind::CallType, in.text});
    if (in_call && in.back) {
        actions.push_back({core::ActionKind::CallErase});
        in.back = false;
    }
    if (in.help) actions.push_back({core::ActionKind::OpenHelp});
    if (in.back && !session_.data().warning) actions.push_back({core::ActionKind::Back});
    if (warning && in.released && actions.empty()) actions.push_back({core::ActionKind::Continue});
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
    if (speech_at_start && !session_.data().speech && session_.data().screen == core::Screen::Wiped) {
        // The session ended while reading aloud: say that it was deleted, then fall silent.
        const std::string lang = session_.has_voice(session_.data().lang) ? session_.data().lang : speech_lang_at_start;
        std::string text =
            translator_.tr(lang, ui::N_("wiped.title")) + "\n" + translator_.tr(lang, ui::N_("wiped.body"));
        announcer_.clear_log();  // what was read during the session goes with it
        announcer_.note(text);
        speak({{std::move(text), lang, {}}});
    }
    // Back on the attract screen nothing of the last session is kept, not even what was read.
    if (session_.data().screen == core::Screen::Attract && !session_.data().speech && !announcer_.said().empty())
        announcer_.clear_log();
    if (!actions.empty()) {
        pump_hub(now);  // send at once what the citizen just asked for
        pump_call(now, false);
    }
    // What happened, anonymously, for the insight reports (only with a hub to send it to).
    if (hub_.connected()) {
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

    ImGui::Render();
    const std::string new_signature = signature(session_, now);
    if (rasterize_) {
        const ui::Rgb bg = palette.background;
        // Only a new picture in a call (nothing touched, nothing else changed): redraw just
        // the picture's rectangle; every draw command is clipped to it.
        const bool partial = canvas_.software() && video_region_.w > 0 && events.empty() && actions.empty() &&
                             !new_screen && pending_at_start == 0 && new_signature == drawn_signature_ &&
                             drawn_full_video_ && session_.data().speech_dialog == core::SpeechDialog::None &&
                             !session_.data().warning;
        ImDrawData* dd = ImGui::GetDrawData();
        const auto t_raster = std::chrono::steady_clock::now();
        if (partial) {
            const float grow = em_at_frame * 0.3f;  // the speaking ring sits on the edge
            const ImVec4 r{video_region_.x - grow, video_region_.y - grow, video_region_.right() + grow,
                           video_region_.bottom() + grow};
            // Only the picture's layer (the foreground list) is drawn; the screen under it stays.
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
        raster_us_[partial ? 1 : 0] +=
            std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t_raster).count();
        drawn_full_video_ = video_region_.w > 0;
    }

    drawn_signature_ = new_signature;
    // Text needed glyphs the atlas lacks (a new Arabic-script screen): add them and draw again.
    if (shaper_.dirty()) pending_frames_ = std::max(pending_frames_, 1);
    // Draw again after a change (the new screen) and while a finger is down (pressed look).
    if (!actions.empty() || !events.empty())
        pending_frames_ = 2;
    else if (pending_frames_ > 0)
        --pending_frames_;
}

}  // namespace ledsager::app
