// Kiosk configuration: one plain struct, every field's default documented here and in
// config/kiosk.toml. Loaded once at start-up; a bad value stops start-up (exit 2) with a
// message naming the file, line and key.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "common/diagnostics.hpp"

namespace ledsager::core {

struct KioskConfig {
    // [session]
    int inactivity_timeout_s = 120;  // idle time before "Are you still there?" (30..3600)
    int warning_countdown_s = 30;    // countdown shown before the session is wiped (20..300)
    int wiped_notice_s = 8;          // how long "Your information has been deleted" stays (3..60)

    // [display]
    int text_scale = 100;           // starting text size in percent: 100, 150 or 200
    bool high_contrast = false;     // start in the high-contrast theme
    double screen_diagonal_in = 0;  // 0 = ask the display; used for physical touch-target sizes

    // [languages]
    // In the order shown; each needs po/<code>.po.
    std::vector<std::string> offered{"da", "en", "ar", "uk", "tr", "pl", "so", "ur", "fa", "ti"};
    std::string default_language = "da";  // the attract screen's language

    // [site]
    std::string site_name = "Demo Library";
    // Where to find a person when the hub cannot be used, per language code. The kiosk
    // shows the chosen language's text, falling back to en, then da.
    std::map<std::string, std::string> front_desk{
        {"da", "Gå hen til skranken ved indgangen. Personalet hjælper dig gerne."},
        {"en", "Please go to the front desk by the entrance. The staff are happy to help."},
    };

    std::string site_place;  // where this kiosk stands, e.g. "By the entrance" (shown on consent)
    // When the service is open, e.g. "mon-fri 09:00-18:00, sat 10:00-14:00" (local time);
    // empty = always. Outside them, between sessions, the screen goes dark if
    // screen_off_when_closed (a touch still starts a session). See common/remote_settings.hpp.
    std::string opening_hours;
    bool screen_off_when_closed = true;

    // [hub]
    std::string hub_url;      // e.g. https://hub.example.dk; empty = no hub (front-desk text only)
    std::string hub_token;    // this kiosk's token (kiosk add / enrollment)
    std::string hub_ca_file;  // CA certificate that signs the hub's certificate; empty = system CAs
    int hub_timeout_s = 5;    // per request (1..60)

    // [assist] quiet "may need help" signals to the staff console (through the hub)
    int assist_idle_on_step_s = 60;  // no touch for this long on one step (0 = off; 20..600)
    int assist_backs = 3;            // this many Backs within two minutes in one guide (0 = off; 2..10)

    // [printer]
    std::string printer_device;  // ESC/POS receipt printer, e.g. /dev/usb/lp0; empty = none

    // [content]
    std::string guides_dir;  // empty = the installed assets/guides (or the newest good bundle, below)
    // Signed content bundles from the hub (see common/bundle.hpp). Updates are taken only
    // when at least one public key is pinned here; bundles signed by any other key are refused.
    std::vector<std::string> content_public_keys;                 // base64 ed25519 keys (ledsager-hub content keygen)
    std::string content_store_dir = "/var/lib/ledsager/content";  // verified bundles and which one is served

    // [speech] reading aloud (espeak-ng)
    int speech_inactivity_timeout_s = 300;  // idle time before the warning while reading aloud (60..3600)
    int speech_rate_wpm = 150;  // normal speed in words per minute (80..300); the citizen can go 3 steps either way
    int speech_volume = 100;    // normal volume, 10..200 (espeak-ng's scale); 3 steps either way

    // [video] live video calls with a remote caseworker (through the hub)
    bool video_enabled = true;  // offer "Talk to a caseworker on video" when a hub is set
    std::string video_source =
        "camera";  // camera (v4l2 + default microphone) | test (test pattern and tone: demo, tests)
    std::string video_camera = "/dev/video0";
    std::string video_speaker = "auto";  // auto (default audio output) | none (not played: tests)
    bool video_echo_cancel = true;       // take the speaker's sound out of the microphone's (webrtcdsp)
    int video_answer_timeout_s = 90;     // no caseworker answers in this time: offer the front desk (20..900)
    int video_reconnect_timeout_s =
        20;                       // a lost call that does not come back in this time: offer the front desk (5..120)
    bool video_loopback = false;  // also offer 127.0.0.1 as a network candidate (hub and caseworker on this machine)
    // The UDP ports a call's media may use (both 0: any), so that IT can open just these in a
    // firewall (1024..65535; at least one port per call, a few more help).
    int video_min_port = 0, video_max_port = 0;

    // [keys] the keypad: each action is bound to one or more key names (SDL key names,
    // e.g. "Up", "Keypad 8", "F2"). A binding given here replaces that action's defaults.
    std::map<std::string, std::vector<std::string>> keys = default_keys();
    static std::map<std::string, std::vector<std::string>> default_keys();
};

// The keypad actions a [keys] table may bind.
const std::vector<std::string>& key_actions();

// Reads `file` over the defaults in `config`. Returns false with diagnostics on any bad
// key or value; unknown keys are errors too (a typo must not silently keep a default).
bool load_config(const std::filesystem::path& file, KioskConfig& config, common::Diagnostics& diags);

// A hub address a kiosk may use: https:// to any host, plain http:// only to this machine
// (127.0.0.0/8, localhost, [::1]): a token or a citizen's request never crosses a network in clear.
bool hub_url_allowed(const std::string& url);

// Applies a settings object from the hub (JSON text, common/remote_settings.hpp) to `config`.
// Anything parse_remote_settings refuses (over this kiosk's languages) is an error naming the
// key, and nothing is applied then.
bool apply_remote_settings(const std::string& json_text, KioskConfig& config, std::string& error);

}  // namespace ledsager::core
