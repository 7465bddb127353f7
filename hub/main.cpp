// ledsager-hub: where kiosks, front-desk staff and caseworkers meet. See --help.
#include <fcntl.h>
#include <sys/stat.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <thread>

#include <nlohmann/json.hpp>
#include <optional>
#include "common/bundle.hpp"
#include "common/content.hpp"
#include "common/remote_settings.hpp"
#include "hub/auth.hpp"
#include "hub/bundles.hpp"
#include "hub/server.hpp"
#include "hub/user_cli.hpp"

using namespace ledsager::hub;
namespace common = ledsager::common;

namespace {
Hub* g_hub = nullptr;  // for the signal handler only
extern "C" void on_signal(int) {
    if (g_hub) g_hub->stop();
}

bool parse_listen(const std::string& s, std::string& host, int& port) {
    const auto colon = s.rfind(':');
    if (colon == std::string::npos) return false;
    host = s.substr(0, colon);
    try {
        port = std::stoi(s.substr(colon + 1));
    } catch (...) {
        return false;
    }
    return !host.empty() && port >= 0 && port < 65536;
}
// ledsager-hub settings set|show: the values are checked as a kiosk would apply them.
int settings_command(const CLI::App& set, const std::string& data, const std::string& site_slug,
                     const std::string& kiosk_name, const std::vector<std::string>& pairs) {
    using json = nlohmann::json;
    try {
        Store store(data);
        auto site = store.site_by_slug(site_slug);
        if (!site) return std::fprintf(stderr, "ledsager-hub: no site '%s'\n", site_slug.c_str()), 2;
        std::int64_t kiosk_id = 0;
        std::optional<Kiosk> kiosk;
        if (!kiosk_name.empty()) {
            kiosk = store.kiosk_by_name(site->id, kiosk_name);
            if (!kiosk)
                return std::fprintf(stderr, "ledsager-hub: no active kiosk '%s' at %s\n", kiosk_name.c_str(),
                                    site_slug.c_str()),
                       2;
            kiosk_id = kiosk->id;
        }
        if (!set) {
            const auto own = store.settings(site->id, kiosk_id);
            std::printf("%s\n", own ? json::parse(own->first).dump(2).c_str() : "{}");
            if (kiosk)
                std::printf("what the kiosk gets (site's, then its own): %s\n",
                            settings_for(store, *kiosk).body.c_str());
            return 0;
        }
        json body = json::object();
        if (auto own = store.settings(site->id, kiosk_id)) body = json::parse(own->first);
        for (const auto& p : pairs) {
            const auto eq = p.find('=');
            if (eq == std::string::npos || eq == 0)
                return std::fprintf(stderr, "ledsager-hub: '%s': expected KEY=VALUE\n", p.c_str()), 2;
            const std::string key = p.substr(0, eq), text = p.substr(eq + 1);
            json value = json::parse(text, nullptr, false);
            if (value.is_discarded()) value = text;  // plain words are text
            if (value.is_null())
                body.erase(key);
            else
                body[key] = value;
        }
        // Checked as the kiosk will apply it: over its site's settings for one kiosk.
        json effective = json::object();
        if (kiosk_id)
            if (auto s = store.settings(site->id, 0)) effective.update(json::parse(s->first), true);
        effective.update(body, true);
        ledsager::common::RemoteSettings checked;
        std::string error;
        if (!ledsager::common::parse_remote_settings(effective.dump(), ledsager::common::LanguageChoice::as_shipped(),
                                                     checked, error))
            return std::fprintf(stderr, "ledsager-hub: settings not changed: %s\n", error.c_str()), 2;
        store.set_settings(site->id, kiosk_id, body.dump());
        store.audit(0, "settings", site_slug + (kiosk_name.empty() ? "" : "/" + kiosk_name),
                    static_cast<Seconds>(std::time(nullptr)));
        std::printf("settings for %s%s%s: %s (kiosks apply them between sessions)\n",
                    kiosk_name.empty() ? "every kiosk at " : "",
                    kiosk_name.empty() ? "" : (kiosk_name + " at ").c_str(), site_slug.c_str(), body.dump().c_str());
        return 0;
    } catch (const StoreError& e) {
        return std::fprintf(stderr, "ledsager-hub: %s\n", e.what()), 1;
    } catch (const nlohmann::json::exception& e) {
        return std::fprintf(stderr, "ledsager-hub: stored settings unreadable: %s\n", e.what()), 1;
    }
}

std::string read_secret(const std::string& file, std::string& error) {
    std::ifstream in(file);
    std::string key;
    std::getline(in, key);
    if (!in && key.empty()) error = file + ": cannot be read";
    return key;
}

int content_command(const CLI::App& cmd, const std::string& data, const std::string& secret_file,
                    const std::string& from_dir, const std::string& bundle_out, const std::string& bundle_in,
                    const std::vector<std::string>& keys, std::int64_t version) {
    namespace fs = std::filesystem;
    const auto* keygen = cmd.get_subcommand("keygen");
    const auto* build = cmd.get_subcommand("build");
    const auto* publish = cmd.get_subcommand("publish");
    const auto* list = cmd.get_subcommand("list");
    std::string error;
    for (const auto& k : keys)
        if (common::content_key_id(k).empty())
            return std::fprintf(stderr, "ledsager-hub: --public-key: '%s' is not an ed25519 public key in base64\n",
                                k.c_str()),
                   2;
    if (*keygen) {
        const auto kp = common::make_content_key_pair();
        const int fd = ::open(secret_file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0)
            return std::fprintf(stderr, "ledsager-hub: %s: cannot be made (%s)\n", secret_file.c_str(),
                                std::strerror(errno)),
                   1;
        const std::string line = kp.secret_key + "\n";
        const bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) && ::fsync(fd) == 0;
        ::close(fd);
        if (!ok) return std::fprintf(stderr, "ledsager-hub: %s: cannot be written\n", secret_file.c_str()), 1;
        std::printf(
            "secret key written to %s (keep it off the kiosks)\npublic key (key id %s) for [content] public_keys in "
            "kiosk.toml:\n%s\n",
            secret_file.c_str(), common::content_key_id(kp.public_key).c_str(), kp.public_key.c_str());
        return 0;
    }
    // Signs a checked folder of guides. Broken content is never signed.
    auto sign = [&](const std::string& dir, std::int64_t v, const std::string& out) {
        const auto set = common::load_content(dir);
        for (const auto& d : set.diagnostics.items)
            if (d.severity == common::Severity::Error) std::fprintf(stderr, "%s\n", d.format().c_str());
        if (set.diagnostics.has_errors()) {
            std::fprintf(stderr, "ledsager-hub: %s has errors: not signed\n", dir.c_str());
            return false;
        }
        const std::string secret = read_secret(secret_file, error);
        if (!error.empty() || !common::build_bundle(dir, v, secret, out, error)) {
            std::fprintf(stderr, "ledsager-hub: %s\n", error.c_str());
            return false;
        }
        std::printf("bundle v%lld (%zu guides) written to %s\n", static_cast<long long>(v), set.guides.size(),
                    out.c_str());
        return true;
    };
    if (*build) return sign(from_dir, version, bundle_out) ? 0 : 1;
    try {
        Store store(data);
        if (*list) {
            for (const auto& b : store.bundles(50))
                std::printf("v%lld  %lld files  %lld bytes  key %s  sha256 %s\n", static_cast<long long>(b.version),
                            static_cast<long long>(b.files), static_cast<long long>(b.size), b.key_id.c_str(),
                            b.sha256.c_str());
            return 0;
        }
        if (*publish) {
            std::string file = bundle_in;
            if (file.empty() == from_dir.empty())
                return std::fprintf(
                           stderr,
                           "ledsager-hub: content publish: give --bundle FILE, or --from DIR with --secret-key\n"),
                       2;
            if (!from_dir.empty()) {
                if (secret_file.empty())
                    return std::fprintf(stderr, "ledsager-hub: content publish --from: needs --secret-key\n"), 2;
                const auto latest = store.latest_bundle();
                const std::int64_t next = latest ? latest->version + 1 : 1;
                fs::create_directories(fs::path(data) / "bundles");
                file = (fs::path(data) / "bundles" / ("incoming-" + std::to_string(next) + ".tar")).string();
                if (!sign(from_dir, next, file)) return 1;
            }
            Bundle b;
            const bool ok = publish_bundle(store, data, file, keys, b, error);
            if (!from_dir.empty()) fs::remove(file);
            if (!ok)
                return std::fprintf(stderr, "ledsager-hub: %s: not published: %s\n", file.c_str(), error.c_str()), 1;
            std::printf(
                "published content bundle v%lld (%lld files, signed by key %s%s): kiosks take it between sessions\n",
                static_cast<long long>(b.version), static_cast<long long>(b.files), b.key_id.c_str(),
                keys.empty() ? "; signature not checked here" : ", checked");
            return 0;
        }
    } catch (const StoreError& e) {
        return std::fprintf(stderr, "ledsager-hub: %s\n", e.what()), 1;
    }
    std::fprintf(stderr, "ledsager-hub content: keygen, build, publish or list (see --help)\n");
    return 2;
}
}  // namespace

int main(int argc, char** argv) {
    CLI::App cli{"Ledsager hub: help requests from kiosks to staff"};
    std::string data = "hub-data", listen = "127.0.0.1:8080", cert, key;
    int retention = 30;
    bool demo = false;
    cli.add_option("--data", data, "Folder for the database (created if missing)");
    cli.add_option("--listen", listen, "Address and port, e.g. 127.0.0.1:8080");
    cli.add_option("--tls-cert", cert, "PEM certificate: serve HTTPS");
    cli.add_option("--tls-key", key, "PEM private key for --tls-cert");
    cli.add_option("--retention-days", retention, "Days a closed help request is kept (anonymous counts stay)")
        ->check(CLI::Range(1, 3650));
    int usage_retention = 800;
    cli.add_option("--usage-retention-days", usage_retention,
                   "Days the anonymous usage counts for the insight reports are kept")
        ->check(CLI::Range(30, 3650));
    std::string web = LEDSAGER_HUB_WEB;
    cli.add_option("--web", web, "Folder of the web consoles' files (default: the installed ones)");
    std::string content = LEDSAGER_HUB_CONTENT;
    cli.add_option("--content", content, "Guides, for their titles in the console (default: the installed ones)");
    std::string content_key_file;
    cli.add_option("--content-secret-key", content_key_file,
                   "The content studio's publishing key (from content keygen; readable by the hub's user alone): a "
                   "reviewer's approval of another person's change publishes it. Without it, changes wait for the "
                   "command line");
    std::string preview_kiosk = LEDSAGER_HUB_PREVIEW_KIOSK;
    cli.add_option("--preview-kiosk", preview_kiosk,
                   "The kiosk program that draws the content studio's previews, as citizens see them (default: the "
                   "one built beside the hub; \"\" for none)");
    int source_age_months = 6;
    cli.add_option("--source-age-months", source_age_months,
                   "The insight page marks a guide whose sources were checked longer ago than this (default 6)")
        ->check(CLI::Range(1, 120));
    std::vector<std::string> ice_servers;
    cli.add_option("--ice-server", ice_servers,
                   "STUN/TURN server for video calls across networks, e.g. stun:stun.example.dk:3478 or "
                   "turn:user:password@turn.example.dk:3478 (repeat for several; see deploy/video-calls.md)");
    std::string turn_secret_file;
    cli.add_option("--turn-secret-file", turn_secret_file,
                   "File whose first line is coturn's static-auth-secret: TURN servers given as turn:HOST:PORT get "
                   "credentials valid for an hour, made per call (deploy/video-calls.md)");
    int hold = 30;
    cli.add_option("--video-language-hold", hold,
                   "Seconds a video request waits for a caseworker who speaks the citizen's language")
        ->check(CLI::Range(0, 600));
    cli.add_flag("--demo", demo,
                 "A new, empty database gets a demo site, kiosk and logins (printed); an existing one is left alone");
    std::string trusted_proxy, metrics_token_file;
    cli.add_option("--trusted-proxy", trusted_proxy,
                   "The edge in front of the hub (deploy/edge.md), e.g. 127.0.0.1: its X-Real-IP is the client's "
                   "address, cookies are Secure");
    cli.add_option("--metrics-token-file", metrics_token_file,
                   "File whose first line is the bearer token /metrics asks for (no file: /metrics is off)");
    double usage_per_minute = 30;
    cli.add_option("--usage-batches-per-minute", usage_per_minute,
                   "Usage batches one kiosk may send a minute (bursts as large)")
        ->check(CLI::Range(1.0, 1e7));
    int max_streams = 64, max_streams_user = 4, stale_hours = 12, idle_minutes = 30;
    cli.add_option("--max-event-streams", max_streams, "Live-event streams open at once, all staff together")
        ->check(CLI::Range(1, 100));
    cli.add_option("--max-event-streams-per-user", max_streams_user,
                   "Live-event streams one staff member may hold open")
        ->check(CLI::Range(1, 20));
    cli.add_option("--stale-request-hours", stale_hours, "Hours after which a help request nobody closed is cancelled")
        ->check(CLI::Range(1, 168));
    cli.add_option("--session-idle-minutes", idle_minutes, "Minutes a console login stays valid while unused")
        ->check(CLI::Range(1, 720));

    auto* site_cmd = cli.add_subcommand("site", "Manage sites");
    auto* site_add = site_cmd->add_subcommand("add", "Add a site");
    std::string slug, name, fallback;
    site_add->add_option("--slug", slug, "Short id, e.g. hovedbiblioteket")->required();
    site_add->add_option("--name", name, "Name shown to staff")->required();
    site_add->add_option("--fallback", fallback, "Where citizens find a person when the hub cannot be reached");

    auto* kiosk_cmd = cli.add_subcommand("kiosk", "Manage kiosks");
    auto* kiosk_add = kiosk_cmd->add_subcommand("add", "Add a kiosk; prints its token once");
    std::string kiosk_site, kiosk_name, kiosk_place;
    kiosk_add->add_option("--site", kiosk_site, "Site slug")->required();
    kiosk_add->add_option("--name", kiosk_name, "Device name")->required();
    kiosk_add->add_option("--place", kiosk_place, "Where it stands, shown to staff (e.g. 'By the entrance')")
        ->required();
    auto* kiosk_revoke =
        kiosk_cmd->add_subcommand("revoke", "Revoke a kiosk: its token is refused from its next request on");
    std::string revoke_site, revoke_name;
    kiosk_revoke->add_option("--site", revoke_site, "Site slug")->required();
    kiosk_revoke->add_option("--name", revoke_name, "Device name")->required();
    auto* code_cmd =
        cli.add_subcommand("enroll-code", "Make a one-time enrollment code for a new kiosk; prints it once");
    std::string code_site, code_place, code_name;
    int code_valid = 86400;
    code_cmd->add_option("--site", code_site, "Site slug")->required();
    code_cmd->add_option("--name", code_name, "The kiosk's name, unique at the site (e.g. kiosk-2); revoking names it")
        ->required();
    code_cmd->add_option("--place", code_place, "Where the kiosk will stand, shown to staff (e.g. 'By the entrance')")
        ->required();
    code_cmd->add_option("--valid-for", code_valid, "Seconds the code can be used (default a day; at most a week)")
        ->check(CLI::Range(1, 7 * 86400));

    // Content bundles: signed by whoever holds the secret key, published here, fetched by kiosks.
    auto* content_cmd = cli.add_subcommand("content", "Signed content bundles (guides) for the kiosks");
    auto* content_keygen = content_cmd->add_subcommand(
        "keygen", "Make a signing key pair: writes the secret key (0600), prints the public key for kiosk.toml");
    std::string secret_file, from_dir, bundle_out, bundle_in;
    std::vector<std::string> publish_keys;
    std::int64_t bundle_version = 0;
    content_keygen->add_option("--secret-key", secret_file, "Where to write the secret key (must not exist)")
        ->required();
    auto* content_build = content_cmd->add_subcommand("build", "Check a folder of guides and sign it as a bundle");
    content_build->add_option("--from", from_dir, "Folder of guide folders (like assets/guides)")->required();
    content_build->add_option("--secret-key", secret_file, "The secret key from content keygen")->required();
    content_build
        ->add_option("--version", bundle_version, "The bundle's version: a whole number above every published one")
        ->required()
        ->check(CLI::PositiveNumber);
    content_build->add_option("--out", bundle_out, "The bundle file to write")->required();
    auto* content_publish = content_cmd->add_subcommand(
        "publish", "Publish a bundle to the kiosks (from --bundle, or --from a folder, signed here)");
    content_publish->add_option("--bundle", bundle_in, "A bundle made by content build");
    content_publish->add_option("--from", from_dir,
                                "Or: a folder of guides, signed with --secret-key as the next version");
    content_publish->add_option("--secret-key", secret_file, "With --from: the secret key");
    content_publish->add_option("--public-key", publish_keys,
                                "Check the signature and the guides before publishing (repeatable)");
    content_cmd->add_subcommand("list", "List the published bundles");

    // Remote settings: per site, or per kiosk over its site's.
    auto* settings_cmd = cli.add_subcommand("settings", "Settings pushed to kiosks (applied between sessions)");
    auto* settings_set = settings_cmd->add_subcommand(
        "set", "Set settings for a site's kiosks, or one kiosk: KEY=VALUE ... (VALUE null removes KEY)");
    auto* settings_show = settings_cmd->add_subcommand("show", "Show the settings of a site, or what one kiosk gets");
    std::string settings_site, settings_kiosk;
    std::vector<std::string> settings_pairs;
    for (auto* c : {settings_set, settings_show}) {
        c->add_option("--site", settings_site, "Site slug")->required();
        c->add_option("--kiosk", settings_kiosk, "One kiosk's name (default: every kiosk of the site)");
    }
    settings_set
        ->add_option(
            "pairs", settings_pairs,
            "e.g. inactivity_timeout_s=180 'opening_hours=mon-fri 09:00-18:00' 'languages=[\"da\",\"en\",\"ar\"]'")
        ->required();

    auto* user_cmd = cli.add_subcommand("user", "Manage staff accounts");
    auto* user_add = user_cmd->add_subcommand("add", "Add an account; the password is read from standard input");
    std::string username, display, role, languages;
    std::vector<std::string> user_sites;
    user_add->add_option("--username", username)->required();
    user_add->add_option("--name", display, "Full name; the first name is shown to citizens")->required();
    user_add->add_option("--role", role)
        ->required()
        ->check(CLI::IsMember({"staff", "caseworker", "it_admin", "manager", "editor", "reviewer"}));
    user_add->add_option("--site", user_sites, "Site slug (repeat for several)")->required();
    user_add->add_option("--languages", languages, "Languages spoken, e.g. da,en,ar");
    CLI::App* user_others[] = {
        user_cmd->add_subcommand("list", "List the accounts: name, role, active or disabled, sites"),
        user_cmd->add_subcommand("disable",
                                 "Disable an account (someone who left, a leaked password): ends its sessions at once"),
        user_cmd->add_subcommand("enable", "Let a disabled account log in again"),
        user_cmd->add_subcommand("password",
                                 "Set a new password, read from standard input: ends the account's sessions"),
    };
    for (auto* c : user_others)
        if (c->get_name() != "list") c->add_option("--username", username)->required();
    user_cmd->require_subcommand(1);

    try {
        cli.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return cli.exit(e) == 0 ? 0 : 2;
    }
    if (!init_crypto()) {
        std::fprintf(stderr, "ledsager-hub: libsodium cannot start\n");
        return 1;
    }
    HubOptions options;
    options.data_dir = data;
    options.retention_days = retention;
    options.usage_retention_days = usage_retention;
    options.web_dir = web;
    options.content_dir = content;
    options.preview_kiosk = preview_kiosk;
    if (!preview_kiosk.empty() && ::access(preview_kiosk.c_str(), X_OK) != 0)
        std::fprintf(stderr,
                     "ledsager-hub: --preview-kiosk %s: not a program this user may run; the content studio shows "
                     "no previews (install ledsager-kiosk)\n",
                     preview_kiosk.c_str());
    options.source_age_months = source_age_months;
    if (!content_key_file.empty()) {
        // Checked now, not at the first approval: a key that cannot be used is said at start.
        struct stat st {};
        std::string error;
        if (::stat(content_key_file.c_str(), &st) != 0)
            error = "cannot be read";
        else if (st.st_mode & 077)
            error = "readable by others (chmod 600): it signs what every kiosk shows";
        else if (common::content_public_key(read_secret(content_key_file, error)).empty() && error.empty())
            error = "not a secret key from `ledsager-hub content keygen`";
        if (!error.empty())
            return std::fprintf(stderr, "ledsager-hub: --content-secret-key %s: %s\n", content_key_file.c_str(),
                                error.c_str()),
                   2;
        options.content_secret_key = content_key_file;
    }
    options.tls_cert = cert;
    options.tls_key = key;
    options.video_language_hold_s = hold;
    options.trusted_proxy = trusted_proxy;
    if (!turn_secret_file.empty()) {
        std::string error;
        options.turn_secret = read_secret(turn_secret_file, error);
        if (!error.empty() || options.turn_secret.size() < 16) {
            std::fprintf(stderr, "ledsager-hub: --turn-secret-file: %s\n",
                         error.empty() ? "the secret must have at least 16 characters" : error.c_str());
            return 2;
        }
    }
    options.max_event_streams = max_streams;
    options.usage_batches_per_minute = usage_per_minute;
    options.max_event_streams_per_user = max_streams_user;
    options.stale_request_s = stale_hours * 3600;
    options.session_idle_s = idle_minutes * 60;
    if (!metrics_token_file.empty()) {
        std::string error;
        options.metrics_token = read_secret(metrics_token_file, error);
        if (!error.empty() || options.metrics_token.size() < 16) {
            std::fprintf(stderr, "ledsager-hub: --metrics-token-file: %s\n",
                         error.empty() ? "the token must have at least 16 characters" : error.c_str());
            return 2;
        }
    }
    for (const auto& url : ice_servers) {
        if (url.rfind("stun:", 0) != 0 && url.rfind("turn:", 0) != 0 && url.rfind("turns:", 0) != 0) {
            std::fprintf(
                stderr,
                "ledsager-hub: --ice-server: expected stun:HOST:PORT or turn:USER:PASSWORD@HOST:PORT (got '%s')\n",
                url.c_str());
            return 2;
        }
        options.ice_servers.push_back(url);
    }
    if (!parse_listen(listen, options.host, options.port)) {
        std::fprintf(stderr, "ledsager-hub: --listen: expected HOST:PORT, e.g. 127.0.0.1:8080 (got '%s')\n",
                     listen.c_str());
        return 2;
    }
    if (cert.empty() != key.empty()) {
        std::fprintf(stderr, "ledsager-hub: --tls-cert and --tls-key go together\n");
        return 2;
    }

    if (*settings_cmd) return settings_command(*settings_set, data, settings_site, settings_kiosk, settings_pairs);
    if (*content_cmd)
        return content_command(*content_cmd, data, secret_file, from_dir, bundle_out, bundle_in, publish_keys,
                               bundle_version);

    try {
        if (*user_add) return user_command("add", data, {username, display, role, languages, user_sites}, std::cin);
        for (auto* c : user_others)
            if (*c) return user_command(c->get_name(), data, {username, {}, {}, {}, {}}, std::cin);
        if (*site_add || *kiosk_add || *kiosk_revoke || *code_cmd) {
            Store store(data);
            if (*kiosk_revoke || *code_cmd) {
                auto s = store.site_by_slug(*code_cmd ? code_site : revoke_site);
                if (!s)
                    return std::fprintf(stderr, "ledsager-hub: no site '%s'\n",
                                        (*code_cmd ? code_site : revoke_site).c_str()),
                           2;
                if (*kiosk_revoke) {
                    const auto k = store.kiosk_by_name(s->id, revoke_name);  // active names are unique at a site
                    if (!k || !store.revoke_kiosk(k->id))
                        return std::fprintf(stderr, "ledsager-hub: no active kiosk '%s' at %s\n", revoke_name.c_str(),
                                            revoke_site.c_str()),
                               2;
                    store.audit(0, "revoke", revoke_name, static_cast<Seconds>(std::time(nullptr)));
                    std::printf("kiosk %s at %s revoked: its token is refused from now on\n", revoke_name.c_str(),
                                revoke_site.c_str());
                    return 0;
                }
                const std::string code = enrollment_code();
                const auto now = static_cast<Seconds>(std::time(nullptr));
                if (!store.add_enrollment_code(s->id, code_name, code_place, hash_token(normalize_code(code)), now,
                                               now + code_valid))
                    return std::fprintf(
                               stderr, "ledsager-hub: --name: a kiosk (or an open code) at %s is called '%s' already\n",
                               code_site.c_str(), code_name.c_str()),
                           2;
                std::printf("enrollment code for kiosk %s at %s (%s), valid for %d s, once: %s\n", code_name.c_str(),
                            code_site.c_str(), code_place.c_str(), code_valid, code.c_str());
                return 0;
            }
            if (*site_add) {
                const bool slug_ok =
                    !slug.empty() && slug.size() <= 40 && std::all_of(slug.begin(), slug.end(), [](char c) {
                        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
                    });
                if (!slug_ok)
                    return std::fprintf(stderr,
                                        "ledsager-hub: --slug: 1 to 40 of a-z, 0-9 and -, e.g. hovedbiblioteket\n"),
                           2;
                if (const auto why = display_name_problem(name); !why.empty())
                    return std::fprintf(stderr, "ledsager-hub: --name: %s\n", why.c_str()), 2;
                if (const auto why = display_name_problem(fallback, 400); !fallback.empty() && !why.empty())
                    return std::fprintf(stderr, "ledsager-hub: --fallback: %s\n", why.c_str()), 2;
                store.add_site(slug, name, fallback);
                std::printf("site %s added\n", slug.c_str());
            } else if (*kiosk_add) {
                auto s = store.site_by_slug(kiosk_site);
                if (!s) return std::fprintf(stderr, "ledsager-hub: no site '%s'\n", kiosk_site.c_str()), 2;
                const std::string token = random_token();
                store.add_kiosk(s->id, kiosk_name, kiosk_place, hash_token(token));
                std::printf("kiosk %s added at %s; its token (shown once): %s\n", kiosk_name.c_str(),
                            kiosk_site.c_str(), token.c_str());
            }
            return 0;
        }

        Hub hub(options);
        // Demo logins only ever go into a database made for the demo: one with no sites yet
        // (a real hub's database with a site that happens to be called "demo" gets nothing).
        const bool fresh = hub.store().sites().empty();
        if (demo && fresh) {
            const auto site = hub.store().add_site("demo", "Demo Library", "Go to the front desk by the entrance.");
            hub.store().add_kiosk(site, "kiosk-1", "By the entrance", hash_token("demo-kiosk-token"));
            User u{0, "demo", "Mette Jensen", "staff", hash_password("demo-password"), "da,en", {site}};
            hub.store().add_user(u);
        }
        if (demo && fresh) {
            if (auto site = hub.store().site_by_slug("demo")) {
                User it{0, "demo-it", "Ida Holm", "it_admin", hash_password("demo-password"), "da,en", {site->id}};
                hub.store().add_user(it);
            }
        }
        if (demo && fresh) {
            if (auto site = hub.store().site_by_slug("demo")) {
                User m{0, "demo-manager", "Karen Holt", "manager", hash_password("demo-password"), "da,en", {site->id}};
                hub.store().add_user(m);
            }
        }
        if (demo && fresh) {
            // The content studio's two people: one writes, the other approves.
            if (auto site = hub.store().site_by_slug("demo")) {
                User e{0, "demo-editor", "Emil Lund", "editor", hash_password("demo-password"), "da,en,ar", {site->id}};
                hub.store().add_user(e);
                User r{0,       "demo-reviewer", "Rikke Dahl", "reviewer", hash_password("demo-password"),
                       "da,en", {site->id}};
                hub.store().add_user(r);
            }
        }
        if (demo && fresh) {
            if (auto site = hub.store().site_by_slug("demo")) {
                User c{0,          "demo-case", "Ali Hassan", "caseworker", hash_password("demo-password"),
                       "da,en,ar", {site->id}};
                hub.store().add_user(c);
            }
        }
        std::string error;
        const int port = hub.bind(error);
        if (port < 0) {
            std::fprintf(stderr, "ledsager-hub: %s\n", error.c_str());
            return 1;
        }
        g_hub = &hub;
        std::signal(SIGTERM, on_signal);
        std::signal(SIGINT, on_signal);
        std::fprintf(stderr, "ledsager-hub: listening on %s://%s:%d (data in %s)\n", cert.empty() ? "http" : "https",
                     options.host.c_str(), port, data.c_str());
        if (demo && fresh)
            std::fprintf(stderr,
                         "ledsager-hub: demo site 'demo', kiosk token 'demo-kiosk-token', staff login demo / "
                         "demo-password, caseworker login demo-case / demo-password, IT login demo-it / demo-password, "
                         "manager (reports) demo-manager / demo-password, content editor demo-editor and reviewer "
                         "demo-reviewer / demo-password\n");
        else if (demo)
            std::fprintf(stderr,
                         "ledsager-hub: --demo: the database is not new, so nothing was added (a database made by "
                         "--demo keeps its demo logins)\n");
        sd_notify(0, "READY=1\nSTATUS=Serving");  // systemd (Type=notify): the port is open
        hub.run();
        sd_notify(0, "STOPPING=1");
        g_hub = nullptr;
        std::fprintf(stderr, "ledsager-hub: stopped\n");
        return 0;
    } catch (const StoreError& e) {
        std::fprintf(stderr, "ledsager-hub: %s\n", e.what());
        return 1;
    }
}
