// Settings IT pushes from the hub to a site's kiosks, or to one kiosk (ledsager-hub settings
// set): the few that differ between places. The hub checks them when they are set; the
// kiosk checks them again and applies them between sessions, over its kiosk.toml.
//
//   inactivity_timeout_s    30..3600      idle time before "Are you still there?"
//   warning_countdown_s     20..300       the countdown before the session is wiped
//   languages               ["da", …]     languages offered, in order (known codes)
//   default_language        "da"          the attract screen's language (one of languages)
//   front_desk              {"da": "…"}   where to find a person when the hub cannot help
//   opening_hours           "mon-fri 09:00-18:00, sat 10:00-14:00"  ("" = always open)
//   screen_off_when_closed  true          outside opening hours, between sessions, the
//                                         screen goes dark (a touch still starts a session)
#pragma once

#include <ctime>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ledsager::common {

// Opening hours: per weekday (0 = Monday) a list of [open, close) minutes of the day.
struct OpeningHours {
    std::vector<std::pair<int, int>> day[7];
    bool always = true;  // no hours given
    // Open at this local weekday (0 = Monday) and minute of the day?
    bool open_at(int weekday, int minute) const;
    bool open_at(std::time_t t) const;  // in the machine's local time zone
};

// Parses "mon-fri 09:00-18:00, sat 10:00-14:00" (days mon tue wed thu fri sat sun, ranges
// of days, several time ranges per day with "+": "mon 09:00-12:00+13:00-16:00").
// False with `error` naming the part that is wrong.
bool parse_opening_hours(const std::string& text, OpeningHours& out, std::string& error);

// The settings an object gives; what it leaves out stays as the kiosk has it.
struct RemoteSettings {
    std::optional<int> inactivity_timeout_s, warning_countdown_s;
    std::optional<std::vector<std::string>> languages;
    std::optional<std::string> default_language;
    std::map<std::string, std::string> front_desk;  // language code -> text
    std::optional<std::string> opening_hours;
    std::optional<bool> screen_off_when_closed;
};

// The languages a kiosk offers now, and the attract screen's: a default_language must be one
// of the languages offered once the settings are applied. The hub checks against a kiosk as
// shipped (kiosk.toml's defaults: every language Ledsager knows, Danish first).
struct LanguageChoice {
    std::vector<std::string> offered;
    std::string default_language;
    static LanguageChoice as_shipped();
};

// Reads a settings object (JSON text) meant for a kiosk whose languages are `now`. Only the
// keys above; anything else, or a value out of range, is an error naming the key (and `out`
// is left as it was then).
bool parse_remote_settings(const std::string& json_text, const LanguageChoice& now, RemoteSettings& out,
                           std::string& error);

}  // namespace ledsager::common
