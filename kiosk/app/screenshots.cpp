#include "app/screenshots.hpp"

#include <cstdio>

#include "platform/signals.hpp"

namespace ledsager::app {

std::vector<Shot> screenshot_plan(const common::ContentSet& content, const std::string& guide) {
    using Phase = core::Escalation::Phase;
    std::vector<Shot> shots;
    if (guide.empty() || guide == "kiosk") {
        shots.push_back({core::Screen::Attract, "", "", "kiosk__attract"});
        shots.push_back({core::Screen::Language, "", "", "kiosk__language"});
        shots.push_back({core::Screen::Catalogue, "", "", "kiosk__catalogue"});
        shots.push_back({core::Screen::Help, "", "", "kiosk__help"});
        shots.push_back({core::Screen::Catalogue, "", "", "kiosk__timeout", true});
        shots.push_back({core::Screen::Wiped, "", "", "kiosk__wiped"});
        shots.push_back({core::Screen::Catalogue, "", "", "kiosk__speech", false, {}, core::SpeechDialog::Settings});
        shots.push_back(
            {core::Screen::Catalogue, "", "", "kiosk__speech-novoice", false, {}, core::SpeechDialog::NoVoice});
        if (!content.guides.empty()) {
            // The ways to a person, once (they look the same for every guide).
            const auto& g = content.guides.front();
            const std::string step = g.steps.front().id;
            shots.push_back({core::Screen::Consent, g.id, step, "kiosk__help-consent"});
            shots.push_back({core::Screen::Waiting, g.id, step, "kiosk__help-waiting", false, Phase::Waiting});
            shots.push_back({core::Screen::Waiting, g.id, step, "kiosk__help-claimed", false, Phase::Claimed});
            shots.push_back({core::Screen::Waiting, g.id, step, "kiosk__help-unreachable", false, Phase::Sending});
            // A caseworker on video: consent, waiting, the call (no pictures here), and the ways out.
            using C = core::CallPhase;
            const auto none = core::SpeechDialog::None;
            shots.push_back(
                {core::Screen::Consent, g.id, step, "kiosk__video-consent", false, Phase::None, none, C::Waiting});
            shots.push_back(
                {core::Screen::Call, g.id, step, "kiosk__call-waiting", false, Phase::Waiting, none, C::Waiting});
            shots.push_back(
                {core::Screen::Call, g.id, step, "kiosk__call-connecting", false, Phase::Claimed, none, C::Connecting});
            shots.push_back(
                {core::Screen::Call, g.id, step, "kiosk__call-keyboard", false, Phase::Claimed, none, C::Active, true});
            shots.push_back({core::Screen::Call, g.id, step, "kiosk__call-reconnecting", false, Phase::Claimed, none,
                             C::Reconnecting});
            shots.push_back(
                {core::Screen::Call, g.id, step, "kiosk__call-no-answer", false, Phase::Waiting, none, C::NoAnswer});
            shots.push_back({core::Screen::Call, g.id, step, "kiosk__call-lost", false, Phase::Claimed, none, C::Lost});
            shots.push_back({core::Screen::Call, g.id, step, "kiosk__call-ended", false, Phase::None, none, C::Ended});
        }
    }
    for (const auto& g : content.guides) {
        if (!guide.empty() && g.id != guide) continue;  // "kiosk": the screens outside guides only
        shots.push_back({core::Screen::Needs, g.id, "", g.id + "__00-needs"});
        int i = 1;
        for (const auto& s : g.steps) {
            char num[16];
            std::snprintf(num, sizeof num, "%02d", i++);
            shots.push_back({core::Screen::Step, g.id, s.id, g.id + "__" + num + "-" + s.id});
        }
        shots.push_back({core::Screen::Help, g.id, g.steps.front().id, g.id + "__help"});
        shots.push_back({core::Screen::End, g.id, "", g.id + "__end"});
    }
    return shots;
}

void stage(KioskApp& app, const Shot& shot, const std::string& lang, int scale, bool high_contrast, core::Millis now) {
    auto& s = app.session();
    s.wipe(now, false);
    s.show(shot.screen, shot.guide, shot.step, now);
    s.set_language(lang);
    s.set_text_scale(scale);
    s.set_high_contrast(high_contrast);
    if (shot.warning) s.set_warning(true, now - 7000);
    if (shot.speech != core::SpeechDialog::None) s.set_speech(true, shot.speech);
    // The video pictures show a kiosk with a camera, whatever this machine has.
    platform::VideoCall* call = app.video_call();
    s.set_video(call || shot.call != core::CallPhase::None,
                shot.call != core::CallPhase::None || (call && call->camera_present()));
    if (shot.screen == core::Screen::Consent || shot.screen == core::Screen::Waiting ||
        shot.screen == core::Screen::Call) {
        core::Escalation e;
        e.phase = shot.phase;
        e.share = s.help_share(shot.call == core::CallPhase::None ? "in_person" : "video");
        if (shot.phase == core::Escalation::Phase::Sending) {
            e.unreachable = true;  // the hub cannot be reached: the fallback shows
        } else if (shot.phase != core::Escalation::Phase::None) {
            e.number = "A-042";
            e.position = 2;
            e.wait_s = 240;
            e.claimed_by = "Mette";
        }
        if (shot.call != core::CallPhase::None) {
            e.number = "V-007";
            e.position = 1;
            e.claimed_by = shot.phase == core::Escalation::Phase::Claimed ? "Ali" : "";
        }
        s.set_escalation(e);
    }
    if (shot.screen == core::Screen::Call) {
        core::CallState c;
        c.phase = shot.call;
        c.caseworker = "Ali";
        c.keyboard = shot.keyboard;
        c.since = c.waiting_since = now;
        if (shot.keyboard) {
            c.their_text = "Ali Hassan";
            c.my_text = "1234";
        }
        s.set_call(c);
    }
}

int render_screenshots(KioskApp& app, const platform::Display& display, const ScreenshotOptions& o) {
    std::error_code ec;
    std::filesystem::create_directories(o.out_dir, ec);
    if (ec) {
        std::fprintf(stderr, "ledsager-kiosk: cannot create %s: %s\n", o.out_dir.c_str(), ec.message().c_str());
        return -1;
    }
    app.disconnect_hub();  // staged help requests are pictures, not requests
    const auto shots = screenshot_plan(app.content(), o.guide);
    if (!o.guide.empty() && o.guide != "kiosk" && !app.content().find(o.guide)) {
        std::fprintf(stderr, "ledsager-kiosk: no guide '%s' is being served\n", o.guide.c_str());
        return -1;
    }
    const auto langs = o.languages.empty() ? app.config().offered : o.languages;
    int written = 0;
    const core::Millis now = 1'000'000;
    for (int scale : o.scales) {
        for (bool hc : o.themes) {
            for (const auto& lang : langs) {
                for (const auto& shot : shots) {
                    // SIGTERM or Ctrl+C stops a long run between two pictures.
                    if (platform::stop_requested()) return written;
                    stage(app, shot, lang, scale, hc, now);
                    // Two frames: the second knows how tall scrolling content is.
                    app.set_rasterize(false);
                    app.frame(now);
                    app.set_rasterize(true);
                    app.frame(now);
                    const std::string file = shot.name + "__" + lang + "__" + std::to_string(scale) + "__" +
                                             (hc ? "contrast" : "default") + ".png";
                    std::string error;
                    if (!display.save_png((o.out_dir / file).string(), error)) {
                        std::fprintf(stderr, "ledsager-kiosk: %s\n", error.c_str());
                        return -1;
                    }
                    ++written;
                }
            }
        }
    }
    return written;
}

}  // namespace ledsager::app
