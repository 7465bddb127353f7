#include "hub/insight.hpp"

#include <sodium.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <ctime>
#include <map>
#include <set>
#include <sstream>

#include "common/languages.hpp"
#include "common/validate.hpp"

namespace ledsager::hub {

using json = nlohmann::json;

namespace {

using Buckets = std::map<int, std::int64_t>;  // rounded counts by duration bucket

// A true count and its cell key: the sum (mod 2^32) of the random keys of the sessions (or
// help requests) counted in it. Counts and keys add and subtract together.
struct Count {
    std::int64_t n = 0;
    std::uint32_t k = 0;
    Count& operator+=(const Count& o) {
        n += o.n;
        k += o.k;
        return *this;
    }
    Count operator+(const Count& o) const { return Count(*this) += o; }
    Count operator-(const Count& o) const { return {n - o.n, static_cast<std::uint32_t>(k - o.k)}; }
};
using Counts = std::map<int, Count>;  // true counts by duration bucket

// The median from (rounded) bucket counts, as the bucket's range in seconds; null if none.
json median(const Buckets& buckets) {
    std::int64_t total = 0;
    for (const auto& [b, n] : buckets)
        total += n;
    if (total == 0) return nullptr;
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

// The middle of a duration bucket in seconds (the last, open one: its lower edge).
std::int64_t bucket_middle(int b) {
    const int last = static_cast<int>(std::size(kDurationEdges)) - 1;
    b = std::clamp(b, 0, last);
    return b == last ? kDurationEdges[b] : (kDurationEdges[b] + kDurationEdges[b + 1]) / 2;
}

using Key = std::tuple<std::string, std::string, std::string, std::string>;  // metric, guide, step, dim

struct Sums {
    std::map<Key, Count> n;
    std::map<Key, Counts> buckets;
    Count get(const std::string& m, const std::string& g = "", const std::string& s = "",
              const std::string& d = "") const {
        auto it = n.find({m, g, s, d});
        return it == n.end() ? Count{} : it->second;
    }
    // Sum over every dim (and step, without `step`).
    Count sum(const std::string& m, const std::string& g, const std::string* step = nullptr) const {
        Count t;
        for (const auto& [k, v] : n)
            if (std::get<0>(k) == m && std::get<1>(k) == g && (!step || std::get<2>(k) == *step)) t += v;
        return t;
    }
};

std::string title_of(const ReportQuery& q, const std::string& key) {
    auto it = q.titles.find(key);
    if (it != q.titles.end()) return it->second;
    const auto slash = key.find('/');
    return slash == std::string::npos ? key : key.substr(slash + 1);  // a step the content no longer has: its id
}

// The guide ids the hub knows from its content (none when it knows no content).
std::set<std::string> known_guides(const ReportQuery& q) {
    std::set<std::string> out;
    for (const auto& [k, v] : q.titles)
        if (k.find('/') == std::string::npos && k != kOtherGuides) out.insert(k);
    return out;
}

// One unit's counts, added up from the store's cells. Escalations carry the guide a help
// request named (free text from the kiosk): no per-guide figure reads it, so it is left out
// here. Guide ids the hub's content does not have are counted together as kOtherGuides.
Sums sum_cells(const std::vector<UsageCell>& cells, const std::set<std::string>& known) {
    Sums s;
    for (const auto& c : cells) {
        std::string guide = c.metric == "escalation" ? "" : c.guide;
        if (!guide.empty() && !known.empty() && !known.count(guide)) guide = kOtherGuides;
        if (c.bucket >= 0)
            s.buckets[{c.metric, guide, c.step, c.dim}][c.bucket] += Count{c.count, c.key};
        else
            s.n[{c.metric, guide, c.step, c.dim}] += Count{c.count, c.key};
    }
    return s;
}

}  // namespace

std::int64_t round_count(const std::string& key, std::int64_t site, const std::string& month, std::int64_t value,
                         std::uint32_t cell_key) {
    const std::int64_t r = ((value % kRoundBase) + kRoundBase) % kRoundBase;
    if (r == 0) return value;
    const std::string msg =
        "ledsager-insight-3\n" + std::to_string(site) + "\n" + month + "\n" + std::to_string(cell_key);
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(key.data()), key.size());
    crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(msg.data()), msg.size());
    crypto_auth_hmacsha256_final(&st, mac);
    std::uint64_t draw = 0;
    for (int i = 7; i >= 0; --i)
        draw = draw << 8 | mac[i];
    const std::int64_t down = value - r;
    return static_cast<std::int64_t>(draw % kRoundBase) < r ? down + kRoundBase : down;
}

bool fold_usage(Store& store, const Kiosk& kiosk, const json& body, Seconds now, std::string& error) {
    std::vector<common::UsageEvent> events;
    if (!common::decode_usage(body, day_of(now + 2 * 86400LL), events, error)) return false;
    // Events of a month that is final already (a kiosk was offline, or the hub's clock was set
    // back) are checked, then dropped (Store::add_usage): a report of that month must read the
    // same whenever it is asked for.
    final_month(store, now);
    // Events without a session key (a kiosk from before keys) count under a random key drawn
    // at each session event (a kiosk sends a visit's session event first), never a fixed one,
    // which would give every such cell of a month the same draw.
    std::uint32_t batch_key = randombytes_random();
    std::vector<UsageCell> cells;
    for (const auto& e : events) {
        if (e.type == "session" && !e.key) batch_key = randombytes_random();
        const std::uint32_t key = e.key.value_or(batch_key);
        const UsageCell base{e.day, kiosk.site_id, 0, "", e.guide, "", "", -1, 1, key};
        auto add = [&](const char* metric, const std::string& st, const std::string& dim, int bucket = -1,
                       std::int64_t kiosk_id = 0) {
            UsageCell c = base;
            c.metric = metric;
            c.step = st;
            c.dim = dim;
            c.bucket = bucket;
            c.kiosk_id = kiosk_id;
            cells.push_back(std::move(c));
        };
        if (e.type == "session") {
            add("session", "", "", -1, kiosk.id);  // sessions per kiosk too
            add("session_lang", "", e.lang);
            if (e.hour >= 0) add("session_hour", "", std::to_string(e.hour));
            for (const auto& m : std::set<std::string>(e.modes.begin(), e.modes.end()))
                add("session_mode", "", m);
        } else if (e.type == "guide_start") {
            add("guide_start", "", e.lang);
        } else if (e.type == "step_view") {
            if (e.value) add("step_reach", e.step, "");
            add("step_time", e.step, "", duration_bucket(e.ms / 1000));
        } else if (e.type == "guide_done") {
            add("guide_done", "", e.kind);
        } else if (e.type == "guide_left") {
            add("guide_left", e.step, "");
        } else if (e.type == "helped") {
            add("helped", "", e.value ? "yes" : "no");
        } else if (e.type == "confusing") {
            add("confusing", e.step, "");
        } else if (e.type == "help_asked") {
            add("help_asked", e.step, e.kind);
        }
    }
    store.add_usage(cells);
    return true;
}

namespace {

// ---- One unit: one site's one calendar month.
// Its true counts, each under a cell id, and the same counts randomly rounded (round_count):
// a report shows only the rounded ones, and lists a guide, step, language, outcome, ... only
// where a rounded count of it is not 0 (a row of zeros would say that something was there).
struct Unit {
    std::int64_t site = 0;
    std::string month;
    Sums s;
    std::map<std::string, Count> n;         // true counts by cell id
    std::map<std::string, std::int64_t> r;  // the same, rounded
    std::vector<std::string> guides;
    std::map<std::string, std::vector<std::string>> steps;  // per guide, in the guide's order
    std::string key;

    std::int64_t get(const std::string& cell) const {
        auto it = r.find(cell);
        return it == r.end() ? 0 : it->second;
    }
    // A metric's buckets, each count rounded, the zeros left out.
    Buckets buckets(const Key& k) const {
        Buckets out;
        auto it = s.buckets.find(k);
        if (it == s.buckets.end()) return out;
        for (const auto& [b, v] : it->second)
            if (const auto shown = round_count(key, site, month, v.n, v.k)) out[b] = shown;
        return out;
    }
};

// Buckets as a report adds them up (finish reads the median of the sum).
json median_of(const Buckets& b) {
    json j = json::object();
    for (const auto& [i, v] : b)
        j[std::to_string(i)] = v;
    return {{"_buckets", j}};
}

Unit make_unit(Sums s, const ReportQuery& q, std::int64_t site, std::string month, const std::string& key) {
    Unit u;
    u.site = site;
    u.month = std::move(month);
    u.s = std::move(s);
    u.key = key;
    const Sums& sums = u.s;
    auto& t = u.n;
    std::set<std::string> guides;
    for (const auto& [k, v] : sums.n)
        if (!std::get<1>(k).empty()) guides.insert(std::get<1>(k));
    for (const auto& [k, v] : sums.buckets)
        if (!std::get<1>(k).empty()) guides.insert(std::get<1>(k));
    u.guides.assign(guides.begin(), guides.end());
    for (const auto& g : u.guides) {
        const std::string p = "g:" + g + ":";
        t[p + "started"] = sums.sum("guide_start", g);
        t[p + "self"] = sums.get("guide_done", g, "", "self");
        t[p + "staff"] = sums.get("guide_done", g, "", "staff");
        t[p + "done"] = t[p + "self"] + t[p + "staff"];
        t[p + "yes"] = sums.get("helped", g, "", "yes");
        t[p + "no"] = sums.get("helped", g, "", "no");
        t[p + "answers"] = t[p + "yes"] + t[p + "no"];
        t[p + "left"] = sums.sum("guide_left", g);
        t[p + "help"] = sums.sum("help_asked", g);
        t[p + "confusing"] = sums.sum("confusing", g);
        // Steps: in the guide's order where the content is known, then any others (none for
        // the guides the hub does not know: their step ids mean nothing together).
        auto& steps = u.steps[g];
        if (g == kOtherGuides) continue;
        if (auto it = q.titles.find(g + "/"); it != q.titles.end()) {
            std::stringstream order(it->second);
            for (std::string st; std::getline(order, st, ',');)
                steps.push_back(st);
        }
        // A guide the hub knows lists its own steps only: a kiosk token must not be able to
        // put words of its own ("call-me-on-...") in a manager's report as step ids. (Their
        // counts stay in the guide's totals.)
        if (steps.empty()) {
            std::set<std::string> seen;
            for (const auto& [k, v] : sums.n)
                if (std::get<1>(k) == g && !std::get<2>(k).empty() && seen.insert(std::get<2>(k)).second)
                    steps.push_back(std::get<2>(k));
            for (const auto& [k, v] : sums.buckets)
                if (std::get<1>(k) == g && !std::get<2>(k).empty() && seen.insert(std::get<2>(k)).second)
                    steps.push_back(std::get<2>(k));
        }
        for (const auto& st : steps) {
            const std::string sp = p + "s:" + st + ":";
            t[sp + "reached"] = sums.get("step_reach", g, st);
            t[sp + "left"] = sums.get("guide_left", g, st);
            t[sp + "help"] = sums.sum("help_asked", g, &st);
            t[sp + "confusing"] = sums.get("confusing", g, st);
        }
    }
    // The unit's totals.
    for (const auto& [k, v] : sums.n) {
        const auto& [metric, guide, step, dim] = k;
        if (metric == "session")
            t["sessions"] += v;
        else if (metric == "session_lang")
            t["lang:" + dim] += v;
        else if (metric == "session_hour")
            t["hour:" + (dim.size() == 1 ? "0" + dim : dim)] += v;
        else if (metric == "session_mode")
            t["mode:" + dim] += v;
        else if (metric == "guide_start")
            t["started"] += v;
        else if (metric == "guide_done")
            t[dim == "self" ? "self" : "staff"] += v;
        else if (metric == "help_asked")
            t["asked:" + dim] += v;
        else if (metric == "escalation") {
            const auto colon = dim.find(':');
            const std::string kind = dim.substr(0, colon) == "video" ? "video" : "in_person";
            t["esc:" + kind + ":" + dim.substr(colon + 1)] += v;
            t["esc:" + kind] += v;
        }
        // staff_seconds: a sum of seconds, not a count; never shown (staff minutes are
        // estimated from the rounded staff_time buckets instead).
    }
    for (const auto& [k, b] : sums.buckets)
        if (std::get<0>(k) == "staff_time")
            for (const auto& [i, n] : b)
                t["timed:" + std::get<3>(k)] += n;
    t["done"] = t["self"] + t["staff"];
    t["asked"] = t["asked:in_person"] + t["asked:video"];
    for (const auto& [cell, v] : t)
        u.r[cell] = round_count(key, site, u.month, v.n, v.k);
    // Totals shown beside their parts are the sums of the rounded parts: a part rounded up
    // and its total rounded down would otherwise say "at least 1, at most 4".
    auto& r = u.r;
    auto sum_of = [&](const std::string& total, std::initializer_list<std::string> parts) {
        std::int64_t x = 0;
        for (const auto& part : parts)
            x += r[part];
        r[total] = x;
    };
    for (const auto& g : u.guides) {
        const std::string p = "g:" + g + ":";
        sum_of(p + "done", {p + "self", p + "staff"});
        sum_of(p + "answers", {p + "yes", p + "no"});
        // left, help, confusing: the listed steps' rounded counts plus the rest (the "What you
        // need" screen, steps not listed) rounded on its own.
        for (const char* f : {"left", "help", "confusing"}) {
            std::int64_t shown = 0;
            Count counted;
            for (const auto& st : u.steps[g]) {
                shown += r[p + "s:" + st + ":" + f];
                counted += t[p + "s:" + st + ":" + f];
            }
            const Count rest = t[p + f] - counted;
            r[p + f] = shown + round_count(key, site, u.month, std::max<std::int64_t>(0, rest.n), rest.k);
        }
        // The funnel from the last step of each chain back (core::Guide::funnels: the spine,
        // runs inside branches): a step's "reached" is the next one's plus those who stopped
        // in between, rounded; the starts are the first step's plus those who left before it.
        // Someone who went all the way is in one rounded count of a chain, not in every
        // step's: an attacker who adds different numbers of sessions to each step learns no
        // more of them than one rounded count shows (review 3).
        const auto fs = q.funnels.find(g);
        if (fs == q.funnels.end()) continue;
        for (const auto& chain : fs->second)
            for (std::size_t i = chain.size(); i-- > 1;) {
                const std::string cell = p + "s:" + chain[i - 1] + ":reached", next = p + "s:" + chain[i] + ":reached";
                const Count stopped = t[cell] - t[next];
                const std::int64_t shown = round_count(key, site, u.month, stopped.n, stopped.k);
                r[cell] = std::max<std::int64_t>(0, r[next] + shown);
                // Those who left the guide at this step are among those who stopped here: their
                // count is the stopped ones' minus the rounded number who stopped without
                // leaving (went back, or asked for help and came back later), so whoever left
                // here is in one draw, not two. The guide's total moves with it.
                // Skipped where someone left here after going on and coming back (the counts do
                // not nest), and for a step the unit does not list (its count is in the rest).
                const std::string left = p + "s:" + chain[i - 1] + ":left";
                const Count rest = stopped - t[left];
                const auto& listed_steps = u.steps[g];
                if (rest.n < 0 || stopped.n < 0 ||
                    std::find(listed_steps.begin(), listed_steps.end(), chain[i - 1]) == listed_steps.end())
                    continue;
                const std::int64_t was = r[left];
                r[left] = std::max<std::int64_t>(0, shown - round_count(key, site, u.month, rest.n, rest.k));
                r[p + "left"] += r[left] - was;
            }
        if (!fs->second.empty() && !fs->second.front().empty()) {
            const std::string first = p + "s:" + fs->second.front().front() + ":reached";
            const Count before = t[p + "started"] - t[first];
            r[p + "started"] =
                std::max<std::int64_t>(0, r[first] + round_count(key, site, u.month, before.n, before.k));
            // Whoever finished the guide passed the spine's last step, and whoever answered "Did
            // this help?" finished it: done, then answers, are rounded down from there (the
            // last step's count minus the rounded number who did not finish, ...), and "without
            // staff" and "yes" as what is left beside the rounded "with staff" and "no". So a
            // visitor who went all the way without help and said yes is in one draw in all of
            // this, not in four (the attacker review of the cell key: reached, done, yes).
            const auto down_from = [&](std::int64_t shown, const Count& whole, const Count& part) {
                const Count rest = whole - part;
                return std::max<std::int64_t>(0, shown - round_count(key, site, u.month, rest.n, rest.k));
            };
            const std::string last = p + "s:" + fs->second.front().back() + ":reached";
            const std::int64_t done = down_from(r[last], t[last], t[p + "done"]);
            r[p + "self"] = std::max<std::int64_t>(0, done - r[p + "staff"]);
            r[p + "done"] = r[p + "self"] + r[p + "staff"];
            const std::int64_t answers = down_from(r[p + "done"], t[p + "done"], t[p + "answers"]);
            r[p + "yes"] = std::max<std::int64_t>(0, answers - r[p + "no"]);
            r[p + "answers"] = r[p + "yes"] + r[p + "no"];
        }
    }
    // The unit's own totals from its guides' and languages' rounded counts, so that no guide
    // or language shows more than the site's figure.
    for (const char* f : {"started", "self", "staff"}) {
        std::int64_t x = 0;
        for (const auto& g : u.guides)
            x += r["g:" + g + ":" + f];
        r[f] = x;
    }
    sum_of("done", {"self", "staff"});
    sum_of("asked", {"asked:in_person", "asked:video"});
    {
        std::int64_t x = 0;
        for (auto it = r.lower_bound("lang:"); it != r.end() && it->first.rfind("lang:", 0) == 0; ++it)
            x += it->second;
        if (x > 0 || t["sessions"].n == 0) r["sessions"] = x;
    }
    for (const std::string kind : {"in_person", "video"}) {
        std::int64_t x = 0;
        for (const auto& [b, v] : u.buckets({"staff_time", "", "", kind}))
            x += v;
        r["timed:" + kind] = x;
    }
    for (const std::string kind : {"in_person", "video"}) {
        std::int64_t x = 0;
        for (auto it = r.lower_bound("esc:" + kind + ":");
             it != r.end() && it->first.rfind("esc:" + kind + ":", 0) == 0; ++it)
            x += it->second;
        r["esc:" + kind] = x;
    }
    return u;
}

// The unit's figures under a prefix of cell ids ("lang:"), those not rounded to 0.
json listed(const Unit& u, const std::string& prefix) {
    json out = json::object();
    for (auto it = u.r.lower_bound(prefix); it != u.r.end() && it->first.rfind(prefix, 0) == 0; ++it)
        if (it->second) out[it->first.substr(prefix.size())] = it->second;
    return out;
}

json guides_of(const Unit& u, const ReportQuery& q) {
    json out = json::array();
    for (const auto& g : u.guides) {
        const std::string p = "g:" + g + ":";
        bool any = false;
        auto get = [&](const std::string& cell) {
            const auto r = u.get(cell);
            any = any || r != 0;
            return r;
        };
        json j{{"id", g}, {"title", title_of(q, g)}, {"started", get(p + "started")}};
        j["done"] = {{"self", get(p + "self")}, {"staff", get(p + "staff")}, {"total", get(p + "done")}};
        j["helped"] = {{"yes", get(p + "yes")}, {"no", get(p + "no")}, {"answers", get(p + "answers")}};
        json rows = json::array();
        for (const auto& st : u.steps.at(g)) {
            const std::string sp = p + "s:" + st + ":";
            const auto times = u.buckets({"step_time", g, st, ""});
            json row{{"step", st}, {"title", title_of(q, g + "/" + st)}};
            bool shown = !times.empty();
            for (const char* f : {"reached", "left", "help", "confusing"})
                shown = (row[f] = get(sp + f)) != 0 || shown;
            if (!shown) continue;
            any = true;
            row["median_time"] = median_of(times);
            rows.push_back(std::move(row));
        }
        j["steps"] = rows;
        j["left"] = get(p + "left");
        j["help"] = get(p + "help");
        j["confusing"] = get(p + "confusing");
        j["months"] = json::array({{{"month", u.month}, {"started", j["started"]}, {"done", j["done"]["total"]}}});
        if (any) out.push_back(std::move(j));
    }
    return out;
}

// A unit's closed help requests of one kind by outcome.
json outcomes_of(const Unit& u, const std::string& kind) {
    return listed(u, "esc:" + kind + ":");
}

json site_of(const Unit& u, const Site* site) {
    json j{{"slug", site ? site->slug : ""}, {"name", site ? site->name : ""}};
    j["sessions"] = u.get("sessions");
    j["guides_started"] = u.get("started");
    j["guides_done"] = u.get("done");
    j["languages"] = listed(u, "lang:");
    j["hours"] = listed(u, "hour:");
    j["modes"] = listed(u, "mode:");
    for (const char* kind : {"in_person", "video"}) {
        json e = outcomes_of(u, kind);
        e["total"] = u.get(std::string("esc:") + kind);
        e["median_wait"] = median_of(u.buckets({"wait", "", "", kind}));
        j["escalations"][kind] = e;
    }
    return j;
}

json gains_of(const Unit& u, const ReportQuery& q) {
    json j{{"sessions", u.get("sessions")}, {"guides_started", u.get("started")}};
    j["guides_completed"] = {
        {"without_staff", u.get("self")}, {"with_staff", u.get("staff")}, {"total", u.get("done")}};
    json by = json::array();
    for (const auto& g : u.guides)
        if (const auto r = u.get("g:" + g + ":self"))
            by.push_back({{"guide", g}, {"title", title_of(q, g)}, {"completed_without_staff", r}});
    j["completed_without_staff_by_guide"] = by;
    j["asked_for_help"] = {
        {"in_person", u.get("asked:in_person")}, {"video", u.get("asked:video")}, {"total", u.get("asked")}};
    for (const char* kind : {"in_person", "video"}) {
        json e = outcomes_of(u, kind);
        e["closed"] = u.get(std::string("esc:") + kind);
        e["with_staff_time"] = u.get(std::string("timed:") + kind);
        // Staff time from the rounded number of requests in each duration band, each at the
        // band's middle: never from the seconds measured (one request's would show through).
        const auto b = u.buckets({"staff_time", "", "", kind});
        std::int64_t secs = 0;
        for (const auto& [i, v] : b)
            secs += v * bucket_middle(i);
        e["staff_minutes"] = {{"_seconds", secs}};
        e["median_staff_time"] = median_of(b);
        j["staff"][kind] = e;
    }
    return j;
}

// ---- Adding units up: rounded counts are added; lists are matched by their ids.
const char* identity(const json& e) {
    for (const char* k : {"slug", "id", "step", "month", "guide"})
        if (e.is_object() && e.contains(k)) return k;
    return nullptr;
}

void add(json& acc, const json& u) {
    if (u.is_object()) {
        if (!acc.is_object()) acc = json::object();
        for (const auto& [k, v] : u.items())
            add(acc[k], v);
    } else if (u.is_array()) {
        if (!acc.is_array()) acc = json::array();
        for (const auto& e : u) {
            const char* key = identity(e);
            auto it = acc.end();
            if (key)
                it = std::find_if(acc.begin(), acc.end(),
                                  [&](const json& a) { return a.contains(key) && a[key] == e[key]; });
            if (it == acc.end()) {
                acc.push_back(json());
                add(acc.back(), e);
            } else {
                add(*it, e);
            }
        }
    } else if (u.is_number_integer()) {
        acc = (acc.is_number_integer() ? acc.get<std::int64_t>() : 0) + u.get<std::int64_t>();
    } else if (acc.is_null()) {
        acc = u;  // ids, titles, names
    }
}

// A sum as the report shows it: medians read from the added buckets, staff minutes from the
// added seconds.
json finish(const json& a) {
    if (a.is_object() && a.contains("_buckets")) {
        Buckets b;
        for (const auto& [i, v] : a["_buckets"].items())
            b[std::stoi(i)] = v.get<std::int64_t>();
        return median(b);
    }
    if (a.is_object() && a.contains("_seconds"))
        return static_cast<std::int64_t>(std::lround(a["_seconds"].get<double>() / 60.0));
    if (a.is_object()) {
        json out = json::object();
        for (const auto& [k, v] : a.items())
            out[k] = finish(v);
        return out;
    }
    if (a.is_array()) {
        json out = json::array();
        for (const auto& e : a)
            out.push_back(finish(e));
        return out;
    }
    return a;
}

std::vector<std::string> months_of(const ReportQuery& q) {
    std::vector<std::string> out;
    for (std::string m = q.from.substr(0, 7); m <= q.to.substr(0, 7); m = next_month(m))
        out.push_back(m);
    return out;
}

// Every unit of the period and sites asked for, empty ones too (per site, month by month),
// and the key they are rounded with.
struct Units {
    std::string key;
    std::vector<Unit> list;
};

Units units(Store& store, const ReportQuery& q) {
    Units out{store.insight_key(), {}};
    std::map<std::pair<std::int64_t, std::string>, std::vector<UsageCell>> cells;
    for (auto& c : store.usage(q.from, q.to, q.sites, Store::UsageGroup::SiteMonth))
        cells[{c.site_id, c.day}].push_back(std::move(c));
    const auto known = known_guides(q);
    out.list.reserve(q.sites.size() * months_of(q).size());
    for (auto site : q.sites)
        for (const auto& m : months_of(q))
            out.list.push_back(make_unit(sum_cells(cells[{site, m}], known), q, site, m, out.key));
    return out;
}

}  // namespace

std::string last_final_month(Seconds now) {
    const std::string open =
        day_of(now - kLateDays * 86400LL).substr(0, 7);  // the month before it is the last final one
    int y = std::stoi(open.substr(0, 4)), m = std::stoi(open.substr(5, 2)) - 1;
    if (m == 0) m = 12, --y;
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02d", y, m);
    return buf;
}

std::string final_month(Store& store, Seconds now) {
    return store.raise_final_month(last_final_month(now));
}

std::string check_period(const std::string& from, const std::string& to, const std::string& last_final, int max_days,
                         std::string& field) {
    field = "from";
    if (!is_real_day(from) || from.substr(8) != "01")
        return "from: the first day of a month, YYYY-MM-01 (reports cover whole calendar months)";
    field = "to";
    if (!is_real_day(to) || to != last_day(to.substr(0, 7)))
        return "to: the last day of a month, YYYY-MM-DD (reports cover whole calendar months)";
    if (from > to) return field = "from", "from: not after to";
    if (to.substr(0, 7) > last_final)
        return "to: " + to.substr(0, 7) + " is not final yet; a month can be reported from the " +
               std::to_string(kLateDays + 1) + "rd day after it ends (the last final month is " + last_final + ")";
    if (days_in(from, to) > max_days) return "to: a report covers at most " + std::to_string(max_days) + " days";
    field.clear();
    return "";
}

json guide_report(Store& store, const ReportQuery& q) {
    json acc = json::array();
    const Units us = units(store, q);
    for (const auto& u : us.list)
        add(acc, guides_of(u, q));
    for (auto& g : acc) {
        // Steps in the guide's order (a step one month lacks is added where the content has it).
        std::vector<std::string> order;
        if (auto it = q.titles.find(g["id"].get<std::string>() + "/"); it != q.titles.end()) {
            std::stringstream in(it->second);
            for (std::string st; std::getline(in, st, ',');)
                order.push_back(st);
        }
        auto rank = [&](const json& row) {
            const auto at = std::find(order.begin(), order.end(), row["step"].get<std::string>());
            return at - order.begin();
        };
        std::stable_sort(g["steps"].begin(), g["steps"].end(),
                         [&](const json& a, const json& b) { return rank(a) < rank(b); });
        std::sort(g["months"].begin(), g["months"].end(),
                  [](const json& a, const json& b) { return a["month"] < b["month"]; });
        // Health: 100 = nobody leaves, asks for help or finds a step confusing, and everyone
        // who answered found it helpful. From the rounded counts only, and only where the
        // starts do not round to 0.
        const auto num = [](const json& v) { return v.is_number() ? v.get<double>() : 0.0; };
        const double started = num(g["started"]), yes = num(g["helped"]["yes"]), no = num(g["helped"]["no"]);
        if (started >= kRoundBase) {
            const double helpful = yes + no > 0 ? yes / (yes + no) : 0.5;
            const double need = (std::min(1.0, num(g["left"]) / started) + std::min(1.0, num(g["help"]) / started) +
                                 std::min(1.0, num(g["confusing"]) / started) + (1 - helpful)) /
                                4;
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
    // Beside each guide, what its content needs; and every guide the hub serves, used in the
    // period or not (what content exists is no secret), so nothing to check is missed.
    json content = json::array();
    for (const auto& [id, state] : q.content) {
        json c = state;
        c["id"] = id;
        c["title"] = title_of(q, id);
        content.push_back(std::move(c));
    }
    for (auto& g : out)
        if (auto it = q.content.find(g["id"].get<std::string>()); it != q.content.end()) g["content"] = it->second;
    return {{"from", q.from}, {"to", q.to}, {"rounded_to", kRoundBase}, {"guides", out}, {"content", content}};
}

json site_report(Store& store, const ReportQuery& q) {
    json acc = json::array();
    std::map<std::int64_t, std::optional<Site>> sites;
    for (auto id : q.sites)
        sites[id] = store.site(id);
    const Units us = units(store, q);
    for (const auto& u : us.list)
        add(acc, json::array({site_of(u, sites[u.site] ? &*sites[u.site] : nullptr)}));
    return {{"from", q.from}, {"to", q.to}, {"rounded_to", kRoundBase}, {"sites", finish(acc)}};
}

json gains_report(Store& store, const ReportQuery& q) {
    json acc = json::object();
    const Units us = units(store, q);
    for (const auto& u : us.list)
        add(acc, gains_of(u, q));
    json j = finish(acc);
    j["from"] = q.from;
    j["to"] = q.to;
    j["rounded_to"] = kRoundBase;
    return j;
}

std::string gains_csv(const json& g) {
    std::ostringstream out;
    auto v = [](const json& x) {
        return x.is_string() ? x.get<std::string>() : x.is_null() ? std::string() : x.dump();
    };
    out << "figure,value,what it counts\n";
    out << "note,,every count is rounded to a multiple of 5 at random so that small numbers are blurred; parts may not "
           "add up to totals\n";
    out << "period," << g["from"].get<std::string>() << " to " << g["to"].get<std::string>() << ",days included\n";
    out << "sessions," << v(g["sessions"]) << ",citizen sessions at the kiosks\n";
    out << "guides started," << v(g["guides_started"]) << ",guides opened\n";
    out << "tasks completed without staff," << v(g["guides_completed"]["without_staff"])
        << ",guides finished without asking for help\n";
    out << "tasks completed with staff," << v(g["guides_completed"]["with_staff"])
        << ",guides finished after asking for help\n";
    out << "asked for help in person," << v(g["asked_for_help"]["in_person"]) << ",requests made at the kiosks\n";
    out << "asked for help by video," << v(g["asked_for_help"]["video"]) << ",requests made at the kiosks\n";
    for (const char* kind : {"in_person", "video"}) {
        const auto& e = g["staff"][kind];
        const std::string k = std::string(kind) == "video" ? "video" : "in person";
        out << "requests closed (" << k << ")," << v(e["closed"]) << ",closed by staff or withdrawn\n";
        for (const char* o : {"solved", "appointment", "referred", "left", "cancelled"})
            if (e.contains(o))
                out << "  outcome " << o << " (" << k << ")," << v(e[o]) << ",requests with this outcome\n";
        out << "staff minutes (" << k << ")," << v(e["staff_minutes"])
            << ",estimated from the number of requests in each duration band (claim or answer to close) on "
            << v(e["with_staff_time"]) << " requests\n";
    }
    for (const auto& row : g["completed_without_staff_by_guide"])
        out << "completed without staff: " << row["guide"].get<std::string>() << ","
            << v(row["completed_without_staff"]) << ",guides finished\n";
    return out.str();
}

}  // namespace ledsager::hub
