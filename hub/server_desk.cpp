// The hub's routes for the front desk: help requests from kiosks, the staff console's list and live events, and video
// calls.
#include "hub/bundles.hpp"
#include "hub/insight.hpp"
#include "hub/routes.hpp"

namespace ledsager::hub {
void Hub::desk_routes() {
    auto& srv = *server_;
    auto request_json = [this](const HelpRequest& r, bool for_staff) {
        const int pos = store_.position(r);
        const Seconds wait = pos > 0 ? std::max<Seconds>(60, store_.typical_wait(r.site_id, now_s())) * pos : 0;
        json j = common::encode(common::HelpRequestStatus{r.id, r.number, r.kind, r.status, pos, wait,
                                                          r.claimed_by ? first_name(r.claimed_by_name) : ""});
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
    // ---- help requests: kiosks
    srv.Post("/api/v1/help-requests", [this, request_json](const httplib::Request& req, httplib::Response& res) {
        auto k = kiosk_of(req, res);
        if (!k) return;
        common::HelpRequestMessage asked;
        if (!read_message(req, res, asked)) return;
        // One kiosk, one citizen: a few open requests at most, and a few new ones a minute.
        if (!help_rate_.allow(std::to_string(k->id))) {
            res.set_header("Retry-After", "10");
            return send_error(res, 429, "too many help requests from this kiosk: wait a moment");
        }
        if (store_.open_requests_of_kiosk(k->id) >= options_.max_open_requests_per_kiosk) {
            res.set_header("Retry-After", "30");
            return send_error(res, 429,
                              "this kiosk has " + std::to_string(options_.max_open_requests_per_kiosk) +
                                  " open help requests already: cancel one first");
        }
        HelpRequest r;
        r.site_id = k->site_id;
        r.kiosk_id = k->id;
        r.kind = asked.kind;
        r.guide = asked.place.guide;
        r.step = asked.place.step;
        r.step_number = asked.place.step_number;
        r.language = asked.place.language;
        r.needs = join(asked.needs);
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
    srv.Get(R"(/api/v1/help-requests/(\d+))",
            [this, request_json](const httplib::Request& req, httplib::Response& res) {
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
    srv.Post(R"(/api/v1/help-requests/(\d+)/cancel)",
             [this, request_json](const httplib::Request& req, httplib::Response& res) {
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
    srv.Post("/api/v1/signals", [this](const httplib::Request& req, httplib::Response& res) {
        auto k = kiosk_of(req, res);
        if (!k) return;
        common::SignalMessage signal;
        if (!read_message(req, res, signal)) return;
        {
            std::lock_guard lock(signals_mutex_);
            signals_[k->id] = {k->site_id,
                               k->place,
                               signal.reason,
                               signal.place.guide,
                               signal.place.step,
                               signal.place.language,
                               signal.place.step_number,
                               now_s()};
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
                json j{{"kiosk_place", sig.place}, {"reason", sig.reason},           {"guide", sig.guide},
                       {"step", sig.step},         {"step_number", sig.step_number}, {"language", sig.language},
                       {"since_s", now - sig.at}};
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
    srv.Get("/api/v1/help-requests",
            [this, staff_list, signals_for, present](const httplib::Request& req, httplib::Response& res) {
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
                 [this, t, request_json](const httplib::Request& req, httplib::Response& res) {
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
                         return send_conflict(
                             res, "a video request is answered on the caseworker page (/caseworker.html)", "video");
                     // In-person requests are the front desk's; a video call in progress is only
                     // the caseworker's in it (nobody else may end it or give it back).
                     if (r->kind != "video" && u->role != "staff")
                         return send_error(res, 403, "in-person requests are handled by front-desk staff");
                     if (r->kind == "video" && verb == "release") {
                         const auto call = calls_.info(r->id);
                         if (!call || call->ended)
                             return send_conflict(res, "the call has ended: record an outcome instead", "ended");
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
                     if (r->kind == "video" && verb == "resolve")
                         calls_.end(r->id, CallSide::Kiosk, "resolved", now_s());
                     if (r->kind == "video" && verb == "release") calls_.release(r->id);
                     notifier_.changed(r->site_id);
                     send_json(res, 200, request_json(*store_.request(r->id), true));
                 });
    }

    // ---- live events for the staff console (server-sent events)
    srv.Get("/api/v1/events", [this, staff_list, signals_for, present](const httplib::Request& req,
                                                                       httplib::Response& res) {
        auto u = staff_of(req, res, false, kDesk);
        if (!u) return;
        const User user = *u;
        // Each stream holds a server thread: a few per person, a bounded number in all.
        const std::string holder = std::to_string(user.id);
        if (!streams_.hold(holder)) {
            res.set_header("Retry-After", "15");
            return send_error(res, 429,
                              "too many live-event streams open (at most " +
                                  std::to_string(options_.max_event_streams_per_user) + " per person, " +
                                  std::to_string(options_.max_event_streams) + " in all): close a tab");
        }
        res.set_header("X-Accel-Buffering", "no");
        auto seen = std::make_shared<std::map<std::int64_t, std::uint64_t>>();
        auto first = std::make_shared<bool>(true);
        const std::string session = hash_token(cookie(req, "ledsager_session"));
        res.set_chunked_content_provider(
            "text/event-stream",
            [this, user, seen, first, staff_list, signals_for, present, session](size_t, httplib::DataSink& sink) {
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
                for (auto site : user.sites)
                    (*seen)[site] = notifier_.version(site);
                // Checked again after the wait: a login that ended meanwhile gets no more news.
                if (changed && !store_.session(session, now_s(), options_.session_idle_s)) return false;
                const std::string msg =
                    changed ? "event: requests\ndata: " +
                                  json{{"requests", staff_list(user)}, {"signals", signals_for(user)}}.dump() + "\n\n"
                            : ": keep-alive\n\n";
                return sink.write(msg.data(), msg.size());
            },
            [this, holder](bool) { streams_.release(holder); });
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
                u = url.substr(0, colon + 1) + percent_encoded(c.first) + ":" + percent_encoded(c.second) + "@" +
                    url.substr(colon + 1);
            }
            list.push_back(browser ? browser_ice_server(u) : json(u));
        }
        return list;
    };
    srv.Post(R"(/api/v1/help-requests/(\d+)/answer)", [this, request_json, held_for, ice_json](
                                                          const httplib::Request& req, httplib::Response& res) {
        auto u = staff_of(req, res, true, kDesk);
        if (!u) return;
        auto r = store_.request(id_of(req));
        if (!r || !in_site(*u, r->site_id)) return send_error(res, 404, "no such help request");
        if (r->kind != "video") return send_conflict(res, "not a video request", "not_video");
        if (const Seconds held = held_for(*u, *r); held > 0)
            return send_conflict(
                res, "held " + std::to_string(held) + " s more for a caseworker who speaks " + r->language, "held");
        if (r->status != "open")
            return send_conflict(res, "the request is " + r->status + " (someone else answered, or the citizen left)",
                                 "taken");
        if (!calls_.answer(r->id, u->id))
            return send_conflict(res, "the call is no longer there (the citizen left)", "gone");
        if (!store_.set_status(r->id, "open", "claimed", u->id, "", now_s())) {
            calls_.unanswer(r->id, u->id);
            return send_conflict(res, "someone else answered", "taken");
        }
        if (!calls_.post(r->id, CallSide::Kiosk, common::call_message("answered", first_name(u->display_name)))) {
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
    auto call_side = [this](const httplib::Request& req, httplib::Response& res, bool changes,
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
        if (!call || call->caseworker != u->id)
            return send_error(res, 404, "no such call (answer it first)"), std::nullopt;
        side = CallSide::Caseworker;
        return call;
    };
    srv.Get("/api/v1/calls/ice-servers", [this, ice_json](const httplib::Request& req, httplib::Response& res) {
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
        common::CallMessage message;
        if (!read_message(req, res, message)) return;
        const std::string& type = message.type;
        if (type == "offer" && side != CallSide::Kiosk)
            return send_error(res, 400, "the kiosk makes the offer", "type");
        if (type == "answer" && side != CallSide::Caseworker)
            return send_error(res, 400, "the caseworker answers the offer", "type");
        if (call->ended) return send_conflict(res, "the call has ended", "ended");
        if (side == CallSide::Kiosk && !call->caseworker && type != "hangup")
            return send_conflict(res, "nobody has answered yet", "not_answered");
        const CallSide other = side == CallSide::Kiosk ? CallSide::Caseworker : CallSide::Kiosk;
        if (type == "hangup") {
            const std::string default_reason = side == CallSide::Kiosk ? "citizen" : "caseworker";
            calls_.end(call->request_id, other, message.reason.empty() ? default_reason : message.reason, now_s());
            notifier_.changed(call->site_id);
        } else if (!calls_.post(call->request_id, other, message)) {
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
        auto list =
            calls_.wait(call->request_id, side, call->caseworker, after, std::chrono::seconds(wait_s), ended, known);
        if (!known) return send_error(res, 404, "no such call");
        send_json(res, 200, common::encode(common::CallMessages{std::move(list), ended}));
    });
}

}  // namespace ledsager::hub
