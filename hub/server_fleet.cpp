// The hub's routes for the fleet: enrolling kiosks, their heartbeats and settings, the Devices list for IT.
#include "common/remote_settings.hpp"
#include "hub/bundles.hpp"
#include "hub/routes.hpp"

#include <fstream>

namespace ledsager::hub {

void Hub::fleet_routes() {
    auto& srv = *server_;
    // ---- enrollment: a new kiosk trades a one-time code for its own token (open, but
    // rate-limited per address: a code is guessed by nobody)
    srv.Post("/api/v1/enroll", [this](const httplib::Request& req, httplib::Response& res) {
        json body;
        if (!parse_body(req, res, {{"code", Field::String, true, 32}, {"name", Field::String, false, 64}}, body))
            return;
        if (const auto wait = enroll_addr_.begin(client_address(req)); wait > 0) {
            res.set_header("Retry-After", std::to_string(wait));
            return send_json(res, 429,
                             {{"error", "too many wrong codes from here: try again in " + std::to_string(wait) + " s"},
                              {"retry_after_s", wait}});
        }
        const std::string name = body.value("name", "");  // only for codes made before IT named kiosks
        const std::string token = random_token();
        const auto r = store_.redeem_code(hash_token(normalize_code(body["code"])), name, hash_token(token), now_s());
        if (r.result != Store::Redeemed::Ok) {
            store_.audit(0, "enroll_refused", name, now_s());
            if (r.result == Store::Redeemed::Unknown)
                return send_json(res, 404, {{"error", "this enrollment code is not known"}, {"reason", "unknown"}});
            if (r.result == Store::Redeemed::NameTaken)
                return send_json(res, 409,
                                 {{"error", "a kiosk at this site has this code's name already: ask IT for a new code"},
                                  {"reason", "name_taken"}});
            if (r.result == Store::Redeemed::Expired)
                return send_json(
                    res, 410,
                    {{"error", "this enrollment code has expired: ask IT for a new one"}, {"reason", "expired"}});
            return send_json(
                res, 410,
                {{"error", "this enrollment code has already been used: ask IT for a new one"}, {"reason", "used"}});
        }
        enroll_addr_.succeeded(client_address(req));
        store_.audit(0, "enroll", r.kiosk.name, now_s());
        const auto site = store_.site(r.kiosk.site_id);
        send_json(res, 201,
                  {{"token", token},
                   {"kiosk", {{"id", r.kiosk.id}, {"name", r.kiosk.name}, {"place", r.kiosk.place}}},
                   {"site",
                    {{"slug", site ? site->slug : ""},
                     {"name", site ? site->name : ""},
                     {"fallback", site ? site->fallback : ""}}}});
    });

    // ---- fleet health: heartbeats from kiosks (device state only), the Devices list for IT
    srv.Post("/api/v1/heartbeat", [this](const httplib::Request& req, httplib::Response& res) {
        auto k = kiosk_of(req, res);
        if (!k) return;
        common::Heartbeat beat;
        if (!read_message(req, res, beat)) return;
        Health h;
        static_cast<common::Heartbeat&>(h) = beat;
        h.kiosk_id = k->id;
        h.at = now_s();
        store_.record_health(h);
        // The answer tells the kiosk the newest published content bundle; it fetches it
        // when it is newer than what it serves (and verifies it itself).
        common::HeartbeatAnswer answer;
        if (auto b = store_.latest_bundle()) {
            answer.content = common::ContentOffer{b->version, b->sha256, b->size};
            refresh_titles(b->version);  // published meanwhile (the CLI writes to the same database)
        }
        // And the revision of its remote settings: the kiosk fetches them when it changed.
        answer.settings_revision = settings_for(store_, *k).revision;
        send_json(res, 200, common::encode(answer));
    });
    srv.Get("/api/v1/kiosk/settings", [this](const httplib::Request& req, httplib::Response& res) {
        auto k = kiosk_of(req, res);
        if (!k) return;
        const auto s = settings_for(store_, *k);
        send_json(res, 200, common::encode(common::SettingsAnswer{s.revision, s.body}));
    });
    srv.Get(R"(/api/v1/content/bundles/(\d+))", [this](const httplib::Request& req, httplib::Response& res) {
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
        res.set_content_provider(static_cast<size_t>(size), "application/x-tar",
                                 [in](size_t offset, size_t length, httplib::DataSink& sink) {
                                     std::vector<char> buf(std::min<size_t>(length, 64 * 1024));
                                     in->seekg(static_cast<std::streamoff>(offset));
                                     in->read(buf.data(), static_cast<std::streamsize>(buf.size()));
                                     const auto got = in->gcount();
                                     return got > 0 && sink.write(buf.data(), static_cast<size_t>(got));
                                 });
    });
    srv.Get("/api/v1/content/bundles", [this](const httplib::Request& req, httplib::Response& res) {
        auto u = staff_of(req, res, false, kIt);
        if (!u) return;
        json out = json::array();
        for (const auto& b : store_.bundles(50))
            out.push_back({{"version", b.version},
                           {"sha256", b.sha256},
                           {"key_id", b.key_id},
                           {"size", b.size},
                           {"files", b.files},
                           {"published_at", b.published_at}});
        send_json(res, 200, {{"bundles", out}});
    });
    srv.Get("/api/v1/devices", [this](const httplib::Request& req, httplib::Response& res) {
        auto u = staff_of(req, res, false, kIt);
        if (!u) return;
        const Seconds now = now_s();
        std::vector<std::pair<std::string, Device>> list;
        for (auto& d : store_.devices())
            if (std::find(u->sites.begin(), u->sites.end(), d.kiosk.site_id) != u->sites.end())
                list.emplace_back(device_state(d, now), std::move(d));
        std::stable_sort(list.begin(), list.end(),
                         [](const auto& a, const auto& b) { return state_rank(a.first) < state_rank(b.first); });
        json out = json::array();
        const auto latest = store_.latest_bundle();
        const std::string latest_label = latest ? "v" + std::to_string(latest->version) + " " : "";
        for (const auto& [state, d] : list)
            out.push_back(
                {{"id", d.kiosk.id},
                 {"site_slug", d.site_slug},
                 {"content_current", latest_label.empty() || d.health.content_version.rfind(latest_label, 0) == 0},
                 {"name", d.kiosk.name},
                 {"site", d.site_name},
                 {"place", d.kiosk.place},
                 {"state", state},
                 {"seen_s_ago", d.health.at ? now - d.health.at : -1},
                 {"version", d.health.version},
                 {"uptime_s", d.health.uptime_s},
                 {"content_version", d.health.content_version},
                 {"printer", d.health.printer},
                 {"camera", d.health.camera},
                 {"audio", d.health.audio},
                 {"last_error", d.health.last_error},
                 {"screen", d.health.screen}});
        send_json(res, 200,
                  {{"devices", out},
                   {"stale_after_s", kStaleAfter},
                   {"content", latest ? json{{"version", latest->version}, {"published_at", latest->published_at}}
                                      : json(nullptr)}});
    });
    // Remote settings per site, from the Devices page (as `ledsager-hub settings set --site`).
    auto site_for_it = [this](const httplib::Request& req, httplib::Response& res,
                              bool changes) -> std::optional<std::pair<User, Site>> {
        auto u = staff_of(req, res, changes, kIt);
        if (!u) return std::nullopt;
        auto site = store_.site_by_slug(req.matches[1]);
        if (!site || std::find(u->sites.begin(), u->sites.end(), site->id) == u->sites.end())
            return send_error(res, 404, "no such site of yours"), std::nullopt;
        return std::make_pair(*u, *site);
    };
    srv.Get(R"(/api/v1/sites/([a-z0-9-]+)/settings)",
            [this, site_for_it](const httplib::Request& req, httplib::Response& res) {
                auto us = site_for_it(req, res, false);
                if (!us) return;
                const auto own = store_.settings(us->second.id, 0);
                send_json(res, 200,
                          {{"settings", own ? json::parse(own->first, nullptr, false) : json::object()},
                           {"revision", own ? own->second : 0}});
            });
    srv.Post(R"(/api/v1/sites/([a-z0-9-]+)/settings)",
             [this, site_for_it](const httplib::Request& req, httplib::Response& res) {
                 auto us = site_for_it(req, res, true);
                 if (!us) return;
                 const json body = json::parse(req.body, nullptr, false);
                 if (body.is_discarded() || !body.is_object())
                     return send_error(res, 400, "settings: a JSON object of setting: value");
                 common::RemoteSettings check;
                 std::string error;
                 if (!common::parse_remote_settings(body.dump(), common::LanguageChoice::as_shipped(), check, error))
                     return send_error(res, 400, error, error.substr(0, error.find(':')));
                 store_.set_settings(us->second.id, 0, body.dump());
                 store_.audit(us->first.id, "settings", us->second.slug, now_s());
                 send_json(res, 200, {{"settings", body}, {"revision", store_.settings(us->second.id, 0)->second}});
             });
    // IT admins add kiosks from the console: a one-time code (shown once), as the CLI's enroll-code.
    srv.Post("/api/v1/enroll-codes", [this](const httplib::Request& req, httplib::Response& res) {
        auto u = staff_of(req, res, true, kIt);
        if (!u) return;
        json body;
        if (!parse_body(req, res,
                        {{"site", Field::String, true, 64},
                         {"name", Field::String, true, 64},
                         {"place", Field::String, true, 120},
                         {"valid_for_s", Field::Integer, false, 7 * 86400}},
                        body))
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
            return send_json(res, 409,
                             {{"error", "name: a kiosk (or an open code) at this site is called " + name + " already"},
                              {"field", "name"},
                              {"reason", "name_taken"}});
        store_.audit(u->id, "enroll_code", site->slug + "/" + name + ": " + place, now);
        send_json(
            res, 201,
            {{"code", code}, {"site", site->slug}, {"name", name}, {"place", place}, {"expires_at", now + valid}});
    });
    srv.Post(R"(/api/v1/devices/(\d+)/revoke)", [this](const httplib::Request& req, httplib::Response& res) {
        auto u = staff_of(req, res, true, kIt);
        if (!u) return;
        const auto id = id_of(req);
        for (const auto& d : store_.devices()) {
            if (d.kiosk.id != id || std::find(u->sites.begin(), u->sites.end(), d.kiosk.site_id) == u->sites.end())
                continue;
            if (d.kiosk.revoked) return send_conflict(res, "this kiosk is revoked already", "revoked");
            store_.revoke_kiosk(d.kiosk.id);
            store_.audit(u->id, "revoke", d.site_slug + "/" + d.kiosk.name, now_s());
            res.status = 204;
            return;
        }
        send_error(res, 404, "no such kiosk");
    });
}

}  // namespace ledsager::hub
