#include "common/protocol.hpp"

#include <ctime>
#include <map>
#include <set>

#include "common/content.hpp"
#include "common/languages.hpp"

namespace ledsager::common {

using json = nlohmann::json;

namespace {

// ---- where the citizen is: the same fields, checked the same way, with a help request and a signal
std::vector<Field> with_place(std::vector<Field> fields) {
    fields.push_back({"guide", Field::Id, false});
    fields.push_back({"step", Field::Id, false});
    fields.push_back({"step_number", Field::Integer, false});
    fields.push_back({"language", Field::String, true, 8});
    return fields;
}

void put_place(json& j, const Place& p) {
    j["language"] = p.language;
    if (p.guide.empty()) return;
    j["guide"] = p.guide;
    j["step"] = p.step;
    j["step_number"] = p.step_number;
}

Place place_of(const json& j) {
    return {j.value("guide", ""), j.value("step", ""), j.value("step_number", 0), j["language"]};
}

const std::vector<std::string> kDeviceStates{"ok", "missing", "failing", "none"};

// The length of the well-formed UTF-8 character at s[i] (RFC 3629: no overlong forms, no
// surrogates, nothing above U+10FFFF), or 0 when the bytes there are not one.
std::size_t utf8_char(const std::string& s, std::size_t i) {
    const auto b = [&](std::size_t k) { return k < s.size() ? static_cast<unsigned char>(s[k]) : 0u; };
    const unsigned c = b(i);
    auto cont = [&](std::size_t k, unsigned lo = 0x80, unsigned hi = 0xBF) { return b(k) >= lo && b(k) <= hi; };
    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF) return cont(i + 1) ? 2 : 0;
    if (c == 0xE0) return cont(i + 1, 0xA0) && cont(i + 2) ? 3 : 0;
    if (c == 0xED) return cont(i + 1, 0x80, 0x9F) && cont(i + 2) ? 3 : 0;
    if (c >= 0xE1 && c <= 0xEF) return cont(i + 1) && cont(i + 2) ? 3 : 0;
    if (c == 0xF0) return cont(i + 1, 0x90) && cont(i + 2) && cont(i + 3) ? 4 : 0;
    if (c >= 0xF1 && c <= 0xF3) return cont(i + 1) && cont(i + 2) && cont(i + 3) ? 4 : 0;
    if (c == 0xF4) return cont(i + 1, 0x80, 0x8F) && cont(i + 2) && cont(i + 3) ? 4 : 0;
    return 0;
}

// At most `max` bytes of `s` as well-formed UTF-8: a byte that is not part of a character
// becomes '?', and the text ends before a character that would not fit whole.
std::string utf8_at_most(const std::string& s, std::size_t max) {
    std::string out;
    for (std::size_t i = 0; i < s.size();) {
        const std::size_t n = utf8_char(s, i);
        if (out.size() + (n ? n : 1) > max) break;
        out += n ? s.substr(i, n) : "?";
        i += n ? n : 1;
    }
    return out;
}

}  // namespace

// ---- kiosk -> hub

std::string encode(const HelpRequestMessage& m) {
    json j{{"kind", m.kind}, {"needs", m.needs}};
    put_place(j, m.place);
    return j.dump();
}

std::string encode(const SignalMessage& m) {
    json j{{"reason", m.reason}};
    put_place(j, m.place);
    return j.dump();
}

std::string encode(const Heartbeat& m) {
    json j{{"version", m.version}, {"uptime_s", m.uptime_s}, {"content_version", m.content_version},
           {"printer", m.printer}, {"camera", m.camera},     {"audio", m.audio},
           {"screen", m.screen}};
    if (!m.last_error.empty()) j["last_error"] = utf8_at_most(m.last_error, Heartbeat::kMaxLastError);
    return j.dump(-1, ' ', false, json::error_handler_t::replace);  // the other texts are the kiosk's own
}

std::string encode_usage(const std::vector<UsageEvent>& events) {
    json list = json::array();
    for (const auto& e : events) {
        json j{{"type", e.type}, {"day", e.day}};
        if (e.key) j["key"] = *e.key;
        if (e.type == "session") {
            if (e.hour >= 0) j["hour"] = e.hour;
            j["lang"] = e.lang;
            j["modes"] = e.modes;
        } else {
            j["guide"] = e.guide;
        }
        if (e.type == "guide_start") j["lang"] = e.lang;
        if (e.type == "step_view" || e.type == "guide_left" || e.type == "confusing" || e.type == "help_asked")
            j["step"] = e.step;
        if (e.type == "step_view") {
            j["ms"] = e.ms;
            j["value"] = e.value;
        }
        if (e.type == "helped") j["value"] = e.value;
        if (e.type == "guide_done" || e.type == "help_asked") j["kind"] = e.kind;
        list.push_back(std::move(j));
    }
    return json{{"events", list}}.dump();
}

ValidationError decode(const std::string& body, HelpRequestMessage& out) {
    json j;
    const auto err = validate_body(body,
                                   with_place({{"kind", Field::String, true, 16, {"in_person", "video"}},
                                               {"needs", Field::StringList, false, 6, kNeeds}}),
                                   j);
    if (!err.message.empty()) return err;
    HelpRequestMessage m;
    m.kind = j["kind"];
    for (const auto& n : j.value("needs", json::array()))
        m.needs.push_back(n);
    m.place = place_of(j);
    out = std::move(m);
    return {};
}

ValidationError decode(const std::string& body, SignalMessage& out) {
    json j;
    const auto err =
        validate_body(body, with_place({{"reason", Field::String, true, 32, {"idle_on_step", "back_and_forth"}}}), j);
    if (!err.message.empty()) return err;
    out = {j["reason"], place_of(j)};
    return {};
}

ValidationError decode(const std::string& body, Heartbeat& out) {
    json j;
    const auto err = validate_body(body,
                                   {{"version", Field::String, true, 32},
                                    {"uptime_s", Field::Integer, true, 10 * 365 * 86400},
                                    {"content_version", Field::String, true, 64},
                                    {"printer", Field::String, true, 8, kDeviceStates},
                                    {"camera", Field::String, true, 8, kDeviceStates},
                                    {"audio", Field::String, true, 8, kDeviceStates},
                                    {"last_error", Field::String, false, Heartbeat::kMaxLastError},
                                    {"screen", Field::String, false, 8, {"on", "dark"}}},
                                   j);
    if (!err.message.empty()) return err;
    Heartbeat h;
    h.version = j["version"];
    h.uptime_s = j["uptime_s"];
    h.content_version = j["content_version"];
    h.printer = j["printer"];
    h.camera = j["camera"];
    h.audio = j["audio"];
    h.last_error = j.value("last_error", "");
    h.screen = j.value("screen", "on");
    out = std::move(h);
    return {};
}

bool is_real_day(const std::string& day) {
    if (day.size() != 10 || day[4] != '-' || day[7] != '-') return false;
    for (int i : {0, 1, 2, 3, 5, 6, 8, 9})
        if (day[i] < '0' || day[i] > '9') return false;
    if (day < "2000-01-01" || day > "2999-12-31") return false;
    std::tm tm{};
    tm.tm_year = std::stoi(day.substr(0, 4)) - 1900;
    tm.tm_mon = std::stoi(day.substr(5, 2)) - 1;
    tm.tm_mday = std::stoi(day.substr(8, 2));
    tm.tm_hour = 12;
    return iso_day(timegm(&tm)) == day;  // timegm moves 2026-02-30 to March: not the same day
}

bool decode_usage(const json& body, const std::string& latest_day, std::vector<UsageEvent>& out, std::string& error) {
    if (!body.is_object() || !body.contains("events") || !body["events"].is_array() || body.size() != 1)
        return error = "events: a list of events is expected (and nothing else)", false;
    const auto& events = body["events"];
    if (events.size() > kMaxUsageEvents)
        return error = "events: at most " + std::to_string(kMaxUsageEvents) + " in one batch", false;
    static const std::map<std::string, std::set<std::string>> kFields{
        {"session", {"type", "day", "key", "hour", "lang", "modes"}},
        {"guide_start", {"type", "day", "key", "guide", "lang"}},
        {"step_view", {"type", "day", "key", "guide", "step", "ms", "value"}},
        {"guide_done", {"type", "day", "key", "guide", "kind"}},
        {"guide_left", {"type", "day", "key", "guide", "step"}},
        {"helped", {"type", "day", "key", "guide", "value"}},
        {"confusing", {"type", "day", "key", "guide", "step"}},
        {"help_asked", {"type", "day", "key", "guide", "step", "kind"}},
    };
    static const std::set<std::string> kModes{"read_aloud", "large_text", "high_contrast", "keypad"};
    std::vector<UsageEvent> decoded;
    for (std::size_t i = 0; i < events.size(); ++i) {
        const auto& e = events[i];
        const std::string at = "events[" + std::to_string(i) + "]";
        if (!e.is_object() || !e.contains("type") || !e["type"].is_string())
            return error = at + ".type: missing", false;
        UsageEvent ev;
        ev.type = e["type"];
        auto spec = kFields.find(ev.type);
        if (spec == kFields.end())
            return error = at + ".type: '" + ev.type + "' is not an event Ledsager records", false;
        for (const auto& [k, v] : e.items())
            if (!spec->second.count(k)) return error = at + "." + k + ": not a field of a " + ev.type + " event", false;
        for (const auto& k : spec->second)
            if (!e.contains(k) && k != "modes" && k != "value" && k != "hour" && k != "key")
                return error = at + "." + k + ": missing", false;
        auto text = [&](const char* k, std::string& field) {
            if (!e.contains(k)) return true;
            if (!e[k].is_string()) return error = at + "." + k + ": must be text", false;
            field = e[k];
            return true;
        };
        if (!text("day", ev.day) || !text("guide", ev.guide) || !text("step", ev.step) || !text("lang", ev.lang) ||
            !text("kind", ev.kind))
            return false;
        if (!is_real_day(ev.day) || (!latest_day.empty() && ev.day > latest_day))
            return error = at + ".day: must be a real date YYYY-MM-DD, not in the future", false;
        if (e.contains("guide") && !is_content_id(ev.guide)) return error = at + ".guide: not a guide id", false;
        if (e.contains("step") && !is_content_id(ev.step)) return error = at + ".step: not a step id", false;
        if (e.contains("lang") && !find_language(ev.lang))
            return error = at + ".lang: not a language Ledsager knows", false;
        if (ev.type == "guide_done" && ev.kind != "self" && ev.kind != "staff")
            return error = at + ".kind: self or staff", false;
        if (ev.type == "help_asked" && ev.kind != "in_person" && ev.kind != "video")
            return error = at + ".kind: in_person or video", false;
        if (e.contains("value")) {
            if (!e["value"].is_number_integer() || (e["value"] != 0 && e["value"] != 1))
                return error = at + ".value: 0 or 1", false;
            ev.value = e["value"];
        }
        if (e.contains("key")) {
            if (!e["key"].is_number_unsigned() || e["key"].get<std::uint64_t>() > 0xFFFFFFFFu)
                return error = at + ".key: a whole number from 0 to 4294967295", false;
            ev.key = static_cast<std::uint32_t>(e["key"].get<std::uint64_t>());
        }
        if (e.contains("hour")) {
            if (!e["hour"].is_number_integer() || e["hour"] < 0 || e["hour"] > 23)
                return error = at + ".hour: 0 to 23", false;
            ev.hour = e["hour"];
        }
        if (e.contains("modes")) {
            if (!e["modes"].is_array()) return error = at + ".modes: a list", false;
            for (const auto& m : e["modes"]) {
                if (!m.is_string() || !kModes.count(m.get<std::string>()))
                    return error = at + ".modes: read_aloud, large_text, high_contrast or keypad", false;
                ev.modes.push_back(m.get<std::string>());
            }
        }
        if (ev.type == "step_view") {
            if (!e["ms"].is_number_integer() || e["ms"] < 0 || e["ms"] > 86'400'000)
                return error = at + ".ms: 0 to 86400000", false;
            ev.ms = e["ms"];
        }
        decoded.push_back(std::move(ev));
    }
    out = std::move(decoded);
    return true;
}

// ---- hub -> kiosk

json encode(const HelpRequestStatus& m) {
    return {{"id", m.id},
            {"number", m.number},
            {"kind", m.kind},
            {"status", m.status},
            {"position", m.position},
            {"estimated_wait_s", m.estimated_wait_s},
            {"claimed_by", m.claimed_by}};
}

json encode(const HeartbeatAnswer& m) {
    json content = nullptr;
    if (m.content)
        content = {{"version", m.content->version}, {"sha256", m.content->sha256}, {"size", m.content->size}};
    return {{"content", content}, {"settings", {{"revision", m.settings_revision}}}};
}

json encode(const SettingsAnswer& m) {
    json settings = json::parse(m.settings, nullptr, false);
    if (settings.is_discarded()) settings = json::object();
    return {{"revision", m.revision}, {"settings", settings}};
}

bool decode(const std::string& body, HelpRequestStatus& out) {
    try {
        const json j = json::parse(body);
        if (!j.is_object()) return false;
        HelpRequestStatus m;
        m.id = j.value("id", std::int64_t{0});
        m.number = j.value("number", "");
        m.kind = j.value("kind", "");
        m.status = j.value("status", "");
        m.position = j.value("position", 0);
        m.estimated_wait_s = j.value("estimated_wait_s", std::int64_t{0});
        m.claimed_by = j.value("claimed_by", "");
        out = std::move(m);
        return true;
    } catch (const json::exception&) {
        return false;
    }
}

bool decode(const std::string& body, HeartbeatAnswer& out) {
    try {
        const json j = json::parse(body);
        if (!j.is_object()) return false;
        HeartbeatAnswer m;
        if (j.contains("content") && j["content"].is_object()) {
            const auto& c = j["content"];
            m.content = ContentOffer{c.value("version", std::int64_t{0}), c.value("sha256", ""),
                                     c.value("size", std::int64_t{0})};
        }
        if (j.contains("settings") && j["settings"].is_object())
            m.settings_revision = j["settings"].value("revision", "");
        out = std::move(m);
        return true;
    } catch (const json::exception&) {
        return false;
    }
}

bool decode(const std::string& body, SettingsAnswer& out) {
    try {
        const json j = json::parse(body);
        // Settings that are not an object are handed on: the kiosk refuses them, once per revision.
        if (!j.is_object() || !j.contains("settings") || !j.contains("revision")) return false;
        out = {j.value("revision", ""), j["settings"].dump()};
        return true;
    } catch (const json::exception&) {
        return false;
    }
}

// ---- a video call's signaling

namespace {
// Which fields a message of each type has.
bool has_sdp(const std::string& type) {
    return type == "offer" || type == "answer";
}
bool has_candidate(const std::string& type) {
    return type == "candidate";
}
}  // namespace

CallMessage call_message(std::string type, std::string text, int mline, std::int64_t seq) {
    CallMessage m;
    m.type = std::move(type);
    m.mline = mline;
    m.seq = seq;
    if (has_sdp(m.type))
        m.sdp = std::move(text);
    else if (has_candidate(m.type))
        m.candidate = std::move(text);
    else if (m.type == "hangup")
        m.reason = std::move(text);
    else if (m.type == "answered")
        m.name = std::move(text);
    return m;
}

json encode(const CallMessage& m) {
    json j{{"type", m.type}};
    if (has_sdp(m.type)) j["sdp"] = m.sdp;
    if (has_candidate(m.type)) {
        j["candidate"] = m.candidate;
        j["mline"] = m.mline;
    }
    if (m.type == "hangup" && !m.reason.empty()) j["reason"] = m.reason;
    if (m.type == "answered") j["name"] = m.name;
    if (m.seq > 0) j["seq"] = m.seq;
    return j;
}

json encode(const CallMessages& m) {
    json list = json::array();
    for (const auto& message : m.messages)
        list.push_back(encode(message));
    return {{"messages", std::move(list)}, {"ended", m.ended}};
}

ValidationError decode(const std::string& body, CallMessage& out) {
    json j;
    const auto err = validate_body(body,
                                   {{"type", Field::String, true, 16, {"offer", "answer", "candidate", "hangup"}},
                                    {"sdp", Field::String, false, CallMessage::kMaxSdp},
                                    {"candidate", Field::String, false, CallMessage::kMaxCandidate},
                                    {"mline", Field::Integer, false, 64},
                                    {"reason", Field::String, false, 32}},
                                   j);
    if (!err.message.empty()) return err;
    CallMessage m;
    m.type = j["type"];
    const bool sdp = has_sdp(m.type), candidate = has_candidate(m.type);
    if (sdp && !j.contains("sdp")) return {"an " + m.type + " needs sdp", "sdp"};
    if (candidate && !j.contains("candidate")) return {"a candidate needs candidate", "candidate"};
    // Nor a field its type does not have.
    for (const auto& [field, allowed] : {std::pair<const char*, bool>{"sdp", sdp},
                                         {"candidate", candidate},
                                         {"mline", candidate},
                                         {"reason", m.type == "hangup"}})
        if (!allowed && j.contains(field)) return {"a " + m.type + " has no " + field, field};
    m.sdp = j.value("sdp", "");
    m.candidate = j.value("candidate", "");
    m.mline = j.value("mline", 0);
    m.reason = j.value("reason", "");
    out = std::move(m);
    return {};
}

bool decode(const std::string& body, CallMessages& out) {
    try {
        const json j = json::parse(body);
        if (!j.is_object() || !j.contains("messages") || !j["messages"].is_array()) return false;
        CallMessages m;
        m.ended = j.value("ended", false);
        for (const auto& e : j["messages"]) {
            if (!e.is_object()) return false;
            CallMessage c;
            c.type = e.value("type", "");
            c.sdp = e.value("sdp", "");
            c.candidate = e.value("candidate", "");
            c.mline = e.value("mline", 0);
            c.reason = e.value("reason", "");
            c.name = e.value("name", "");
            c.seq = e.value("seq", std::int64_t{0});
            m.messages.push_back(std::move(c));
        }
        out = std::move(m);
        return true;
    } catch (const json::exception&) {
        return false;
    }
}

}  // namespace ledsager::common
