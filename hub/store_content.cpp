// The Store's content drafts: an editor's change to one guide, from the first save to its
// publication by a reviewer (hub/server_content.cpp).
#include "hub/store.hpp"
#include "hub/store_sql.hpp"

namespace ledsager::hub {

namespace {
#define DRAFT_COLUMNS \
    "d.id, d.guide, d.author, d.base, d.status, d.files, d.errors, COALESCE(d.reviewer, 0), d.bundle,      \
     d.created_at, d.updated_at, d.reviewed_at, a.display_name, COALESCE(r.display_name, ''), d.review_note"
#define DRAFT_FROM " FROM content_drafts d JOIN users a ON a.id = d.author LEFT JOIN users r ON r.id = d.reviewer"

ContentDraft draft_of(const Stmt& s) {
    ContentDraft d;
    d.id = s.i(0);
    d.guide = s.t(1);
    d.author = s.i(2);
    d.base = s.t(3);
    d.status = s.t(4);
    d.files = s.t(5);
    d.errors = static_cast<int>(s.i(6));
    d.reviewer = s.i(7);
    d.bundle = s.i(8);
    d.created_at = s.i(9);
    d.updated_at = s.i(10);
    d.reviewed_at = s.i(11);
    d.author_name = s.t(12);
    d.reviewer_name = s.t(13);
    d.review_note = s.t(14);
    return d;
}
}  // namespace

std::int64_t Store::add_draft(const ContentDraft& d) {
    std::lock_guard lock(mutex_);
    Stmt s(db_,
           "INSERT INTO content_drafts(guide, author, base, status, files, errors, created_at, updated_at)"
           " VALUES(?, ?, ?, 'draft', ?, ?, ?, ?)");
    s.bind(1, d.guide)
        .bind(2, d.author)
        .bind(3, d.base)
        .bind(4, d.files.empty() ? std::string("{}") : d.files)
        .bind(5, static_cast<std::int64_t>(d.errors))
        .bind(6, d.created_at)
        .bind(7, d.created_at)
        .step();
    return sqlite3_last_insert_rowid(db_);
}

std::optional<ContentDraft> Store::draft(std::int64_t id) {
    std::lock_guard lock(mutex_);
    Stmt s(db_, "SELECT " DRAFT_COLUMNS DRAFT_FROM " WHERE d.id = ?");
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    return draft_of(s);
}

bool Store::save_draft(std::int64_t id, std::int64_t author, const std::string& was, const std::string& files,
                       int errors, Seconds now) {
    std::lock_guard lock(mutex_);
    Stmt s(db_,
           "UPDATE content_drafts SET files = ?, errors = ?, updated_at = ?"
           " WHERE id = ? AND author = ? AND status = 'draft' AND files = ?");
    s.bind(1, files).bind(2, static_cast<std::int64_t>(errors)).bind(3, now).bind(4, id).bind(5, author).bind(6, was);
    s.step();
    return sqlite3_changes(db_) == 1;
}

bool Store::submit_draft(std::int64_t id, std::int64_t author, const std::string& files, Seconds now) {
    std::lock_guard lock(mutex_);
    Stmt s(db_,
           "UPDATE content_drafts SET status = 'submitted', review_note = '', updated_at = ?"
           " WHERE id = ? AND author = ? AND status = 'draft' AND files = ?");
    s.bind(1, now).bind(2, id).bind(3, author).bind(4, files).step();
    return sqlite3_changes(db_) == 1;
}

bool Store::withdraw_draft(std::int64_t id, std::int64_t author, Seconds now) {
    std::lock_guard lock(mutex_);
    Stmt s(db_,
           "UPDATE content_drafts SET status = 'withdrawn', files = '{}', errors = 0, updated_at = ?"
           " WHERE id = ? AND author = ? AND status IN ('draft', 'submitted')");
    s.bind(1, now).bind(2, id).bind(3, author).step();
    return sqlite3_changes(db_) == 1;
}

bool Store::return_draft(std::int64_t id, std::int64_t reviewer, const std::string& note, Seconds now) {
    std::lock_guard lock(mutex_);
    Stmt s(db_,
           "UPDATE content_drafts SET status = 'draft', review_note = ?, reviewer = ?, reviewed_at = ?, updated_at = ?"
           " WHERE id = ? AND status = 'submitted' AND author != ?");
    s.bind(1, note).bind(2, reviewer).bind(3, now).bind(4, now).bind(5, id).bind(6, reviewer).step();
    return sqlite3_changes(db_) == 1;
}

int Store::drafts_made_since(std::int64_t author, Seconds since) {
    std::lock_guard lock(mutex_);
    Stmt s(db_, "SELECT COUNT(*) FROM content_drafts WHERE author = ? AND created_at >= ?");
    s.bind(1, author).bind(2, since);
    s.step();
    return static_cast<int>(s.i(0));
}

bool Store::set_draft_status(std::int64_t id, const std::string& from, const std::string& to, std::int64_t reviewer,
                             std::int64_t bundle, Seconds now) {
    std::lock_guard lock(mutex_);
    Stmt s(db_,
           "UPDATE content_drafts SET status = ?1,"
           " reviewer = CASE WHEN ?2 > 0 THEN ?2 WHEN ?2 < 0 THEN NULL ELSE reviewer END,"
           " reviewed_at = CASE WHEN ?2 > 0 THEN ?4 WHEN ?2 < 0 THEN 0 ELSE reviewed_at END,"
           " bundle = CASE WHEN ?3 > 0 THEN ?3 ELSE bundle END, updated_at = ?4"
           " WHERE id = ?5 AND status = ?6");
    s.bind(1, to).bind(2, reviewer).bind(3, bundle).bind(4, now).bind(5, id).bind(6, from).step();
    return sqlite3_changes(db_) == 1;
}

std::vector<ContentDraft> Store::drafts(std::int64_t user, bool submitted_by_others, int limit) {
    std::lock_guard lock(mutex_);
    Stmt s(db_, "SELECT " DRAFT_COLUMNS DRAFT_FROM
                " WHERE (d.author = ?1 AND d.status != 'withdrawn') OR (?2 AND d.status = 'submitted')"
                " ORDER BY d.updated_at DESC, d.id DESC LIMIT ?3");
    s.bind(1, user).bind(2, static_cast<std::int64_t>(submitted_by_others ? 1 : 0)).bind(3, limit);
    std::vector<ContentDraft> out;
    while (s.step())
        out.push_back(draft_of(s));
    return out;
}

std::vector<ContentDraft> Store::published_drafts(int limit) {
    std::lock_guard lock(mutex_);
    Stmt s(db_, "SELECT " DRAFT_COLUMNS DRAFT_FROM " WHERE d.status = 'published' ORDER BY d.bundle DESC LIMIT ?");
    s.bind(1, limit);
    std::vector<ContentDraft> out;
    while (s.step())
        out.push_back(draft_of(s));
    return out;
}

int Store::open_drafts(std::int64_t author) {
    std::lock_guard lock(mutex_);
    Stmt s(db_, "SELECT COUNT(*) FROM content_drafts WHERE author = ? AND status IN ('draft', 'submitted')");
    s.bind(1, author);
    s.step();
    return static_cast<int>(s.i(0));
}

}  // namespace ledsager::hub
