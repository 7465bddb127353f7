// ledsager-hub: where kiosks, front-desk staff and caseworkers meet. See --help.
#include <CLI/CLI.hpp>
#include <ctime>
#include <systemd/sd-daemon.h>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <thread>

#include "hub/auth.hpp"
#include "hub/server.hpp"

using namespace ledsager::hub;

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
    cli.add_option("--retention-days", retention, "Days a closed help request is kept (anonymous counts stay)")->check(CLI::Range(1, 3650));
    std::string web = LEDSAGER_HUB_WEB;
    cli.add_option("--web", web, "Folder of the web consoles' files (default: the installed ones)");
    std::string content = LEDSAGER_HUB_CONTENT;
    cli.add_option("--content", content, "Guides, for their titles in the console (default: the installed ones)");
    std::vector<std::string> ice_servers;
    cli.add_option("--ice-server", ice_servers,
                   "STUN/TURN server for video calls across networks, e.g. stun:stun.example.dk:3478 or "
                   "turn:user:password@turn.example.dk:3478 (repeat for several; see deploy/video-calls.md)");
    int hold = 30;
    cli.add_option("--video-language-hold", hold, "Seconds a video request waits for a caseworker who speaks the citizen's language")
        ->check(CLI::Range(0, 600));
    cli.add_flag("--demo", demo, "Create a demo site, kiosk and staff login if the database is empty, and print them");

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
    kiosk_add->add_option("--place", kiosk_place, "Where it stands, shown to staff (e.g. 'By the entrance')")->required();
    auto* kiosk_revoke = kiosk_cmd->add_subcommand("revoke", "Revoke a kiosk: its token is refused from its next request on");
    std::string revoke_site, revoke_name;
    kiosk_revoke->add_option("--site", revoke_site, "Site slug")->required();
    kiosk_revoke->add_option("--name", revoke_name, "Device name")->required();
    auto* code_cmd = cli.add_subcommand("enroll-code", "Make a one-time enrollment code for a new kiosk; prints it once");
    std::string code_site, code_place;
    int code_valid = 86400;
    code_cmd->add_option("--site", code_site, "Site slug")->required();
    code_cmd->add_option("--place", code_place, "Where the kiosk will stand, shown to staff (e.g. 'By the entrance')")->required();
    code_cmd->add_option("--valid-for", code_valid, "Seconds the code can be used (default a day; at most a week)")
        ->check(CLI::Range(1, 7 * 86400));

    auto* user_cmd = cli.add_subcommand("user", "Manage staff accounts");
    auto* user_add = user_cmd->add_subcommand("add", "Add an account; the password is read from standard input");
    std::string username, display, role, languages;
    std::vector<std::string> user_sites;
    user_add->add_option("--username", username)->required();
    user_add->add_option("--name", display, "Full name; the first name is shown to citizens")->required();
    user_add->add_option("--role", role)->required()->check(CLI::IsMember({"staff", "caseworker", "it_admin", "manager"}));
    user_add->add_option("--site", user_sites, "Site slug (repeat for several)")->required();
    user_add->add_option("--languages", languages, "Languages spoken, e.g. da,en,ar");

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
    options.web_dir = web;
    options.content_dir = content;
    options.tls_cert = cert;
    options.tls_key = key;
    options.video_language_hold_s = hold;
    for (const auto& url : ice_servers) {
        if (url.rfind("stun:", 0) != 0 && url.rfind("turn:", 0) != 0 && url.rfind("turns:", 0) != 0) {
            std::fprintf(stderr, "ledsager-hub: --ice-server: expected stun:HOST:PORT or turn:USER:PASSWORD@HOST:PORT (got '%s')\n",
                         url.c_str());
            return 2;
        }
        options.ice_servers.push_back(url);
    }
    if (!parse_listen(listen, options.host, options.port)) {
        std::fprintf(stderr, "ledsager-hub: --listen: expected HOST:PORT, e.g. 127.0.0.1:8080 (got '%s')\n", listen.c_str());
        return 2;
    }
    if (cert.empty() != key.empty()) {
        std::fprintf(stderr, "ledsager-hub: --tls-cert and --tls-key go together\n");
        return 2;
    }

    try {
        if (*site_add || *kiosk_add || *user_add || *kiosk_revoke || *code_cmd) {
            Store store(data);
            if (*kiosk_revoke || *code_cmd) {
                auto s = store.site_by_slug(*code_cmd ? code_site : revoke_site);
                if (!s) return std::fprintf(stderr, "ledsager-hub: no site '%s'\n", (*code_cmd ? code_site : revoke_site).c_str()), 2;
                if (*kiosk_revoke) {
                    if (!store.revoke_kiosk(s->id, revoke_name))
                        return std::fprintf(stderr, "ledsager-hub: no active kiosk '%s' at %s\n", revoke_name.c_str(), revoke_site.c_str()), 2;
                    store.audit(0, "revoke", revoke_name, static_cast<Seconds>(std::time(nullptr)));
                    std::printf("kiosk %s at %s revoked: its token is refused from now on\n", revoke_name.c_str(), revoke_site.c_str());
                    return 0;
                }
                const std::string code = enrollment_code();
                const auto now = static_cast<Seconds>(std::time(nullptr));
                store.add_enrollment_code(s->id, code_place, hash_token(normalize_code(code)), now, now + code_valid);
                std::printf("enrollment code for a kiosk at %s (%s), valid for %d s, once: %s\n", code_site.c_str(), code_place.c_str(),
                            code_valid, code.c_str());
                return 0;
            }
            if (*site_add) {
                store.add_site(slug, name, fallback);
                std::printf("site %s added\n", slug.c_str());
            } else if (*kiosk_add) {
                auto s = store.site_by_slug(kiosk_site);
                if (!s) return std::fprintf(stderr, "ledsager-hub: no site '%s'\n", kiosk_site.c_str()), 2;
                const std::string token = random_token();
                store.add_kiosk(s->id, kiosk_name, kiosk_place, hash_token(token));
                std::printf("kiosk %s added at %s; its token (shown once): %s\n", kiosk_name.c_str(), kiosk_site.c_str(), token.c_str());
            } else {
                User u;
                u.username = username;
                u.display_name = display;
                u.role = role;
                u.languages = languages;
                for (const auto& slug_name : user_sites) {
                    auto s = store.site_by_slug(slug_name);
                    if (!s) return std::fprintf(stderr, "ledsager-hub: no site '%s'\n", slug_name.c_str()), 2;
                    u.sites.push_back(s->id);
                }
                std::string password;
                std::getline(std::cin, password);
                if (password.size() < 10) return std::fprintf(stderr, "ledsager-hub: the password must have at least 10 characters\n"), 2;
                u.password_hash = hash_password(password);
                store.add_user(u);
                std::printf("user %s added\n", username.c_str());
            }
            return 0;
        }

        Hub hub(options);
        if (demo && hub.store().sites().empty()) {
            const auto site = hub.store().add_site("demo", "Demo Library", "Go to the front desk by the entrance.");
            hub.store().add_kiosk(site, "kiosk-1", "By the entrance", hash_token("demo-kiosk-token"));
            User u{0, "demo", "Mette Jensen", "staff", hash_password("demo-password"), "da,en", {site}};
            hub.store().add_user(u);
        }
        if (demo && !hub.store().user_by_name("demo-it")) {
            if (auto site = hub.store().site_by_slug("demo")) {
                User it{0, "demo-it", "Ida Holm", "it_admin", hash_password("demo-password"), "da,en", {site->id}};
                hub.store().add_user(it);
            }
        }
        if (demo && !hub.store().user_by_name("demo-case")) {
            if (auto site = hub.store().site_by_slug("demo")) {
                User c{0, "demo-case", "Ali Hassan", "caseworker", hash_password("demo-password"), "da,en,ar", {site->id}};
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
        if (demo)
            std::fprintf(stderr, "ledsager-hub: demo site 'demo', kiosk token 'demo-kiosk-token', staff login demo / demo-password, caseworker login demo-case / demo-password, IT login demo-it / demo-password\n");
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
