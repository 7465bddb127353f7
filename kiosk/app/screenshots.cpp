#include "app/screenshots.hpp"

#include <cstdio>


namespace ledsager::app {

namespace {
struct Shot {
    core::Screen screen;
    std::string guide, step, name;
    bool warning = false;
};
}  // namespace

int render_screenshots(KioskApp& app, const platform::Display& display, const ScreenshotOptions& o) {
    std::error_code ec;
    std::filesystem::create_directories(o.out_dir, ec);
    if (ec) {
        std::fprintf(stderr, "ledsager-kiosk: cannot create %s: %s\n", o.out_dir.c_str(), ec.message().c_str());
        return -1;
    }
    // Which screens: the kiosk's own, then every screen of every guide.
    std::vector<Shot> shots;
    if (o.guide.empty()) {
        shots.push_back({core::Screen::Attract, "", "", "kiosk__attract"});
        shots.push_back({core::Screen::Language, "", "", "kiosk__language"});
        shots.push_back({core::Screen::Catalogue, "", "", "kiosk__catalogue"});
        shots.push_back({core::Screen::Help, "", "", "kiosk__help"});
        shots.push_back({core::Screen::Catalogue, "", "", "kiosk__timeout", true});
        shots.push_back({core::Screen::Wiped, "", "", "kiosk__wiped"});
    }
    bool found = o.guide.empty();
    for (const auto& g : app.content().guides) {
        if (!o.guide.empty() && g.id != o.guide) continue;
        found = true;
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
    if (!found) {
        std::fprintf(stderr, "ledsager-kiosk: no guide '%s' is being served\n", o.guide.c_str());
        return -1;
    }
    const auto langs = o.languages.empty() ? app.config().offered : o.languages;

    int written = 0;
    core::Millis now = 1'000'000;
    for (int scale : o.scales) {
        for (bool hc : o.themes) {
            for (const auto& lang : langs) {
                for (const auto& shot : shots) {
                    auto& s = app.session();
                    s.wipe(now, false);
                    s.show(shot.screen, shot.guide, shot.step, now);
                    s.set_language(lang);
                    s.set_text_scale(scale);
                    s.set_high_contrast(hc);
                    if (shot.warning) s.set_warning(true, now - 7000);
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
