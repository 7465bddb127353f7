#include "app/script.hpp"

#include <chrono>
#include <cstdio>
#include <fstream>
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
    auto run_for = [&](int ms, int frames = 1) {
        const auto end = Clock::now() + std::chrono::milliseconds(ms);
        for (int i = 0; i < frames || Clock::now() < end; ++i) {
            app.frame(now());
            std::this_thread::sleep_for(std::chrono::milliseconds(16));
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
                app.push({platform::InputEvent::Kind::Wheel, 0, -1});
                run_for(20);
                e = find(app, arg);
            }
            if (!e || !e->actionable) return fail("nothing to tap with id '" + arg + "'");
            const float x = e->rect.cx(), y = e->rect.cy();
            app.push({platform::InputEvent::Kind::PointerDown, x, y});
            run_for(20, 2);
            app.push({platform::InputEvent::Kind::PointerUp, x, y});
            run_for(60, 4);  // the tap, the new screen, and its measured scrolling
        } else if (cmd == "expect") {
            const auto end = Clock::now() + std::chrono::seconds(10);
            while (!shows(app, arg) && Clock::now() < end) run_for(50);
            if (!shows(app, arg)) return fail("'" + arg + "' did not appear");
        } else if (cmd == "sleep") {
            run_for(std::max(0, std::atoi(arg.c_str())));
        } else if (cmd == "screenshot") {
            std::string error;
            if (!display.save_png(arg, error)) return fail(error);
        } else {
            return fail("unknown command '" + cmd + "' (tap, expect, sleep, screenshot)");
        }
        std::printf("ok %s\n", line.c_str());
        std::fflush(stdout);
    }
    return 0;
}

}  // namespace ledsager::app
