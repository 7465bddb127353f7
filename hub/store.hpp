// The hub's data: SQLite (WAL, synchronous=FULL so that whatever the API acknowledged
// survives a crash or kill -9). Every statement is prepared. Schema migrations run when the
// store opens, so an upgraded hub opens an older database. One connection, one mutex: the
// hub's load (hundreds of kiosks polling) is far below what that serves.
#pragma once

#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/protocol.hpp"

struct sqlite3;

namespace ledsager::hub {

using Seconds = std::int64_t;  // Unix time

struct Site {
    std::int64_t id = 0;
    std::string slug, name, fallback;
};

struct Kiosk {
    std::int64_t id = 0, site_id = 0;
    std::string name, place;
    bool revoked = false;
};

// A kiosk's latest heartbeat: device state only.
// A kiosk's last heartbeat (common/protocol.hpp) and when it came.
struct Health : common::Heartbeat {
    std::int64_t kiosk_id = 0;
    Seconds at = 0;  // 0 = never heard from
};

struct Device {
    Kiosk kiosk;
    std::string site_slug, site_name;
    Health health;
};

// One anonymous count (hub/insight.hpp): per day and site (kiosk only for sessions), a
// metric, what it is about (guide, step, a dimension such as a language), and for
// durations a fixed bucket (kDurationEdges) from which medians are read.
struct UsageCell {
    std::string day;
    std::int64_t site_id = 0, kiosk_id = 0;
    std::string metric, guide, step, dim;
    int bucket = -1;
    std::int64_t count = 1;
    // The sum (mod 2^32) of the random keys of the sessions (or help requests) counted: the
    // cell key the reports round the count by (hub/insight.hpp). Kept per month only; a
    // count read per day has key 0.
    std::uint32_t key = 0;
};
// Bucket lower edges in seconds: [0,5), [5,10), ... [3600, ∞).
inline constexpr std::int64_t kDurationEdges[] = {0,   5,   10,  15,  20,  30,  45,   60,   90,   120,
                                                  180, 240, 300, 450, 600, 900, 1200, 1800, 2700, 3600};
int duration_bucket(std::int64_t seconds);
// The UTC date of a time, YYYY-MM-DD.
std::string day_of(Seconds t);
// A real calendar day YYYY-MM-DD between the years 2000 and 2999 (no 2026-02-30, no month 13).
using common::is_real_day;
// Days from `from` to `to` counted inclusively (both real days; 1 for the same day).
std::int64_t days_in(const std::string& from, const std::string& to);
// The last day of a month YYYY-MM (YYYY-MM-DD), and the month after it.
std::string last_day(const std::string& month);
std::string next_month(const std::string& month);

// A published content bundle (the file is DATA/bundles/<version>.tar).
struct Bundle {
    std::int64_t version = 0;
    std::string sha256, key_id;
    std::int64_t size = 0, files = 0;
    Seconds published_at = 0;
};

// A content editor's change to one guide (the content studio), kept until it is published
// or withdrawn: only the files it changes, each as the whole text of the file.
struct ContentDraft {
    std::int64_t id = 0, author = 0, reviewer = 0;
    std::string guide;
    std::string base;         // what it was made from: "v<bundle version>" or "installed"
    std::string status;       // draft | submitted | published | withdrawn
    std::string files;        // JSON object: file name (guide.toml, <lang>.toml) -> its text
    int errors = 0;           // problems that keep it from being published, at its last save
    std::int64_t bundle = 0;  // the bundle it was published in
    Seconds created_at = 0, updated_at = 0, reviewed_at = 0;
    std::string author_name, reviewer_name;
    std::string review_note;  // what the reviewer who sent it back asks to mend ("" once submitted again)
};

struct User {
    std::int64_t id = 0;
    std::string username, display_name, role, password_hash, languages;  // languages: "da,en,ar"
    std::vector<std::int64_t> sites;
    bool disabled = false;  // cannot log in; its sessions are gone
};

struct HelpRequest {
    std::int64_t id = 0, site_id = 0, kiosk_id = 0;
    std::string number;       // "A-042": what the citizen is called by
    std::string kind;         // in_person | video
    std::string guide, step;  // what the citizen was doing (ids, never free text)
    int step_number = 0;
    std::string language;
    std::string needs;   // comma-separated: read_aloud,interpreter,wheelchair,...
    std::string status;  // open | claimed | resolved | cancelled
    std::int64_t claimed_by = 0;
    std::string claimed_by_name;  // first name shown to the citizen
    std::string outcome;
    std::string kiosk_place;
    Seconds created_at = 0, claimed_at = 0, closed_at = 0;
};

class StoreError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class Store {
public:
    // Opens (creating) DIR/hub.sqlite3 and migrates it. Throws StoreError with a sentence.
    explicit Store(const std::filesystem::path& data_dir);
    ~Store();
    Store(const Store&) = delete;
    Store& operator=(const Store&) = delete;

    static int schema_version_latest();
    int schema_version();

    // Sites, kiosks, users.
    std::int64_t add_site(const std::string& slug, const std::string& name, const std::string& fallback);
    std::optional<Site> site_by_slug(const std::string& slug);
    std::optional<Site> site(std::int64_t id);
    std::vector<Site> sites();
    std::int64_t add_kiosk(std::int64_t site_id, const std::string& name, const std::string& place,
                           const std::string& token_hash);
    std::optional<Kiosk> kiosk_by_token_hash(const std::string& token_hash);
    // Enrollment: a one-time code (stored as its hash) lets a new kiosk obtain its own token.
    // False: an active kiosk or a code still open has that name at the site (names are unique).
    bool add_enrollment_code(std::int64_t site_id, const std::string& name, const std::string& place,
                             const std::string& code_hash, Seconds now, Seconds expires);
    struct Redeemed {
        enum Result { Ok, Unknown, Expired, Used, NameTaken } result = Unknown;
        Kiosk kiosk;
    };
    // Uses the code once (atomically): adds the kiosk with this token hash, named as IT named
    // it with the code (`name`, the device's own, only for codes made before codes had names).
    Redeemed redeem_code(const std::string& code_hash, const std::string& name, const std::string& token_hash,
                         Seconds now);
    // A revoked kiosk's token is refused from the next request on. False: no such active kiosk.
    bool revoke_kiosk(std::int64_t kiosk_id);
    void record_health(const Health& h);
    std::vector<Device> devices();  // every kiosk with its latest heartbeat
    // Remote settings (a JSON object) for a site's kiosks (kiosk_id 0) or one kiosk; each
    // change gets the next revision number. settings(): body and revision, if set.
    void set_settings(std::int64_t site_id, std::int64_t kiosk_id, const std::string& body);
    std::optional<std::pair<std::string, std::int64_t>> settings(std::int64_t site_id, std::int64_t kiosk_id);
    std::optional<Kiosk> kiosk_by_name(std::int64_t site_id, const std::string& name);  // active kiosks only
    // Usage counts: added to (one transaction; cells of a final month, see final_month, are
    // dropped), and summed over days [from, to] and sites
    // (per day too with by_day).
    void add_usage(const std::vector<UsageCell>& cells);
    // Summed over everything, per site, per day (sites summed), or per site and month (the
    // cell's day is then the month, YYYY-MM).
    enum class UsageGroup { Total, Site, Day, SiteMonth };
    std::vector<UsageCell> usage(const std::string& from, const std::string& to, const std::vector<std::int64_t>& sites,
                                 UsageGroup by = UsageGroup::Total, const std::vector<std::string>& metrics = {});
    // Deletes the usage counts of the months before the month of `before_day` (whole months).
    int purge_usage(const std::string& before_day);
    // The insight reports' random rounding key (32 bytes), made when the database was.
    std::string insight_key();
    // The latest month (YYYY-MM) that is final: reports may cover it and add_usage drops
    // counts for it and every month before. Only ever raised: raises it to `month` if that
    // is later, and returns it.
    std::string raise_final_month(const std::string& month);
    // Content bundles: a version is published once and never changes.
    bool add_bundle(const Bundle& b);  // false: that version is published already
    std::optional<Bundle> latest_bundle();
    std::optional<Bundle> bundle(std::int64_t version);
    std::vector<Bundle> bundles(int limit);  // newest first
    // Content drafts (hub/server_content.cpp).
    std::int64_t add_draft(const ContentDraft& d);
    std::optional<ContentDraft> draft(std::int64_t id);
    // A draft's files, while it is a draft of `author`'s and its files are still `was` (those
    // the save started from: of two saves at once, the second is refused, not lost). False
    // otherwise.
    bool save_draft(std::int64_t id, std::int64_t author, const std::string& was, const std::string& files, int errors,
                    Seconds now);
    // Submits `author`'s draft only while its files are still `files` (those just checked).
    bool submit_draft(std::int64_t id, std::int64_t author, const std::string& files, Seconds now);
    // A reviewer (not its author) sends a submitted change back to its author as a draft, with
    // what to mend. False when it is not submitted any more.
    bool return_draft(std::int64_t id, std::int64_t reviewer, const std::string& note, Seconds now);
    // Withdraws `author`'s draft or submitted change; its files go (nothing withdrawn is kept).
    bool withdraw_draft(std::int64_t id, std::int64_t author, Seconds now);
    // Moves a draft from one status to the next (false if it is not in `from` any more);
    // `reviewer` > 0 records who approved it (and when), < 0 forgets that, 0 keeps it.
    bool set_draft_status(std::int64_t id, const std::string& from, const std::string& to, std::int64_t reviewer,
                          std::int64_t bundle, Seconds now);
    // `user`'s own drafts not withdrawn, and with `submitted_by_others` those others submitted;
    // newest first, at most `limit`.
    std::vector<ContentDraft> drafts(std::int64_t user, bool submitted_by_others, int limit);
    std::vector<ContentDraft> published_drafts(int limit);  // newest first
    int open_drafts(std::int64_t author);                   // drafts and submitted ones
    int drafts_made_since(std::int64_t author, Seconds since);
    std::int64_t add_user(const User& user);
    std::optional<User> user_by_name(const std::string& username);
    std::optional<User> user(std::int64_t id);
    std::vector<User> users_at_site(std::int64_t site_id);
    std::vector<User> users();  // every account, by user name
    // Disabling ends every session of the account at once (its open event streams close
    // within their next tick); returns how many sessions ended.
    int set_user_disabled(std::int64_t user_id, bool disabled);
    // A new password ends every session of the account; returns how many.
    int set_password(std::int64_t user_id, const std::string& password_hash);

    // Staff sessions (the cookie's hash, never the cookie). Made only while the account is
    // active and still has `password_hash`, the one the login checked: a login whose password
    // check overlapped with IT's disable or new password makes no session (returns false).
    // An account keeps at most kMaxSessionsPerUser sessions: a new login ends its least
    // recently used one beyond that (a script logging in without end fills no table).
    static constexpr int kMaxSessionsPerUser = 10;
    bool add_session(const std::string& id_hash, std::int64_t user_id, const std::string& password_hash,
                     const std::string& csrf, Seconds expires, Seconds now);
    // User and CSRF token of a session neither past `expires` nor unused for `idle` seconds.
    std::optional<std::pair<std::int64_t, std::string>> session(const std::string& id_hash, Seconds now, Seconds idle);
    int purge_sessions(Seconds now, Seconds idle);  // deletes the expired ones
    int purge_audit(Seconds before);                // deletes audit lines older than `before`
    int purge_enrollment_codes(Seconds before);     // deletes codes used or expired before `before`
    void delete_session(const std::string& id_hash);

    // Help requests.
    HelpRequest create_request(HelpRequest r, Seconds now);
    std::optional<HelpRequest> request(std::int64_t id);
    std::vector<HelpRequest> open_requests(std::int64_t site_id);  // open and claimed, oldest first
    // Position in the queue (1 = next) of an open request, 0 when not waiting.
    int position(const HelpRequest& r);
    bool set_status(std::int64_t id, const std::string& from_status, const std::string& to_status, std::int64_t user_id,
                    const std::string& outcome, Seconds now);
    // Median wait (created -> claimed) of the site's requests claimed in the last day, seconds.
    Seconds typical_wait(std::int64_t site_id, Seconds now);
    // Requests still open or claimed that were made before `created_before` (never closed).
    std::vector<HelpRequest> stale_requests(Seconds created_before);
    // Claims whose holder is gone: any claim of a disabled account, and a video call whose
    // caseworker has no live session any more (a new password, a logout: nobody can speak
    // for the call through the hub).
    std::vector<HelpRequest> orphaned_claims(Seconds now, Seconds idle);
    // Gives a claim back to the list, only if `holder` still holds it.
    bool give_back(std::int64_t request_id, std::int64_t holder);
    int open_requests_of_kiosk(std::int64_t kiosk_id);  // open or claimed
    // Deletes requests closed before `before`, keeping only anonymous daily counts.
    int purge(Seconds before);

    void audit(std::int64_t user_id, const std::string& action, const std::string& subject, Seconds now);
    std::vector<std::string> audit_log(int limit);
    std::int64_t count(const std::string& table);

private:
    void exec(const char* sql);
    int end_sessions_locked(std::int64_t user_id);  // with mutex_ held
    void migrate();
    void add_usage_locked(const std::vector<UsageCell>& cells);
    std::string final_month_locked();

    std::mutex mutex_;
    sqlite3* db_ = nullptr;
};

}  // namespace ledsager::hub
