// The SQLite side of the hub's Store, shared by its files (store.cpp, store_requests.cpp).
// Internal to the hub.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <string>

#include "hub/store.hpp"

namespace ledsager::hub {

// One prepared statement, finalized on scope exit; bind by position (1-based).
class Stmt {
public:
    Stmt(sqlite3* db, const char* sql) : db_(db) {
        if (sqlite3_prepare_v2(db, sql, -1, &s_, nullptr) != SQLITE_OK)
            throw StoreError(std::string("database: cannot prepare statement: ") + sqlite3_errmsg(db));
    }
    ~Stmt() { sqlite3_finalize(s_); }
    Stmt& bind(int i, std::int64_t v) {
        sqlite3_bind_int64(s_, i, v);
        return *this;
    }
    Stmt& bind(int i, const std::string& v) {
        sqlite3_bind_text(s_, i, v.c_str(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
        return *this;
    }
    Stmt& bind_null(int i) {
        sqlite3_bind_null(s_, i);
        return *this;
    }
    void reset() {
        sqlite3_reset(s_);
        sqlite3_clear_bindings(s_);
    }
    bool step() {
        const int rc = sqlite3_step(s_);
        if (rc == SQLITE_ROW) return true;
        if (rc == SQLITE_DONE) return false;
        throw StoreError(std::string("database: ") + sqlite3_errmsg(db_));
    }
    std::int64_t i(int c) const { return sqlite3_column_int64(s_, c); }
    std::string t(int c) const {
        const auto* p = sqlite3_column_text(s_, c);
        return p ? reinterpret_cast<const char*>(p) : "";
    }

private:
    sqlite3* db_;
    sqlite3_stmt* s_ = nullptr;
};

inline HelpRequest read_request(const Stmt& s) {
    HelpRequest r;
    r.id = s.i(0);
    r.site_id = s.i(1);
    r.kiosk_id = s.i(2);
    r.number = s.t(3);
    r.kind = s.t(4);
    r.guide = s.t(5);
    r.step = s.t(6);
    r.step_number = static_cast<int>(s.i(7));
    r.language = s.t(8);
    r.needs = s.t(9);
    r.status = s.t(10);
    r.claimed_by = s.i(11);
    r.outcome = s.t(12);
    r.created_at = s.i(13);
    r.claimed_at = s.i(14);
    r.closed_at = s.i(15);
    r.claimed_by_name = s.t(16);
    r.kiosk_place = s.t(17);
    return r;
}

inline constexpr const char* kRequestColumns =
    "SELECT r.id, r.site_id, r.kiosk_id, r.number, r.kind, r.guide, r.step, r.step_number, r.language, r.needs, "
    "r.status,"
    " COALESCE(r.claimed_by, 0), r.outcome, r.created_at, r.claimed_at, r.closed_at, COALESCE(u.display_name, ''), "
    "k.place"
    " FROM help_requests r JOIN kiosks k ON k.id = r.kiosk_id LEFT JOIN users u ON u.id = r.claimed_by ";

}  // namespace ledsager::hub
