#include "core/config.hpp"

#include "common/bundle.hpp"
#include "common/remote_settings.hpp"

#include <toml++/toml.h>
#include <algorithm>

#include "common/languages.hpp"

namespace ledsager::core {
namespace {

struct Reader {
    const std::string file;
    common::Diagnostics& diags;

    int line(const toml::node& n) const { return static_cast<int>(n.source().begin.line); }
    void bad(const toml::node& n, const std::string& key, const std::string& why) const {
        diags.error(file, line(n), key + ": " + why);
    }

    void integer(const toml::table& t, const std::string& section, const char* key, int& out, int lo, int hi) {
        const toml::node* n = t.get(key);
        if (!n) return;
        const std::string name = section + "." + key;
        auto v = n->value_exact<int64_t>();
        if (!v) return bad(*n, name, "must be a whole number");
        if (*v < lo || *v > hi)
            return bad(*n, name,
                       "must be between " + std::to_string(lo) + " and " + std::to_string(hi) + " (got " +
                           std::to_string(*v) + ")");
        out = static_cast<int>(*v);
    }
    void boolean(const toml::table& t, const std::string& section, const char* key, bool& out) {
        const toml::node* n = t.get(key);
        if (!n) return;
        auto v = n->value_exact<bool>();
        if (!v) return bad(*n, section + "." + key, "must be true or false");
        out = *v;
    }
    void string(const toml::table& t, const std::string& section, const char* key, std::string& out) {
        const toml::node* n = t.get(key);
        if (!n) return;
        auto v = n->value_exact<std::string>();
        if (!v) return bad(*n, section + "." + key, "must be text in quotes");
        out = *v;
    }
    void unknown_keys(const toml::table& t, const std::string& section, std::initializer_list<std::string_view> known) {
        for (const auto& [k, v] : t)
            if (std::find(known.begin(), known.end(), k.str()) == known.end())
                bad(v, section.empty() ? std::string(k.str()) : section + "." + std::string(k.str()),
                    "unknown setting");
    }
    const toml::table* section(const toml::table& root, const char* name) {
        const toml::node* n = root.get(name);
        if (!n) return nullptr;
        if (!n->is_table()) {
            bad(*n, name, "must be a [" + std::string(name) + "] section");
            return nullptr;
        }
        return n->as_table();
    }
};

}  // namespace

bool hub_url_allowed(const std::string& url) {
    if (url.rfind("https://", 0) == 0) return url.size() > 8;
    if (url.rfind("http://", 0) != 0) return false;
    const std::string rest = url.substr(7);
    const std::string host = rest.substr(0, rest.find_first_of("/?#"));
    if (host.find('@') != std::string::npos) return false;  // user info: http://localhost:1@elsewhere goes elsewhere
    std::string name = host;
    if (name.rfind("[::1]", 0) == 0) return name.size() == 5 || name[5] == ':';
    name = name.substr(0, name.find(':'));
    if (name == "localhost") return true;
    // 127.a.b.c: four numbers, the first 127.
    int parts = 0;
    std::size_t at = 0;
    while (at <= name.size()) {
        const auto dot = name.find('.', at);
        const std::string part = name.substr(at, dot == std::string::npos ? std::string::npos : dot - at);
        if (part.empty() || part.size() > 3 || part.find_first_not_of("0123456789") != std::string::npos ||
            std::stoi(part) > 255)
            return false;
        if (parts == 0 && part != "127") return false;
        ++parts;
        if (dot == std::string::npos) break;
        at = dot + 1;
    }
    return parts == 4;
}

bool load_config(const std::filesystem::path& file, KioskConfig& config, common::Diagnostics& diags) {
    const size_t before = diags.error_count();
    toml::table root;
    try {
        root = toml::parse_file(file.string());
    } catch (const toml::parse_error& err) {
        diags.error(file.string(), static_cast<int>(err.source().begin.line),
                    "not valid TOML: " + std::string(err.description()));
        return false;
    }
    Reader r{file.string(), diags};
    r.unknown_keys(
        root, "",
        {"session", "display", "languages", "site", "hub", "assist", "printer", "content", "speech", "video", "keys"});

    if (const auto* s = r.section(root, "session")) {
        r.unknown_keys(*s, "session", {"inactivity_timeout_s", "warning_countdown_s", "wiped_notice_s"});
        r.integer(*s, "session", "inactivity_timeout_s", config.inactivity_timeout_s, 30, 3600);
        r.integer(*s, "session", "warning_countdown_s", config.warning_countdown_s, 20, 300);
        r.integer(*s, "session", "wiped_notice_s", config.wiped_notice_s, 3, 60);
    }
    if (const auto* d = r.section(root, "display")) {
        r.unknown_keys(*d, "display", {"text_scale", "high_contrast", "screen_diagonal_in"});
        r.integer(*d, "display", "text_scale", config.text_scale, 100, 200);
        if (const auto* n = d->get("text_scale");
            n && config.text_scale != 100 && config.text_scale != 150 && config.text_scale != 200)
            r.bad(*n, "display.text_scale", "must be 100, 150 or 200");
        r.boolean(*d, "display", "high_contrast", config.high_contrast);
        if (const auto* n = d->get("screen_diagonal_in")) {
            auto v = n->value<double>();
            if (!v || *v < 0 || *v > 100)
                r.bad(*n, "display.screen_diagonal_in",
                      "must be a size in inches between 0 and 100 (0 = ask the display)");
            else
                config.screen_diagonal_in = *v;
        }
    }
    if (const auto* l = r.section(root, "languages")) {
        r.unknown_keys(*l, "languages", {"offered", "default"});
        if (const auto* n = l->get("offered")) {
            const auto* arr = n->as_array();
            std::vector<std::string> offered;
            if (!arr || arr->empty()) {
                r.bad(*n, "languages.offered", "must be a list of language codes, e.g. [\"da\", \"en\"]");
            } else {
                for (const auto& item : *arr) {
                    auto code = item.value_exact<std::string>();
                    if (!code || !common::find_language(*code))
                        r.bad(item, "languages.offered",
                              "'" + (code ? *code : std::string("?")) + "' is not a language Ledsager knows");
                    else
                        offered.push_back(*code);
                }
                if (!offered.empty()) config.offered = offered;
            }
        }
        r.string(*l, "languages", "default", config.default_language);
        if (std::find(config.offered.begin(), config.offered.end(), config.default_language) == config.offered.end())
            diags.error(file.string(), l->get("default") ? r.line(*l->get("default")) : r.line(*l),
                        "languages.default: '" + config.default_language + "' must be one of languages.offered");
    }
    if (const auto* s = r.section(root, "site")) {
        r.unknown_keys(*s, "site", {"name", "place", "front_desk", "opening_hours", "screen_off_when_closed"});
        r.string(*s, "site", "name", config.site_name);
        r.string(*s, "site", "opening_hours", config.opening_hours);
        r.boolean(*s, "site", "screen_off_when_closed", config.screen_off_when_closed);
        std::string hours_error;
        if (common::OpeningHours hours; !common::parse_opening_hours(config.opening_hours, hours, hours_error))
            r.bad(*s->get("opening_hours"), "site.opening_hours", hours_error);
        r.string(*s, "site", "place", config.site_place);
        if (const auto* n = s->get("front_desk")) {
            const auto* t = n->as_table();
            if (!t) {
                r.bad(*n, "site.front_desk", "must be a table of texts per language, e.g. front_desk.da = \"…\"");
            } else {
                for (const auto& [k, v] : *t) {
                    auto text = v.value_exact<std::string>();
                    const std::string key = "site.front_desk." + std::string(k.str());
                    if (!common::find_language(k.str()))
                        r.bad(v, key, "not a language code Ledsager knows");
                    else if (!text || text->empty())
                        r.bad(v, key, "must be non-empty text in quotes");
                    else
                        config.front_desk[std::string(k.str())] = *text;
                }
            }
        }
    }
    if (const auto* h = r.section(root, "hub")) {
        r.unknown_keys(*h, "hub", {"url", "token", "ca_file", "timeout_s"});
        r.string(*h, "hub", "url", config.hub_url);
        r.string(*h, "hub", "token", config.hub_token);
        r.string(*h, "hub", "ca_file", config.hub_ca_file);
        r.integer(*h, "hub", "timeout_s", config.hub_timeout_s, 1, 60);
        if (!config.hub_url.empty() && !hub_url_allowed(config.hub_url))
            r.bad(*h->get("url"), "hub.url",
                  "must start with https:// (plain http:// only for a hub on this machine: 127.0.0.1, localhost)");
        if (!config.hub_url.empty() && config.hub_token.empty())
            diags.error(file.string(), r.line(*h), "hub.token: needed when hub.url is set");
    }
    if (const auto* a = r.section(root, "assist")) {
        r.unknown_keys(*a, "assist", {"idle_on_step_s", "back_and_forth"});
        r.integer(*a, "assist", "idle_on_step_s", config.assist_idle_on_step_s, 0, 600);
        if (config.assist_idle_on_step_s > 0 && config.assist_idle_on_step_s < 20)
            r.bad(*a->get("idle_on_step_s"), "assist.idle_on_step_s", "must be 0 (off) or between 20 and 600");
        r.integer(*a, "assist", "back_and_forth", config.assist_backs, 0, 10);
        if (config.assist_backs == 1)
            r.bad(*a->get("back_and_forth"), "assist.back_and_forth", "must be 0 (off) or between 2 and 10");
    }
    if (const auto* pr = r.section(root, "printer")) {
        r.unknown_keys(*pr, "printer", {"device"});
        r.string(*pr, "printer", "device", config.printer_device);
    }
    if (const auto* c = r.section(root, "content")) {
        r.unknown_keys(*c, "content", {"guides_dir", "public_keys", "store_dir"});
        r.string(*c, "content", "guides_dir", config.guides_dir);
        r.string(*c, "content", "store_dir", config.content_store_dir);
        if (const auto* n = c->get("public_keys")) {
            const auto* arr = n->as_array();
            if (!arr) {
                r.bad(*n, "content.public_keys",
                      "must be a list of keys in quotes, e.g. [\"base64…\"] (ledsager-hub content keygen prints one)");
            } else {
                config.content_public_keys.clear();
                for (const auto& item : *arr) {
                    auto key = item.value_exact<std::string>();
                    if (!key || common::content_key_id(*key).empty())
                        r.bad(item, "content.public_keys",
                              "not an ed25519 public key in base64 (44 characters, from ledsager-hub content keygen)");
                    else
                        config.content_public_keys.push_back(*key);
                }
            }
        }
        if (config.content_store_dir.empty() && !config.content_public_keys.empty())
            r.bad(*c, "content.store_dir", "needed when public_keys is set: where verified bundles are kept");
    }
    if (const auto* sp = r.section(root, "speech")) {
        r.unknown_keys(*sp, "speech", {"inactivity_timeout_s", "rate_wpm", "volume"});
        r.integer(*sp, "speech", "inactivity_timeout_s", config.speech_inactivity_timeout_s, 60, 3600);
        r.integer(*sp, "speech", "rate_wpm", config.speech_rate_wpm, 80, 300);
        r.integer(*sp, "speech", "volume", config.speech_volume, 10, 200);
    }
    if (const auto* v = r.section(root, "video")) {
        r.unknown_keys(*v, "video",
                       {"enabled", "source", "camera", "speaker", "echo_cancel", "answer_timeout_s",
                        "reconnect_timeout_s", "loopback", "min_port", "max_port"});
        r.boolean(*v, "video", "enabled", config.video_enabled);
        r.string(*v, "video", "source", config.video_source);
        if (config.video_source != "camera" && config.video_source != "test" && config.video_source != "test-busy" &&
            config.video_source != "test-echo")
            r.bad(*v->get("source"), "video.source", "must be \"camera\", \"test\", \"test-busy\" or \"test-echo\"");
        r.string(*v, "video", "camera", config.video_camera);
        r.string(*v, "video", "speaker", config.video_speaker);
        r.boolean(*v, "video", "echo_cancel", config.video_echo_cancel);
        if (config.video_speaker != "auto" && config.video_speaker != "none")
            r.bad(*v->get("speaker"), "video.speaker", "must be \"auto\" or \"none\"");
        r.integer(*v, "video", "answer_timeout_s", config.video_answer_timeout_s, 20, 900);
        r.integer(*v, "video", "reconnect_timeout_s", config.video_reconnect_timeout_s, 5, 120);
        r.boolean(*v, "video", "loopback", config.video_loopback);
        r.integer(*v, "video", "min_port", config.video_min_port, 1024, 65535);
        r.integer(*v, "video", "max_port", config.video_max_port, 1024, 65535);
        if (v->contains("min_port") != v->contains("max_port"))
            r.bad(*v->get(v->contains("min_port") ? "min_port" : "max_port"), "video.min_port",
                  "min_port and max_port go together (the UDP ports a call may use)");
        else if (config.video_max_port < config.video_min_port)
            r.bad(*v->get("max_port"), "video.max_port", "must not be below min_port");
    }
    if (const auto* k = r.section(root, "keys")) {
        const auto& known = key_actions();
        for (const auto& [name, node] : *k) {
            const std::string key = "keys." + std::string(name.str());
            if (std::find(known.begin(), known.end(), name.str()) == known.end()) {
                r.bad(node, key,
                      "unknown keypad action (known: up, down, left, right, next, previous, enter, back, help, "
                      "read_aloud, repeat, stop, louder, quieter, faster, slower, page_up, page_down)");
                continue;
            }
            std::vector<std::string> names;
            if (auto one = node.value_exact<std::string>()) {
                names.push_back(*one);
            } else if (const auto* arr = node.as_array()) {
                for (const auto& item : *arr) {
                    if (auto v = item.value_exact<std::string>())
                        names.push_back(*v);
                    else
                        r.bad(item, key, "must be a list of key names in quotes");
                }
            } else {
                r.bad(node, key, "must be a key name in quotes or a list of them");
                continue;
            }
            for (const auto& n : names)
                if (n.empty()) r.bad(node, key, "a key name is empty");
            config.keys[std::string(name.str())] = names;
        }
    }
    return diags.error_count() == before;
}

const std::vector<std::string>& key_actions() {
    static const std::vector<std::string> actions{"up",     "down",    "left",   "right",      "next",    "previous",
                                                  "enter",  "back",    "help",   "read_aloud", "repeat",  "stop",
                                                  "louder", "quieter", "faster", "slower",     "page_up", "page_down"};
    return actions;
}

std::map<std::string, std::vector<std::string>> KioskConfig::default_keys() {
    // EZ Access-style: arrows to move, a round Enter key, Back and Help, and a speech key.
    return {
        {"up", {"Up", "Keypad 8"}},
        {"down", {"Down", "Keypad 2"}},
        {"left", {"Left", "Keypad 4"}},
        {"right", {"Right", "Keypad 6"}},
        {"next", {"Tab"}},
        {"previous", {}},  // Shift+Tab is always "previous"
        {"enter", {"Return", "Keypad Enter", "Space", "Keypad 5"}},
        {"back", {"Escape", "Backspace", "AC Back"}},
        {"help", {"F1", "Help"}},
        {"read_aloud", {"F2", "Keypad *"}},
        {"repeat", {"F3", "Keypad /"}},
        {"stop", {"F4", "Keypad 0"}},
        {"quieter", {"F5", "Keypad -"}},
        {"louder", {"F6", "Keypad +"}},
        {"slower", {"F7"}},
        {"faster", {"F8"}},
        {"page_up", {"PageUp", "Keypad 9"}},
        {"page_down", {"PageDown", "Keypad 3"}},
    };
}

bool apply_remote_settings(const std::string& json_text, KioskConfig& config, std::string& error) {
    common::RemoteSettings r;
    if (!common::parse_remote_settings(json_text, {config.offered, config.default_language}, r, error)) return false;
    KioskConfig c = config;
    if (r.inactivity_timeout_s) c.inactivity_timeout_s = *r.inactivity_timeout_s;
    if (r.warning_countdown_s) c.warning_countdown_s = *r.warning_countdown_s;
    if (r.languages) c.offered = *r.languages;
    if (r.default_language) c.default_language = *r.default_language;
    for (const auto& [code, text] : r.front_desk)
        c.front_desk[code] = text;
    if (r.opening_hours) c.opening_hours = *r.opening_hours;
    if (r.screen_off_when_closed) c.screen_off_when_closed = *r.screen_off_when_closed;
    config = std::move(c);
    return true;
}

}  // namespace ledsager::core
