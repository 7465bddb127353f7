#include "hub/server.hpp"

#include "common/content.hpp"
#include "common/remote_settings.hpp"
#include "common/validate.hpp"
#include "hub/bundles.hpp"
#include "hub/insight.hpp"
#include "hub/routes.hpp"

#include <httplib.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

namespace ledsager::hub {

using json = nlohmann::json;

std::pair<std::string, std::string> turn_rest_credentials(const std::string& secret, Seconds expires) {
    const std::string user = std::to_string(expires);
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha1(), secret.data(), static_cast<int>(secret.size()),
         reinterpret_cast<const unsigned char*>(user.data()), user.size(), mac, &len);
    std::string b64(4 * ((len + 2) / 3) + 1, '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(b64.data()), mac, static_cast<int>(len));
    b64.resize(static_cast<std::size_t>(n));
    return {user, b64};
}

KioskSettings settings_for(Store& store, const Kiosk& kiosk) {
    KioskSettings out;
    json merged = json::object();
    std::int64_t site_rev = 0, kiosk_rev = 0;
    if (auto s = store.settings(kiosk.site_id, 0)) {
        merged.update(json::parse(s->first, nullptr, false), true);
        site_rev = s->second;
    }
    if (auto s = store.settings(kiosk.site_id, kiosk.id)) {
        merged.update(json::parse(s->first, nullptr, false), true);
        kiosk_rev = s->second;
    }
    out.revision = std::to_string(site_rev) + "." + std::to_string(kiosk_rev);
    out.body = merged.is_object() ? merged.dump() : "{}";
    return out;
}

void Notifier::changed(std::int64_t site_id) {
    {
        std::lock_guard lock(mutex_);
        ++versions_[site_id];
    }
    cv_.notify_all();
}

std::uint64_t Notifier::version(std::int64_t site_id) {
    std::lock_guard lock(mutex_);
    return versions_[site_id];
}

std::uint64_t Notifier::wait(std::int64_t site_id, std::uint64_t seen, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    cv_.wait_for(lock, timeout, [&] { return stopping_ || versions_[site_id] != seen; });
    return versions_[site_id];
}

void Notifier::stop() {
    stopping_ = true;
    cv_.notify_all();
}

Hub::Hub(HubOptions options)
    : options_(std::move(options)),
      store_(options_.data_dir),
      streams_(options_.max_event_streams_per_user, options_.max_event_streams),
      help_rate_(options_.help_requests_per_minute, std::max(1.0, options_.help_requests_per_minute)),
      usage_rate_(options_.usage_batches_per_minute, std::max(1.0, options_.usage_batches_per_minute)) {
    if (!options_.tls_cert.empty() && !options_.tls_key.empty()) {
        auto tls = std::make_unique<httplib::SSLServer>(options_.tls_cert.c_str(), options_.tls_key.c_str());
        // TLS 1.2 and 1.3 only, and for 1.2 only forward-secret AEAD suites.
        if (tls->is_valid()) {
            SSL_CTX_set_min_proto_version(tls->ssl_context(), TLS1_2_VERSION);
            SSL_CTX_set_cipher_list(tls->ssl_context(),
                                    "ECDHE+AESGCM:ECDHE+CHACHA20:DHE+AESGCM:DHE+CHACHA20:!aNULL:!MD5:!DSS");
            SSL_CTX_set_options(tls->ssl_context(), SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_TICKET);
        }
        server_ = std::move(tls);
        options_.secure_cookies = true;
    } else {
        server_ = std::make_unique<httplib::Server>();
    }
    if (!options_.trusted_proxy.empty()) options_.secure_cookies = true;  // the edge serves TLS
    // cpp-httplib's default also sets SO_REUSEPORT, which lets a second hub listen on the same
    // port and take a share of the requests unseen. SO_REUSEADDR only: a restarted hub gets
    // its port back at once, a second one is refused ("in use").
    server_->set_socket_options([this](socket_t sock) {
        int yes = 1;
        ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
        listen_fd_ = sock;  // the last one offered is the one bound
    });
    // Live-event streams each hold a thread; leave room for them beside ordinary requests.
    // Room for every stream and long poll the caps allow, and 64 threads for all else.
    const auto threads = static_cast<size_t>(options_.max_event_streams + Calls::kMaxWaiters + 64);
    server_->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    // The largest body any route takes; each route's own bound is checked before reading (routes()).
    server_->set_payload_max_length(
        std::max({options_.max_body_bytes, options_.max_po_bytes, options_.max_picture_bytes}));
    server_->set_keep_alive_max_count(1000);
    server_->set_tcp_nodelay(true);  // small JSON answers: no 40 ms delayed-ACK stalls
    // Titles only, so staff read "Log ind med MitID, trin 3" rather than an id.
    if (!options_.content_dir.empty()) load_titles(options_.content_dir);
    // The studio's scratch folders (checks, previews): whatever a stopped hub left is gone.
    std::error_code ec;
    std::filesystem::remove_all(options_.data_dir / "studio", ec);
    previewer_ = std::make_unique<Previewer>(options_.preview_kiosk, options_.data_dir / "studio",
                                             std::chrono::seconds(options_.preview_time_limit_s));
    if (auto b = store_.latest_bundle()) refresh_titles(b->version);
    routes();
    housekeeping();
    // Video requests still waiting from before a restart get their mailbox back (the
    // kiosks listening for an answer carry on); calls that were under way are over.
    for (const auto& site : store_.sites())
        for (const auto& r : store_.open_requests(site.id))
            if (r.kind == "video" && r.status == "open") calls_.open(r.id, r.site_id, r.kiosk_id, now_s());
    purger_ = std::thread([this] {
        std::unique_lock lock(purge_mutex_);
        // Every 5 s: what accounts that are gone held goes back; every minute: ended calls are
        // forgotten; every ten minutes: housekeeping.
        for (int tick = 1; !purge_cv_.wait_for(lock, std::chrono::seconds(5), [this] { return stopping_; }); ++tick) {
            give_back_orphaned_claims();
            if (tick % 12 == 0) calls_.forget_ended(now_s() - 600);
            if (tick % 120 == 0) housekeeping();
        }
    });
}

// What is kept is bounded in time too: closed requests and usage counts past their retention,
// requests nobody closed (cancelled after --stale-request-hours, counted as left), and
// console sessions past their lifetime or left unused.
void Hub::housekeeping() {
    const Seconds now = now_s();
    for (const auto& r : store_.stale_requests(now - options_.stale_request_s)) {
        if (store_.set_status(r.id, r.status, "cancelled", 0, "", now)) {
            calls_.end(r.id, CallSide::Kiosk, "cancelled", now);
            store_.audit(0, "stale_cancelled", r.number, now);
            notifier_.changed(r.site_id);
        }
    }
    store_.purge_sessions(now, options_.session_idle_s);
    store_.purge_audit(now - options_.audit_retention_days * 86400LL);
    store_.purge_enrollment_codes(now - 86400);
    store_.purge(now - options_.retention_days * 86400LL);
    store_.purge_usage(day_of(now - options_.usage_retention_days * 86400LL));
    final_month(store_, now);  // a month becomes final on the clock once, and stays final
}

// IT disables an account or sets a new password (on the command line, perhaps while it is in
// a call): a citizen is not left with a caseworker who is gone. A call whose caseworker has
// no session any more goes back to waiting (the kiosk hears "released", as when a caseworker
// gives it back, and keeps its place); a disabled account's in-person claim goes back to the
// list for a colleague. A call already over, with no outcome recorded, is closed as cancelled
// (nobody can say how it went).
void Hub::give_back_orphaned_claims() {
    const Seconds now = now_s();
    for (const auto& r : store_.orphaned_claims(now, options_.session_idle_s)) {
        const auto call = r.kind == "video" ? calls_.info(r.id) : std::nullopt;
        const bool over = r.kind == "video" && (!call || call->ended);
        const bool done =
            over ? store_.set_status(r.id, "claimed", "cancelled", 0, "", now) : store_.give_back(r.id, r.claimed_by);
        if (!done) continue;
        if (r.kind == "video" && !over) calls_.release(r.id);
        store_.audit(0, over ? "closed_orphaned" : "given_back_orphaned", r.number, now);
        notifier_.changed(r.site_id);
    }
}

std::string Hub::client_address(const httplib::Request& req) const {
    if (!options_.trusted_proxy.empty() && req.remote_addr == options_.trusted_proxy) {
        const std::string real = req.get_header_value("X-Real-IP");
        if (!real.empty() && real.size() <= 45) return real;
    }
    return req.remote_addr;
}

std::shared_ptr<const Hub::Titles> Hub::titles() const {
    std::lock_guard lock(titles_mutex_);
    return titles_;
}

void Hub::load_titles(const std::filesystem::path& guides_dir) {
    auto t = std::make_shared<Titles>();
    const auto content = common::load_content(guides_dir);
    for (const auto& g : content.guides) {
        auto& review = t->review[g.id];
        review.sources_checked = g.sources_checked;
        review.category = g.category;
        review.steps = static_cast<int>(g.steps.size());
        for (const auto& src : g.sources)
            review.sources.emplace_back(src.url, src.checked);
        for (const auto& [lang, text] : g.text) {
            review.languages[lang] = {text.outdated, text.review.reviewed_by, text.review.reviewed,
                                      text.review.translated_from, text.review.translator};
            t->guides[g.id][lang] = text.title;
            for (const auto& [id, st] : text.steps)
                t->steps[g.id + "/" + id][lang] = st.title;
        }
        std::string order;
        for (const auto& st : g.steps)
            order += (order.empty() ? "" : ",") + st.id;
        t->order[g.id] = order;
        t->funnels[g.id] = g.funnels();
    }
    if (content.guides.empty()) return;
    std::lock_guard lock(titles_mutex_);
    titles_ = std::move(t);
}

void Hub::refresh_titles(std::int64_t latest_bundle) {
    // A bundle published with its checks (--public-key) left its guides beside it.
    if (titles_version_.exchange(latest_bundle) == latest_bundle) return;
    std::error_code ec;
    const auto dir = bundle_guides(options_.data_dir, latest_bundle);
    if (std::filesystem::is_directory(dir, ec)) load_titles(dir);
}

Hub::~Hub() {
    stop();
    if (purger_.joinable()) purger_.join();
}

int Hub::bind(std::string& error) {
    if (!server_->is_valid()) {
        error = "cannot start HTTPS: check --tls-cert and --tls-key";
        return -1;
    }
    int port = options_.port;
    if (port == 0) {
        port = server_->bind_to_any_port(options_.host.c_str());
        if (port <= 0) {
            error = "cannot listen on " + options_.host;
            return -1;
        }
    } else if (!server_->bind_to_port(options_.host.c_str(), options_.port)) {
        error = "cannot listen on " + options_.host + ":" + std::to_string(options_.port) + " (in use, or not allowed)";
        return -1;
    }
    // cpp-httplib listens with a queue of 5 connections not yet accepted: a burst of 19 (an
    // attacker's, or a whole site's kiosks after a network outage) overflows it, Linux drops the
    // handshakes and those clients wait seconds for retransmissions. Listening again on the
    // same socket only deepens its queue (the kernel caps it at net.core.somaxconn).
    if (listen_fd_ >= 0 && ::listen(listen_fd_, kListenBacklog) != 0)
        std::fprintf(stderr, "ledsager-hub: could not deepen the listen queue: %s\n", std::strerror(errno));
    return port;
}

void Hub::run() {
    server_->listen_after_bind();
}

bool Hub::wait_until_running() {
    for (int i = 0; i < 500 && !server_->is_running(); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return server_->is_running();
}

void Hub::stop() {
    if (previewer_) previewer_->shutdown();
    notifier_.stop();
    calls_.stop();
    {
        std::lock_guard lock(purge_mutex_);
        stopping_ = true;
    }
    purge_cv_.notify_all();
    if (server_) server_->stop();
}

std::optional<Kiosk> Hub::kiosk_of(const httplib::Request& req, httplib::Response& res) {
    const std::string auth = req.get_header_value("Authorization");
    if (auth.rfind("Bearer ", 0) == 0) {
        auto k = store_.kiosk_by_token_hash(hash_token(auth.substr(7)));
        if (k && !k->revoked) return k;
    }
    send_error(res, 401, "a kiosk token is needed (Authorization: Bearer …)");
    return std::nullopt;
}

// Every staff operation names the roles that may call it (as hub/openapi.yaml's x-roles
// does; security_roles checks the two agree): anyone else gets 403.
std::optional<User> Hub::staff_of(const httplib::Request& req, httplib::Response& res, bool changes,
                                  const Roles& roles) {
    const std::string sid = cookie(req, "ledsager_session");
    auto s = sid.empty() ? std::nullopt : store_.session(hash_token(sid), now_s(), options_.session_idle_s);
    if (!s) {
        send_error(res, 401, "log in first");
        return std::nullopt;
    }
    if (changes && !equal_constant_time(req.get_header_value("X-CSRF-Token"), s->second)) {
        send_error(res, 403, "missing or wrong X-CSRF-Token");
        return std::nullopt;
    }
    auto u = store_.user(s->first);
    if (!u) return send_error(res, 401, "log in first"), std::nullopt;
    if (std::find(roles.begin(), roles.end(), u->role) == roles.end())
        return send_error(res, 403, "not for your role (" + u->role + ")"), std::nullopt;
    return u;
}

void Hub::routes() {
    auto& srv = *server_;
    if (!options_.web_dir.empty()) srv.set_mount_point("/", options_.web_dir.string());
    const bool https = options_.secure_cookies || !options_.trusted_proxy.empty();
    srv.set_pre_routing_handler([this, https](const httplib::Request& req, httplib::Response& res) {
        ++http_requests_;
        res.set_header("X-Content-Type-Options", "nosniff");
        res.set_header("Cache-Control", "no-store");
        // blob: images: the content studio shows a preview it fetched (a PNG) as a blob URL.
        res.set_header("Content-Security-Policy",
                       "default-src 'self'; img-src 'self' blob:; frame-ancestors 'none'; base-uri 'none'");
        res.set_header("Referrer-Policy", "no-referrer");
        if (https) res.set_header("Strict-Transport-Security", "max-age=31536000");
        // What the hub cannot bound before reading it is refused before a byte of it is read:
        // a chunked body has no length to check, an encoded one grows when decoded, and
        // several ranges of one file are built in memory. Nothing the consoles or kiosks send.
        using HR = httplib::Server::HandlerResponse;
        if (req.has_header("Transfer-Encoding")) {
            res.set_header("Connection", "close");
            send_error(res, 411, "send the body with a Content-Length: chunked request bodies are refused");
            return HR::Handled;
        }
        if (const auto enc = req.get_header_value("Content-Encoding"); !enc.empty() && enc != "identity") {
            res.set_header("Connection", "close");
            send_error(res, 415, "encoded request bodies (" + enc + ") are refused: send it plain");
            return HR::Handled;
        }
        // Bodies are bounded per route before a byte is read: 16 KiB, 64 KiB for the route that
        // takes a translator's PO file and 512 KiB for the one that takes a guide's picture.
        if (req.has_header("Content-Length")) {
            static const std::regex po_route(R"(/api/v1/content/drafts/\d+/po)");
            static const std::regex picture_route(R"(/api/v1/content/drafts/\d+/pictures/[^/]+)");
            const bool post = req.method == "POST";
            const size_t limit = post && std::regex_match(req.path, po_route)        ? options_.max_po_bytes
                                 : post && std::regex_match(req.path, picture_route) ? options_.max_picture_bytes
                                                                                     : options_.max_body_bytes;
            const auto length = std::strtoull(req.get_header_value("Content-Length").c_str(), nullptr, 10);
            if (length > limit) {
                res.set_header("Connection", "close");
                send_error(res, 413, "request body too large");
                return HR::Handled;
            }
        }
        if (req.ranges.size() > 1) {
            // httplib would cut even this answer into the ranges asked for: forget them.
            // (The request object is httplib's own, not const: only this handler's view is.)
            const_cast<httplib::Request&>(req).ranges.clear();
            send_error(res, 416, "one range at a time");
            return HR::Handled;
        }
        return HR::Unhandled;
    });
    srv.set_error_handler([](const httplib::Request&, httplib::Response& res) {
        if (!res.body.empty()) return;
        const std::string msg = res.status == 413   ? "request body too large"
                                : res.status == 404 ? "no such resource"
                                                    : "request failed";
        send_error(res, res.status, msg);
    });
    srv.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
        std::string what = "internal error";
        try {
            if (ep) std::rethrow_exception(ep);
        } catch (const std::exception& e) {
            what = e.what();
        }
        std::fprintf(stderr, "ledsager-hub: %s\n", what.c_str());
        send_error(res, 500, "internal error");
    });

    fleet_routes();
    insight_routes();
    // ---- open endpoints
    srv.Get("/healthz", [this](const httplib::Request&, httplib::Response& res) {
        send_json(res, 200, {{"status", "ok"}, {"schema", store_.schema_version()}});
    });
    // Monitoring only: a bearer token of its own (none set: no metrics). Label values are
    // escaped, so a kiosk's name cannot write series of its own.
    srv.Get("/metrics", [this](const httplib::Request& req, httplib::Response& res) {
        if (options_.metrics_token.empty())
            return send_error(res, 404, "metrics are off (start the hub with --metrics-token-file)");
        if (!equal_constant_time(req.get_header_value("Authorization"), "Bearer " + options_.metrics_token))
            return send_error(res, 401, "metrics need their token (Authorization: Bearer …)");
        std::ostringstream m;
        m << "# HELP ledsager_hub_http_requests_total HTTP requests served.\n"
             "# TYPE ledsager_hub_http_requests_total counter\n"
          << "ledsager_hub_http_requests_total " << http_requests_ << "\n"
          << "# HELP ledsager_hub_help_requests_created_total Help requests created since start.\n"
             "# TYPE ledsager_hub_help_requests_created_total counter\n"
          << "ledsager_hub_help_requests_created_total " << help_requests_created_ << "\n"
          << "# HELP ledsager_hub_video_calls_active Video calls waiting or in progress.\n"
             "# TYPE ledsager_hub_video_calls_active gauge\n"
          << "ledsager_hub_video_calls_active " << calls_.active() << "\n"
          << "# HELP ledsager_hub_video_calls_answered_total Video calls answered since start.\n"
             "# TYPE ledsager_hub_video_calls_answered_total counter\n"
          << "ledsager_hub_video_calls_answered_total " << calls_answered_ << "\n";
        // The kernel's queue of connections not yet accepted: near its limit, the hub is not
        // keeping up (Linux's TCP_INFO of a listening socket: unacked = queued, sacked = limit).
        tcp_info q{};
        socklen_t qlen = sizeof q;
        if (listen_fd_ >= 0 && ::getsockopt(listen_fd_, IPPROTO_TCP, TCP_INFO, &q, &qlen) == 0)
            m << "# HELP ledsager_hub_listen_queue Connections waiting to be accepted.\n"
                 "# TYPE ledsager_hub_listen_queue gauge\n"
              << "ledsager_hub_listen_queue " << q.tcpi_unacked << "\n"
              << "# HELP ledsager_hub_listen_queue_limit Connections the kernel queues before refusing more.\n"
                 "# TYPE ledsager_hub_listen_queue_limit gauge\n"
              << "ledsager_hub_listen_queue_limit " << q.tcpi_sacked << "\n";
        m << "# HELP ledsager_hub_kiosk_up 1 when the kiosk's last heartbeat is under 90 s old and reports no "
             "failure.\n"
             "# TYPE ledsager_hub_kiosk_up gauge\n";
        const Seconds now = now_s();
        const auto devices = store_.devices();
        for (const auto& d : devices)
            if (!d.kiosk.revoked)
                m << "ledsager_hub_kiosk_up{site=\"" << label(d.site_slug) << "\",kiosk=\"" << label(d.kiosk.name)
                  << "\"} " << (device_state(d, now) == "ok" ? 1 : 0) << "\n";
        m << "# HELP ledsager_hub_kiosk_last_heartbeat_age_seconds Seconds since the kiosk's last heartbeat (-1: "
             "never).\n"
             "# TYPE ledsager_hub_kiosk_last_heartbeat_age_seconds gauge\n";
        for (const auto& d : devices)
            if (!d.kiosk.revoked)
                m << "ledsager_hub_kiosk_last_heartbeat_age_seconds{site=\"" << label(d.site_slug) << "\",kiosk=\""
                  << label(d.kiosk.name) << "\"} " << (d.health.at ? now - d.health.at : -1) << "\n";
        m << "# HELP ledsager_hub_help_requests_open Help requests waiting or claimed, per site.\n"
             "# TYPE ledsager_hub_help_requests_open gauge\n";
        for (const auto& site : store_.sites())
            m << "ledsager_hub_help_requests_open{site=\"" << label(site.slug) << "\"} "
              << store_.open_requests(site.id).size() << "\n";
        res.set_content(m.str(), "text/plain; version=0.0.4");
    });

    // ---- staff login
    srv.Post("/api/v1/auth/login", [this](const httplib::Request& req, httplib::Response& res) {
        json body;
        if (!parse_body(req, res, {{"username", Field::String, true, 64}, {"password", Field::String, true, 256}},
                        body))
            return;
        const std::string user = body["username"], pass = body["password"], from = client_address(req);
        // Counted before the password is checked (so concurrent guesses are counted too):
        // the address first, then the name from anywhere, then the name from this address.
        const std::pair<Throttle*, std::string> counters[] = {
            {&login_addr_, from}, {&login_user_, user}, {&login_user_addr_, user + "\n" + from}};
        for (const auto& [throttle, key] : counters)
            if (const std::int64_t wait = throttle->begin(key); wait > 0) {
                res.set_header("Retry-After", std::to_string(wait));
                return send_json(res, 429,
                                 {{"error", "too many failed logins: try again in " + std::to_string(wait) + " s"},
                                  {"retry_after_s", wait}});
            }
        // argon2id costs 64 MiB and ~0.1 s: two at once at most; an unknown name costs the
        // same as a known one (no telling which names exist).
        if (!password_checks_.acquire(std::chrono::seconds(3))) {
            res.set_header("Retry-After", "2");
            return send_error(res, 503, "busy checking passwords: try again in a moment");
        }
        auto u = store_.user_by_name(user);
        static const std::string unknown_user_hash = hash_password(random_token());
        const bool right = verify_password(u ? u->password_hash : unknown_user_hash, pass) && u;
        password_checks_.release();
        // A disabled account is refused like a wrong password (the check above still ran, so
        // it costs the same and tells nobody which accounts are disabled).
        if (!right || u->disabled) {
            // The name only when it is an account's: what is typed may be a password.
            store_.audit(0, right ? "login_disabled" : "login_failed", u ? user : "(unknown name)", now_s());
            return send_error(res, 401, "wrong user name or password");
        }
        login_user_.succeeded(user);
        login_user_addr_.succeeded(user + "\n" + from);
        login_addr_.forgive(from);  // a shared front-desk address is not slowed by good logins
        const std::string sid = random_token(), csrf = random_token();
        // The account as it was checked: disabled or given a new password meanwhile, no session.
        if (!store_.add_session(hash_token(sid), u->id, u->password_hash, csrf, now_s() + options_.session_max_s,
                                now_s())) {
            store_.audit(0, "login_account_changed", user, now_s());
            return send_error(res, 401, "wrong user name or password");
        }
        store_.audit(u->id, "login", user, now_s());
        res.set_header("Set-Cookie", "ledsager_session=" + sid + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" +
                                         std::to_string(options_.session_max_s) +
                                         (options_.secure_cookies ? "; Secure" : ""));
        send_json(res, 200, {{"csrf", csrf}, {"name", u->display_name}, {"role", u->role}});
    });
    srv.Post("/api/v1/auth/logout", [this](const httplib::Request& req, httplib::Response& res) {
        auto u = staff_of(req, res, true, kAnyRole);
        if (!u) return;
        store_.delete_session(hash_token(cookie(req, "ledsager_session")));
        store_.audit(u->id, "logout", u->username, now_s());
        res.set_header("Set-Cookie", "ledsager_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
        res.status = 204;
    });
    srv.Get("/api/v1/me", [this](const httplib::Request& req, httplib::Response& res) {
        auto u = staff_of(req, res, false, kAnyRole);
        if (!u) return;
        json sites = json::array();
        for (auto id : u->sites)
            if (auto s = store_.site(id)) sites.push_back({{"id", s->id}, {"slug", s->slug}, {"name", s->name}});
        auto s = store_.session(hash_token(cookie(req, "ledsager_session")), now_s(), options_.session_idle_s);
        send_json(res, 200,
                  {{"name", u->display_name}, {"role", u->role}, {"sites", sites}, {"csrf", s ? s->second : ""}});
    });

    desk_routes();
    content_routes();
    content_form_routes();
}

}  // namespace ledsager::hub
