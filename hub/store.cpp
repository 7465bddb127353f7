#include "hub/store.hpp"
#include "hub/store_sql.hpp"

#include <sodium.h>
#include <sqlite3.h>

#include "common/content.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>

namespace ledsager::hub {
namespace {

// Schema, one entry per version. Never edit a shipped entry: add the next one.
const char* const kMigrations[] = {
    // 1: the first schema.
    R"(CREATE TABLE sites(id INTEGER PRIMARY KEY, slug TEXT UNIQUE NOT NULL, name TEXT NOT NULL,
                         fallback TEXT NOT NULL DEFAULT '');
       CREATE TABLE kiosks(id INTEGER PRIMARY KEY, site_id INTEGER NOT NULL REFERENCES sites(id), name TEXT NOT NULL,
                           place TEXT NOT NULL, token_hash TEXT UNIQUE NOT NULL, revoked INTEGER NOT NULL DEFAULT 0);
       CREATE TABLE users(id INTEGER PRIMARY KEY, username TEXT UNIQUE NOT NULL, display_name TEXT NOT NULL,
                          role TEXT NOT NULL CHECK(role IN ('staff','caseworker','it_admin','manager')),
                          password_hash TEXT NOT NULL, languages TEXT NOT NULL DEFAULT '');
       CREATE TABLE user_sites(user_id INTEGER NOT NULL REFERENCES users(id), site_id INTEGER NOT NULL REFERENCES sites(id),
                               PRIMARY KEY(user_id, site_id));
       CREATE TABLE sessions(id_hash TEXT PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id), csrf TEXT NOT NULL,
                             expires_at INTEGER NOT NULL);
       CREATE TABLE help_requests(id INTEGER PRIMARY KEY, site_id INTEGER NOT NULL REFERENCES sites(id),
                                  kiosk_id INTEGER NOT NULL REFERENCES kiosks(id), number TEXT NOT NULL,
                                  kind TEXT NOT NULL, guide TEXT NOT NULL, step TEXT NOT NULL, step_number INTEGER NOT NULL,
                                  language TEXT NOT NULL, needs TEXT NOT NULL, status TEXT NOT NULL,
                                  claimed_by INTEGER REFERENCES users(id), outcome TEXT NOT NULL DEFAULT '',
                                  created_at INTEGER NOT NULL, claimed_at INTEGER NOT NULL DEFAULT 0,
                                  closed_at INTEGER NOT NULL DEFAULT 0);
       CREATE INDEX help_requests_open ON help_requests(site_id, status, created_at);
       CREATE TABLE audit_log(id INTEGER PRIMARY KEY, at INTEGER NOT NULL, user_id INTEGER, action TEXT NOT NULL,
                              subject TEXT NOT NULL);
       CREATE TABLE daily_counts(day TEXT NOT NULL, site_id INTEGER NOT NULL, kind TEXT NOT NULL, outcome TEXT NOT NULL,
                                 count INTEGER NOT NULL, PRIMARY KEY(day, site_id, kind, outcome));)",
    // 2: one-time enrollment codes (only their hashes), each for a site and a place.
    R"(CREATE TABLE enrollment_codes(id INTEGER PRIMARY KEY, code_hash TEXT UNIQUE NOT NULL,
                                     site_id INTEGER NOT NULL REFERENCES sites(id), place TEXT NOT NULL,
                                     created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL,
                                     used_at INTEGER NOT NULL DEFAULT 0, kiosk_id INTEGER REFERENCES kiosks(id));)",
    // 3: each kiosk's latest heartbeat (device state only, never anything about a citizen).
    R"(CREATE TABLE kiosk_health(kiosk_id INTEGER PRIMARY KEY REFERENCES kiosks(id), at INTEGER NOT NULL,
                                 version TEXT NOT NULL, uptime_s INTEGER NOT NULL, content_version TEXT NOT NULL,
                                 printer TEXT NOT NULL, camera TEXT NOT NULL, audio TEXT NOT NULL, last_error TEXT NOT NULL);)",
    // 4: published content bundles (signed by the content editors; the files beside the database).
    R"(CREATE TABLE bundles(version INTEGER PRIMARY KEY, sha256 TEXT NOT NULL, key_id TEXT NOT NULL, size INTEGER NOT NULL,
                            files INTEGER NOT NULL, published_at INTEGER NOT NULL);)",
    // 5: settings IT pushes to a site's kiosks (kiosk_id 0) or to one kiosk, as JSON objects.
    R"(CREATE TABLE settings(site_id INTEGER NOT NULL REFERENCES sites(id), kiosk_id INTEGER NOT NULL DEFAULT 0,
                             body TEXT NOT NULL, revision INTEGER NOT NULL, PRIMARY KEY(site_id, kiosk_id));)",
    // 6: anonymous usage, folded per day on arrival (no raw events, no session ids; 11 adds key sums per month): see
    // hub/insight.hpp.
    R"(CREATE TABLE usage_counts(day TEXT NOT NULL, site_id INTEGER NOT NULL, kiosk_id INTEGER NOT NULL, metric TEXT NOT NULL,
                                 guide TEXT NOT NULL, step TEXT NOT NULL, dim TEXT NOT NULL, bucket INTEGER NOT NULL,
                                 count INTEGER NOT NULL, PRIMARY KEY(day, site_id, kiosk_id, metric, guide, step, dim, bucket))
                                 WITHOUT ROWID;
       CREATE INDEX usage_by_metric ON usage_counts(metric, day);
       CREATE TABLE usage_months(month TEXT NOT NULL, site_id INTEGER NOT NULL, metric TEXT NOT NULL, guide TEXT NOT NULL,
                                 step TEXT NOT NULL, dim TEXT NOT NULL, bucket INTEGER NOT NULL, count INTEGER NOT NULL,
                                 PRIMARY KEY(month, site_id, metric, guide, step, dim, bucket)) WITHOUT ROWID;)",
    // 7: whether a kiosk's screen is dark because the site is closed (not a fault).
    R"(ALTER TABLE kiosk_health ADD COLUMN screen TEXT NOT NULL DEFAULT 'on';)",
    // 8: IT names a kiosk when making its code, and an active kiosk's name is unique at its
    // site (revoking names one kiosk); console sessions end when left unused.
    R"(ALTER TABLE enrollment_codes ADD COLUMN name TEXT NOT NULL DEFAULT '';
       UPDATE kiosks SET name = name || '-' || id WHERE revoked = 0 AND EXISTS (SELECT 1 FROM kiosks k2
              WHERE k2.site_id = kiosks.site_id AND k2.name = kiosks.name AND k2.revoked = 0 AND k2.id < kiosks.id);
       CREATE UNIQUE INDEX kiosks_active_name ON kiosks(site_id, name) WHERE revoked = 0;
       ALTER TABLE sessions ADD COLUMN last_seen INTEGER NOT NULL DEFAULT 0;)",
    // 9: the hub's own settings for the insight reports: the secret key of the random rounding
    // (made at first start, never leaves the database) and the latest month that is final.
    R"(CREATE TABLE hub_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);)",
    // 10: IT can disable an account (someone who left, a password that leaked) without
    // deleting it: its audit lines and the requests it handled keep their name.
    R"(ALTER TABLE users ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;)",
    // 11: beside each month's usage count, the sum (mod 2^32) of the random session keys counted
    // in it: the cell key the reports round it by (hub/insight.hpp). Only per month, what the
    // reports read: per day, a count of 1 would keep one visit's key as it is. Counts from
    // before get a random key each (not one shared 0, which would give them all one draw);
    // their rounded figures change once.
    R"(ALTER TABLE usage_months ADD COLUMN ksum INTEGER NOT NULL DEFAULT 0;
       UPDATE usage_months SET ksum = random() & 4294967295;)",
    // 12: content editors, who write and translate guides, and content reviewers, who approve
    // another person's change (the content studio). SQLite cannot change a CHECK: the table is
    // made anew under its name, every row and id kept (migrate() checks the references to it).
    R"(CREATE TABLE users_new(id INTEGER PRIMARY KEY, username TEXT UNIQUE NOT NULL, display_name TEXT NOT NULL,
                             role TEXT NOT NULL
                               CHECK(role IN ('staff','caseworker','it_admin','manager','editor','reviewer')),
                             password_hash TEXT NOT NULL, languages TEXT NOT NULL DEFAULT '',
                             disabled INTEGER NOT NULL DEFAULT 0);
       INSERT INTO users_new(id, username, display_name, role, password_hash, languages, disabled)
         SELECT id, username, display_name, role, password_hash, languages, disabled FROM users;
       DROP TABLE users;
       ALTER TABLE users_new RENAME TO users;)",
    // 13: content drafts: one editor's change to one guide, until a reviewer (another person)
    // approves and the hub publishes it, or it is withdrawn.
    R"(CREATE TABLE content_drafts(id INTEGER PRIMARY KEY, guide TEXT NOT NULL,
                                   author INTEGER NOT NULL REFERENCES users(id), base TEXT NOT NULL,
                                   status TEXT NOT NULL
                                     CHECK(status IN ('draft','submitted','publishing','published','withdrawn')),
                                   files TEXT NOT NULL DEFAULT '{}', errors INTEGER NOT NULL DEFAULT 0,
                                   reviewer INTEGER REFERENCES users(id), bundle INTEGER NOT NULL DEFAULT 0,
                                   created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
                                   reviewed_at INTEGER NOT NULL DEFAULT 0);
       CREATE INDEX content_drafts_status ON content_drafts(status, author);
       CREATE INDEX content_drafts_made ON content_drafts(author, created_at);)",
    // 14: a reviewer sends a change back to its author with what to mend.
    R"(ALTER TABLE content_drafts ADD COLUMN review_note TEXT NOT NULL DEFAULT '';)",
};

}  // namespace

std::string day_of(Seconds t) {
    return common::iso_day(static_cast<std::time_t>(t));
}

namespace {
Seconds noon_of(const std::string& day) {
    std::tm tm{};
    tm.tm_year = std::stoi(day.substr(0, 4)) - 1900;
    tm.tm_mon = std::stoi(day.substr(5, 2)) - 1;
    tm.tm_mday = std::stoi(day.substr(8, 2));
    tm.tm_hour = 12;
    return static_cast<Seconds>(timegm(&tm));
}
}  // namespace

std::int64_t days_in(const std::string& from, const std::string& to) {
    return (noon_of(to) - noon_of(from)) / 86400 + 1;
}

std::string last_day(const std::string& month) {
    const int y = std::stoi(month.substr(0, 4)), m = std::stoi(month.substr(5, 2));
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const int d = m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0) ? 29 : days[m - 1];
    return month + "-" + std::to_string(d);
}
std::string next_month(const std::string& month) {
    int y = std::stoi(month.substr(0, 4)), m = std::stoi(month.substr(5, 2)) + 1;
    if (m == 13) m = 1, ++y;
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02d", y, m);
    return buf;
}

Store::Store(const std::filesystem::path& data_dir) {
    // The folder 0700 and the database 0600 whatever the umask (SQLite gives its -wal and
    // -shm files the database's mode): it holds citizens' open requests and staff accounts.
    std::error_code ec;
    if (!std::filesystem::exists(data_dir, ec)) {
        if (data_dir.has_parent_path()) std::filesystem::create_directories(data_dir.parent_path(), ec);
        if (::mkdir(data_dir.c_str(), 0700) != 0 && errno != EEXIST)
            throw StoreError("cannot make the data folder " + data_dir.string() + ": " + std::strerror(errno));
    }
    const auto file = data_dir / "hub.sqlite3";
    if (const int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600); fd >= 0) ::close(fd);
    if (sqlite3_open_v2(file.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                        nullptr) != SQLITE_OK)
        throw StoreError("cannot open the database " + file.string() + ": " +
                         (db_ ? sqlite3_errmsg(db_) : "out of memory"));
    exec("PRAGMA journal_mode=WAL");
    exec("PRAGMA synchronous=FULL");  // acknowledged means on disk
    sqlite3_busy_timeout(db_, 5000);
    migrate();
    exec("PRAGMA foreign_keys=ON");  // after the migrations: a table made anew is not a deletion
    // The key of the reports' random rounding (hub/insight.hpp), made once: the same figure
    // for the same count whenever, and after however many restarts, it is asked for.
    if (sodium_init() < 0) throw StoreError("libsodium cannot start");
    unsigned char key[32];
    randombytes_buf(key, sizeof key);
    char hex[2 * sizeof key + 1];
    sodium_bin2hex(hex, sizeof hex, key, sizeof key);
    sodium_memzero(key, sizeof key);
    Stmt s(db_, "INSERT OR IGNORE INTO hub_meta(key, value) VALUES('insight_key', ?)");
    s.bind(1, std::string(hex)).step();
    sodium_memzero(hex, sizeof hex);
}

std::string Store::insight_key() {
    std::lock_guard lock(mutex_);
    Stmt s(db_, "SELECT value FROM hub_meta WHERE key = 'insight_key'");
    if (!s.step()) throw StoreError("database: the insight key is missing");
    const std::string hex = s.t(0);
    std::string key(hex.size() / 2, '\0');
    std::size_t len = 0;
    if (sodium_hex2bin(reinterpret_cast<unsigned char*>(key.data()), key.size(), hex.c_str(), hex.size(), nullptr, &len,
                       nullptr) != 0 ||
        len != 32)
        throw StoreError("database: the insight key is damaged");
    return key;
}

std::string Store::final_month_locked() {
    Stmt s(db_, "SELECT value FROM hub_meta WHERE key = 'final_month'");
    return s.step() ? s.t(0) : std::string();
}

std::string Store::raise_final_month(const std::string& month) {
    std::lock_guard lock(mutex_);
    Stmt s(db_,
           "INSERT INTO hub_meta(key, value) VALUES('final_month', ?) "
           "ON CONFLICT(key) DO UPDATE SET value = excluded.value WHERE excluded.value > hub_meta.value");
    s.bind(1, month).step();
    return final_month_locked();
}

Store::~Store() {
    sqlite3_close(db_);
}

void Store::exec(const char* sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
        std::string msg = err ? err : "unknown error";
        sqlite3_free(err);
        throw StoreError("database: " + msg);
    }
}

int Store::schema_version_latest() {
    return static_cast<int>(std::size(kMigrations));
}

int Store::schema_version() {
    std::lock_guard lock(mutex_);
    Stmt s(db_, "PRAGMA user_version");
    return s.step() ? static_cast<int>(s.i(0)) : 0;
}

void Store::migrate() {
    int version = 0;
    {
        Stmt s(db_, "PRAGMA user_version");
        if (s.step()) version = static_cast<int>(s.i(0));
    }
    if (version > schema_version_latest())
        throw StoreError("the database is from a newer hub (schema " + std::to_string(version) + ", this hub knows " +
                         std::to_string(schema_version_latest()) + "): upgrade the hub");
    for (int v = version; v < schema_version_latest(); ++v) {
        exec("BEGIN IMMEDIATE");
        try {
            exec(kMigrations[v]);
            // Foreign keys are off while migrating (SQLite's way to remake a table): every
            // reference must still hold before the step is committed.
            if (Stmt check(db_, "PRAGMA foreign_key_check"); check.step())
                throw StoreError("schema step " + std::to_string(v + 1) + " would break a reference in table " +
                                 check.t(0));
            exec(("PRAGMA user_version=" + std::to_string(v + 1)).c_str());
            exec("COMMIT");
        } catch (...) {
            exec("ROLLBACK");
            throw;
        }
    }
}

std::int64_t Store::add_site(const std::string& slug, const std::string& name, const std::string& fallback) {
    std::lock_guard lock(mutex_);
    Stmt s(db_, "INSERT INTO sites(slug, name, fallback) VALUES(?, ?, ?)");
    s.bind(1, slug).bind(2, name).bind(3, fallback).step();
    return sqlite3_last_insert_rowid(db_);
}

std::optional<Site> Store::site_by_slug(const std::string& slug) {
    std::lock_guard lock(mutex_);
    Stmt s(db_, "SELECT id, slug, name, fallback FROM sites WHERE slug = ?");
    s.bind(1, slug);
    if (!s.step()) return std::nullopt;
    return Site{s.i(0), s.t(1), s.t(2), s.t(3)};
}

std::optional<Site> Store::site(std::int64_t id) {
    std::lock_guard lock(mutex_);
    Stmt s(db_, "SELECT id, slug, name, fallback FROM sites WHERE id = ?");
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    return Site{s.i(0), s.t(1), s.t(2), s.t(3)};
}

std::vector<Site> Store::sites() {
    std::lock_guard lock(mutex_);
    Stmt s(db_, "SELECT id, slug, name, fallback FROM sites ORDER BY id");
    std::vector<Site> out;
    while (s.step())
        out.push_back({s.i(0), s.t(1), s.t(2), s.t(3)});
    return out;
}

std::int64_t Store::add_kiosk(std::int64_t site_id, const std::string& name, const std::string& place,
                              const std::string& token_hash) {
    std::lock_guard lock(mutex_);
    Stmt s(db_, "INSERT INTO kiosks(site_id, name, place, token_hash) VALUES(?, ?, ?, ?)");
    s.bind(1, site_id).bind(2, name).bind(3, place).bind(4, token_hash).step();
    return sqlite3_last_insert_rowid(db_);
}

bool Store::add_enrollment_code(std::int64_t site_id, const std::string& name, const std::string& place,
                                const std::string& code_hash, Seconds now, Seconds expires) {
    std::lock_guard lock(mutex_);
    Stmt taken(db_,
               "SELECT 1 FROM kiosks WHERE site_id = ?1 AND name = ?2 AND revoked = 0 UNION ALL "
               "SELECT 1 FROM enrollment_codes WHERE site_id = ?1 AND name = ?2 AND used_at = 0 AND expires_at > ?3");
    taken.bind(1, site_id).bind(2, name).bind(3, now);
    if (taken.step()) return false;
    Stmt s(db_,
           "INSERT INTO enrollment_codes(code_hash, site_id, name, place, created_at, expires_at) VALUES(?, ?, ?, ?, "
           "?, ?)");
    s.bind(1, code_hash).bind(2, site_id).bind(3, name).bind(4, place).bind(5, now).bind(6, expires).step();
    return true;
}

Store::Redeemed Store::redeem_code(const std::string& code_hash, const std::string& name, const std::string& token_hash,
                                   Seconds now) {
    std::lock_guard lock(mutex_);
    Redeemed out;
    exec("BEGIN IMMEDIATE");
    try {
        Stmt q(db_, "SELECT id, site_id, place, expires_at, used_at, name FROM enrollment_codes WHERE code_hash = ?");
        q.bind(1, code_hash);
        if (!q.step()) {
            out.result = Redeemed::Unknown;
        } else if (q.i(4) != 0) {
            out.result = Redeemed::Used;
        } else if (q.i(3) <= now) {
            out.result = Redeemed::Expired;
        } else {
            const std::int64_t code_id = q.i(0);
            out.kiosk.site_id = q.i(1);
            out.kiosk.place = q.t(2);
            // The name IT gave with the code; a code from before names were given takes the device's.
            out.kiosk.name = !q.t(5).empty() ? q.t(5) : !name.empty() ? name : "kiosk-" + std::to_string(code_id);
            Stmt taken(db_, "SELECT 1 FROM kiosks WHERE site_id = ? AND name = ? AND revoked = 0");
            taken.bind(1, out.kiosk.site_id).bind(2, out.kiosk.name);
            if (taken.step()) {
                out.result = Redeemed::NameTaken;
            } else {
                Stmt k(db_, "INSERT INTO kiosks(site_id, name, place, token_hash) VALUES(?, ?, ?, ?)");
                k.bind(1, out.kiosk.site_id)
                    .bind(2, out.kiosk.name)
                    .bind(3, out.kiosk.place)
                    .bind(4, token_hash)
                    .step();
                out.kiosk.id = sqlite3_last_insert_rowid(db_);
                Stmt u(db_, "UPDATE enrollment_codes SET used_at = ?, kiosk_id = ? WHERE id = ? AND used_at = 0");
                u.bind(1, now).bind(2, out.kiosk.id).bind(3, code_id).step();
                out.result = sqlite3_changes(db_) == 1 ? Redeemed::Ok : Redeemed::Used;
            }
        }
        exec(out.result == Redeemed::Ok ? "COMMIT" : "ROLLBACK");
    } catch (...) {
        exec("ROLLBACK");
        throw;
    }
    return out;
}

void Store::record_health(const Health& h) {
    std::lock_guard lock(mutex_);
    Stmt s(
        db_,
        "INSERT INTO kiosk_health(kiosk_id, at, version, uptime_s, content_version, printer, camera, audio, "
        "last_error, screen) "
        "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(kiosk_id) DO UPDATE SET at = excluded.at, version = "
        "excluded.version, "
        "uptime_s = excluded.uptime_s, content_version = excluded.content_version, printer = excluded.printer, "
        "camera = excluded.camera, audio = excluded.audio, last_error = excluded.last_error, screen = excluded.screen");
    s.bind(1, h.kiosk_id)
        .bind(2, h.at)
        .bind(3, h.version)
        .bind(4, h.uptime_s)
        .bind(5, h.content_version)
        .bind(6, h.printer)
        .bind(7, h.camera)
        .bind(8, h.audio)
        .bind(9, h.last_error)
        .bind(10, h.screen)
        .step();
}

int duration_bucket(std::int64_t seconds) {
    int b = 0;
    while (b + 1 < static_cast<int>(std::size(kDurationEdges)) && seconds >= kDurationEdges[b + 1])
        ++b;
    return b;
}

void Store::add_usage_locked(const std::vector<UsageCell>& cells) {
    Stmt s(db_,
           "INSERT INTO usage_counts(day, site_id, kiosk_id, metric, guide, step, dim, bucket, count) VALUES(?, ?, ?, "
           "?, ?, ?, ?, ?, ?) "
           "ON CONFLICT(day, site_id, kiosk_id, metric, guide, step, dim, bucket) DO UPDATE SET count = count + "
           "excluded.count");
    // The same counts per month, so that a year's report reads twelve months, not 365 days.
    Stmt m(
        db_,
        "INSERT INTO usage_months(month, site_id, metric, guide, step, dim, bucket, count, ksum) VALUES(?, ?, ?, ?, ?, "
        "?, ?, ?, ?) "
        "ON CONFLICT(month, site_id, metric, guide, step, dim, bucket) DO UPDATE SET count = count + excluded.count, "
        "ksum = (ksum + excluded.ksum) % 4294967296");
    // Nothing more for a month that is final: its reports read the same ever after, whatever
    // the clock says now (a clock set back across the 3rd does not reopen it).
    const std::string final_month = final_month_locked();
    for (const auto& c : cells) {
        if (c.day.substr(0, 7) <= final_month) continue;
        s.reset();
        s.bind(1, c.day)
            .bind(2, c.site_id)
            .bind(3, c.kiosk_id)
            .bind(4, c.metric)
            .bind(5, c.guide)
            .bind(6, c.step)
            .bind(7, c.dim)
            .bind(8, static_cast<std::int64_t>(c.bucket))
            .bind(9, c.count)
            .step();
        m.reset();
        m.bind(1, c.day.substr(0, 7))
            .bind(2, c.site_id)
            .bind(3, c.metric)
            .bind(4, c.guide)
            .bind(5, c.step)
            .bind(6, c.dim)
            .bind(7, static_cast<std::int64_t>(c.bucket))
            .bind(8, c.count)
            .bind(9, static_cast<std::int64_t>(c.key))
            .step();
    }
}

void Store::add_usage(const std::vector<UsageCell>& cells) {
    std::lock_guard lock(mutex_);
    exec("BEGIN IMMEDIATE");
    try {
        add_usage_locked(cells);
        exec("COMMIT");
    } catch (...) {
        exec("ROLLBACK");
        throw;
    }
}

std::vector<UsageCell> Store::usage(const std::string& from, const std::string& to,
                                    const std::vector<std::int64_t>& sites, UsageGroup by,
                                    const std::vector<std::string>& metrics) {
    std::lock_guard lock(mutex_);
    std::string in, only;
    for (auto id : sites)
        in += (in.empty() ? "" : ",") + std::to_string(id);
    if (in.empty() || !is_real_day(from) || !is_real_day(to) || from > to) return {};
    for (std::size_t i = 0; i < metrics.size(); ++i)
        only += (i ? ",?" : "?");
    const bool per_day = by == UsageGroup::Day, per_month = by == UsageGroup::SiteMonth,
               per_site = by == UsageGroup::Site || per_month;
    // Whole months inside the period come from usage_months; the days at either end from usage_counts.
    std::vector<std::string> months;
    std::vector<std::pair<std::string, std::string>> days;
    if (per_day) {
        days.emplace_back(from, to);
    } else {
        for (std::string m = from.substr(0, 7); m <= to.substr(0, 7); m = next_month(m)) {
            const std::string first = m + "-01", last = last_day(m);
            if (from <= first && last <= to)
                months.push_back(m);
            else
                days.emplace_back(std::max(from, first), std::min(to, last));
        }
    }
    // Key sums are kept per month only (reports read whole months); days read as key 0.
    const std::string cols = std::string(per_site ? "site_id" : "0") + ", metric, guide, step, dim, bucket, count";
    const std::string where = " AND site_id IN (" + in + ")" + (only.empty() ? "" : " AND metric IN (" + only + ")");
    std::string parts;
    for (std::size_t i = 0; i < days.size(); ++i)
        parts += std::string(parts.empty() ? "" : " UNION ALL ") + "SELECT " +
                 (per_day     ? "day"
                  : per_month ? "substr(day, 1, 7)"
                              : "''") +
                 " AS d, " + cols + ", 0 AS ksum FROM usage_counts WHERE day >= ? AND day <= ?" + where;
    if (!months.empty()) {
        std::string list;
        for (std::size_t i = 0; i < months.size(); ++i)
            list += (i ? ",?" : "?");
        parts += std::string(parts.empty() ? "" : " UNION ALL ") + "SELECT " + (per_month ? "month" : "''") +
                 " AS d, " + cols + ", ksum FROM usage_months WHERE month IN (" + list + ")" + where;
    }
    const std::string sql = "SELECT d, " + std::string(per_site ? "site_id" : "0") +
                            ", metric, guide, step, dim, bucket, SUM(count), SUM(ksum) % 4294967296 FROM (" + parts +
                            ") GROUP BY d, " + (per_site ? "site_id, " : "") + "metric, guide, step, dim, bucket";
    Stmt s(db_, sql.c_str());
    int at = 1;
    for (const auto& [a, b] : days) {
        s.bind(at, a);
        s.bind(at + 1, b);
        at += 2;
        for (const auto& m : metrics)
            s.bind(at++, m);
    }
    if (!months.empty()) {
        for (const auto& m : months)
            s.bind(at++, m);
        for (const auto& m : metrics)
            s.bind(at++, m);
    }
    std::vector<UsageCell> out;
    while (s.step())
        out.push_back({s.t(0), s.i(1), 0, s.t(2), s.t(3), s.t(4), s.t(5), static_cast<int>(s.i(6)), s.i(7),
                       static_cast<std::uint32_t>(s.i(8))});
    return out;
}

void Store::set_settings(std::int64_t site_id, std::int64_t kiosk_id, const std::string& body) {
    std::lock_guard lock(mutex_);
    Stmt s(db_,
           "INSERT INTO settings(site_id, kiosk_id, body, revision) VALUES(?, ?, ?, (SELECT COALESCE(MAX(revision), 0) "
           "+ 1 FROM settings)) "
           "ON CONFLICT(site_id, kiosk_id) DO UPDATE SET body = excluded.body, revision = excluded.revision");
    s.bind(1, site_id).bind(2, kiosk_id).bind(3, body).step();
}

std::optional<std::pair<std::string, std::int64_t>> Store::settings(std::int64_t site_id, std::int64_t kiosk_id) {
    std::lock_guard lock(mutex_);
    Stmt s(db_, "SELECT body, revision FROM settings WHERE site_id = ? AND kiosk_id = ?");
    s.bind(1, site_id).bind(2, kiosk_id);
    if (!s.step()) return std::nullopt;
    return std::make_pair(s.t(0), s.i(1));
}

std::optional<Kiosk> Store::kiosk_by_name(std::int64_t site_id, const std::string& name) {
    std::lock_guard lock(mutex_);
    Stmt s(db_, "SELECT id, site_id, name, place, revoked FROM kiosks WHERE site_id = ? AND name = ? AND revoked = 0");
    s.bind(1, site_id).bind(2, name);
    if (!s.step()) return std::nullopt;
    return Kiosk{s.i(0), s.i(1), s.t(2), s.t(3), s.i(4) != 0};
}

bool Store::add_bundle(const Bundle& b) {
    std::lock_guard lock(mutex_);
    Stmt s(
        db_,
        "INSERT OR IGNORE INTO bundles(version, sha256, key_id, size, files, published_at) VALUES(?, ?, ?, ?, ?, ?)");
    s.bind(1, b.version)
        .bind(2, b.sha256)
        .bind(3, b.key_id)
        .bind(4, b.size)
        .bind(5, b.files)
        .bind(6, b.published_at)
        .step();
    return sqlite3_changes(db_) == 1;
}

namespace {
Bundle read_bundle(const Stmt& s) {
    return {s.i(0), s.t(1), s.t(2), s.i(3), s.i(4), s.i(5)};
}
constexpr const char* kBundleColumns = "SELECT version, sha256, key_id, size, files, published_at FROM bundles ";
}  // namespace

std::optional<Bundle> Store::latest_bundle() {
    std::lock_guard lock(mutex_);
    Stmt s(db_, (std::string(kBundleColumns) + "ORDER BY version DESC LIMIT 1").c_str());
    if (!s.step()) return std::nullopt;
    return read_bundle(s);
}

std::optional<Bundle> Store::bundle(std::int64_t version) {
    std::lock_guard lock(mutex_);
    Stmt s(db_, (std::string(kBundleColumns) + "WHERE version = ?").c_str());
    s.bind(1, version);
    if (!s.step()) return std::nullopt;
    return read_bundle(s);
}

std::vector<Bundle> Store::bundles(int limit) {
    std::lock_guard lock(mutex_);
    Stmt s(db_, (std::string(kBundleColumns) + "ORDER BY version DESC LIMIT ?").c_str());
    s.bind(1, static_cast<std::int64_t>(limit));
    std::vector<Bundle> out;
    while (s.step())
        out.push_back(read_bundle(s));
    return out;
}

std::vector<Device> Store::devices() {
    std::lock_guard lock(mutex_);
    std::vector<Device> out;
    Stmt s(db_,
           "SELECT k.id, k.site_id, k.name, k.place, k.revoked, s.slug, s.name, h.at, h.version, h.uptime_s, "
           "h.content_version, h.printer, h.camera, h.audio, h.last_error, COALESCE(h.screen, 'on') FROM kiosks k "
           "JOIN sites s ON s.id = k.site_id "
           "LEFT JOIN kiosk_health h ON h.kiosk_id = k.id ORDER BY s.slug, k.name");
    while (s.step()) {
        Device d;
        d.kiosk = {s.i(0), s.i(1), s.t(2), s.t(3), s.i(4) != 0};
        d.site_slug = s.t(5);
        d.site_name = s.t(6);
        d.health.kiosk_id = d.kiosk.id;
        d.health.at = s.i(7);
        d.health.version = s.t(8);
        d.health.uptime_s = s.i(9);
        d.health.content_version = s.t(10);
        d.health.printer = s.t(11);
        d.health.camera = s.t(12);
        d.health.audio = s.t(13);
        d.health.last_error = s.t(14);
        d.health.screen = s.t(15);
        out.push_back(std::move(d));
    }
    return out;
}

bool Store::revoke_kiosk(std::int64_t kiosk_id) {
    std::lock_guard lock(mutex_);
    Stmt s(db_, "UPDATE kiosks SET revoked = 1 WHERE id = ? AND revoked = 0");
    s.bind(1, kiosk_id).step();
    return sqlite3_changes(db_) == 1;
}

std::optional<Kiosk> Store::kiosk_by_token_hash(const std::string& token_hash) {
    std::lock_guard lock(mutex_);
    Stmt s(db_, "SELECT id, site_id, name, place, revoked FROM kiosks WHERE token_hash = ?");
    s.bind(1, token_hash);
    if (!s.step()) return std::nullopt;
    return Kiosk{s.i(0), s.i(1), s.t(2), s.t(3), s.i(4) != 0};
}

std::int64_t Store::add_user(const User& u) {
    std::lock_guard lock(mutex_);
    exec("BEGIN IMMEDIATE");
    try {
        Stmt s(db_, "INSERT INTO users(username, display_name, role, password_hash, languages) VALUES(?, ?, ?, ?, ?)");
        s.bind(1, u.username)
            .bind(2, u.display_name)
            .bind(3, u.role)
            .bind(4, u.password_hash)
            .bind(5, u.languages)
            .step();
        const std::int64_t id = sqlite3_last_insert_rowid(db_);
        for (auto site : u.sites) {
            Stmt us(db_, "INSERT INTO user_sites(user_id, site_id) VALUES(?, ?)");
            us.bind(1, id).bind(2, site).step();
        }
        exec("COMMIT");
        return id;
    } catch (...) {
        exec("ROLLBACK");
        throw;
    }
}

namespace {
// The columns read_user reads, in its order.
#define USER_COLUMNS "id, username, display_name, role, password_hash, languages, disabled"
User read_user(sqlite3* db, const Stmt& s) {
    User u{s.i(0), s.t(1), s.t(2), s.t(3), s.t(4), s.t(5), {}, s.i(6) != 0};
    Stmt sites(db, "SELECT site_id FROM user_sites WHERE user_id = ? ORDER BY site_id");
    sites.bind(1, u.id);
    while (sites.step())
        u.sites.push_back(sites.i(0));
    return u;
}
}  // namespace

std::optional<User> Store::user_by_name(const std::string& username) {
    std::lock_guard lock(mutex_);
    Stmt s(db_, "SELECT " USER_COLUMNS " FROM users WHERE username = ?");
    s.bind(1, username);
    if (!s.step()) return std::nullopt;
    return read_user(db_, s);
}

std::optional<User> Store::user(std::int64_t id) {
    std::lock_guard lock(mutex_);
    Stmt s(db_, "SELECT " USER_COLUMNS " FROM users WHERE id = ?");
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    return read_user(db_, s);
}

std::vector<User> Store::users_at_site(std::int64_t site_id) {
    std::lock_guard lock(mutex_);
    Stmt s(db_, "SELECT " USER_COLUMNS
                " FROM users WHERE id IN (SELECT user_id FROM user_sites WHERE site_id = ?)"
                " ORDER BY display_name");
    s.bind(1, site_id);
    std::vector<User> out;
    while (s.step())
        out.push_back(read_user(db_, s));
    return out;
}

std::vector<User> Store::users() {
    std::lock_guard lock(mutex_);
    Stmt s(db_, "SELECT " USER_COLUMNS " FROM users ORDER BY username");
    std::vector<User> out;
    while (s.step())
        out.push_back(read_user(db_, s));
    return out;
}

int Store::set_user_disabled(std::int64_t user_id, bool disabled) {
    std::lock_guard lock(mutex_);
    exec("BEGIN IMMEDIATE");
    try {
        Stmt s(db_, "UPDATE users SET disabled = ? WHERE id = ?");
        s.bind(1, disabled ? 1 : 0).bind(2, user_id).step();
        const int ended = disabled ? end_sessions_locked(user_id) : 0;
        exec("COMMIT");
        return ended;
    } catch (...) {
        exec("ROLLBACK");
        throw;
    }
}

int Store::set_password(std::int64_t user_id, const std::string& password_hash) {
    std::lock_guard lock(mutex_);
    exec("BEGIN IMMEDIATE");
    try {
        Stmt s(db_, "UPDATE users SET password_hash = ? WHERE id = ?");
        s.bind(1, password_hash).bind(2, user_id).step();
        const int ended = end_sessions_locked(user_id);
        exec("COMMIT");
        return ended;
    } catch (...) {
        exec("ROLLBACK");
        throw;
    }
}

int Store::end_sessions_locked(std::int64_t user_id) {
    Stmt s(db_, "DELETE FROM sessions WHERE user_id = ?");
    s.bind(1, user_id).step();
    return sqlite3_changes(db_);
}

bool Store::add_session(const std::string& id_hash, std::int64_t user_id, const std::string& password_hash,
                        const std::string& csrf, Seconds expires, Seconds now) {
    std::lock_guard lock(mutex_);
    Stmt s(db_,
           "INSERT INTO sessions(id_hash, user_id, csrf, expires_at, last_seen)"
           " SELECT ?, id, ?, ?, ? FROM users WHERE id = ? AND password_hash = ? AND disabled = 0");
    s.bind(1, id_hash).bind(2, csrf).bind(3, expires).bind(4, now).bind(5, user_id).bind(6, password_hash).step();
    if (sqlite3_changes(db_) != 1) return false;
    Stmt old(db_,
             "DELETE FROM sessions WHERE user_id = ?1 AND id_hash NOT IN"
             " (SELECT id_hash FROM sessions WHERE user_id = ?1 ORDER BY last_seen DESC, rowid DESC LIMIT ?2)");
    old.bind(1, user_id).bind(2, kMaxSessionsPerUser).step();
    return true;
}

std::optional<std::pair<std::int64_t, std::string>> Store::session(const std::string& id_hash, Seconds now,
                                                                   Seconds idle) {
    std::lock_guard lock(mutex_);
    // A disabled account's sessions are deleted when it is disabled; the join also keeps out
    // one that a hub still had in hand at that moment.
    Stmt s(db_,
           "SELECT s.user_id, s.csrf, s.last_seen FROM sessions s JOIN users u ON u.id = s.user_id"
           " WHERE s.id_hash = ? AND s.expires_at > ? AND s.last_seen > ? AND u.disabled = 0");
    s.bind(1, id_hash).bind(2, now).bind(3, now - idle);
    if (!s.step()) return std::nullopt;
    auto out = std::make_pair(s.i(0), s.t(1));
    if (now - s.i(2) >= 30) {  // written at most twice a minute per session
        Stmt u(db_, "UPDATE sessions SET last_seen = ? WHERE id_hash = ?");
        u.bind(1, now).bind(2, id_hash).step();
    }
    return out;
}

void Store::delete_session(const std::string& id_hash) {
    std::lock_guard lock(mutex_);
    Stmt s(db_, "DELETE FROM sessions WHERE id_hash = ?");
    s.bind(1, id_hash).step();
}

}  // namespace ledsager::hub
