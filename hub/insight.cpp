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

bool is_day(const std::string& d) {
    if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
    for (int i : {0, 1, 2, 3, 5, 6, 8, 9})
        if (!std::isdigit(static_cast<unsigned char>(d[i]))) return false;
    return true;
}

// Ids from the content: lower-case letters, digits, '-', '_' and '.', 1 to 64 of them.
bool is_id(const std::string& s) {
    if (s.empty() || s.size() > 64) return false;
    for (unsigned char c : s)
        if (!(std::islower(c) || std::isdigit(c) || c == '-' || c == '_' || c == '.')) return false;
    return true;
}


// ISO week of a day, e.g. "2026-W49".
std::string week_of(const std::string& day) {
    std::tm tm{};
    tm.tm_year = std::stoi(day.substr(0, 4)) - 1900;
    tm.tm_mon = std::stoi(day.substr(5, 2)) - 1;
    tm.tm_mday = std::stoi(day.substr(8, 2));
    tm.tm_hour = 12;
    timegm(&tm);  // fills tm_wday and tm_yday
    char buf[16];
    std::strftime(buf, sizeof buf, "%G-W%V", &tm);
    return buf;
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

// Suppresses a group of counts whose total is shown: small cells become "<5", and when just
// one is suppressed, the next smallest non-zero one too (or else the total), so that the
// total minus the others never gives a small count away.
void group(json& out, const std::map<std::string, std::int64_t>& cells, std::int64_t total, const char* total_key) {
    std::vector<std::string> hidden;
    for (const auto& [k, n] : cells)
        if (n > 0 && n < kMinCell) hidden.push_back(k);
    bool hide_total = total > 0 && total < kMinCell;
    if (hidden.size() == 1 && !hide_total) {
        std::string pick;
        std::int64_t smallest = 0;
        for (const auto& [k, n] : cells)
            if (n >= kMinCell && (pick.empty() || n < smallest)) pick = k, smallest = n;
        if (pick.empty()) hide_total = true;
        else hidden.push_back(pick);
    }
    for (const auto& [k, n] : cells) out[k] = std::find(hidden.begin(), hidden.end(), k) != hidden.end() ? json("<5") : json(n);
    if (total_key) out[total_key] = hide_total ? json("<5") : json(total);
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
    const std::string earliest = day_of(now - 400 * 86400LL), latest = day_of(now + 2 * 86400LL);
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
        if (!is_day(day) || day < earliest || day > latest) return error = at + ".day: must be a recent date YYYY-MM-DD", false;
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
    }
    store.add_usage(cells);
    return true;
}

json guide_report(Store& store, const ReportQuery& q) {
    const Sums s = sum_cells(store.usage(q.from, q.to, q.sites));
    std::set<std::string> guides;
    for (const auto& [k, v] : s.n) if (!std::get<1>(k).empty()) guides.insert(std::get<1>(k));
    for (const auto& [k, v] : s.buckets) if (!std::get<1>(k).empty()) guides.insert(std::get<1>(k));
    // Trend per ISO week: started and finished.
    std::map<std::string, std::map<std::string, std::pair<std::int64_t, std::int64_t>>> weeks;  // guide -> week -> started, done
    for (const auto& c : store.usage(q.from, q.to, q.sites, Store::UsageGroup::Day, {"guide_start", "guide_done"})) {
        if (c.metric == "guide_start") weeks[c.guide][week_of(c.day)].first += c.count;
        if (c.metric == "guide_done") weeks[c.guide][week_of(c.day)].second += c.count;
    }
    json out = json::array();
    for (const auto& g : guides) {
        const std::int64_t started = s.sum("guide_start", g), self = s.get("guide_done", g, "", "self"), staff = s.get("guide_done", g, "", "staff");
        const std::int64_t yes = s.get("helped", g, "", "yes"), no = s.get("helped", g, "", "no");
        json j{{"id", g}, {"title", title_of(q, g)}};
        j["started"] = cell(started);
        json done = json::object();
        group(done, {{"self", self}, {"staff", staff}}, self + staff, "total");
        j["done"] = done;
        json helped = json::object();
        group(helped, {{"yes", yes}, {"no", no}}, yes + no, "answers");
        j["helped"] = helped;
        // Steps: in the guide's order where the content is known, then any others.
        std::vector<std::string> steps;
        if (auto it = q.titles.find(g + "/"); it != q.titles.end()) {
            std::stringstream order(it->second);
            for (std::string st; std::getline(order, st, ',');) steps.push_back(st);
        }
        std::set<std::string> seen(steps.begin(), steps.end());
        for (const auto& [k, v] : s.n)
            if (std::get<1>(k) == g && !std::get<2>(k).empty() && seen.insert(std::get<2>(k)).second) steps.push_back(std::get<2>(k));
        for (const auto& [k, v] : s.buckets)
            if (std::get<1>(k) == g && !std::get<2>(k).empty() && seen.insert(std::get<2>(k)).second) steps.push_back(std::get<2>(k));
        json rows = json::array();
        std::int64_t left_total = 0, help_total = 0, confusing_total = 0;
        for (const auto& st : steps) {
            const std::int64_t reached = s.get("step_reach", g, st), left = s.get("guide_left", g, st), help = s.sum("help_asked", g, &st),
                               confusing = s.get("confusing", g, st);
            left_total += left;
            help_total += help;
            confusing_total += confusing;
            if (!reached && !left && !help && !confusing && st != "needs") continue;
            const auto b = s.buckets.find({"step_time", g, st, ""});
            rows.push_back({{"step", st}, {"title", title_of(q, g + "/" + st)}, {"reached", cell(reached)}, {"left", cell(left)},
                            {"help", cell(help)}, {"confusing", cell(confusing)},
                            {"median_time", b == s.buckets.end() ? json(nullptr) : median(b->second)}});
        }
        j["steps"] = rows;
        j["left"] = cell(left_total);
        j["help"] = cell(help_total);
        j["confusing"] = cell(confusing_total);
        // Health: 100 = nobody leaves, asks for help or finds a step confusing, and everyone
        // who answered found it helpful. Only where every count it rests on is 0 or at least
        // kMinCell: a figure made from a count of 1 to 4 would give that count away.
        const auto safe = [](std::int64_t n) { return n == 0 || n >= kMinCell; };
        if (started >= kMinCell && safe(left_total) && safe(help_total) && safe(confusing_total) && safe(yes) && safe(no)) {
            const double n = static_cast<double>(started);
            const double helpful = yes + no >= kMinCell ? static_cast<double>(yes) / (yes + no) : 0.5;
            const double need = (std::min(1.0, left_total / n) + std::min(1.0, help_total / n) + std::min(1.0, confusing_total / n) + (1 - helpful)) / 4;
            j["health"] = static_cast<int>(std::lround(100 * (1 - need)));
        } else {
            j["health"] = nullptr;
        }
        json wk = json::array();
        for (const auto& [w, sd] : weeks[g]) wk.push_back({{"week", w}, {"started", cell(sd.first)}, {"done", cell(sd.second)}});
        j["weeks"] = wk;
        out.push_back(std::move(j));
    }
    // Most in need of rewriting first; guides with too few sessions to say last.
    std::stable_sort(out.begin(), out.end(), [](const json& a, const json& b) {
        if (a["health"].is_null() != b["health"].is_null()) return b["health"].is_null();
        return !a["health"].is_null() && a["health"].get<int>() < b["health"].get<int>();
    });
    return {{"from", q.from}, {"to", q.to}, {"min_cell", kMinCell}, {"guides", out}};
}

json site_report(Store& store, const ReportQuery& q) {
    json sites = json::array();
    std::map<std::int64_t, std::vector<UsageCell>> per_site;  // one pass over the period for every site
    for (auto& c : store.usage(q.from, q.to, q.sites, Store::UsageGroup::Site)) per_site[c.site_id].push_back(std::move(c));
    for (auto site_id : q.sites) {
        const Sums s = sum_cells(per_site[site_id]);
        auto site = store.site(site_id);
        json j{{"slug", site ? site->slug : ""}, {"name", site ? site->name : ""}};
        std::int64_t sessions = 0, done = 0, started = 0;
        std::map<std::string, std::int64_t> langs, hours, modes, outcomes[2];
        for (const auto& [k, v] : s.n) {
            const auto& [metric, guide, step, dim] = k;
            if (metric == "session") sessions += v;
            else if (metric == "session_lang") langs[dim] += v;
            else if (metric == "session_hour") hours[dim.size() == 1 ? "0" + dim : dim] += v;
            else if (metric == "session_mode") modes[dim] += v;
            else if (metric == "guide_done") done += v;
            else if (metric == "guide_start") started += v;
            else if (metric == "escalation") {
                const auto colon = dim.find(':');
                outcomes[dim.substr(0, colon) == "video" ? 1 : 0][dim.substr(colon + 1)] += v;
            }
        }
        j["sessions"] = cell(sessions);
        j["guides_started"] = cell(started);
        j["guides_done"] = cell(done);
        json l = json::object();
        std::int64_t lang_total = 0;
        for (const auto& [k, v] : langs) lang_total += v;
        group(l, langs, lang_total, nullptr);
        j["languages"] = l;
        json h = json::object();
        group(h, hours, sessions, nullptr);
        j["hours"] = h;
        json m = json::object();
        for (const auto& [k, v] : modes) m[k] = cell(v);
        j["modes"] = m;
        json esc = json::object();
        for (int kind = 0; kind < 2; ++kind) {
            const char* name = kind ? "video" : "in_person";
            std::int64_t total = 0;
            for (const auto& [k, v] : outcomes[kind]) total += v;
            json e = json::object();
            group(e, outcomes[kind], total, "total");
            const auto w = s.buckets.find({"wait", "", "", name});
            e["median_wait"] = w == s.buckets.end() ? json(nullptr) : median(w->second);
            esc[name] = e;
        }
        j["escalations"] = esc;
        sites.push_back(std::move(j));
    }
    return {{"from", q.from}, {"to", q.to}, {"min_cell", kMinCell}, {"sites", sites}};
}

json gains_report(Store& store, const ReportQuery& q) {
    const Sums s = sum_cells(store.usage(q.from, q.to, q.sites));
    std::int64_t sessions = 0, started = 0, self = 0, staff = 0;
    std::map<std::string, std::int64_t> asked, closed[2], staff_seconds, with_time;
    std::map<std::string, std::map<int, std::int64_t>> staff_buckets;
    std::map<std::string, std::int64_t> self_by_guide;
    for (const auto& [k, v] : s.n) {
        const auto& [metric, guide, step, dim] = k;
        if (metric == "session") sessions += v;
        else if (metric == "guide_start") started += v;
        else if (metric == "guide_done") {
            (dim == "self" ? self : staff) += v;
            if (dim == "self") self_by_guide[guide] += v;
        } else if (metric == "help_asked") asked[dim] += v;
        else if (metric == "escalation") {
            const auto colon = dim.find(':');
            closed[dim.substr(0, colon) == "video" ? 1 : 0][dim.substr(colon + 1)] += v;
        } else if (metric == "staff_seconds") staff_seconds[dim] += v;
    }
    for (const auto& [k, b] : s.buckets)
        if (std::get<0>(k) == "staff_time")
            for (const auto& [i, n] : b) {
                with_time[std::get<3>(k)] += n;
                staff_buckets[std::get<3>(k)][i] += n;
            }
    json j{{"from", q.from}, {"to", q.to}, {"min_cell", kMinCell}};
    j["sessions"] = cell(sessions);
    j["guides_started"] = cell(started);
    json done = json::object();
    group(done, {{"without_staff", self}, {"with_staff", staff}}, self + staff, "total");
    j["guides_completed"] = done;
    json by = json::array();
    for (const auto& [g, n] : self_by_guide) by.push_back({{"guide", g}, {"title", title_of(q, g)}, {"completed_without_staff", cell(n)}});
    j["completed_without_staff_by_guide"] = by;
    json a = json::object();
    group(a, asked, asked["in_person"] + asked["video"], "total");
    j["asked_for_help"] = a;
    json st = json::object();
    for (int kind = 0; kind < 2; ++kind) {
        const char* name = kind ? "video" : "in_person";
        std::int64_t total = 0;
        for (const auto& [k, v] : closed[kind]) total += v;
        json e = json::object();
        group(e, closed[kind], total, "closed");
        const std::int64_t n = with_time[name];
        e["with_staff_time"] = cell(n);
        // Total staff time only from enough requests; it is the sum of what was measured.
        e["staff_minutes"] = n >= kMinCell ? json(static_cast<std::int64_t>(std::lround(staff_seconds[name] / 60.0))) : (n ? json("<5") : json(0));
        e["median_staff_time"] = median(staff_buckets[name]);
        st[name] = e;
    }
    j["staff"] = st;
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
