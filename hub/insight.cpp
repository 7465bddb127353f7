#include "hub/insight.hpp"

#include <algorithm>
#include <cmath>
#include <ctime>
#include <map>
#include <set>
#include <sstream>

#include "core/languages.hpp"

namespace ledsager::hub {

using json = nlohmann::json;

namespace {

// Ids from the content: lower-case letters, digits, '-', '_' and '.', 1 to 64 of them.
bool is_id(const std::string& s) {
    if (s.empty() || s.size() > 64) return false;
    for (unsigned char c : s)
        if (!(std::islower(c) || std::isdigit(c) || c == '-' || c == '_' || c == '.')) return false;
    return true;
}


// The median from bucket counts, as the bucket's range in seconds ("20–30 s"); "" if none.
json median(const std::map<int, std::int64_t>& buckets) {
    std::int64_t total = 0;
    for (const auto& [b, n] : buckets) total += n;
    if (total < kMinCell) return total ? json("<5") : json(nullptr);
    std::int64_t seen = 0;
    for (const auto& [b, n] : buckets) {
        seen += n;
        if (2 * seen >= total) {
            const int last = static_cast<int>(std::size(kDurationEdges)) - 1;
            const std::int64_t lo = kDurationEdges[std::clamp(b, 0, last)];
            json m{{"from_s", lo}};
            if (b < last) m["to_s"] = kDurationEdges[b + 1];
            return m;
        }
    }
    return nullptr;
}

struct Sums {
    std::map<std::tuple<std::string, std::string, std::string, std::string>, std::int64_t> n;  // metric, guide, step, dim
    std::map<std::tuple<std::string, std::string, std::string, std::string>, std::map<int, std::int64_t>> buckets;
    std::int64_t get(const std::string& m, const std::string& g = "", const std::string& s = "", const std::string& d = "") const {
        auto it = n.find({m, g, s, d});
        return it == n.end() ? 0 : it->second;
    }
    // Sum over every dim (and step, with any_step).
    std::int64_t sum(const std::string& m, const std::string& g, const std::string* step = nullptr) const {
        std::int64_t t = 0;
        for (const auto& [k, v] : n)
            if (std::get<0>(k) == m && std::get<1>(k) == g && (!step || std::get<2>(k) == *step)) t += v;
        return t;
    }
};

Sums sum_cells(const std::vector<UsageCell>& cells) {
    Sums s;
    for (const auto& c : cells) {
        if (c.bucket >= 0) s.buckets[{c.metric, c.guide, c.step, c.dim}][c.bucket] += c.count;
        else s.n[{c.metric, c.guide, c.step, c.dim}] += c.count;
    }
    return s;
}

std::string title_of(const ReportQuery& q, const std::string& key) {
    auto it = q.titles.find(key);
    if (it != q.titles.end()) return it->second;
    const auto slash = key.find('/');
    return slash == std::string::npos ? key : key.substr(slash + 1);  // a step the content no longer has: its id
}

}  // namespace

json cell(std::int64_t n) { return n > 0 && n < kMinCell ? json("<5") : json(n); }

bool fold_usage(Store& store, const Kiosk& kiosk, const json& body, Seconds now, std::string& error) {
    if (!body.is_object() || !body.contains("events") || !body["events"].is_array() || body.size() != 1)
        return error = "events: a list of events is expected (and nothing else)", false;
    const auto& events = body["events"];
    if (events.size() > 100) return error = "events: at most 100 in one batch", false;
    static const std::map<std::string, std::set<std::string>> kFields{
        {"session", {"type", "day", "hour", "lang", "modes"}},
        {"guide_start", {"type", "day", "guide", "lang"}},
        {"step_view", {"type", "day", "guide", "step", "ms", "value"}},
        {"guide_done", {"type", "day", "guide", "kind"}},
        {"guide_left", {"type", "day", "guide", "step"}},
        {"helped", {"type", "day", "guide", "value"}},
        {"confusing", {"type", "day", "guide", "step"}},
        {"help_asked", {"type", "day", "guide", "step", "kind"}},
    };
    static const std::set<std::string> kModes{"read_aloud", "large_text", "high_contrast", "keypad"};
    // Events of a month that is final already (a kiosk was offline) are dropped: a report of
    // that month must read the same whenever it is asked for.
    const std::string earliest = open_from(now), latest = day_of(now + 2 * 86400LL);
    std::vector<UsageCell> cells;
    for (std::size_t i = 0; i < events.size(); ++i) {
        const auto& e = events[i];
        const std::string at = "events[" + std::to_string(i) + "]";
        if (!e.is_object() || !e.contains("type") || !e["type"].is_string()) return error = at + ".type: missing", false;
        const std::string type = e["type"];
        auto spec = kFields.find(type);
        if (spec == kFields.end()) return error = at + ".type: '" + type + "' is not an event Ledsager records", false;
        for (const auto& [k, v] : e.items())
            if (!spec->second.count(k)) return error = at + "." + k + ": not a field of a " + type + " event", false;
        for (const auto& k : spec->second)
            if (!e.contains(k) && k != "modes" && k != "value" && k != "hour") return error = at + "." + k + ": missing", false;
        auto text = [&](const char* k, std::string& out) {
            if (!e.contains(k)) return true;
            if (!e[k].is_string()) return error = at + "." + k + ": must be text", false;
            out = e[k];
            return true;
        };
        std::string day, guide, step, lang, kind;
        if (!text("day", day) || !text("guide", guide) || !text("step", step) || !text("lang", lang) || !text("kind", kind)) return false;
        if (!is_real_day(day) || day > latest) return error = at + ".day: must be a real date YYYY-MM-DD, not in the future", false;
        const std::size_t before = cells.size();
        if (e.contains("guide") && !is_id(guide)) return error = at + ".guide: not a guide id", false;
        if (e.contains("step") && !is_id(step)) return error = at + ".step: not a step id", false;
        if (e.contains("lang") && !core::find_language(lang)) return error = at + ".lang: not a language Ledsager knows", false;
        if (type == "guide_done" && kind != "self" && kind != "staff") return error = at + ".kind: self or staff", false;
        if (type == "help_asked" && kind != "in_person" && kind != "video") return error = at + ".kind: in_person or video", false;
        int value = 0;
        if (e.contains("value")) {
            if (!e["value"].is_number_integer() || (e["value"] != 0 && e["value"] != 1)) return error = at + ".value: 0 or 1", false;
            value = e["value"];
        }
        const UsageCell base{day, kiosk.site_id, 0, "", guide, "", "", -1, 1};
        auto add = [&](const char* metric, const std::string& st, const std::string& dim, int bucket = -1, std::int64_t kiosk_id = 0) {
            UsageCell c = base;
            c.metric = metric;
            c.step = st;
            c.dim = dim;
            c.bucket = bucket;
            c.kiosk_id = kiosk_id;
            cells.push_back(std::move(c));
        };
        if (type == "session") {
            int hour = -1;
            if (e.contains("hour")) {
                if (!e["hour"].is_number_integer() || e["hour"] < 0 || e["hour"] > 23) return error = at + ".hour: 0 to 23", false;
                hour = e["hour"];
            }
            add("session", "", "", -1, kiosk.id);  // sessions per kiosk too
            add("session_lang", "", lang);
            if (hour >= 0) add("session_hour", "", std::to_string(hour));
            std::set<std::string> modes;
            if (e.contains("modes")) {
                if (!e["modes"].is_array()) return error = at + ".modes: a list", false;
                for (const auto& m : e["modes"]) {
                    if (!m.is_string() || !kModes.count(m.get<std::string>())) return error = at + ".modes: read_aloud, large_text, high_contrast or keypad", false;
                    modes.insert(m.get<std::string>());
                }
            }
            for (const auto& m : modes) add("session_mode", "", m);
        } else if (type == "guide_start") {
            add("guide_start", "", lang);
        } else if (type == "step_view") {
            if (!e["ms"].is_number_integer() || e["ms"] < 0 || e["ms"] > 86'400'000) return error = at + ".ms: 0 to 86400000", false;
            if (value) add("step_reach", step, "");
            add("step_time", step, "", duration_bucket(e["ms"].get<std::int64_t>() / 1000));
        } else if (type == "guide_done") {
            add("guide_done", "", kind);
        } else if (type == "guide_left") {
            add("guide_left", step, "");
        } else if (type == "helped") {
            add("helped", "", value ? "yes" : "no");
        } else if (type == "confusing") {
            add("confusing", step, "");
        } else if (type == "help_asked") {
            add("help_asked", step, kind);
        }
        if (day < earliest) cells.resize(before);  // checked, but late
    }
    store.add_usage(cells);
    return true;
}

namespace {

// ---- One unit: one site's one calendar month.
// Every figure a report shows is a count of a unit, or the sum of that count over the units
// of the period and sites asked for. Within a unit, the counts and the ways they add up (a
// total and its parts: a line) are one table; small counts are hidden, then more until no
// line gives a hidden count away (Table::suppress). Summing units only ever adds what each
// unit shows, so two reports over overlapping months or sites differ by whole units' shown
// figures and never reveal a hidden count.
struct Table {
    std::map<std::string, std::int64_t> n;
    std::vector<std::pair<std::string, std::vector<std::string>>> lines;  // total, parts
    std::set<std::string> hidden;

    std::int64_t get(const std::string& k) const {
        auto it = n.find(k);
        return it == n.end() ? 0 : it->second;
    }
    void line(std::string total, std::vector<std::string> parts) { lines.emplace_back(std::move(total), std::move(parts)); }
    // A count as shown: the number, "<5" for a hidden 1 to 4, "≥5" for a larger one hidden
    // so that a small one cannot be worked out from it.
    json mark(const std::string& k) const {
        const std::int64_t v = get(k);
        if (!hidden.count(k)) return v;
        return v < kMinCell ? json("<5") : json("≥5");
    }
    void suppress() {
        for (const auto& [k, v] : n)
            if (v > 0 && v < kMinCell) hidden.insert(k);
        for (bool changed = true; changed;) {
            changed = false;
            for (const auto& [total, parts] : lines) {
                const bool total_hidden = hidden.count(total) > 0;
                int unknown = total_hidden;
                std::int64_t hidden_sum = 0;
                for (const auto& p : parts)
                    if (hidden.count(p)) ++unknown, hidden_sum += get(p);
                // One unknown in a line is its total minus the rest; with the total shown,
                // the hidden parts' sum is known and must not itself be a small count.
                const bool gives_away = unknown == 1 || (!total_hidden && unknown > 1 && hidden_sum < kMinCell);
                if (!gives_away) continue;
                std::string pick;  // the smallest count of the line not hidden yet, a part before the total
                for (const auto& p : parts)
                    if (!hidden.count(p) && get(p) > 0 && (pick.empty() || get(p) < get(pick))) pick = p;
                if (pick.empty() && !total_hidden && get(total) > 0) pick = total;
                if (pick.empty()) continue;
                hidden.insert(pick);
                changed = true;
            }
        }
    }
};

struct Unit {
    Sums s;
    Table t;
    std::vector<std::string> guides;
    std::map<std::string, std::vector<std::string>> steps;  // per guide, in the guide's order
    std::string month;
};

// A median as a unit gives it: the unit's buckets when it has at least kMinCell in them
// (added up over units, then read), else whether it had a few.
json unit_median(const std::map<int, std::int64_t>* buckets) {
    std::int64_t total = 0;
    if (buckets)
        for (const auto& [b, n] : *buckets) total += n;
    json b = json::object();
    if (total >= kMinCell)
        for (const auto& [i, n] : *buckets) b[std::to_string(i)] = n;
    return {{"_buckets", b}, {"_small", total > 0 && total < kMinCell ? 1 : 0}};
}

Unit make_unit(Sums s, const ReportQuery& q, std::string month) {
    Unit u{std::move(s), {}, {}, {}, std::move(month)};
    const Sums& sums = u.s;
    Table& t = u.t;
    std::set<std::string> guides;
    for (const auto& [k, v] : sums.n) if (!std::get<1>(k).empty()) guides.insert(std::get<1>(k));
    for (const auto& [k, v] : sums.buckets) if (!std::get<1>(k).empty()) guides.insert(std::get<1>(k));
    u.guides.assign(guides.begin(), guides.end());
    std::vector<std::string> all_started, all_self, all_staff, all_done, all_help;
    for (const auto& g : u.guides) {
        const std::string p = "g:" + g + ":";
        t.n[p + "started"] = sums.sum("guide_start", g);
        t.n[p + "self"] = sums.get("guide_done", g, "", "self");
        t.n[p + "staff"] = sums.get("guide_done", g, "", "staff");
        t.n[p + "done"] = t.n[p + "self"] + t.n[p + "staff"];
        t.n[p + "yes"] = sums.get("helped", g, "", "yes");
        t.n[p + "no"] = sums.get("helped", g, "", "no");
        t.n[p + "answers"] = t.n[p + "yes"] + t.n[p + "no"];
        t.line(p + "done", {p + "self", p + "staff"});
        t.line(p + "answers", {p + "yes", p + "no"});
        // Steps: in the guide's order where the content is known, then any others.
        auto& steps = u.steps[g];
        if (auto it = q.titles.find(g + "/"); it != q.titles.end()) {
            std::stringstream order(it->second);
            for (std::string st; std::getline(order, st, ',');) steps.push_back(st);
        }
        std::set<std::string> seen(steps.begin(), steps.end());
        for (const auto& [k, v] : sums.n)
            if (std::get<1>(k) == g && !std::get<2>(k).empty() && seen.insert(std::get<2>(k)).second) steps.push_back(std::get<2>(k));
        for (const auto& [k, v] : sums.buckets)
            if (std::get<1>(k) == g && !std::get<2>(k).empty() && seen.insert(std::get<2>(k)).second) steps.push_back(std::get<2>(k));
        std::vector<std::string> left, help, confusing;
        for (const auto& st : steps) {
            const std::string sp = p + "s:" + st + ":";
            t.n[sp + "reached"] = sums.get("step_reach", g, st);
            t.n[sp + "left"] = sums.get("guide_left", g, st);
            t.n[sp + "help"] = sums.sum("help_asked", g, &st);
            t.n[sp + "confusing"] = sums.get("confusing", g, st);
            t.n[p + "left"] += t.n[sp + "left"];
            t.n[p + "help"] += t.n[sp + "help"];
            t.n[p + "confusing"] += t.n[sp + "confusing"];
            left.push_back(sp + "left"), help.push_back(sp + "help"), confusing.push_back(sp + "confusing");
        }
        t.line(p + "left", left);
        t.line(p + "help", help);
        t.line(p + "confusing", confusing);
        all_started.push_back(p + "started"), all_self.push_back(p + "self"), all_staff.push_back(p + "staff");
        all_done.push_back(p + "done"), all_help.push_back(p + "help");
    }
    // The unit's totals, and how the guides' figures add up to them.
    std::map<std::string, std::int64_t> asked;
    for (const auto& [k, v] : sums.n) {
        const auto& [metric, guide, step, dim] = k;
        if (metric == "session") t.n["sessions"] += v;
        else if (metric == "session_lang") t.n["lang:" + dim] += v;
        else if (metric == "session_hour") t.n["hour:" + (dim.size() == 1 ? "0" + dim : dim)] += v;
        else if (metric == "session_mode") t.n["mode:" + dim] += v;
        else if (metric == "guide_start") t.n["started"] += v;
        else if (metric == "guide_done") t.n[dim == "self" ? "self" : "staff"] += v;
        else if (metric == "help_asked") t.n["asked:" + dim] += v;
        else if (metric == "escalation") {
            const auto colon = dim.find(':');
            const std::string kind = dim.substr(0, colon) == "video" ? "video" : "in_person";
            t.n["esc:" + kind + ":" + dim.substr(colon + 1)] += v;
            t.n["esc:" + kind] += v;
        } else if (metric == "staff_seconds") t.n["seconds:" + dim] += v;  // not a count: shown only as minutes over enough requests
    }
    for (const auto& [k, b] : sums.buckets)
        if (std::get<0>(k) == "staff_time")
            for (const auto& [i, n] : b) t.n["timed:" + std::get<3>(k)] += n;
    t.n["done"] = t.get("self") + t.get("staff");
    t.n["asked"] = t.get("asked:in_person") + t.get("asked:video");
    t.line("started", all_started);
    t.line("self", all_self);
    t.line("staff", all_staff);
    t.line("done", {"self", "staff"});
    t.line("done", all_done);
    t.line("asked", {"asked:in_person", "asked:video"});
    t.line("asked", all_help);  // help asked outside a guide's steps makes this an upper bound: hiding more is safe
    std::vector<std::string> langs, hours;
    std::map<std::string, std::vector<std::string>> outcomes;
    for (const auto& [k, v] : t.n) {
        if (k.rfind("lang:", 0) == 0) langs.push_back(k);
        if (k.rfind("hour:", 0) == 0) hours.push_back(k);
        if (k.rfind("esc:", 0) == 0 && std::count(k.begin(), k.end(), ':') == 2) outcomes[k.substr(0, k.rfind(':'))].push_back(k);
    }
    t.line("sessions", langs);
    t.line("sessions", hours);  // a session without an hour makes this an upper bound too
    for (auto& [total, parts] : outcomes) t.line(total, parts);
    t.n.erase("seconds:in_person"), t.n.erase("seconds:video");
    t.suppress();
    return u;
}

json guides_of(const Unit& u, const ReportQuery& q) {
    const Table& t = u.t;
    json out = json::array();
    for (const auto& g : u.guides) {
        const std::string p = "g:" + g + ":";
        json j{{"id", g}, {"title", title_of(q, g)}, {"started", t.mark(p + "started")}};
        j["done"] = {{"self", t.mark(p + "self")}, {"staff", t.mark(p + "staff")}, {"total", t.mark(p + "done")}};
        j["helped"] = {{"yes", t.mark(p + "yes")}, {"no", t.mark(p + "no")}, {"answers", t.mark(p + "answers")}};
        json rows = json::array();
        for (const auto& st : u.steps.at(g)) {
            const std::string sp = p + "s:" + st + ":";
            if (!t.get(sp + "reached") && !t.get(sp + "left") && !t.get(sp + "help") && !t.get(sp + "confusing") && st != "needs") continue;
            const auto b = u.s.buckets.find({"step_time", g, st, ""});
            rows.push_back({{"step", st}, {"title", title_of(q, g + "/" + st)}, {"reached", t.mark(sp + "reached")}, {"left", t.mark(sp + "left")},
                            {"help", t.mark(sp + "help")}, {"confusing", t.mark(sp + "confusing")},
                            {"median_time", unit_median(b == u.s.buckets.end() ? nullptr : &b->second)}});
        }
        j["steps"] = rows;
        j["left"] = t.mark(p + "left");
        j["help"] = t.mark(p + "help");
        j["confusing"] = t.mark(p + "confusing");
        j["months"] = json::array({{{"month", u.month}, {"started", t.mark(p + "started")}, {"done", t.mark(p + "done")}}});
        out.push_back(std::move(j));
    }
    return out;
}

// A unit's closed help requests of one kind by outcome, as shown.
json outcomes_of(const Table& t, const std::string& kind) {
    json e = json::object();
    const std::string p = "esc:" + kind + ":";
    for (const auto& [k, v] : t.n)
        if (k.rfind(p, 0) == 0) e[k.substr(p.size())] = t.mark(k);
    return e;
}

json site_of(const Unit& u, const Site* site) {
    const Table& t = u.t;
    json j{{"slug", site ? site->slug : ""}, {"name", site ? site->name : ""}};
    j["sessions"] = t.mark("sessions");
    j["guides_started"] = t.mark("started");
    j["guides_done"] = t.mark("done");
    json langs = json::object(), hours = json::object(), modes = json::object();
    for (const auto& [k, v] : t.n) {
        if (k.rfind("lang:", 0) == 0) langs[k.substr(5)] = t.mark(k);
        if (k.rfind("hour:", 0) == 0) hours[k.substr(5)] = t.mark(k);
        if (k.rfind("mode:", 0) == 0) modes[k.substr(5)] = t.mark(k);
    }
    j["languages"] = langs;
    j["hours"] = hours;
    j["modes"] = modes;
    for (const char* kind : {"in_person", "video"}) {
        json e = outcomes_of(t, kind);
        const std::string p = std::string("esc:") + kind;
        e["total"] = t.mark(p);
        const auto w = u.s.buckets.find({"wait", "", "", kind});
        e["median_wait"] = unit_median(w == u.s.buckets.end() ? nullptr : &w->second);
        j["escalations"][kind] = e;
    }
    return j;
}

json gains_of(const Unit& u, const ReportQuery& q) {
    const Table& t = u.t;
    json j{{"sessions", t.mark("sessions")}, {"guides_started", t.mark("started")}};
    j["guides_completed"] = {{"without_staff", t.mark("self")}, {"with_staff", t.mark("staff")}, {"total", t.mark("done")}};
    json by = json::array();
    for (const auto& g : u.guides)
        if (t.get("g:" + g + ":self")) by.push_back({{"guide", g}, {"title", title_of(q, g)}, {"completed_without_staff", t.mark("g:" + g + ":self")}});
    j["completed_without_staff_by_guide"] = by;
    j["asked_for_help"] = {{"in_person", t.mark("asked:in_person")}, {"video", t.mark("asked:video")}, {"total", t.mark("asked")}};
    for (const char* kind : {"in_person", "video"}) {
        json e = outcomes_of(t, kind);
        const std::string p = std::string("esc:") + kind;
        e["closed"] = t.mark(p);
        const std::int64_t timed = t.get(std::string("timed:") + kind);
        e["with_staff_time"] = t.mark(std::string("timed:") + kind);
        // Staff time only from enough requests; it is the sum of what was measured.
        std::int64_t secs = 0;
        for (const auto& [k, v] : u.s.n)
            if (std::get<0>(k) == "staff_seconds" && std::get<3>(k) == kind) secs += v;
        e["staff_minutes"] = timed >= kMinCell ? json(static_cast<std::int64_t>(std::lround(secs / 60.0))) : timed ? json("<5") : json(0);
        const auto b = u.s.buckets.find({"staff_time", "", "", kind});
        e["median_staff_time"] = unit_median(b == u.s.buckets.end() ? nullptr : &b->second);
        j["staff"][kind] = e;
    }
    return j;
}

// ---- Adding units up.
// While adding, a count is {"_v": shown, "_s": hidden small ones, "_b": hidden larger ones}.
bool is_count(const json& v) { return v.is_number() || v == "<5" || v == "≥5"; }

const char* identity(const json& e) {
    for (const char* k : {"slug", "id", "step", "month", "guide"})
        if (e.is_object() && e.contains(k)) return k;
    return nullptr;
}

void add(json& acc, const json& u) {
    if (u.is_object()) {
        if (!acc.is_object()) acc = json::object();
        for (const auto& [k, v] : u.items()) add(acc[k], v);
    } else if (u.is_array()) {
        if (!acc.is_array()) acc = json::array();
        for (const auto& e : u) {
            const char* key = identity(e);
            auto it = acc.end();
            if (key) it = std::find_if(acc.begin(), acc.end(), [&](const json& a) { return a.contains(key) && a[key] == e[key]; });
            if (it == acc.end()) {
                acc.push_back(json());
                add(acc.back(), e);
            } else {
                add(*it, e);
            }
        }
    } else if (is_count(u)) {
        if (!acc.is_object()) acc = {{"_v", 0}, {"_s", 0}, {"_b", 0}};
        if (u.is_number()) acc["_v"] = acc["_v"].get<std::int64_t>() + u.get<std::int64_t>();
        else if (u == "<5") acc["_s"] = acc["_s"].get<std::int64_t>() + 1;
        else acc["_b"] = acc["_b"].get<std::int64_t>() + 1;
    } else if (acc.is_null()) {
        acc = u;  // ids, titles, names
    }
}

// What of a sum is shown exactly (the parts no unit hid).
std::int64_t shown(const json& a) { return a.is_object() && a.contains("_v") ? a["_v"].get<std::int64_t>() : 0; }

// A sum as the report shows it: the number when no unit hid a part of it; "<5" when it is a
// single hidden small count; otherwise "≥N", the least it can be (each hidden small count at
// least 1, each larger one at least kMinCell).
json finish(const json& a, const std::string& key = "") {
    if (a.is_object() && a.contains("_v")) {
        const std::int64_t v = a["_v"], small = a["_s"], big = a["_b"];
        if (small == 0 && big == 0) return v;
        if (key == "staff_minutes") return v > 0 ? json("≥" + std::to_string(v)) : json("<5");  // minutes, from too few requests
        if (v == 0 && big == 0 && small == 1) return "<5";
        return "≥" + std::to_string(v + small + kMinCell * big);
    }
    if (a.is_object() && a.contains("_buckets")) {
        std::map<int, std::int64_t> buckets;
        std::int64_t total = 0;
        for (const auto& [i, n] : a["_buckets"].items()) total += buckets[std::stoi(i)] = shown(n);
        if (total >= kMinCell) return median(buckets);
        return shown(a["_small"]) > 0 ? json("<5") : json(nullptr);  // a few in some unit: too few to say
    }
    if (a.is_object()) {
        json out = json::object();
        for (const auto& [k, v] : a.items()) out[k] = finish(v, k);
        return out;
    }
    if (a.is_array()) {
        json out = json::array();
        for (const auto& e : a) out.push_back(finish(e));
        return out;
    }
    return a;
}

std::vector<std::string> months_of(const ReportQuery& q) {
    std::vector<std::string> out;
    for (std::string m = q.from.substr(0, 7); m <= q.to.substr(0, 7); m = next_month(m)) out.push_back(m);
    return out;
}

// Every unit of the period and sites asked for, empty ones too (per site, month by month).
std::vector<std::pair<std::int64_t, Unit>> units(Store& store, const ReportQuery& q) {
    std::map<std::pair<std::int64_t, std::string>, std::vector<UsageCell>> cells;
    for (auto& c : store.usage(q.from, q.to, q.sites, Store::UsageGroup::SiteMonth)) cells[{c.site_id, c.day}].push_back(std::move(c));
    std::vector<std::pair<std::int64_t, Unit>> out;
    for (auto site : q.sites)
        for (const auto& m : months_of(q)) out.emplace_back(site, make_unit(sum_cells(cells[{site, m}]), q, m));
    return out;
}

}  // namespace

std::string open_from(Seconds now) { return day_of(now - kLateDays * 86400LL).substr(0, 7) + "-01"; }

std::string last_final_month(Seconds now) {
    const std::string open = open_from(now);  // the month before it is the last final one
    int y = std::stoi(open.substr(0, 4)), m = std::stoi(open.substr(5, 2)) - 1;
    if (m == 0) m = 12, --y;
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02d", y, m);
    return buf;
}

std::string check_period(const std::string& from, const std::string& to, Seconds now, int max_days, std::string& field) {
    field = "from";
    if (!is_real_day(from) || from.substr(8) != "01")
        return "from: the first day of a month, YYYY-MM-01 (reports cover whole calendar months)";
    field = "to";
    if (!is_real_day(to) || to != last_day(to.substr(0, 7)))
        return "to: the last day of a month, YYYY-MM-DD (reports cover whole calendar months)";
    if (from > to) return field = "from", "from: not after to";
    if (to >= open_from(now))
        return "to: " + to.substr(0, 7) + " is not final yet; a month can be reported from the " + std::to_string(kLateDays + 1) +
               "rd day after it ends (the last final month is " + last_final_month(now) + ")";
    if (days_in(from, to) > max_days) return "to: a report covers at most " + std::to_string(max_days) + " days";
    field.clear();
    return "";
}

json guide_report(Store& store, const ReportQuery& q) {
    json acc = json::array();
    for (const auto& [site, u] : units(store, q)) add(acc, guides_of(u, q));
    for (auto& g : acc) {
        // Steps in the guide's order (a step one month lacks is added where the content has it).
        std::vector<std::string> order;
        if (auto it = q.titles.find(g["id"].get<std::string>() + "/"); it != q.titles.end()) {
            std::stringstream in(it->second);
            for (std::string st; std::getline(in, st, ',');) order.push_back(st);
        }
        auto rank = [&](const json& row) {
            const auto at = std::find(order.begin(), order.end(), row["step"].get<std::string>());
            return at - order.begin();
        };
        std::stable_sort(g["steps"].begin(), g["steps"].end(), [&](const json& a, const json& b) { return rank(a) < rank(b); });
        std::sort(g["months"].begin(), g["months"].end(), [](const json& a, const json& b) { return a["month"] < b["month"]; });
        // Health: 100 = nobody leaves, asks for help or finds a step confusing, and everyone
        // who answered found it helpful. From the counts shown (parts a unit hid are left
        // out), and only from kMinCell sessions on.
        const std::int64_t started = shown(g["started"]), left = shown(g["left"]), help = shown(g["help"]), confusing = shown(g["confusing"]);
        const std::int64_t yes = shown(g["helped"]["yes"]), no = shown(g["helped"]["no"]);
        if (started >= kMinCell) {
            const double n = static_cast<double>(started);
            const double helpful = yes + no >= kMinCell ? static_cast<double>(yes) / static_cast<double>(yes + no) : 0.5;
            const double need = (std::min(1.0, left / n) + std::min(1.0, help / n) + std::min(1.0, confusing / n) + (1 - helpful)) / 4;
            g["health"] = static_cast<int>(std::lround(100 * (1 - need)));
        } else {
            g["health"] = nullptr;
        }
    }
    json out = finish(acc);
    // Most in need of rewriting first; guides with too few sessions to say last.
    std::stable_sort(out.begin(), out.end(), [](const json& a, const json& b) {
        if (a["health"].is_null() != b["health"].is_null()) return b["health"].is_null();
        return !a["health"].is_null() && a["health"].get<int>() < b["health"].get<int>();
    });
    return {{"from", q.from}, {"to", q.to}, {"min_cell", kMinCell}, {"guides", out}};
}

json site_report(Store& store, const ReportQuery& q) {
    json acc = json::array();
    std::map<std::int64_t, std::optional<Site>> sites;
    for (auto id : q.sites) sites[id] = store.site(id);
    for (const auto& [site, u] : units(store, q)) add(acc, json::array({site_of(u, sites[site] ? &*sites[site] : nullptr)}));
    return {{"from", q.from}, {"to", q.to}, {"min_cell", kMinCell}, {"sites", finish(acc)}};
}

json gains_report(Store& store, const ReportQuery& q) {
    json acc = json::object();
    for (const auto& [site, u] : units(store, q)) add(acc, gains_of(u, q));
    json j = finish(acc);
    j["from"] = q.from;
    j["to"] = q.to;
    j["min_cell"] = kMinCell;
    return j;
}

std::string gains_csv(const json& g) {
    std::ostringstream out;
    auto v = [](const json& x) { return x.is_string() ? x.get<std::string>() : x.is_null() ? std::string() : x.dump(); };
    out << "figure,value,what it counts\n";
    out << "period," << g["from"].get<std::string>() << " to " << g["to"].get<std::string>() << ",days included\n";
    out << "sessions," << v(g["sessions"]) << ",citizen sessions at the kiosks\n";
    out << "guides started," << v(g["guides_started"]) << ",guides opened\n";
    out << "tasks completed without staff," << v(g["guides_completed"]["without_staff"]) << ",guides finished without asking for help\n";
    out << "tasks completed with staff," << v(g["guides_completed"]["with_staff"]) << ",guides finished after asking for help\n";
    out << "asked for help in person," << v(g["asked_for_help"]["in_person"]) << ",requests made at the kiosks\n";
    out << "asked for help by video," << v(g["asked_for_help"]["video"]) << ",requests made at the kiosks\n";
    for (const char* kind : {"in_person", "video"}) {
        const auto& e = g["staff"][kind];
        const std::string k = std::string(kind) == "video" ? "video" : "in person";
        out << "requests closed (" << k << ")," << v(e["closed"]) << ",closed by staff or withdrawn\n";
        for (const char* o : {"solved", "appointment", "referred", "left", "cancelled"})
            if (e.contains(o)) out << "  outcome " << o << " (" << k << ")," << v(e[o]) << ",requests with this outcome\n";
        out << "staff minutes (" << k << ")," << v(e["staff_minutes"]) << ",measured from claim or answer to close on " << v(e["with_staff_time"])
            << " requests\n";
    }
    for (const auto& row : g["completed_without_staff_by_guide"])
        out << "completed without staff: " << row["guide"].get<std::string>() << "," << v(row["completed_without_staff"]) << ",guides finished\n";
    return out.str();
}

}  // namespace ledsager::hub
