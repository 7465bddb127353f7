#include "hub/server.hpp"

#include "core/content.hpp"
#include "hub/bundles.hpp"
#include "hub/insight.hpp"
#include "core/remote_settings.hpp"
#include "hub/validate.hpp"

#include <httplib.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

namespace ledsager::hub {

using json = nlohmann::json;

namespace {

constexpr Seconds kSignalLifetime = 300;  // a "may need help" signal shows for five minutes

void send_json(httplib::Response& res, int status, const json& body) {
    res.status = status;
    res.set_content(body.dump(), "application/json");
}

void send_error(httplib::Response& res, int status, const std::string& message, const std::string& field = {}) {
    json body{{"error", message}};
    if (!field.empty()) body["field"] = field;
    send_json(res, status, body);
}

// A 409 with a machine-readable reason beside the sentence (held, taken, not_video, ended, ...).
void send_conflict(httplib::Response& res, const std::string& message, const std::string& reason) {
    send_json(res, 409, {{"error", message}, {"reason", reason}});
}

// Parses and validates a request body; on failure answers 400 naming the field.
bool parse_body(const httplib::Request& req, httplib::Response& res, const std::vector<Field>& fields, json& out) {
    const ValidationError err = validate_body(req.body, fields, out);
    if (err.message.empty()) return true;
    send_error(res, 400, err.message, err.field);
    return false;
}

std::string cookie(const httplib::Request& req, const std::string& name) {
    const std::string header = req.get_header_value("Cookie");
    std::istringstream in(header);
    std::string part;
    while (std::getline(in, part, ';')) {
        const auto start = part.find_first_not_of(' ');
        if (start == std::string::npos) continue;
        part = part.substr(start);
        if (part.rfind(name + "=", 0) == 0) return part.substr(name.size() + 1);
    }
    return {};
}

std::string first_name(const std::string& display_name) { return display_name.substr(0, display_name.find(' ')); }

// Who may call what (hub/openapi.yaml says the same per operation in x-roles).
using Roles = std::vector<std::string>;
const Roles kDesk{"staff", "caseworker"};  // they help citizens: requests, calls
const Roles kIt{"it_admin"};               // kiosks, codes, settings, content
const Roles kReports{"manager"};           // anonymous usage reports
const Roles kAnyRole{"staff", "caseworker", "it_admin", "manager"};

const std::vector<std::string> kNeeds{"read_aloud", "interpreter", "large_text", "wheelchair", "hearing", "sign_language"};
const std::vector<std::string> kOutcomes{"solved", "appointment", "referred", "left"};

std::string join(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : ",") + s;
    return out;
}

json needs_json(const std::string& csv) {
    json out = json::array();
    std::istringstream in(csv);
    std::string item;
    while (std::getline(in, item, ','))
        if (!item.empty()) out.push_back(item);
    return out;
}

bool speaks(const std::string& languages_csv, const std::string& lang) {
    return ("," + languages_csv + ",").find("," + lang + ",") != std::string::npos;
}

// Percent-encodes all but letters, digits and "-._~" (for the user and password in a URI).
std::string percent_encoded(const std::string& v) {
    std::string out;
    char buf[4];
    for (unsigned char c : v) {
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') out += static_cast<char>(c);
        else std::snprintf(buf, sizeof buf, "%%%02X", c), out += buf;
    }
    return out;
}

std::string percent_decoded(const std::string& v) {
    std::string out;
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (v[i] == '%' && i + 2 < v.size() + 0 && std::isxdigit(static_cast<unsigned char>(v[i + 1])) &&
            std::isxdigit(static_cast<unsigned char>(v[i + 2]))) {
            out += static_cast<char>(std::stoi(v.substr(i + 1, 2), nullptr, 16));
            i += 2;
        } else {
            out += v[i];
        }
    }
    return out;
}

// "turn:user:password@host:port" -> the browser's RTCIceServer {urls, username, credential}.
json browser_ice_server(const std::string& url) {
    const auto colon = url.find(':');
    const std::string scheme = url.substr(0, colon), rest = colon == std::string::npos ? "" : url.substr(colon + 1);
    const auto at = rest.rfind('@');
    if (at == std::string::npos) return {{"urls", url}};
    const std::string cred = rest.substr(0, at), host = rest.substr(at + 1);
    const auto sep = cred.find(':');
    return {{"urls", scheme + ":" + host}, {"username", percent_decoded(cred.substr(0, sep))},
            {"credential", sep == std::string::npos ? "" : percent_decoded(cred.substr(sep + 1))}};
}

// A Prometheus label value: backslash, quote and newline escaped.
std::string label(const std::string& v) {
    std::string out;
    for (char c : v) {
        if (c == '\\' || c == '"') out += '\\', out += c;
        else if (c == '\n') out += "\\n";
        else out += c;
    }
    return out;
}

constexpr Seconds kStaleAfter = 90;  // three missed heartbeats

// What IT sees first: stale (not heard from), failing, never enrolled fully, fine, revoked.
std::string device_state(const Device& d, Seconds now) {
    if (d.kiosk.revoked) return "revoked";
    if (d.health.at == 0) return "never";
    if (now - d.health.at > kStaleAfter) return "stale";
    for (const auto* part : {&d.health.printer, &d.health.camera, &d.health.audio})
        if (*part == "failing" || *part == "missing") return "failing";
    return d.health.last_error.empty() ? "ok" : "failing";
}

int state_rank(const std::string& state) {
    return state == "stale" ? 0 : state == "failing" ? 1 : state == "never" ? 2 : state == "ok" ? 3 : 4;
}

}  // namespace

std::pair<std::string, std::string> turn_rest_credentials(const std::string& secret, Seconds expires) {
    const std::string user = std::to_string(expires);
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha1(), secret.data(), static_cast<int>(secret.size()), reinterpret_cast<const unsigned char*>(user.data()), user.size(), mac, &len);
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
            SSL_CTX_set_cipher_list(tls->ssl_context(), "ECDHE+AESGCM:ECDHE+CHACHA20:DHE+AESGCM:DHE+CHACHA20:!aNULL:!MD5:!DSS");
            SSL_CTX_set_options(tls->ssl_context(), SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_TICKET);
        }
        server_ = std::move(tls);
        options_.secure_cookies = true;
    } else {
        server_ = std::make_unique<httplib::Server>();
    }
    if (!options_.trusted_proxy.empty()) options_.secure_cookies = true;  // the edge serves TLS
    // Live-event streams each hold a thread; leave room for them beside ordinary requests.
    // Room for every stream and long poll the caps allow, and 64 threads for all else.
    const auto threads = static_cast<size_t>(options_.max_event_streams + Calls::kMaxWaiters + 64);
    server_->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    server_->set_payload_max_length(options_.max_body_bytes);
    server_->set_keep_alive_max_count(1000);
    server_->set_tcp_nodelay(true);  // small JSON answers: no 40 ms delayed-ACK stalls
    // Titles only, so staff read "Log ind med MitID, trin 3" rather than an id.
    if (!options_.content_dir.empty()) load_titles(options_.content_dir);
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
        for (int minute = 0; !purge_cv_.wait_for(lock, std::chrono::minutes(1), [this] { return stopping_; }); ++minute) {
            calls_.forget_ended(now_s() - 600);
            if (minute % 10 == 9) housekeeping();
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
    const auto content = core::load_content(guides_dir);
    for (const auto& g : content.guides) {
        auto& review = t->review[g.id];
        review.sources_checked = g.sources_checked;
        for (const auto& [lang, text] : g.text) {
            review.languages[lang] = {text.outdated, text.review.reviewed_by, text.review.reviewed};
            t->guides[g.id][lang] = text.title;
            for (const auto& [id, st] : text.steps) t->steps[g.id + "/" + id][lang] = st.title;
        }
        std::string order;
        for (const auto& st : g.steps) order += (order.empty() ? "" : ",") + st.id;
        t->order[g.id] = order;
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
    if (options_.port == 0) {
        const int port = server_->bind_to_any_port(options_.host.c_str());
        if (port <= 0) error = "cannot listen on " + options_.host;
        return port > 0 ? port : -1;
    }
    if (!server_->bind_to_port(options_.host.c_str(), options_.port)) {
        error = "cannot listen on " + options_.host + ":" + std::to_string(options_.port) + " (in use, or not allowed)";
        return -1;
    }
    return options_.port;
}

void Hub::run() { server_->listen_after_bind(); }

bool Hub::wait_until_running() {
    for (int i = 0; i < 500 && !server_->is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return server_->is_running();
}

void Hub::stop() {
    notifier_.stop();
    calls_.stop();
    {
        std::lock_guard lock(purge_mutex_);
        stopping_ = true;
    }
    purge_cv_.notify_all();
    if (server_) server_->stop();
}

void Hub::routes() {
    auto& srv = *server_;
    if (!options_.web_dir.empty()) srv.set_mount_point("/", options_.web_dir.string());
    const bool https = options_.secure_cookies || !options_.trusted_proxy.empty();
    srv.set_pre_routing_handler([this, https](const httplib::Request& req, httplib::Response& res) {
        ++http_requests_;
        res.set_header("X-Content-Type-Options", "nosniff");
        res.set_header("Cache-Control", "no-store");
        res.set_header("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'; base-uri 'none'");
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

    // ---- authentication helpers
    auto kiosk_of = [this](const httplib::Request& req, httplib::Response& res) -> std::optional<Kiosk> {
        const std::string auth = req.get_header_value("Authorization");
        if (auth.rfind("Bearer ", 0) == 0) {
            auto k = store_.kiosk_by_token_hash(hash_token(auth.substr(7)));
            if (k && !k->revoked) return k;
        }
        send_error(res, 401, "a kiosk token is needed (Authorization: Bearer …)");
        return std::nullopt;
    };
    // Every staff operation names the roles that may call it (as hub/openapi.yaml's x-roles
    // does; security_roles checks the two agree): anyone else gets 403.
    auto staff_of = [this](const httplib::Request& req, httplib::Response& res, bool changes, const Roles& roles) -> std::optional<User> {
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
    };
    auto in_site = [](const User& u, std::int64_t site) {
        return std::find(u.sites.begin(), u.sites.end(), site) != u.sites.end();
    };
    auto request_json = [this](const HelpRequest& r, bool for_staff) {
        const int pos = store_.position(r);
        const Seconds wait = pos > 0 ? std::max<Seconds>(60, store_.typical_wait(r.site_id, now_s())) * pos : 0;
        json j{{"id", r.id},       {"number", r.number}, {"kind", r.kind},
               {"status", r.status}, {"position", pos},  {"estimated_wait_s", wait},
               {"claimed_by", r.claimed_by ? first_name(r.claimed_by_name) : ""}};
        if (for_staff) {
            j["guide"] = r.guide;
            const auto titles = this->titles();
            if (auto t = titles->guides.find(r.guide); t != titles->guides.end()) j["guide_title"] = t->second;
            j["step"] = r.step;
            j["step_number"] = r.step_number;
            j["language"] = r.language;
            j["needs"] = needs_json(r.needs);
            j["kiosk_place"] = r.kiosk_place;
            j["created_at"] = r.created_at;
            j["waiting_s"] = (r.claimed_at ? r.claimed_at : now_s()) - r.created_at;
            j["outcome"] = r.outcome;
        }
        return j;
    };
    auto id_of = [](const httplib::Request& req) -> std::int64_t {
        try {
            return std::stoll(req.matches[1]);
        } catch (...) {
            return -1;
        }
    };

    // ---- open endpoints
    srv.Get("/healthz", [this](const httplib::Request&, httplib::Response& res) {
        send_json(res, 200, {{"status", "ok"}, {"schema", store_.schema_version()}});
    });
    // Monitoring only: a bearer token of its own (none set: no metrics). Label values are
    // escaped, so a kiosk's name cannot write series of its own.
    srv.Get("/metrics", [this](const httplib::Request& req, httplib::Response& res) {
        if (options_.metrics_token.empty()) return send_error(res, 404, "metrics are off (start the hub with --metrics-token-file)");
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
          << "ledsager_hub_video_calls_answered_total " << calls_answered_ << "\n"
          << "# HELP ledsager_hub_kiosk_up 1 when the kiosk's last heartbeat is under 90 s old and reports no failure.\n"
             "# TYPE ledsager_hub_kiosk_up gauge\n";
        const Seconds now = now_s();
        const auto devices = store_.devices();
        for (const auto& d : devices)
            if (!d.kiosk.revoked)
                m << "ledsager_hub_kiosk_up{site=\"" << label(d.site_slug) << "\",kiosk=\"" << label(d.kiosk.name) << "\"} "
                  << (device_state(d, now) == "ok" ? 1 : 0) << "\n";
        m << "# HELP ledsager_hub_kiosk_last_heartbeat_age_seconds Seconds since the kiosk's last heartbeat (-1: never).\n"
             "# TYPE ledsager_hub_kiosk_last_heartbeat_age_seconds gauge\n";
        for (const auto& d : devices)
            if (!d.kiosk.revoked)
                m << "ledsager_hub_kiosk_last_heartbeat_age_seconds{site=\"" << label(d.site_slug) << "\",kiosk=\"" << label(d.kiosk.name) << "\"} "
                  << (d.health.at ? now - d.health.at : -1) << "\n";
        m << "# HELP ledsager_hub_help_requests_open Help requests waiting or claimed, per site.\n"
             "# TYPE ledsager_hub_help_requests_open gauge\n";
        for (const auto& site : store_.sites())
            m << "ledsager_hub_help_requests_open{site=\"" << label(site.slug) << "\"} " << store_.open_requests(site.id).size() << "\n";
        res.set_content(m.str(), "text/plain; version=0.0.4");
    });

    // ---- enrollment: a new kiosk trades a one-time code for its own token (open, but
    // rate-limited per address: a code is guessed by nobody)
    srv.Post("/api/v1/enroll", [this](const httplib::Request& req, httplib::Response& res) {
        json body;
        if (!parse_body(req, res, {{"code", Field::String, true, 32}, {"name", Field::String, false, 64}}, body)) return;
        if (const auto wait = enroll_addr_.begin(client_address(req)); wait > 0) {
            res.set_header("Retry-After", std::to_string(wait));
            return send_json(res, 429, {{"error", "too many wrong codes from here: try again in " + std::to_string(wait) + " s"},
                                        {"retry_after_s", wait}});
        }
        const std::string name = body.value("name", "");  // only for codes made before IT named kiosks
        const std::string token = random_token();
        const auto r = store_.redeem_code(hash_token(normalize_code(body["code"])), name, hash_token(token), now_s());
        if (r.result != Store::Redeemed::Ok) {
            store_.audit(0, "enroll_refused", name, now_s());
            if (r.result == Store::Redeemed::Unknown) return send_json(res, 404, {{"error", "this enrollment code is not known"}, {"reason", "unknown"}});
            if (r.result == Store::Redeemed::NameTaken)
                return send_json(res, 409, {{"error", "a kiosk at this site has this code's name already: ask IT for a new code"}, {"reason", "name_taken"}});
            if (r.result == Store::Redeemed::Expired)
                return send_json(res, 410, {{"error", "this enrollment code has expired: ask IT for a new one"}, {"reason", "expired"}});
            return send_json(res, 410, {{"error", "this enrollment code has already been used: ask IT for a new one"}, {"reason", "used"}});
        }
        enroll_addr_.succeeded(client_address(req));
        store_.audit(0, "enroll", r.kiosk.name, now_s());
        const auto site = store_.site(r.kiosk.site_id);
        send_json(res, 201, {{"token", token},
                             {"kiosk", {{"id", r.kiosk.id}, {"name", r.kiosk.name}, {"place", r.kiosk.place}}},
                             {"site", {{"slug", site ? site->slug : ""}, {"name", site ? site->name : ""},
                                       {"fallback", site ? site->fallback : ""}}}});
    });

    // ---- fleet health: heartbeats from kiosks (device state only), the Devices list for IT
    srv.Post("/api/v1/heartbeat", [this, kiosk_of](const httplib::Request& req, httplib::Response& res) {
        auto k = kiosk_of(req, res);
        if (!k) return;
        json body;
        const std::vector<std::string> states{"ok", "missing", "failing", "none"};
        if (!parse_body(req, res,
                        {{"version", Field::String, true, 32},
                         {"uptime_s", Field::Integer, true, 10 * 365 * 86400},
                         {"content_version", Field::String, true, 64},
                         {"printer", Field::String, true, 8, states},
                         {"camera", Field::String, true, 8, states},
                         {"audio", Field::String, true, 8, states},
                         {"last_error", Field::String, false, 200},
                         {"screen", Field::String, false, 8, {"on", "dark"}}},
                        body))
            return;
        Health h;
        h.kiosk_id = k->id;
        h.at = now_s();
        h.version = body["version"];
        h.uptime_s = body["uptime_s"];
        h.content_version = body["content_version"];
        h.printer = body["printer"];
        h.camera = body["camera"];
        h.audio = body["audio"];
        h.last_error = body.value("last_error", "");
        h.screen = body.value("screen", "on");
        store_.record_health(h);
        // The answer tells the kiosk the newest published content bundle; it fetches it
        // when it is newer than what it serves (and verifies it itself).
        json content = nullptr;
        if (auto b = store_.latest_bundle()) {
            content = {{"version", b->version}, {"sha256", b->sha256}, {"size", b->size}};
            refresh_titles(b->version);  // published meanwhile (the CLI writes to the same database)
        }
        // And the revision of its remote settings: the kiosk fetches them when it changed.
        send_json(res, 200, {{"content", content}, {"settings", {{"revision", settings_for(store_, *k).revision}}}});
    });
    srv.Get("/api/v1/kiosk/settings", [this, kiosk_of](const httplib::Request& req, httplib::Response& res) {
        auto k = kiosk_of(req, res);
        if (!k) return;
        const auto s = settings_for(store_, *k);
        send_json(res, 200, {{"revision", s.revision}, {"settings", json::parse(s.body)}});
    });
    srv.Get(R"(/api/v1/content/bundles/(\d+))", [this, kiosk_of, id_of](const httplib::Request& req, httplib::Response& res) {
        if (!kiosk_of(req, res)) return;
        const auto version = id_of(req);
        auto b = store_.bundle(version);
        if (!b) return send_error(res, 404, "no such content bundle");
        // Streamed from the file in 64 KiB pieces: a bundle never sits whole in memory.
        auto in = std::make_shared<std::ifstream>(bundle_file(options_.data_dir, version), std::ios::binary);
        std::error_code ec;
        const auto size = std::filesystem::file_size(bundle_file(options_.data_dir, version), ec);
        if (!*in || ec) return send_error(res, 500, "the bundle's file cannot be read");
        res.set_header("X-Content-SHA256", b->sha256);
        res.set_content_provider(static_cast<size_t>(size), "application/x-tar", [in](size_t offset, size_t length, httplib::DataSink& sink) {
            std::vector<char> buf(std::min<size_t>(length, 64 * 1024));
            in->seekg(static_cast<std::streamoff>(offset));
            in->read(buf.data(), static_cast<std::streamsize>(buf.size()));
            const auto got = in->gcount();
            return got > 0 && sink.write(buf.data(), static_cast<size_t>(got));
        });
    });
    srv.Get("/api/v1/content/bundles", [this, staff_of](const httplib::Request& req, httplib::Response& res) {
        auto u = staff_of(req, res, false, kIt);
        if (!u) return;
        json out = json::array();
        for (const auto& b : store_.bundles(50))
            out.push_back({{"version", b.version}, {"sha256", b.sha256}, {"key_id", b.key_id}, {"size", b.size},
                           {"files", b.files}, {"published_at", b.published_at}});
        send_json(res, 200, {{"bundles", out}});
    });
    srv.Get("/api/v1/devices", [this, staff_of](const httplib::Request& req, httplib::Response& res) {
        auto u = staff_of(req, res, false, kIt);
        if (!u) return;
        const Seconds now = now_s();
        std::vector<std::pair<std::string, Device>> list;
        for (auto& d : store_.devices())
            if (std::find(u->sites.begin(), u->sites.end(), d.kiosk.site_id) != u->sites.end())
                list.emplace_back(device_state(d, now), std::move(d));
        std::stable_sort(list.begin(), list.end(), [](const auto& a, const auto& b) { return state_rank(a.first) < state_rank(b.first); });
        json out = json::array();
        const auto latest = store_.latest_bundle();
        const std::string latest_label = latest ? "v" + std::to_string(latest->version) + " " : "";
        for (const auto& [state, d] : list)
            out.push_back({{"id", d.kiosk.id}, {"site_slug", d.site_slug},
                           {"content_current", latest_label.empty() || d.health.content_version.rfind(latest_label, 0) == 0},
                           {"name", d.kiosk.name}, {"site", d.site_name}, {"place", d.kiosk.place}, {"state", state},
                           {"seen_s_ago", d.health.at ? now - d.health.at : -1}, {"version", d.health.version},
                           {"uptime_s", d.health.uptime_s}, {"content_version", d.health.content_version},
                           {"printer", d.health.printer}, {"camera", d.health.camera}, {"audio", d.health.audio},
                           {"last_error", d.health.last_error}, {"screen", d.health.screen}});
        send_json(res, 200, {{"devices", out}, {"stale_after_s", kStaleAfter},
                             {"content", latest ? json{{"version", latest->version}, {"published_at", latest->published_at}} : json(nullptr)}});
    });
    // Remote settings per site, from the Devices page (as `ledsager-hub settings set --site`).
    auto site_for_it = [this, staff_of](const httplib::Request& req, httplib::Response& res, bool changes) -> std::optional<std::pair<User, Site>> {
        auto u = staff_of(req, res, changes, kIt);
        if (!u) return std::nullopt;
        auto site = store_.site_by_slug(req.matches[1]);
        if (!site || std::find(u->sites.begin(), u->sites.end(), site->id) == u->sites.end())
            return send_error(res, 404, "no such site of yours"), std::nullopt;
        return std::make_pair(*u, *site);
    };
    srv.Get(R"(/api/v1/sites/([a-z0-9-]+)/settings)", [this, site_for_it](const httplib::Request& req, httplib::Response& res) {
        auto us = site_for_it(req, res, false);
        if (!us) return;
        const auto own = store_.settings(us->second.id, 0);
        send_json(res, 200, {{"settings", own ? json::parse(own->first, nullptr, false) : json::object()},
                             {"revision", own ? own->second : 0}});
    });
    srv.Post(R"(/api/v1/sites/([a-z0-9-]+)/settings)", [this, site_for_it](const httplib::Request& req, httplib::Response& res) {
        auto us = site_for_it(req, res, true);
        if (!us) return;
        const json body = json::parse(req.body, nullptr, false);
        if (body.is_discarded() || !body.is_object()) return send_error(res, 400, "settings: a JSON object of setting: value");
        core::KioskConfig check;
        std::string error;
        if (!core::apply_remote_settings(body.dump(), check, error)) return send_error(res, 400, error, error.substr(0, error.find(':')));
        store_.set_settings(us->second.id, 0, body.dump());
        store_.audit(us->first.id, "settings", us->second.slug, now_s());
        send_json(res, 200, {{"settings", body}, {"revision", store_.settings(us->second.id, 0)->second}});
    });
    // IT admins add kiosks from the console: a one-time code (shown once), as the CLI's enroll-code.
    srv.Post("/api/v1/enroll-codes", [this, staff_of](const httplib::Request& req, httplib::Response& res) {
        auto u = staff_of(req, res, true, kIt);
        if (!u) return;
        json body;
        if (!parse_body(req, res, {{"site", Field::String, true, 64}, {"name", Field::String, true, 64}, {"place", Field::String, true, 120},
                                   {"valid_for_s", Field::Integer, false, 7 * 86400}}, body))
            return;
        auto site = store_.site_by_slug(body["site"]);
        if (!site || std::find(u->sites.begin(), u->sites.end(), site->id) == u->sites.end())
            return send_error(res, 404, "site: not one of yours", "site");
        const std::string place = body["place"], name = body["name"];
        if (name.empty()) return send_error(res, 400, "name: give the kiosk a name", "name");
        if (place.empty()) return send_error(res, 400, "place: say where the kiosk will stand", "place");
        const Seconds valid = body.value("valid_for_s", 86400);
        if (valid < 300) return send_error(res, 400, "valid_for_s: at least 300 seconds", "valid_for_s");
        const std::string code = enrollment_code();
        const Seconds now = now_s();
        if (!store_.add_enrollment_code(site->id, name, place, hash_token(normalize_code(code)), now, now + valid))
            return send_json(res, 409, {{"error", "name: a kiosk (or an open code) at this site is called " + name + " already"},
                                        {"field", "name"}, {"reason", "name_taken"}});
        store_.audit(u->id, "enroll_code", site->slug + "/" + name + ": " + place, now);
        send_json(res, 201, {{"code", code}, {"site", site->slug}, {"name", name}, {"place", place}, {"expires_at", now + valid}});
    });
    srv.Post(R"(/api/v1/devices/(\d+)/revoke)", [this, staff_of, id_of](const httplib::Request& req, httplib::Response& res) {
        auto u = staff_of(req, res, true, kIt);
        if (!u) return;
        const auto id = id_of(req);
        for (const auto& d : store_.devices()) {
            if (d.kiosk.id != id || std::find(u->sites.begin(), u->sites.end(), d.kiosk.site_id) == u->sites.end()) continue;
            if (d.kiosk.revoked) return send_conflict(res, "this kiosk is revoked already", "revoked");
            store_.revoke_kiosk(d.kiosk.id);
            store_.audit(u->id, "revoke", d.site_slug + "/" + d.kiosk.name, now_s());
            res.status = 204;
            return;
        }
        send_error(res, 404, "no such kiosk");
    });

    // ---- learning from use: anonymous usage from kiosks, reports for managers
    srv.Post("/api/v1/usage", [this, kiosk_of](const httplib::Request& req, httplib::Response& res) {
        auto k = kiosk_of(req, res);
        if (!k) return;
        if (!usage_rate_.allow(std::to_string(k->id))) {  // a kiosk sends a batch a minute or so
            res.set_header("Retry-After", "30");
            return send_error(res, 429, "too many usage batches from this kiosk: wait a moment");
        }
        const json body = json::parse(req.body, nullptr, false);
        if (body.is_discarded()) return send_error(res, 400, "not valid JSON");
        std::string error;
        if (!fold_usage(store_, *k, body, now_s(), error)) return send_error(res, 400, error);
        res.status = 204;
    });
    auto report_query = [this, staff_of](const httplib::Request& req, httplib::Response& res, ReportQuery& q) {
        auto u = staff_of(req, res, false, kReports);
        if (!u) return false;
        q.to = req.has_param("to") ? req.get_param_value("to") : "";
        q.from = req.has_param("from") ? req.get_param_value("from") : "";
        const std::string last_final = final_month(store_, now_s());  // kept in the database, only ever raised
        if (q.to.empty()) q.to = last_day(last_final);  // by default the last final month
        if (q.from.empty()) q.from = q.to.substr(0, 7) + "-01";
        std::string field;
        if (const std::string e = check_period(q.from, q.to, last_final, options_.max_report_days, field); !e.empty())
            return send_error(res, 400, e, field), false;
        const std::string slug = req.has_param("site") ? req.get_param_value("site") : "";
        for (auto id : u->sites) {
            auto s = store_.site(id);
            if (s && (slug.empty() || s->slug == slug)) q.sites.push_back(id);
        }
        if (q.sites.empty()) return send_error(res, 404, "site: not one of yours", "site"), false;
        const std::string lang = req.has_param("lang") && req.get_param_value("lang") == "en" ? "en" : "da";
        auto pick = [&](const std::map<std::string, std::string>& by_lang) {
            auto it = by_lang.find(lang);
            return it != by_lang.end() ? it->second : by_lang.empty() ? std::string() : by_lang.begin()->second;
        };
        const auto titles = this->titles();
        for (const auto& [g, t] : titles->guides) q.titles[g] = pick(t);
        for (const auto& [k, t] : titles->steps) q.titles[k] = pick(t);
        for (const auto& [g, order] : titles->order) q.titles[g + "/"] = order;
        q.titles[kOtherGuides] = lang == "en" ? "Other guides" : "Andre vejledninger";
        // Sources count as old from the same day --check-content would say so.
        const std::time_t now = static_cast<std::time_t>(now_s());
        std::tm tm{};
        gmtime_r(&now, &tm);
        tm.tm_mon -= options_.source_age_months;
        tm.tm_mday = std::min(tm.tm_mday, 28);  // a month's end: a day or three early is no harm
        timegm(&tm);
        char cutoff[32];
        std::strftime(cutoff, sizeof cutoff, "%Y-%m-%d", &tm);
        for (const auto& [g, r] : titles->review) {
            json langs = json::object();
            for (const auto& [l, lr] : r.languages)
                langs[l] = {{"outdated", lr.outdated}, {"reviewed_by", lr.reviewed_by}, {"reviewed", lr.reviewed}};
            q.content[g] = {{"sources_checked", r.sources_checked},
                            {"sources_stale", !r.sources_checked.empty() && r.sources_checked < cutoff},
                            {"source_age_months", options_.source_age_months},
                            {"languages", langs}};
        }
        return true;
    };
    srv.Get("/api/v1/insight/guides", [report_query, this](const httplib::Request& req, httplib::Response& res) {
        ReportQuery q;
        if (report_query(req, res, q)) send_json(res, 200, guide_report(store_, q));
    });
    srv.Get("/api/v1/insight/sites", [report_query, this](const httplib::Request& req, httplib::Response& res) {
        ReportQuery q;
        if (report_query(req, res, q)) send_json(res, 200, site_report(store_, q));
    });
    srv.Get("/api/v1/insight/gains", [report_query, this](const httplib::Request& req, httplib::Response& res) {
        ReportQuery q;
        if (!report_query(req, res, q)) return;
        const json g = gains_report(store_, q);
        if (req.has_param("format") && req.get_param_value("format") == "csv") {
            res.set_header("Content-Disposition", "attachment; filename=\"ledsager-gains-" + q.from + "-" + q.to + ".csv\"");
            res.set_content(gains_csv(g), "text/csv; charset=utf-8");
            return;
        }
        send_json(res, 200, g);
    });

    // ---- staff login
    srv.Post("/api/v1/auth/login", [this](const httplib::Request& req, httplib::Response& res) {
        json body;
        if (!parse_body(req, res, {{"username", Field::String, true, 64}, {"password", Field::String, true, 256}}, body)) return;
        const std::string user = body["username"], pass = body["password"], from = client_address(req);
        // Counted before the password is checked (so concurrent guesses are counted too):
        // the address first, then the name from anywhere, then the name from this address.
        const std::pair<Throttle*, std::string> counters[] = {{&login_addr_, from}, {&login_user_, user}, {&login_user_addr_, user + "\n" + from}};
        for (const auto& [throttle, key] : counters)
            if (const std::int64_t wait = throttle->begin(key); wait > 0) {
                res.set_header("Retry-After", std::to_string(wait));
                return send_json(res, 429, {{"error", "too many failed logins: try again in " + std::to_string(wait) + " s"},
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
        const bool ok = verify_password(u ? u->password_hash : unknown_user_hash, pass) && u;
        password_checks_.release();
        if (!ok) {
            // The name only when it is an account's: what is typed may be a password.
            store_.audit(0, "login_failed", u ? user : "(unknown name)", now_s());
            return send_error(res, 401, "wrong user name or password");
        }
        login_user_.succeeded(user);
        login_user_addr_.succeeded(user + "\n" + from);
        login_addr_.forgive(from);  // a shared front-desk address is not slowed by good logins
        const std::string sid = random_token(), csrf = random_token();
        store_.add_session(hash_token(sid), u->id, csrf, now_s() + options_.session_max_s, now_s());
        store_.audit(u->id, "login", user, now_s());
        res.set_header("Set-Cookie", "ledsager_session=" + sid + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(options_.session_max_s) +
                                         (options_.secure_cookies ? "; Secure" : ""));
        send_json(res, 200, {{"csrf", csrf}, {"name", u->display_name}, {"role", u->role}});
    });
    srv.Post("/api/v1/auth/logout", [this, staff_of](const httplib::Request& req, httplib::Response& res) {
        auto u = staff_of(req, res, true, kAnyRole);
        if (!u) return;
        store_.delete_session(hash_token(cookie(req, "ledsager_session")));
        store_.audit(u->id, "logout", u->username, now_s());
        res.set_header("Set-Cookie", "ledsager_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
        res.status = 204;
    });
    srv.Get("/api/v1/me", [this, staff_of](const httplib::Request& req, httplib::Response& res) {
        auto u = staff_of(req, res, false, kAnyRole);
        if (!u) return;
        json sites = json::array();
        for (auto id : u->sites)
            if (auto s = store_.site(id)) sites.push_back({{"id", s->id}, {"slug", s->slug}, {"name", s->name}});
        auto s = store_.session(hash_token(cookie(req, "ledsager_session")), now_s(), options_.session_idle_s);
        send_json(res, 200, {{"name", u->display_name}, {"role", u->role}, {"sites", sites}, {"csrf", s ? s->second : ""}});
    });

    // ---- help requests: kiosks
    srv.Post("/api/v1/help-requests", [this, kiosk_of, request_json](const httplib::Request& req, httplib::Response& res) {
        auto k = kiosk_of(req, res);
        if (!k) return;
        json body;
        if (!parse_body(req, res,
                        {{"kind", Field::String, true, 16, {"in_person", "video"}},
                         {"guide", Field::String, false, 64},
                         {"step", Field::String, false, 64},
                         {"step_number", Field::Integer, false},
                         {"language", Field::String, true, 8},
                         {"needs", Field::StringList, false, 6, kNeeds}},
                        body))
            return;
        // One kiosk, one citizen: a few open requests at most, and a few new ones a minute.
        if (!help_rate_.allow(std::to_string(k->id))) {
            res.set_header("Retry-After", "10");
            return send_error(res, 429, "too many help requests from this kiosk: wait a moment");
        }
        if (store_.open_requests_of_kiosk(k->id) >= options_.max_open_requests_per_kiosk) {
            res.set_header("Retry-After", "30");
            return send_error(res, 429, "this kiosk has " + std::to_string(options_.max_open_requests_per_kiosk) +
                                            " open help requests already: cancel one first");
        }
        HelpRequest r;
        r.site_id = k->site_id;
        r.kiosk_id = k->id;
        r.kind = body["kind"];
        r.guide = body.value("guide", "");
        r.step = body.value("step", "");
        r.step_number = body.value("step_number", 0);
        r.language = body["language"];
        std::vector<std::string> needs;
        for (const auto& n : body.value("needs", json::array())) needs.push_back(n);
        r.needs = join(needs);
        r = store_.create_request(r, now_s());
        ++help_requests_created_;
        if (r.kind == "video") calls_.open(r.id, r.site_id, r.kiosk_id, now_s());
        {
            std::lock_guard lock(signals_mutex_);
            signals_.erase(k->id);  // the citizen asked: the quiet signal has done its work
        }
        notifier_.changed(r.site_id);
        auto stored = store_.request(r.id);
        send_json(res, 201, request_json(*stored, false));
    });
    srv.Get(R"(/api/v1/help-requests/(\d+))", [this, kiosk_of, staff_of, in_site, request_json, id_of](
                                                  const httplib::Request& req, httplib::Response& res) {
        auto r = store_.request(id_of(req));
        if (req.has_header("Authorization")) {
            auto k = kiosk_of(req, res);
            if (!k) return;
            if (!r || r->kiosk_id != k->id) return send_error(res, 404, "no such help request");
            return send_json(res, 200, request_json(*r, false));
        }
        auto u = staff_of(req, res, false, kDesk);
        if (!u) return;
        if (!r || !in_site(*u, r->site_id)) return send_error(res, 404, "no such help request");
        send_json(res, 200, request_json(*r, true));
    });
    srv.Post(R"(/api/v1/help-requests/(\d+)/cancel)", [this, kiosk_of, request_json, id_of](const httplib::Request& req,
                                                                                            httplib::Response& res) {
        auto k = kiosk_of(req, res);
        if (!k) return;
        auto r = store_.request(id_of(req));
        if (!r || r->kiosk_id != k->id) return send_error(res, 404, "no such help request");
        if (!store_.set_status(r->id, "open", "cancelled", 0, "", now_s()) &&
            !store_.set_status(r->id, "claimed", "cancelled", 0, "", now_s()))
            return send_error(res, 409, "the request is already " + r->status);
        calls_.end(r->id, CallSide::Caseworker, "cancelled", now_s());
        notifier_.changed(r->site_id);
        send_json(res, 200, request_json(*store_.request(r->id), false));
    });

    // ---- quiet "may need help" signals from kiosks
    srv.Post("/api/v1/signals", [this, kiosk_of](const httplib::Request& req, httplib::Response& res) {
        auto k = kiosk_of(req, res);
        if (!k) return;
        json body;
        if (!parse_body(req, res,
                        {{"reason", Field::String, true, 32, {"idle_on_step", "back_and_forth"}},
                         {"guide", Field::String, false, 64},
                         {"step", Field::String, false, 64},
                         {"step_number", Field::Integer, false},
                         {"language", Field::String, true, 8}},
                        body))
            return;
        {
            std::lock_guard lock(signals_mutex_);
            signals_[k->id] = {k->site_id, k->place, body["reason"], body.value("guide", ""), body.value("step", ""),
                               body["language"], body.value("step_number", 0), now_s()};
        }
        notifier_.changed(k->site_id);
        res.status = 204;
    });

    // ---- help requests: staff
    auto signals_for = [this](const User& u) {
        json list = json::array();
        std::lock_guard lock(signals_mutex_);
        const Seconds now = now_s();
        std::erase_if(signals_, [&](const auto& kv) { return now - kv.second.at > kSignalLifetime; });
        for (const auto& [kiosk, sig] : signals_)
            if (std::find(u.sites.begin(), u.sites.end(), sig.site_id) != u.sites.end()) {
                json j{{"kiosk_place", sig.place}, {"reason", sig.reason}, {"guide", sig.guide}, {"step", sig.step},
                       {"step_number", sig.step_number}, {"language", sig.language}, {"since_s", now - sig.at}};
                const auto titles = this->titles();
                if (auto t = titles->guides.find(sig.guide); t != titles->guides.end()) j["guide_title"] = t->second;
                list.push_back(j);
            }
        return list;
    };
    // A video request waits for a caseworker who speaks the citizen's language, while one
    // is online (their console asked within the last minute): seconds still held for `u`.
    auto held_for = [this](const User& u, const HelpRequest& r) -> Seconds {
        if (r.kind != "video" || r.status != "open" || speaks(u.languages, r.language)) return 0;
        const Seconds left = r.created_at + options_.video_language_hold_s - now_s();
        if (left <= 0) return 0;
        std::lock_guard lock(presence_mutex_);
        for (const auto& c : store_.users_at_site(r.site_id)) {
            auto seen = seen_.find(c.id);
            if (c.id != u.id && speaks(c.languages, r.language) && seen != seen_.end() && now_s() - seen->second < 60 &&
                !calls_.busy(c.id))
                return left;
        }
        return 0;
    };
    auto present = [this](const User& u) {
        std::lock_guard lock(presence_mutex_);
        seen_[u.id] = now_s();
    };
    auto staff_list = [this, request_json, held_for](const User& u) {
        json list = json::array();
        for (auto site : u.sites) {
            const auto colleagues = store_.users_at_site(site);
            for (const auto& r : store_.open_requests(site)) {
                json j = request_json(r, true);
                json speakers = json::array();
                for (const auto& c : colleagues)
                    if (speaks(c.languages, r.language)) speakers.push_back(first_name(c.display_name));
                j["speakers"] = speakers;
                j["you_speak"] = speaks(u.languages, r.language);
                j["yours"] = r.claimed_by == u.id;
                if (r.kind == "video") j["held_for_s"] = held_for(u, r);
                list.push_back(j);
            }
        }
        return list;
    };
    srv.Get("/api/v1/help-requests", [staff_of, staff_list, signals_for, present](const httplib::Request& req, httplib::Response& res) {
        auto u = staff_of(req, res, false, kDesk);
        if (!u) return;
        present(*u);
        send_json(res, 200, {{"requests", staff_list(*u)}, {"signals", signals_for(*u)}});
    });
    struct Transition {
        const char* verb;
        const char* from;
        const char* to;
    };
    for (const Transition t : {Transition{"claim", "open", "claimed"}, Transition{"release", "claimed", "open"},
                               Transition{"resolve", "claimed", "resolved"}}) {
        srv.Post(std::string(R"(/api/v1/help-requests/(\d+)/)") + t.verb,
                 [this, t, staff_of, in_site, request_json, id_of](const httplib::Request& req, httplib::Response& res) {
                     auto u = staff_of(req, res, true, kDesk);
                     if (!u) return;
                     std::string outcome;
                     if (std::string(t.verb) == "resolve") {
                         json body;
                         if (!parse_body(req, res, {{"outcome", Field::String, true, 16, kOutcomes}}, body)) return;
                         outcome = body["outcome"];
                     } else if (!req.body.empty()) {
                         json body;
                         if (!parse_body(req, res, {}, body)) return;
                     }
                     auto r = store_.request(id_of(req));
                     if (!r || !in_site(*u, r->site_id)) return send_error(res, 404, "no such help request");
                     const std::string verb = t.verb;
                     if (r->kind == "video" && verb == "claim")
                         return send_conflict(res, "a video request is answered on the caseworker page (/caseworker.html)", "video");
                     // In-person requests are the front desk's; a video call in progress is only
                     // the caseworker's in it (nobody else may end it or give it back).
                     if (r->kind != "video" && u->role != "staff")
                         return send_error(res, 403, "in-person requests are handled by front-desk staff");
                     if (r->kind == "video" && verb == "release") {
                         const auto call = calls_.info(r->id);
                         if (!call || call->ended) return send_conflict(res, "the call has ended: record an outcome instead", "ended");
                         if (call->caseworker != u->id)
                             return send_error(res, 403, "only the caseworker in the call can give it back");
                     }
                     if (r->kind == "video" && verb == "resolve" && r->status == "claimed" && r->claimed_by != u->id)
                         return send_error(res, 403, "only the caseworker who answered records how the call ended");
                     bool ok = store_.set_status(r->id, t.from, t.to, u->id, outcome, now_s());
                     // Resolving an open request directly is fine (handled without claiming first).
                     if (!ok && std::string(t.verb) == "resolve")
                         ok = store_.set_status(r->id, "open", t.to, u->id, outcome, now_s());
                     if (!ok) return send_error(res, 409, "the request is " + r->status);
                     store_.audit(u->id, t.verb, r->number + (outcome.empty() ? "" : " " + outcome), now_s());
                     if (r->kind == "video" && verb == "resolve") calls_.end(r->id, CallSide::Kiosk, "resolved", now_s());
                     if (r->kind == "video" && verb == "release") calls_.release(r->id);
                     notifier_.changed(r->site_id);
                     send_json(res, 200, request_json(*store_.request(r->id), true));
                 });
    }

    // ---- live events for the staff console (server-sent events)
    srv.Get("/api/v1/events", [this, staff_of, staff_list, signals_for, present](const httplib::Request& req, httplib::Response& res) {
        auto u = staff_of(req, res, false, kDesk);
        if (!u) return;
        const User user = *u;
        // Each stream holds a server thread: a few per person, a bounded number in all.
        const std::string holder = std::to_string(user.id);
        if (!streams_.hold(holder)) {
            res.set_header("Retry-After", "15");
            return send_error(res, 429, "too many live-event streams open (at most " + std::to_string(options_.max_event_streams_per_user) +
                                            " per person, " + std::to_string(options_.max_event_streams) + " in all): close a tab");
        }
        res.set_header("X-Accel-Buffering", "no");
        auto seen = std::make_shared<std::map<std::int64_t, std::uint64_t>>();
        auto first = std::make_shared<bool>(true);
        const std::string session = hash_token(cookie(req, "ledsager_session"));
        res.set_chunked_content_provider("text/event-stream", [this, user, seen, first, staff_list, signals_for, present, session](size_t, httplib::DataSink& sink) {
            if (notifier_.stopping()) return false;
            // A stream lives no longer than its login: logout and the session's end close it.
            if (!store_.session(session, now_s(), options_.session_idle_s)) return false;
            present(user);
            bool changed = *first;
            *first = false;
            if (!changed) {
                // Wait up to 15 s for any of the user's sites to change; then a keep-alive.
                const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
                while (!changed && !notifier_.stopping() && std::chrono::steady_clock::now() < deadline) {
                    for (auto site : user.sites) {
                        const auto v = notifier_.wait(site, (*seen)[site], std::chrono::milliseconds(250));
                        if (v != (*seen)[site]) changed = true;
                    }
                }
            }
            for (auto site : user.sites) (*seen)[site] = notifier_.version(site);
            const std::string msg = changed ? "event: requests\ndata: " +
                                                  json{{"requests", staff_list(user)}, {"signals", signals_for(user)}}.dump() + "\n\n"
                                            : ": keep-alive\n\n";
            return sink.write(msg.data(), msg.size());
        }, [this, holder](bool) { streams_.release(holder); });
    });
    // ---- video calls: answering, signaling (offer/answer/ICE through the hub), ICE servers
    // ICE servers for one call. A TURN server given without a password gets short-lived TURN
    // REST credentials (coturn's use-auth-secret): the long-term secret stays on the hub.
    auto ice_json = [this](bool browser) {
        json list = json::array();
        for (const auto& url : options_.ice_servers) {
            const bool turn = url.rfind("turn", 0) == 0;
            std::string u = url;
            if (turn && !options_.turn_secret.empty() && url.find('@') == std::string::npos) {
                const auto c = turn_rest_credentials(options_.turn_secret, now_s() + options_.turn_ttl_s);
                const auto colon = url.find(':');
                u = url.substr(0, colon + 1) + percent_encoded(c.first) + ":" + percent_encoded(c.second) + "@" + url.substr(colon + 1);
            }
            list.push_back(browser ? browser_ice_server(u) : json(u));
        }
        return list;
    };
    srv.Post(R"(/api/v1/help-requests/(\d+)/answer)", [this, staff_of, in_site, request_json, id_of, held_for, ice_json](
                                                          const httplib::Request& req, httplib::Response& res) {
        auto u = staff_of(req, res, true, kDesk);
        if (!u) return;
        auto r = store_.request(id_of(req));
        if (!r || !in_site(*u, r->site_id)) return send_error(res, 404, "no such help request");
        if (r->kind != "video") return send_conflict(res, "not a video request", "not_video");
        if (const Seconds held = held_for(*u, *r); held > 0)
            return send_conflict(res, "held " + std::to_string(held) + " s more for a caseworker who speaks " + r->language, "held");
        if (r->status != "open") return send_conflict(res, "the request is " + r->status + " (someone else answered, or the citizen left)", "taken");
        if (!calls_.answer(r->id, u->id)) return send_conflict(res, "the call is no longer there (the citizen left)", "gone");
        if (!store_.set_status(r->id, "open", "claimed", u->id, "", now_s())) {
            calls_.unanswer(r->id, u->id);
            return send_conflict(res, "someone else answered", "taken");
        }
        if (!calls_.post(r->id, CallSide::Kiosk, {{"type", "answered"}, {"name", first_name(u->display_name)}})) {
            calls_.unanswer(r->id, u->id);
            store_.set_status(r->id, "claimed", "open", u->id, "", now_s());
            return send_conflict(res, "the kiosk cannot be reached in this call any more", "gone");
        }
        ++calls_answered_;
        store_.audit(u->id, "answer", r->number, now_s());
        notifier_.changed(r->site_id);
        json j = request_json(*store_.request(r->id), true);
        j["ice_servers"] = ice_json(true);
        send_json(res, 200, j);
    });
    // Which side is asking about a call: the kiosk that made it, or the caseworker who answered.
    auto call_side = [this, kiosk_of, staff_of, id_of](const httplib::Request& req, httplib::Response& res, bool changes,
                                                       CallSide& side) -> std::optional<CallInfo> {
        auto call = calls_.info(id_of(req));
        if (req.has_header("Authorization")) {
            auto k = kiosk_of(req, res);
            if (!k) return std::nullopt;
            if (!call || call->kiosk_id != k->id) return send_error(res, 404, "no such call"), std::nullopt;
            side = CallSide::Kiosk;
            return call;
        }
        auto u = staff_of(req, res, changes, kDesk);
        if (!u) return std::nullopt;
        if (!call || call->caseworker != u->id) return send_error(res, 404, "no such call (answer it first)"), std::nullopt;
        side = CallSide::Caseworker;
        return call;
    };
    srv.Get("/api/v1/calls/ice-servers", [this, kiosk_of, staff_of, ice_json](const httplib::Request& req, httplib::Response& res) {
        // Only for those in a call: a kiosk with a call not ended, a caseworker who answered one.
        if (req.has_header("Authorization")) {
            auto k = kiosk_of(req, res);
            if (!k) return;
            if (!calls_.kiosk_in_call(k->id)) return send_error(res, 404, "no call of this kiosk is under way");
            return send_json(res, 200, {{"ice_servers", ice_json(false)}});
        }
        auto u = staff_of(req, res, false, kDesk);
        if (!u) return;
        if (!calls_.busy(u->id)) return send_error(res, 404, "you are in no call (answer one first)");
        send_json(res, 200, {{"ice_servers", ice_json(true)}});
    });
    srv.Post(R"(/api/v1/calls/(\d+)/messages)", [this, call_side](const httplib::Request& req, httplib::Response& res) {
        CallSide side{};
        auto call = call_side(req, res, true, side);
        if (!call) return;
        json body;
        if (!parse_body(req, res,
                        {{"type", Field::String, true, 16, {"offer", "answer", "candidate", "hangup"}},
                         {"sdp", Field::String, false, 12000},
                         {"candidate", Field::String, false, 1024},
                         {"mline", Field::Integer, false},
                         {"reason", Field::String, false, 32}},
                        body))
            return;
        const std::string type = body["type"];
        if ((type == "offer" || type == "answer") && !body.contains("sdp")) return send_error(res, 400, "an " + type + " needs sdp", "sdp");
        if (type == "candidate" && !body.contains("candidate")) return send_error(res, 400, "a candidate needs candidate", "candidate");
        if (type == "offer" && side != CallSide::Kiosk) return send_error(res, 400, "the kiosk makes the offer", "type");
        if (type == "answer" && side != CallSide::Caseworker) return send_error(res, 400, "the caseworker answers the offer", "type");
        if (call->ended) return send_conflict(res, "the call has ended", "ended");
        if (side == CallSide::Kiosk && !call->caseworker && type != "hangup")
            return send_conflict(res, "nobody has answered yet", "not_answered");
        const CallSide other = side == CallSide::Kiosk ? CallSide::Caseworker : CallSide::Kiosk;
        if (type == "hangup") {
            calls_.end(call->request_id, other, body.value("reason", side == CallSide::Kiosk ? "citizen" : "caseworker"), now_s());
            notifier_.changed(call->site_id);
        } else if (!calls_.post(call->request_id, other, body)) {
            return send_error(res, 409, "the call has ended");
        }
        res.status = 204;
    });
    srv.Get(R"(/api/v1/calls/(\d+)/messages)", [this, call_side](const httplib::Request& req, httplib::Response& res) {
        CallSide side{};
        auto call = call_side(req, res, false, side);
        if (!call) return;
        size_t after = 0;
        int wait_s = 20;
        try {
            if (req.has_param("after")) after = std::stoul(req.get_param_value("after"));
            if (req.has_param("wait")) wait_s = std::clamp(std::stoi(req.get_param_value("wait")), 0, 25);
        } catch (...) {
            return send_error(res, 400, "after and wait are whole numbers", "after");
        }
        bool ended = false, known = false;  // (Calls bounds the long polls: one per side, 48 in all)
        auto list = calls_.wait(call->request_id, side, call->caseworker, after, std::chrono::seconds(wait_s), ended, known);
        if (!known) return send_error(res, 404, "no such call");
        send_json(res, 200, {{"messages", list}, {"ended", ended}});
    });
}

}  // namespace ledsager::hub
