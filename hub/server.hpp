// ledsager-hub's HTTP API (see hub/openapi.yaml): kiosks send help requests, staff see and
// handle them live. Every /api/v1 operation except login needs credentials: a kiosk's
// bearer token, or a staff session cookie (HttpOnly, SameSite=Strict) plus the CSRF token
// in X-CSRF-Token for anything that changes state.
#pragma once

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/content.hpp"
#include "common/diagnostics.hpp"
#include "common/picture.hpp"
#include "hub/auth.hpp"
#include "hub/calls.hpp"
#include "hub/guard.hpp"
#include "hub/preview.hpp"
#include "hub/store.hpp"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace ledsager::hub {

using Roles = std::vector<std::string>;
struct ReportQuery;  // hub/insight.hpp  // who may call an operation (hub/routes.hpp)

struct HubOptions {
    std::filesystem::path data_dir;  // the SQLite database lives here
    std::string host = "127.0.0.1";
    int port = 8080;                    // 0 = any free port (tests)
    std::string tls_cert, tls_key;      // both set = HTTPS
    int retention_days = 30;            // help requests are purged this long after closing
    int audit_retention_days = 365;     // the audit log (staff actions, logins) is kept this long
    int usage_retention_days = 800;     // anonymous usage counts are kept this long (trends over two years)
    size_t max_body_bytes = 16 * 1024;  // larger request bodies get 413
    // ... except a translator's PO file for one guide (POST /api/v1/content/drafts/{id}/po)
    size_t max_po_bytes = 64 * 1024;
    // ... and a guide's picture (POST /api/v1/content/drafts/{id}/pictures/{name}), a PNG
    size_t max_picture_bytes = 512 * 1024;
    bool secure_cookies = false;        // Secure flag on the session cookie (set with TLS)
    std::filesystem::path web_dir;      // the web consoles' files; empty = none served
    std::filesystem::path content_dir;  // guides, for their titles in the console; empty = ids only
    int source_age_months = 6;          // a guide's sources checked longer ago are shown as to be checked
    // The content studio's publishing key (a file with the secret key from `content keygen`,
    // readable by the hub alone): a reviewer's approval of another person's draft signs and
    // publishes with it. Empty = the studio keeps drafts, and publishing stays on the command line.
    std::filesystem::path content_secret_key;
    // The kiosk program that draws the studio's previews (ledsager-kiosk --preview-worker);
    // empty or missing: no previews.
    std::filesystem::path preview_kiosk;
    int preview_time_limit_s = 15;  // one preview, the renderer's start included
    int max_open_drafts = 20;       // drafts and submitted changes one editor may have at once
    int max_drafts_per_day = 100;   // changes one person may start in 24 hours (withdrawn ones too)
    // STUN/TURN servers handed to both ends of a video call: "stun:host:port" or
    // "turn:user:password@host:port". Empty = host candidates only (calls within the LAN).
    std::vector<std::string> ice_servers;
    // A video request waits this long for a caseworker who speaks the citizen's language
    // (when one is online) before anyone may answer it.
    int video_language_hold_s = 30;
    // With a TURN server given as turn:HOST:PORT (no password), the shared secret of coturn's
    // use-auth-secret: each call gets credentials valid for turn_ttl_s only.
    std::string turn_secret;
    int turn_ttl_s = 3600;

    // ---- bounds (docs/security.md; the edge in front, deploy/edge.md, has its own too)
    // The edge (nginx) on this address: the client's address is taken from its X-Real-IP,
    // and cookies are Secure (the edge serves TLS). Empty = every peer is the client.
    std::string trusted_proxy;
    // /metrics answers only with "Authorization: Bearer <this>"; empty = /metrics is off.
    std::string metrics_token;
    int max_event_streams = 64;            // live-event streams held open at once, all users
    int max_event_streams_per_user = 4;    // ... and per staff member (a few tabs)
    int max_open_requests_per_kiosk = 3;   // open help requests one kiosk may have at once
    double help_requests_per_minute = 6;   // new help requests per kiosk (bursts of 6)
    double usage_batches_per_minute = 30;  // usage batches per kiosk (a kiosk sends about one a minute)
    int max_report_days = 366;             // the longest period one report may cover
    // The hub's clock (seconds since 1970); empty: the system's. Tests move it to see months
    // end; it dates requests, sessions, usage and reports alike.
    std::function<Seconds()> clock;
    int session_idle_s = 30 * 60;     // a console session ends after this long unused
    int session_max_s = 12 * 3600;    // ... and this long after logging in, whatever happens
    int stale_request_s = 12 * 3600;  // open requests nobody closed are cancelled after this
    // Editors' pictures are decoded two at a time (each in a child of its own); one that waits
    // longer than 3 s is told to try again (503). Tests slow the decoder to see it.
    common::PictureCheck (*picture_decoder)(std::string_view) = common::check_png;
};

// Wakes the live-event streams of a site when its requests change.
class Notifier {
public:
    void changed(std::int64_t site_id);
    // Waits until the site's version differs from `seen` or `timeout` passes; returns the version.
    std::uint64_t wait(std::int64_t site_id, std::uint64_t seen, std::chrono::milliseconds timeout);
    std::uint64_t version(std::int64_t site_id);
    void stop();
    bool stopping() const { return stopping_; }

private:
    std::mutex mutex_;
    std::condition_variable cv_;
    std::map<std::int64_t, std::uint64_t> versions_;
    std::atomic<bool> stopping_{false};
};

// A quiet "may need help" signal from a kiosk: kept in memory for a few minutes only.
struct AssistSignal {
    std::int64_t site_id = 0;
    std::string place, reason, guide, step, language;
    int step_number = 0;
    Seconds at = 0;
};

// The settings a kiosk gets: its site's, with its own on top, and their revision ("3.7":
// the site's and the kiosk's revision; "0.0" when none are set).
struct KioskSettings {
    std::string revision = "0.0";
    std::string body = "{}";  // a JSON object
};
KioskSettings settings_for(Store& store, const Kiosk& kiosk);

// TURN REST credentials (the scheme coturn's use-auth-secret checks): the user name is the
// expiry time, the password base64(HMAC-SHA1(secret, user name)).
std::pair<std::string, std::string> turn_rest_credentials(const std::string& secret, Seconds expires);

class Hub {
public:
    // Connections the kernel queues before the hub accepts them (cpp-httplib's own is 5).
    static constexpr int kListenBacklog = 1024;
    explicit Hub(HubOptions options);  // throws StoreError on a database problem
    ~Hub();
    // Binds the listening socket; returns the port, or -1 with the reason in `error`.
    int bind(std::string& error);
    void run();  // serves until stop()
    // Waits (up to 5 s) until run() is accepting connections; a stop() before that point
    // would be missed by the HTTP server, so callers that stop soon after starting wait first.
    bool wait_until_running();
    void stop();
    Previewer& previewer() { return *previewer_; }  // the content studio's (tests look at its worker)
    Store& store() { return store_; }
    Calls& calls() { return calls_; }
    const HubOptions& options() const { return options_; }

private:
    void routes();
    // The routes by whom they serve (server_fleet.cpp, server_insight.cpp, server_desk.cpp,
    // server_content.cpp, and the studio's forms in server_content_forms.cpp).
    void fleet_routes();
    void insight_routes();
    void report_titles(ReportQuery& q, const std::string& lang);
    void desk_routes();
    void content_routes();
    void content_form_routes();
    // What the studio's routes share (studio_files.cpp). A change is seen by its author, and
    // by reviewers once it is submitted.
    static bool change_visible(const ContentDraft& d, const User& u);
    // The author's own change while it is a draft, and its files (an object); nullopt when the
    // answer is sent (404, 409).
    std::optional<ContentDraft> own_draft(const httplib::Request& req, httplib::Response& res, const User& u,
                                          nlohmann::json& files);
    // Saves a change's files with the count of their errors: their checks, or nullopt (409
    // sent) when it was saved elsewhere, submitted or withdrawn since `d` was read.
    std::optional<common::Diagnostics> save_checked(const ContentDraft& d, const nlohmann::json& files,
                                                    httplib::Response& res, std::vector<std::string>& steps);
    // A change the user may see, the kiosk language (?lang=) asked about, and the guide as the
    // change makes it; nullopt when the answer is sent (400, 403, 404, 409).
    struct LanguageOfChange {
        ContentDraft draft;
        std::string lang;
        nlohmann::json files;
        common::Guide guide;
        std::string base;  // the published version it starts from ("v7", "installed")
    };
    std::optional<LanguageOfChange> language_of_change(const httplib::Request& req, httplib::Response& res);
    // The content studio (studio_files.cpp): the guides as published and their version's
    // name, the checks of a draft, and one publication at a time.
    std::pair<std::filesystem::path, std::string> published_guides();
    // `steps`, when given, gets the ids of the guide's steps as the draft makes them.
    common::Diagnostics check_draft(const std::string& guide, const nlohmann::json& files,
                                    std::vector<std::string>* steps = nullptr);
    common::ContentOptions content_checks();
    bool has_language_file(const std::string& guide, const nlohmann::json& files, const std::string& lang);
    // `texts_with_errors`: the guide as far as it loads (its structure must), with each
    // language file that reads as TOML, checks passed or not; true when the structure loaded.
    bool draft_guide(const std::string& guide, const nlohmann::json& files, common::Guide& out, std::string& base,
                     bool texts_with_errors = false);
    // The change's text of a language with the form's texts set over it, as <lang>.toml.
    struct TextsFile {
        int status = 200;  // else the answer's status, with `error` and the `field` it names
        std::string error, field, toml;
    };
    TextsFile texts_file(const std::string& guide, const nlohmann::json& files, const std::string& lang,
                         const nlohmann::json& texts, bool current);
    // guide.toml as the change makes it, read by itself even with check errors: its text, and
    // the pictures in the guide's folder; false when it does not read as TOML or has no steps.
    bool draft_structure(const std::string& guide, const nlohmann::json& files, common::Guide& out, std::string& text,
                         std::vector<std::string>* images = nullptr);
    std::optional<common::GuideText> source_as_translated(const std::string& guide, const std::string& lang,
                                                          const std::string& digest);
    std::mutex studio_mutex_;
    std::unique_ptr<Previewer> previewer_;
    // The caller, or an answer (401, 403) already sent and nullopt: a kiosk by its bearer
    // token; a staff member by the session cookie, the CSRF token when `changes`, and a role.
    std::optional<Kiosk> kiosk_of(const httplib::Request& req, httplib::Response& res);
    std::optional<User> staff_of(const httplib::Request& req, httplib::Response& res, bool changes, const Roles& roles);
    void housekeeping();
    void give_back_orphaned_claims();  // what an account that is gone held (every 5 s)
    Seconds now_s() const { return options_.clock ? options_.clock() : static_cast<Seconds>(std::time(nullptr)); }
    HubOptions options_;
    Store store_;
    // Failed logins count per user name and address, per user name from anywhere, and per
    // address (a front desk shares one: high), each with growing delays rather than a
    // lockout; wrong enrollment codes count apart. At most two argon2 checks at once.
    Throttle login_user_addr_{{5, std::chrono::seconds(2), std::chrono::seconds(900)}};
    Throttle login_user_{{20, std::chrono::seconds(1), std::chrono::seconds(60)}};
    Throttle login_addr_{{50, std::chrono::seconds(1), std::chrono::seconds(60)}};
    Throttle enroll_addr_{{10, std::chrono::seconds(2), std::chrono::seconds(900)}};
    Slots password_checks_{2};
    Slots picture_checks_{2};  // pictures decoded at once (POST …/pictures/{name})
    Held streams_;             // live-event streams per user
    Rate help_rate_;           // new help requests per kiosk
    Rate usage_rate_;          // usage batches per kiosk
    // The client: the peer, or behind the trusted edge the address it reports.
    std::string client_address(const httplib::Request& req) const;
    Notifier notifier_;
    std::unique_ptr<httplib::Server> server_;
    int listen_fd_ = -1;  // the listening socket, to give it a deeper queue than cpp-httplib's 5
    std::thread purger_;
    std::mutex purge_mutex_;
    std::condition_variable purge_cv_;
    bool stopping_ = false;
    // Guide and step titles for the consoles, from the installed guides or, once a checked
    // bundle is published, from the newest one. Swapped whole; readers take a copy of the pointer.
    struct Titles {
        std::map<std::string, std::map<std::string, std::string>> guides;  // guide id -> language -> title
        std::map<std::string, std::map<std::string, std::string>> steps;   // "guide/step" -> language -> title
        std::map<std::string, std::string> order;                          // guide id -> "step,step,..." (file order)
        std::map<std::string, std::vector<std::vector<std::string>>> funnels;  // guide id -> Guide::funnels()
        // What a content editor should look at (as --check-content warns): per guide, the
        // oldest date its sources were checked, and per language whether it is outdated
        // against the text it was translated from and who reviewed it when.
        struct LanguageReview {
            bool outdated = false;
            std::string reviewed_by, reviewed;
            std::string translated_from, translator;  // "" = written in this language
        };
        struct Review {
            std::string sources_checked;
            std::vector<std::pair<std::string, std::string>> sources;  // url, date checked
            std::map<std::string, LanguageReview> languages;
            std::string category;
            int steps = 0;
        };
        std::map<std::string, Review> review;
    };
    std::shared_ptr<const Titles> titles() const;
    void load_titles(const std::filesystem::path& guides_dir);
    void refresh_titles(std::int64_t latest_bundle);
    mutable std::mutex titles_mutex_;
    std::shared_ptr<const Titles> titles_ = std::make_shared<Titles>();
    std::atomic<std::int64_t> titles_version_{0};
    std::mutex signals_mutex_;
    std::map<std::int64_t, AssistSignal> signals_;  // by kiosk id
    std::atomic<std::uint64_t> http_requests_{0};
    std::atomic<std::uint64_t> help_requests_created_{0};
    std::atomic<std::uint64_t> calls_answered_{0};
    Calls calls_;
    std::mutex presence_mutex_;
    std::map<std::int64_t, Seconds> seen_;  // staff user -> last time their console asked (presence)
};

}  // namespace ledsager::hub
