#include "common/remote_settings.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <sstream>

#include "common/languages.hpp"

namespace ledsager::common {

using json = nlohmann::json;

namespace {

constexpr const char* kDays[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

int day_index(const std::string& d) {
    for (int i = 0; i < 7; ++i)
        if (d == kDays[i]) return i;
    return -1;
}

// "09:00" -> 540; -1 when not a time. "24:00" is allowed as the end of a day.
int minutes(const std::string& t) {
    if (t.size() != 5 || t[2] != ':' || !std::isdigit(static_cast<unsigned char>(t[0])) ||
        !std::isdigit(static_cast<unsigned char>(t[1])) || !std::isdigit(static_cast<unsigned char>(t[3])) ||
        !std::isdigit(static_cast<unsigned char>(t[4])))
        return -1;
    const int h = (t[0] - '0') * 10 + (t[1] - '0'), m = (t[3] - '0') * 10 + (t[4] - '0');
    if (m > 59 || h > 24 || (h == 24 && m != 0)) return -1;
    return h * 60 + m;
}

std::string trim(const std::string& s) {
    const auto a = s.find_first_not_of(" \t"), b = s.find_last_not_of(" \t");
    return a == std::string::npos ? "" : s.substr(a, b - a + 1);
}

}  // namespace

bool OpeningHours::open_at(int weekday, int minute) const {
    if (always) return true;
    for (const auto& [a, b] : day[weekday % 7])
        if (minute >= a && minute < b) return true;
    return false;
}

bool OpeningHours::open_at(std::time_t t) const {
    std::tm tm{};
    localtime_r(&t, &tm);
    return open_at((tm.tm_wday + 6) % 7, tm.tm_hour * 60 + tm.tm_min);
}

bool parse_opening_hours(const std::string& text, OpeningHours& out, std::string& error) {
    out = {};
    if (trim(text).empty()) return true;
    out.always = false;
    std::stringstream parts(text);
    std::string part;
    while (std::getline(parts, part, ',')) {
        part = trim(part);
        const auto space = part.find(' ');
        if (space == std::string::npos)
            return error = "'" + part + "': expected days and times, e.g. mon-fri 09:00-18:00", false;
        const std::string days = part.substr(0, space), times = trim(part.substr(space + 1));
        int from = -1, to = -1;
        if (const auto dash = days.find('-'); dash != std::string::npos) {
            from = day_index(days.substr(0, dash));
            to = day_index(days.substr(dash + 1));
        } else {
            from = to = day_index(days);
        }
        if (from < 0 || to < 0 || to < from)
            return error = "'" + days + "': days are mon tue wed thu fri sat sun, or a range like mon-fri", false;
        std::stringstream ranges(times);
        std::string range;
        while (std::getline(ranges, range, '+')) {
            range = trim(range);
            const auto dash = range.find('-');
            const int a = dash == std::string::npos ? -1 : minutes(range.substr(0, dash));
            const int b = dash == std::string::npos ? -1 : minutes(range.substr(dash + 1));
            if (a < 0 || b < 0 || b <= a)
                return error = "'" + range + "': times are like 09:00-18:00 (opening before closing)", false;
            for (int d = from; d <= to; ++d)
                out.day[d].emplace_back(a, b);
        }
    }
    return true;
}

LanguageChoice LanguageChoice::as_shipped() {
    LanguageChoice c;
    for (const auto& l : kLanguages)
        c.offered.emplace_back(l.code);
    c.default_language = "da";
    return c;
}

bool parse_remote_settings(const std::string& json_text, const LanguageChoice& now, RemoteSettings& out,
                           std::string& error) {
    json j;
    try {
        j = json::parse(json_text);
    } catch (const json::exception&) {
        return error = "settings: not valid JSON", false;
    }
    if (!j.is_object()) return error = "settings: must be an object of setting: value", false;
    RemoteSettings r;
    auto whole = [&](const char* key, std::optional<int>& field, int lo, int hi) {
        if (!j.contains(key)) return true;
        if (!j[key].is_number_integer() || j[key].get<long long>() < lo || j[key].get<long long>() > hi)
            return error = std::string(key) + ": must be a whole number between " + std::to_string(lo) + " and " +
                           std::to_string(hi),
                   false;
        field = j[key].get<int>();
        return true;
    };
    for (const auto& [key, value] : j.items()) {
        static const std::vector<std::string> known{"inactivity_timeout_s",  "warning_countdown_s", "languages",
                                                    "default_language",      "front_desk",          "opening_hours",
                                                    "screen_off_when_closed"};
        if (std::find(known.begin(), known.end(), key) == known.end()) return error = key + ": unknown setting", false;
    }
    if (!whole("inactivity_timeout_s", r.inactivity_timeout_s, 30, 3600) ||
        !whole("warning_countdown_s", r.warning_countdown_s, 20, 300))
        return false;
    if (j.contains("languages")) {
        if (!j["languages"].is_array() || j["languages"].empty())
            return error = "languages: must be a list of language codes, e.g. [\"da\", \"en\"]", false;
        std::vector<std::string> offered;
        for (const auto& l : j["languages"]) {
            if (!l.is_string() || !find_language(l.get<std::string>()))
                return error = "languages: '" + (l.is_string() ? l.get<std::string>() : l.dump()) +
                               "' is not a language Ledsager knows",
                       false;
            offered.push_back(l);
        }
        r.languages = offered;
    }
    if (j.contains("default_language")) {
        if (!j["default_language"].is_string()) return error = "default_language: must be a language code", false;
        r.default_language = j["default_language"];
    }
    const auto& offered = r.languages ? *r.languages : now.offered;
    const std::string& chosen = r.default_language ? *r.default_language : now.default_language;
    if (std::find(offered.begin(), offered.end(), chosen) == offered.end())
        return error = "default_language: '" + chosen + "' must be one of languages", false;
    if (j.contains("front_desk")) {
        if (!j["front_desk"].is_object())
            return error = "front_desk: must be texts per language, e.g. {\"da\": \"…\"}", false;
        for (const auto& [code, text] : j["front_desk"].items()) {
            if (!find_language(code))
                return error = "front_desk." + code + ": not a language code Ledsager knows", false;
            if (!text.is_string() || text.get<std::string>().empty() || text.get<std::string>().size() > 400)
                return error = "front_desk." + code + ": must be text of 1 to 400 characters", false;
            r.front_desk[code] = text;
        }
    }
    if (j.contains("opening_hours")) {
        OpeningHours hours;
        std::string why;
        if (!j["opening_hours"].is_string() || !parse_opening_hours(j["opening_hours"], hours, why))
            return error = "opening_hours: " +
                           (why.empty() ? std::string("must be text like \"mon-fri 09:00-18:00\"") : why),
                   false;
        r.opening_hours = j["opening_hours"];
    }
    if (j.contains("screen_off_when_closed")) {
        if (!j["screen_off_when_closed"].is_boolean())
            return error = "screen_off_when_closed: must be true or false", false;
        r.screen_off_when_closed = j["screen_off_when_closed"];
    }
    out = std::move(r);
    return true;
}

}  // namespace ledsager::common
