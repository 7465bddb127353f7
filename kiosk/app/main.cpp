// ledsager-kiosk: the citizen's kiosk. See --help.

#include <sys/stat.h>
#include <unistd.h>
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <iostream>

#include "app/kiosk_app.hpp"
#include "app/preview.hpp"
#include "app/screenshots.hpp"
#include "app/script.hpp"
#include "common/content.hpp"
#include "core/config.hpp"
#include "core/i18n.hpp"
#include "platform/cache_folder.hpp"
#include "platform/display.hpp"
#include "platform/enroll.hpp"
#include "platform/input.hpp"
#include "platform/memory.hpp"
#include "platform/service.hpp"
#include "platform/signals.hpp"
#include "platform/speech.hpp"

namespace fs = std::filesystem;
using namespace ledsager;

namespace {

using Clock = std::chrono::steady_clock;

core::Millis now_ms(Clock::time_point start) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

// The repository's folders when run from a build tree; the installed ones otherwise.
fs::path default_dir(const char* env, const char* built_in) {
    if (const char* e = std::getenv(env); e && *e) return e;
    return built_in;
}

void print_diagnostics(const common::Diagnostics& diags) {
    for (const auto& d : diags.items)
        std::fprintf(stderr, "%s\n", d.format().c_str());
}

std::vector<std::string> split(const std::string& s) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start <= s.size()) {
        size_t end = s.find(',', start);
        if (end == std::string::npos) end = s.size();
        if (end > start) out.push_back(s.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    const auto start = Clock::now();
    platform::keep_large_blocks_apart();
    CLI::App cli{"Ledsager kiosk: guided digital self-service for citizens"};
    std::string config_file, content_dir, check_dir, screenshots_dir, langs, guide, windowed, po_dir, script;
    cli.add_option("--config", config_file, "Configuration file (default: built-in defaults; see config/kiosk.toml)");
    cli.add_option("--content", content_dir, "Folder of guides to serve (default: the installed assets/guides)");
    cli.add_option("--po", po_dir, "Folder of interface catalogues <code>.po (default: the installed po/)");
    cli.add_option("--windowed", windowed, "Run in a window of WxH pixels instead of full-screen (development)");
    cli.add_option("--check-content", check_dir, "Check the guides in DIR and exit: 0 clean, 1 errors");
    std::vector<std::string> stamp_files;
    cli.add_option("--stamp-translation", stamp_files,
                   "Record that guide language FILE(s) now match the text they were translated from (after updating "
                   "them), and exit");
    int source_age_months = 6;
    cli.add_option("--source-age-months", source_age_months,
                   "With --check-content: warn about sources checked longer ago than this (default 6)")
        ->check(CLI::Range(1, 120));
    cli.add_option("--screenshots", screenshots_dir,
                   "Render every screen to PNG files in DIR and exit (no display needed)");
    cli.add_option("--lang", langs, "With --screenshots: only these languages (e.g. da,en)");
    cli.add_option("--guide", guide,
                   "With --screenshots: only this guide (\"kiosk\": only the screens outside guides)");
    bool preview_worker = false;
    cli.add_flag("--preview-worker", preview_worker,
                 "Draw previews for the hub's content studio: requests on stdin, replies on stdout (one JSON line "
                 "each; see kiosk/app/preview.hpp). Needs no display; reads no configuration or device file");
    cli.add_option("--script", script,
                   "Run headless (no display) and follow the commands in FILE (tap, expect, sleep, screenshot)");
    std::string device_file = "/var/lib/ledsager/device.toml";
    cli.add_option("--device", device_file,
                   "This kiosk's own credential and site settings, read after --config if present "
                   "(written by `enroll`; must be readable by the kiosk user only)");
    platform::EnrollRequest enroll_request;
    auto* enroll_cmd = cli.add_subcommand("enroll", "Enroll this kiosk with a one-time code from IT, then exit");
    enroll_cmd->add_option("--hub", enroll_request.hub_url, "The hub, e.g. https://hub.example.dk")->required();
    enroll_cmd->add_option("--code", enroll_request.code, "The one-time code (ledsager-hub enroll-code)")->required();
    enroll_cmd->add_option(
        "--name", enroll_request.name,
        "Only for a code made before codes named the kiosk: this device's name (IT names kiosks when making the code)");
    enroll_cmd->add_option("--ca", enroll_request.ca_file, "CA certificate that signed the hub's certificate");
    enroll_cmd->add_option("--out", enroll_request.out, "Where to write the credential (default: the --device file)");
    try {
        cli.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return cli.exit(e) == 0 ? 0 : 2;
    }

    if (*enroll_cmd) {
        if (enroll_request.out.empty()) enroll_request.out = device_file;
        const auto t0 = Clock::now();
        std::string error, name;
        if (!platform::enroll(enroll_request, name, error)) {
            std::fprintf(stderr, "ledsager-kiosk enroll: %s\n", error.c_str());
            return 1;
        }
        std::printf(
            "enrolled as '%s' in %lld ms; credential written to %s (0600)\n", name.c_str(),
            static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count()),
            enroll_request.out.c_str());
        return 0;
    }

    const fs::path assets = default_dir("LEDSAGER_ASSETS", LEDSAGER_DEFAULT_ASSETS);
    common::ContentOptions content_options;
    content_options.max_source_age_months = source_age_months;

    if (!stamp_files.empty()) {
        int failed = 0;
        for (const auto& f : stamp_files) {
            std::string error;
            if (common::stamp_translation(f, error)) {
                std::printf("%s: stamped\n", f.c_str());
            } else {
                std::fprintf(stderr, "%s\n", error.c_str());
                ++failed;
            }
        }
        return failed ? 1 : 0;
    }

    if (!check_dir.empty()) {
        content_options.decode_pictures = true;  // as the kiosk would draw each picture
        const auto set = common::load_content(check_dir, content_options);
        for (const auto& d : set.diagnostics.items)
            std::printf("%s\n", d.format().c_str());
        std::fprintf(stderr, "%zu guide(s) ok, %zu error(s), %zu warning(s)\n", set.guides.size(),
                     set.diagnostics.error_count(), set.diagnostics.items.size() - set.diagnostics.error_count());
        return set.diagnostics.has_errors() ? 1 : 0;
    }

    core::KioskConfig config;
    if (preview_worker) config_file.clear(), device_file.clear();  // the kiosk's defaults: every language
    if (!config_file.empty()) {
        common::Diagnostics diags;
        if (!core::load_config(config_file, config, diags)) {
            print_diagnostics(diags);
            std::fprintf(stderr, "ledsager-kiosk: configuration has errors, not starting\n");
            return 2;
        }
    }
    // The device file from enrollment, over the configuration: only if private to the kiosk user.
    if (std::error_code ec; !device_file.empty() && fs::exists(device_file, ec)) {
        struct stat st {};
        if (::stat(device_file.c_str(), &st) == 0 && (st.st_mode & 077)) {
            std::fprintf(stderr,
                         "%s: readable by others (mode %03o): it holds this kiosk's token; run chmod 600 %s\n"
                         "ledsager-kiosk: configuration has errors, not starting\n",
                         device_file.c_str(), static_cast<unsigned>(st.st_mode & 0777), device_file.c_str());
            return 2;
        }
        common::Diagnostics diags;
        if (!core::load_config(device_file, config, diags)) {
            print_diagnostics(diags);
            std::fprintf(stderr, "ledsager-kiosk: configuration has errors, not starting\n");
            return 2;
        }
    }
    int win_w = 0, win_h = 0;
    if (!windowed.empty() &&
        (std::sscanf(windowed.c_str(), "%dx%d", &win_w, &win_h) != 2 || win_w < 320 || win_h < 240)) {
        std::fprintf(stderr, "ledsager-kiosk: --windowed: expected WIDTHxHEIGHT, e.g. 1280x720 (got '%s')\n",
                     windowed.c_str());
        return 2;
    }

    core::Translator translator;
    {
        common::Diagnostics diags;
        translator.load_dir(po_dir.empty() ? default_dir("LEDSAGER_PO", LEDSAGER_DEFAULT_PO) : fs::path(po_dir), diags);
        print_diagnostics(diags);
        std::vector<std::string> usable;
        for (const auto& code : config.offered) {
            if (translator.has_language(code))
                usable.push_back(code);
            else
                std::fprintf(stderr, "ledsager-kiosk: language '%s' has no catalogue po/%s.po: not offered\n",
                             code.c_str(), code.c_str());
        }
        if (usable.empty()) {
            std::fprintf(stderr, "ledsager-kiosk: no interface catalogue found for any offered language\n");
            return 2;
        }
        config.offered = usable;
        if (!translator.has_language(config.default_language)) config.default_language = usable.front();
    }

    platform::KeyMap key_map;
    {
        std::string error;
        if (!platform::make_key_map(config.keys, key_map, error)) {
            std::fprintf(stderr, "%s: %s\nledsager-kiosk: configuration has errors, not starting\n",
                         config_file.empty() ? "(defaults)" : config_file.c_str(), error.c_str());
            return 2;
        }
    }

    const fs::path guides = !content_dir.empty()         ? fs::path(content_dir)
                            : !config.guides_dir.empty() ? fs::path(config.guides_dir)
                                                         : assets / "guides";
    // What a start computes that the next can take up: the attract screen's font atlas (cache
    // folder), the keyboard's compose table (runtime folder, this boot only; before the display
    // opens and any thread starts).
    const fs::path cache = platform::cache_folder();
    const bool windowed_run = screenshots_dir.empty() && script.empty() && !preview_worker;
    if (windowed_run) platform::keep_compose_table(platform::runtime_folder());
    // The guides are read on their own thread while the window opens (each takes about as
    // long as the other): the first frame needs both. Signed bundles from the hub, when a
    // public key is pinned and no folder is forced: the newest good bundle, else the one
    // before, else the installed guides.
    struct Loaded {
        std::unique_ptr<core::ContentStore> store;
        common::ContentSet content;
        fs::path served;
        std::int64_t version = 0;
        std::string note;
        core::Millis ready_ms = 0;  // since start
    };
    const bool from_store = !config.content_public_keys.empty() && content_dir.empty() && config.guides_dir.empty() &&
                            screenshots_dir.empty() && !preview_worker;
    // Nothing on this thread may depend on the locale: SDL sets the user's for a moment while
    // the window opens (X11's input method).
    auto loading =
        std::async(std::launch::async, [&config, &content_options, guides, from_store, start, preview_worker] {
            Loaded l;
            l.served = guides;
            if (preview_worker) {
                // Each request brings its guide.
            } else if (from_store) {
                l.store = std::make_unique<core::ContentStore>(config.content_store_dir, config.content_public_keys,
                                                               content_options);
                auto s = l.store->load_at_start(guides);
                for (const auto& n : s.notes) {
                    std::fprintf(stderr, "ledsager-kiosk: %s\n", n.c_str());
                    l.note = n;
                }
                l.content = std::move(s.content);
                l.served = s.guides;
                l.version = s.version;
            } else {
                l.content = common::load_content(guides, content_options);
            }
            // A broken guide is left out with a log line naming the problem; the rest is served.
            for (const auto& d : l.content.diagnostics.items)
                if (d.severity == common::Severity::Error)
                    std::fprintf(stderr, "ledsager-kiosk: guide left out: %s\n", d.format().c_str());
            std::fprintf(stderr, "ledsager-kiosk: %zu guide(s) served from %s\n", l.content.guides.size(),
                         l.served.c_str());
            l.ready_ms = now_ms(start);
            return l;
        });
    std::unique_ptr<platform::Display> window;
    std::string window_error;
    core::Millis t_display = 0, t_window = 0;
    if (windowed_run) {
        t_display = now_ms(start);
        window = platform::Display::open_window(win_w ? win_w : 1920, win_h ? win_h : 1080, win_w == 0, window_error);
        t_window = now_ms(start);
    }
    Loaded loaded = loading.get();
    const core::Millis t_content = loaded.ready_ms, t_both = now_ms(start);

    app::KioskApp app(config, std::move(loaded.content), std::move(translator));
    if (loaded.store) app.set_content_store(std::move(loaded.store), loaded.version, loaded.note);
    platform::install_stop_signals();

    if (!screenshots_dir.empty()) {
        app::ScreenshotOptions o;
        o.out_dir = screenshots_dir;
        o.languages = split(langs);
        o.guide = guide;
        for (const auto& l : o.languages)
            if (std::find(app.config().offered.begin(), app.config().offered.end(), l) == app.config().offered.end()) {
                std::fprintf(stderr, "ledsager-kiosk: --lang: '%s' is not offered\n", l.c_str());
                return 2;
            }
        std::string error;
        // Voices decide which screens offer reading aloud; screenshots make no sound.
        app.set_speech(platform::Speech::open(false, error));
        auto display = platform::Display::open_offscreen(o.width, o.height, error);
        if (!display || !app.attach(*display, error)) {
            std::fprintf(stderr, "ledsager-kiosk: %s\n", error.c_str());
            return 1;
        }
        const int n = app::render_screenshots(app, *display, o);
        app.detach();  // before the renderer goes
        if (n < 0) return 1;
        std::fprintf(stderr, "ledsager-kiosk: %d screenshot(s) written to %s\n", n, screenshots_dir.c_str());
        return 0;
    }

    if (preview_worker) {
        // The replies own stdout: whatever a library prints goes to stderr instead.
        std::FILE* replies = fdopen(dup(STDOUT_FILENO), "w");
        if (!replies || dup2(STDERR_FILENO, STDOUT_FILENO) < 0) {
            std::fprintf(stderr, "ledsager-kiosk: --preview-worker: cannot set up its output\n");
            return 1;
        }
        std::string error;
        app.set_speech(platform::Speech::open(false, error));  // which screens offer reading aloud
        auto display = platform::Display::open_offscreen(1920, 1080, error);
        if (!display || !app.attach(*display, error)) {
            std::fprintf(stderr, "ledsager-kiosk: %s\n", error.c_str());
            return 1;
        }
        const int rc = app::run_preview_worker(app, *display, std::cin, replies);
        app.detach();
        std::fclose(replies);
        return rc;
    }

    if (!script.empty()) {
        std::string error;
        // Scripts run with sound when an audio device is there (SDL_AUDIODRIVER=disk records it).
        auto speech = platform::Speech::open(true, error);
        if (!speech) {
            std::fprintf(stderr, "ledsager-kiosk: %s (reading aloud without sound)\n", error.c_str());
            speech = platform::Speech::open(false, error);
        }
        app.set_speech(std::move(speech));
        auto display = platform::Display::open_offscreen(1920, 1080, error);
        if (!display || !app.attach(*display, error)) {
            std::fprintf(stderr, "ledsager-kiosk: %s\n", error.c_str());
            return 1;
        }
        const int rc = app::run_script(app, *display, script);
        app.detach();
        return rc;
    }

    // The attract screen's font atlas is kept for the next start in the cache folder.
    app.set_font_cache(cache);
    std::string error = window_error;
    auto& display = window;
    if (!display || !app.attach(*display, error)) {
        std::fprintf(stderr, "ledsager-kiosk: %s\n", error.c_str());
        return 1;
    }
    const core::Millis t_attached = now_ms(start);
    core::Millis t_speech = -1;  // when reading aloud was opened (after the first frame)
    // Hub replies arrive on the client's thread: they wake the loop at once.
    app.set_hub_wake(display->waker());
    display->show_cursor(win_w != 0);

    bool first = true, logged = false, restart_noted = false;
    platform::ServiceNotifier service;
    while (!platform::stop_requested()) {
        if (platform::restart_requested()) {
            // After a package upgrade (SIGUSR1 from its postinst): the new program starts
            // under systemd (Restart=always) once nobody is using the kiosk.
            if (app.idle()) {
                std::fprintf(stderr, "ledsager-kiosk: restarting for the new version (no session in progress)\n");
                break;
            }
            if (!restart_noted)
                std::fprintf(stderr, "ledsager-kiosk: restart requested: waiting for the session to end\n");
            restart_noted = true;
        }
        core::Millis now = now_ms(start);
        service.alive(now);  // a loop that stops turning stops the pings: systemd restarts the kiosk
        int wait = 250;      // wake at least this often to notice SIGTERM
        if (app.needs_frame(now))
            wait = 0;
        else if (core::Millis due = app.next_wake(now); due >= 0)
            wait = static_cast<int>(std::clamp<core::Millis>(due - now, 0, 250));
        for (const auto& ev : display->wait_events(wait, key_map)) {
            switch (ev.kind) {
                case platform::Display::Event::Kind::Input:
                    app.push(ev.input);
                    break;
                case platform::Display::Event::Kind::AudioOutputAdded:
                    // A headset plugged in (where the hardware reports it as a new output
                    // device) starts reading aloud, as the Read aloud key does. Devices
                    // listed at start-up are not plugged in by anyone.
                    if (t_speech >= 0 && now_ms(start) > t_speech + 3000) {
                        app.push({core::InputEvent::Kind::KeyDown, 0, 0, core::Key::ReadAloud});
                        app.push({core::InputEvent::Kind::KeyUp, 0, 0, core::Key::ReadAloud});
                    }
                    break;
                case platform::Display::Event::Kind::Resized:
                    app.resize(display->width(), display->height());
                    break;
                case platform::Display::Event::Kind::Exposed:
                    app.invalidate();
                    break;
                case platform::Display::Event::Kind::Woken:
                    break;  // the loop turns: the hub's reply is handled in the next frame
            }
        }
        if (app.speech()) app.speech()->pause_when_idle();
        now = now_ms(start);
        if (app.needs_frame(now)) {
            app.frame(now);
            display->present();
            const core::Millis drawn_at = now_ms(start);
            if (!logged && app.frame_whole()) {
                logged = true;  // the first frame with every glyph it shows
                std::fprintf(stderr,
                             "ledsager-kiosk: first frame drawn after %lld ms (configuration %lld ms, display %lld ms, "
                             "guides ready at %lld ms, fonts %lld ms)\n",
                             static_cast<long long>(drawn_at), static_cast<long long>(t_display),
                             static_cast<long long>(t_window - t_display), static_cast<long long>(t_content),
                             static_cast<long long>(t_attached - t_both));
            }
            if (first) {
                first = false;
                platform::started();
                service.ready();  // serving, whole or not (a glyph that cannot be added shows '?')
                // Reading aloud needs an audio device; without one the kiosk serves without it.
                // Opened once the attract screen shows: the sound system and the voices take
                // as long as the screen's first frame, and its Read aloud button appears a
                // moment later. The audio devices SDL lists now are not plugged in by anyone.
                std::string speech_error;
                auto speech = platform::Speech::open(true, speech_error);
                if (!speech) std::fprintf(stderr, "ledsager-kiosk: %s: reading aloud is off\n", speech_error.c_str());
                app.set_speech(std::move(speech));
                t_speech = now_ms(start);
            }
        }
    }
    service.stopping();
    std::fprintf(stderr, "ledsager-kiosk: stopping\n");
    app.detach();  // textures go before the renderer that made them
    return 0;
}
