#include "app/script.hpp"

#include <charconv>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

namespace ledsager::app {

namespace {
using Clock = std::chrono::steady_clock;

const ui::Element* find(const KioskApp& app, const std::string& id) {
    for (const auto& e : app.elements())
        if (e.id == id) return &e;
    return nullptr;
}

bool shows(const KioskApp& app, const std::string& text) {
    for (const auto& e : app.elements())
        if (e.visible && e.label.find(text) != std::string::npos) return true;
    return false;
}
}  // namespace

int run_script(KioskApp& app, const platform::Display& display, const std::string& file) {
    std::ifstream in(file);
    if (!in) {
        std::fprintf(stderr, "ledsager-kiosk: cannot read script %s\n", file.c_str());
        return 1;
    }
    const auto start = Clock::now();
    auto now = [&] { return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count(); };
    // At least `frames` frames and at least `ms` milliseconds, however slow the machine.
    // At least `frames` frames and at least `ms` milliseconds; beyond those frames, a frame is
    // drawn only when the kiosk would draw one (as the program's own loop does).
    auto run_for = [&](int ms, int frames = 1) {
        const auto end = Clock::now() + std::chrono::milliseconds(ms);
        for (int i = 0; i < frames || Clock::now() < end;) {
            if (i < frames || app.needs_frame(now())) {
                app.frame(now());
                ++i;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
    };
    run_for(50);
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
        ++n;
        if (line.empty() || line[0] == '#') continue;
        const auto space = line.find(' ');
        const std::string cmd = line.substr(0, space), arg = space == std::string::npos ? "" : line.substr(space + 1);
        auto fail = [&](const std::string& why) {
            std::fprintf(stderr, "%s:%d: %s\n", file.c_str(), n, why.c_str());
            return 1;
        };
        if (cmd == "tap") {
            const ui::Element* e = find(app, arg);
            for (int i = 0; e && !e->visible && i < 40; ++i) {
                app.push({core::InputEvent::Kind::Wheel, 0, -1});
                run_for(20);
                e = find(app, arg);
            }
            if (!e || !e->actionable) return fail("nothing to tap with id '" + arg + "'");
            const float x = e->rect.cx(), y = e->rect.cy();
            app.push({core::InputEvent::Kind::PointerDown, x, y});
            run_for(20, 2);
            app.push({core::InputEvent::Kind::PointerUp, x, y});
            run_for(60, 4);  // the tap, the new screen, and its measured scrolling
        } else if (cmd == "expect") {
            const auto end = Clock::now() + std::chrono::seconds(10);
            while (!shows(app, arg) && Clock::now() < end)
                run_for(50, 0);
            if (!shows(app, arg)) return fail("'" + arg + "' did not appear");
        } else if (cmd == "await") {
            // await SECONDS TEXT: like expect, waiting longer (for a person on the other side).
            const auto sp = arg.find(' ');
            const int secs = std::atoi(arg.substr(0, sp).c_str());
            const std::string text = sp == std::string::npos ? "" : arg.substr(sp + 1);
            const auto end = Clock::now() + std::chrono::seconds(secs);
            while (!shows(app, text) && Clock::now() < end)
                run_for(50, 0);
            if (!shows(app, text)) return fail("'" + text + "' did not appear within " + std::to_string(secs) + " s");
        } else if (cmd == "screen") {
            // screen NAME: waits (up to 15 s) until the session is on that screen (attract, step, call, ...).
            auto on = [&] { return arg == core::screen_name(app.session().data().screen); };
            const auto end = Clock::now() + std::chrono::seconds(15);
            while (!on() && Clock::now() < end)
                run_for(50, 0);
            if (!on())
                return fail(std::string("the screen is '") + core::screen_name(app.session().data().screen) +
                            "', not '" + arg + "'");
        } else if (cmd == "type") {
            // Characters from a keyboard, one at a time (real-time text is sent as typed).
            for (size_t i = 0; i < arg.size();) {
                size_t len = 1;
                while (i + len < arg.size() && (static_cast<unsigned char>(arg[i + len]) & 0xC0) == 0x80)
                    ++len;
                app.push({core::InputEvent::Kind::Text, 0, 0, core::Key::None, arg.substr(i, len)});
                run_for(30, 2);
                i += len;
            }
        } else if (cmd == "call-expect") {
            // call-expect video N | audio N | text STRING | phase NAME | sent-at-most BIT/S |
            // sent-at-least BIT/S | picture sending|paused (waits up to 20 s; all but text take
            // another number: the seconds to wait)
            platform::VideoCall* call = app.video_call();
            if (!call) return fail("no video call here (no hub, video disabled, or GStreamer missing)");
            const auto sp = arg.find(' ');
            const std::string what = arg.substr(0, sp);
            std::string value = sp == std::string::npos ? "" : arg.substr(sp + 1);
            int secs = 20;
            if (const auto sp2 = value.find(' '); what != "text" && sp2 != std::string::npos) {
                secs = std::max(1, std::atoi(value.c_str() + sp2 + 1));
                value.resize(sp2);
            }
            // The number the numeric checks take, read once: a word where it belongs is an error
            // in the script, said as such (not an exception).
            long long number = 0;
            if (what == "video" || what == "audio" || what == "sent-at-most" || what == "sent-at-least") {
                const auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
                if (ec != std::errc{} || p != value.data() + value.size() || number < 0)
                    return fail("call-expect " + what + ": a whole number, not '" + value + "'");
            }
            auto met = [&] {
                const auto st = call->stats();
                if (what == "video") return st.remote_video_frames >= static_cast<unsigned long long>(number);
                if (what == "audio") return st.audible_audio_buffers >= static_cast<unsigned long long>(number);
                if (what == "text") return app.session().data().call.their_text == value;
                if (what == "phase") return value == core::call_phase_name(app.session().data().call.phase);
                if (what == "sent-at-most") return st.reports > 0 && st.send.bitrate <= number;
                if (what == "sent-at-least") return st.reports > 0 && st.send.bitrate >= number;
                if (what == "picture") return st.reports > 0 && st.send.video == (value == "sending");
                return false;
            };
            if (what != "video" && what != "audio" && what != "text" && what != "phase" && what != "sent-at-most" &&
                what != "sent-at-least" && what != "picture")
                return fail(
                    "call-expect video N | audio N | text STRING | phase NAME | sent-at-most BIT/S | sent-at-least "
                    "BIT/S | picture sending|paused [SECONDS]");
            const auto end = Clock::now() + std::chrono::seconds(secs);
            while (!met() && Clock::now() < end)
                run_for(20, 0);
            if (!met()) return fail("call: " + what + " " + value + " not reached");
            if (what == "text")
                std::printf("call-text-received %lld\n",
                            static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                       std::chrono::system_clock::now().time_since_epoch())
                                                       .count()));
        } else if (cmd == "call-stats") {
            platform::VideoCall* call = app.video_call();
            if (!call) return fail("no video call here");
            const auto st = call->stats();
            std::printf(
                "call-stats {\"video_frames\":%llu,\"audio_buffers\":%llu,\"audible\":%llu,\"answered_ms\":%lld,"
                "\"first_frame_ms\":%lld,\"builds\":%d,\"sent_texts\":%llu,\"received_texts\":%llu,"
                "\"full_frames\":%d,\"partial_frames\":%d,\"full_raster_us\":%lld,\"partial_raster_us\":%lld,"
                "\"send_bitrate\":%d,\"send_width\":%d,\"send_height\":%d,\"send_fps\":%d,\"send_video\":%s,"
                "\"fraction_lost\":%.3f,\"rtt_ms\":%.0f,\"reports\":%d,\"size_changes\":%d,\"mic_in\":%.4f,"
                "\"mic_out\":%.4f}\n",
                static_cast<unsigned long long>(st.remote_video_frames),
                static_cast<unsigned long long>(st.remote_audio_buffers),
                static_cast<unsigned long long>(st.audible_audio_buffers), static_cast<long long>(st.answered_ms),
                static_cast<long long>(st.first_frame_ms), st.builds, static_cast<unsigned long long>(st.sent_texts),
                static_cast<unsigned long long>(st.received_texts), app.frames_drawn().first, app.frames_drawn().second,
                app.raster_us().first, app.raster_us().second, st.send.bitrate, st.send.width, st.send.height,
                st.send.fps, st.send.video ? "true" : "false", st.fraction_lost, st.rtt_ms, st.reports, st.size_changes,
                st.mic_energy_in, st.mic_energy_out);
        } else if (cmd == "content") {
            // content staged|served N [SECONDS]: waits (60 s unless said) until a bundle of
            // version N or newer is checked and waiting for the session to end (staged), or is
            // what the kiosk serves.
            std::istringstream words(arg);
            std::string which;
            long long version = -1;
            int secs = 60;
            words >> which >> version;
            if (!(words >> secs)) secs = 60;
            if ((which != "staged" && which != "served") || version < 0)
                return fail("content staged|served VERSION [SECONDS]");
            auto met = [&] { return (which == "served" ? app.content_version() : app.staged_version()) >= version; };
            const auto end = Clock::now() + std::chrono::seconds(secs);
            while (!met() && Clock::now() < end)
                run_for(50, 0);
            if (!met())
                return fail("content " + which + " " + std::to_string(version) + " not reached within " +
                            std::to_string(secs) + " s (serving " + std::to_string(app.content_version()) +
                            (app.last_error().empty() ? "" : "; " + app.last_error()) + ")");
        } else if (cmd == "sleep") {
            run_for(std::max(0, std::atoi(arg.c_str())), 0);
        } else if (cmd == "screenshot") {
            std::string error;
            if (!display.save_png(arg, error)) return fail(error);
        } else {
            return fail("unknown command '" + cmd +
                        "' (tap, expect, await, screen, type, content, call-expect, call-stats, sleep, screenshot)");
        }
        std::printf("ok %s\n", line.c_str());
        std::fflush(stdout);
    }
    return 0;
}

}  // namespace ledsager::app
