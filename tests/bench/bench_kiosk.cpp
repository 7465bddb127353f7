// In-process figures: frame time on a guide screen at 1920x1080 (software renderer, as
// offscreen) and content load time for 500 generated guides. Prints, asserts nothing.
#include <unistd.h>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "app/kiosk_app.hpp"
#include "platform/display.hpp"
#include "platform/speech.hpp"

#include <SDL.h>

namespace fs = std::filesystem;
using namespace ledsager;
using Clock = std::chrono::steady_clock;

static double ms_since(Clock::time_point t) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

static void replace_all(std::string& s, const std::string& a, const std::string& b) {
    for (size_t p = s.find(a); p != std::string::npos; p = s.find(a, p + b.size()))
        s.replace(p, a.size(), b);
}

int main(int argc, char** argv) {
    const fs::path src = argc > 1 ? argv[1] : LEDSAGER_SOURCE_DIR;
    core::Translator tr;
    common::Diagnostics diags;
    tr.load_dir(src / "po", diags);

    // Frame time on a step screen: what the kiosk does for each frame after a tap.
    {
        auto content = common::load_content(src / "assets/guides");
        app::KioskApp app({}, std::move(content), tr);
        std::string error;
        auto display = platform::Display::open_offscreen(1920, 1080, error);
        if (!display || !app.attach(*display, error)) {
            std::fprintf(stderr, "%s\n", error.c_str());
            return 1;
        }
        app.session().show(core::Screen::Step, "mitid-login", "approve", 0);
        app.session().set_language("da");
        std::vector<double> times;
        for (int i = 0; i < 200; ++i) {
            const auto t = Clock::now();
            app.frame(1000 + i * 16);
            times.push_back(ms_since(t));
        }
        std::sort(times.begin(), times.end());
        std::printf("frame_ms_guide_screen_1920x1080  p50=%.2f  p95=%.2f  max=%.2f  (software renderer, %zu frames)\n",
                    times[times.size() / 2], times[times.size() * 95 / 100], times.back(), times.size());
        app.set_rasterize(false);
        times.clear();
        for (int i = 0; i < 200; ++i) {
            const auto t = Clock::now();
            app.frame(5000 + i * 16);
            times.push_back(ms_since(t));
        }
        std::sort(times.begin(), times.end());
        std::printf("frame_ms_build_only               p50=%.2f  p95=%.2f  (layout and draw lists, no rasterising)\n",
                    times[times.size() / 2], times[times.size() * 95 / 100]);
    }

    // Content load time for 500 guides (copies of the shipped ones with new ids).
    {
        const fs::path dir = fs::temp_directory_path() / ("ledsager-bench-" + std::to_string(::getpid()));
        fs::create_directories(dir);
        std::vector<fs::path> originals;
        for (const auto& e : fs::directory_iterator(src / "assets/guides"))
            if (e.is_directory()) originals.push_back(e.path());
        for (int i = 0; i < 500; ++i) {
            const fs::path from = originals[i % originals.size()];
            const std::string id = from.filename().string() + "-" + std::to_string(i);
            fs::create_directories(dir / id);
            for (const auto& f : fs::directory_iterator(from)) {
                std::ifstream in(f.path());
                std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
                if (f.path().filename() == "guide.toml")
                    replace_all(text, "id = \"" + from.filename().string() + "\"", "id = \"" + id + "\"");
                std::ofstream(dir / id / f.path().filename()) << text;
            }
        }
        std::vector<double> times;
        size_t loaded = 0;
        for (int r = 0; r < 5; ++r) {
            const auto t = Clock::now();
            auto set = common::load_content(dir);
            times.push_back(ms_since(t));
            loaded = set.guides.size();
        }
        std::sort(times.begin(), times.end());
        std::printf("content_load_ms_500_guides        median=%.1f  min=%.1f  (%zu loaded and checked)\n", times[2],
                    times[0], loaded);
        fs::remove_all(dir);
    }
    // Reading aloud: a touch on a button -> the first audible sample taken by the audio
    // device (SDL's "disk" driver stands in for a sound card and takes samples at the real
    // rate). In reading-aloud mode the first touch says the element.
    {
        auto content = common::load_content(src / "assets/guides");
        app::KioskApp app({}, std::move(content), tr);
        std::string error;
        auto display = platform::Display::open_offscreen(1920, 1080, error);
        auto speech = platform::Speech::open(true, error);
        if (!display || !speech || !app.attach(*display, error)) {
            std::fprintf(stderr, "speech: %s\n", error.c_str());
            return 1;
        }
        platform::Speech* engine = speech.get();
        app.set_speech(std::move(speech));
        core::Millis now = 1000;
        auto frames = [&](int n) {
            for (int i = 0; i < n; ++i)
                app.frame(now += 16);
        };
        app.session().show(core::Screen::Catalogue, "", "", now);
        app.session().set_language("da");
        app.session().apply({core::ActionKind::ReadAloud}, now);
        frames(3);
        std::vector<double> lat;
        const auto& els = app.elements();
        std::vector<ui::Rect> targets;
        for (const auto& e : els)
            if (e.actionable && e.visible && e.role == ui::Role::Tile) targets.push_back(e.rect);
        for (int i = 0; i < 30 && !targets.empty(); ++i) {
            const ui::Rect r = targets[static_cast<size_t>(i) % targets.size()];
            // Let the previous speech finish being cut off, then touch.
            engine->stop();
            usleep(50000);
            const auto t0 = Clock::now();
            const auto t0_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(t0.time_since_epoch()).count();
            app.push({core::InputEvent::Kind::PointerDown, r.cx(), r.cy()});
            app.push({core::InputEvent::Kind::PointerUp, r.cx(), r.cy()});
            frames(1);
            while (engine->first_sample_ns() < t0_ns && ms_since(t0) < 2000)
                usleep(500);
            if (engine->first_sample_ns() >= t0_ns) lat.push_back((engine->first_sample_ns() - t0_ns) / 1e6);
            frames(2);
        }
        std::sort(lat.begin(), lat.end());
        if (lat.empty()) {
            std::printf("speech_tap_to_first_sample_ms  no audio heard\n");
        } else {
            std::printf(
                "speech_tap_to_first_sample_ms  p50=%.1f  p95=%.1f  max=%.1f  (%zu touches, SDL audio driver %s, "
                "256-sample buffer)\n",
                lat[lat.size() / 2], lat[lat.size() * 95 / 100], lat.back(), lat.size(),
                SDL_GetCurrentAudioDriver() ? SDL_GetCurrentAudioDriver() : "?");
        }
    }
    return 0;
}
