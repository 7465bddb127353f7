// The Store's help requests (from a kiosk's ask to the outcome), what they teach about
// waiting times, and the purges and audit log that keep the database to what it needs.
#include <sodium.h>

#include <algorithm>

#include "hub/store.hpp"
#include "hub/store_sql.hpp"

namespace ledsager::hub {

HelpRequest Store::create_request(HelpRequest r, Seconds now) {
    std::lock_guard lock(mutex_);
    exec("BEGIN IMMEDIATE");
    try {
        // Numbers restart each day per site: A-001 for in person, V-001 for video.
        Stmt n(db_, "SELECT COUNT(*) FROM help_requests WHERE site_id = ? AND kind = ? AND created_at >= ?");
        std::tm tm{};
        std::time_t tt = now;
        gmtime_r(&tt, &tm);
        const Seconds midnight = now - (tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec);
        n.bind(1, r.site_id).bind(2, r.kind).bind(3, midnight);
        n.step();
        char number[16];
        std::snprintf(number, sizeof number, "%c-%03d", r.kind == "video" ? 'V' : 'A',
                      static_cast<int>(n.i(0) % 1000) + 1);
        r.number = number;
        r.status = "open";
        r.created_at = now;
        Stmt s(db_,
               "INSERT INTO help_requests(site_id, kiosk_id, number, kind, guide, step, step_number, language, needs,"
               " status, created_at) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?)");
        s.bind(1, r.site_id)
            .bind(2, r.kiosk_id)
            .bind(3, r.number)
            .bind(4, r.kind)
            .bind(5, r.guide)
            .bind(6, r.step)
            .bind(7, r.step_number)
            .bind(8, r.language)
            .bind(9, r.needs)
            .bind(10, now)
            .step();
        r.id = sqlite3_last_insert_rowid(db_);
        exec("COMMIT");
        return r;
    } catch (...) {
        exec("ROLLBACK");
        throw;
    }
}

std::optional<HelpRequest> Store::request(std::int64_t id) {
    std::lock_guard lock(mutex_);
    Stmt s(db_, (std::string(kRequestColumns) + "WHERE r.id = ?").c_str());
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    return read_request(s);
}

std::vector<HelpRequest> Store::open_requests(std::int64_t site_id) {
    std::lock_guard lock(mutex_);
    Stmt s(db_, (std::string(kRequestColumns) +
                 "WHERE r.site_id = ? AND r.status IN ('open', 'claimed') ORDER BY r.created_at, r.id")
                    .c_str());
    s.bind(1, site_id);
    std::vector<HelpRequest> out;
    while (s.step())
        out.push_back(read_request(s));
    return out;
}

int Store::position(const HelpRequest& r) {
    if (r.status != "open") return 0;
    std::lock_guard lock(mutex_);
    Stmt s(db_, "SELECT COUNT(*) FROM help_requests WHERE site_id = ? AND kind = ? AND status = 'open' AND id <= ?");
    s.bind(1, r.site_id).bind(2, r.kind).bind(3, r.id);
    return s.step() ? static_cast<int>(s.i(0)) : 0;
}

bool Store::set_status(std::int64_t id, const std::string& from, const std::string& to, std::int64_t user_id,
                       const std::string& outcome, Seconds now) {
    std::lock_guard lock(mutex_);
    exec("BEGIN IMMEDIATE");
    try {
        const bool claim = to == "claimed", release = to == "open", close = to == "resolved" || to == "cancelled";
        Stmt s(db_,
               claim ? "UPDATE help_requests SET status = 'claimed', claimed_by = ?, claimed_at = ? WHERE id = ? AND "
                       "status = ?"
               : release
                   ? "UPDATE help_requests SET status = 'open', claimed_by = NULL, claimed_at = 0 WHERE id = ? AND "
                     "status = ?"
                   : "UPDATE help_requests SET status = ?, outcome = ?, closed_at = ? WHERE id = ? AND status = ?");
        if (claim)
            s.bind(1, user_id).bind(2, now).bind(3, id).bind(4, from);
        else if (release)
            s.bind(1, id).bind(2, from);
        else
            s.bind(1, to).bind(2, outcome).bind(3, now).bind(4, id).bind(5, from);
        s.step();
        const bool changed = sqlite3_changes(db_) == 1;
        if (changed && close) {
            // Anonymous counts outlive the purge of the request itself.
            Stmt c(db_,
                   "INSERT INTO daily_counts(day, site_id, kind, outcome, count)"
                   " SELECT ?, site_id, kind, ?, 1 FROM help_requests WHERE id = ?"
                   " ON CONFLICT(day, site_id, kind, outcome) DO UPDATE SET count = count + 1");
            c.bind(1, day_of(now)).bind(2, to == "cancelled" ? std::string("cancelled") : outcome).bind(3, id).step();
            // And for the insight reports: the escalation's reason (guide, step) and outcome,
            // how long the citizen waited, and the staff time spent (claim to close).
            Stmt r(db_, "SELECT site_id, kind, guide, step, created_at, claimed_at FROM help_requests WHERE id = ?");
            r.bind(1, id);
            if (r.step()) {
                const std::int64_t site = r.i(0);
                const std::string kind = r.t(1), guide = r.t(2), step = r.t(3);
                const Seconds created = r.i(4), claimed = r.i(5);
                // The request's own random key, as a kiosk session has one (hub/insight.hpp).
                const std::uint32_t key = randombytes_random();
                std::vector<UsageCell> cells{{day_of(now), site, 0, "escalation", guide, step,
                                              kind + ":" + (to == "cancelled" ? std::string("cancelled") : outcome), -1,
                                              1, key}};
                if (claimed) {
                    cells.push_back(
                        {day_of(now), site, 0, "wait", "", "", kind, duration_bucket(claimed - created), 1, key});
                    cells.push_back({day_of(now), site, 0, "staff_seconds", "", "", kind, -1,
                                     std::max<Seconds>(0, now - claimed), key});
                    cells.push_back(
                        {day_of(now), site, 0, "staff_time", "", "", kind, duration_bucket(now - claimed), 1, key});
                }
                add_usage_locked(cells);
            }
        }
        exec("COMMIT");
        return changed;
    } catch (...) {
        exec("ROLLBACK");
        throw;
    }
}

Seconds Store::typical_wait(std::int64_t site_id, Seconds now) {
    std::lock_guard lock(mutex_);
    Stmt s(db_, "SELECT claimed_at - created_at FROM help_requests WHERE site_id = ? AND claimed_at > ? ORDER BY 1");
    s.bind(1, site_id).bind(2, now - 86400);
    std::vector<Seconds> waits;
    while (s.step())
        waits.push_back(s.i(0));
    return waits.empty() ? 0 : waits[waits.size() / 2];
}

int Store::purge_sessions(Seconds now, Seconds idle) {
    std::lock_guard lock(mutex_);
    Stmt s(db_, "DELETE FROM sessions WHERE expires_at <= ? OR last_seen <= ?");
    s.bind(1, now).bind(2, now - idle).step();
    return sqlite3_changes(db_);
}

int Store::purge_audit(Seconds before) {
    std::lock_guard lock(mutex_);
    Stmt s(db_, "DELETE FROM audit_log WHERE at < ?");
    s.bind(1, before).step();
    return sqlite3_changes(db_);
}

int Store::purge_enrollment_codes(Seconds before) {
    std::lock_guard lock(mutex_);
    Stmt s(db_, "DELETE FROM enrollment_codes WHERE (used_at > 0 AND used_at < ?1) OR expires_at < ?1");
    s.bind(1, before).step();
    return sqlite3_changes(db_);
}

std::vector<HelpRequest> Store::stale_requests(Seconds created_before) {
    std::lock_guard lock(mutex_);
    Stmt s(db_,
           (std::string(kRequestColumns) + "WHERE r.status IN ('open', 'claimed') AND r.created_at < ? ORDER BY r.id")
               .c_str());
    s.bind(1, created_before);
    std::vector<HelpRequest> out;
    while (s.step())
        out.push_back(read_request(s));
    return out;
}

std::vector<HelpRequest> Store::orphaned_claims(Seconds now, Seconds idle) {
    std::lock_guard lock(mutex_);
    Stmt s(db_, (std::string(kRequestColumns) +
                 "WHERE r.status = 'claimed' AND (r.claimed_by IN (SELECT id FROM users WHERE disabled = 1) OR"
                 " (r.kind = 'video' AND NOT EXISTS (SELECT 1 FROM sessions s WHERE s.user_id = r.claimed_by AND"
                 " s.expires_at > ? AND s.last_seen > ?))) ORDER BY r.id")
                    .c_str());
    s.bind(1, now).bind(2, now - idle);
    std::vector<HelpRequest> out;
    while (s.step())
        out.push_back(read_request(s));
    return out;
}

bool Store::give_back(std::int64_t request_id, std::int64_t holder) {
    std::lock_guard lock(mutex_);
    Stmt s(db_,
           "UPDATE help_requests SET status = 'open', claimed_by = NULL, claimed_at = 0"
           " WHERE id = ? AND status = 'claimed' AND claimed_by = ?");
    s.bind(1, request_id).bind(2, holder).step();
    return sqlite3_changes(db_) == 1;
}

int Store::open_requests_of_kiosk(std::int64_t kiosk_id) {
    std::lock_guard lock(mutex_);
    Stmt s(db_, "SELECT COUNT(*) FROM help_requests WHERE kiosk_id = ? AND status IN ('open', 'claimed')");
    s.bind(1, kiosk_id);
    s.step();
    return static_cast<int>(s.i(0));
}

int Store::purge(Seconds before) {
    std::lock_guard lock(mutex_);
    Stmt s(db_, "DELETE FROM help_requests WHERE status IN ('resolved', 'cancelled') AND closed_at < ?");
    s.bind(1, before).step();
    return sqlite3_changes(db_);
}

int Store::purge_usage(const std::string& before_day) {
    // Whole months only, so that the daily and the monthly counts always agree.
    const std::string month = before_day.substr(0, 7);
    std::lock_guard lock(mutex_);
    Stmt d(db_, "DELETE FROM usage_counts WHERE day < ?");
    d.bind(1, month + "-01").step();
    const int n = sqlite3_changes(db_);
    Stmt m(db_, "DELETE FROM usage_months WHERE month < ?");
    m.bind(1, month).step();
    return n;
}

void Store::audit(std::int64_t user_id, const std::string& action, const std::string& subject, Seconds now) {
    std::lock_guard lock(mutex_);
    Stmt s(db_, "INSERT INTO audit_log(at, user_id, action, subject) VALUES(?, ?, ?, ?)");
    s.bind(1, now);
    if (user_id)
        s.bind(2, user_id);
    else
        s.bind_null(2);
    s.bind(3, action).bind(4, subject).step();
}

std::vector<std::string> Store::audit_log(int limit) {
    std::lock_guard lock(mutex_);
    Stmt s(db_,
           "SELECT a.at, COALESCE(u.username, '-'), a.action, a.subject FROM audit_log a"
           " LEFT JOIN users u ON u.id = a.user_id ORDER BY a.id DESC LIMIT ?");
    s.bind(1, limit);
    std::vector<std::string> out;
    while (s.step())
        out.push_back(std::to_string(s.i(0)) + " " + s.t(1) + " " + s.t(2) + " " + s.t(3));
    return out;
}

std::int64_t Store::count(const std::string& table) {
    static const char* const kTables[] = {"sites", "kiosks", "users", "help_requests", "audit_log", "sessions"};
    if (std::none_of(std::begin(kTables), std::end(kTables), [&](const char* t) { return table == t; }))
        throw StoreError("unknown table " + table);
    std::lock_guard lock(mutex_);
    Stmt s(db_, ("SELECT COUNT(*) FROM " + table).c_str());
    return s.step() ? s.i(0) : 0;
}

}  // namespace ledsager::hub
