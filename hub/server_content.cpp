// The hub's routes for the content studio: the people who write, translate and review the
// guides (roles editor and reviewer) see every guide's state in every kiosk language.
#include "common/bundle.hpp"
#include "common/content.hpp"
#include "common/languages.hpp"
#include "common/picture.hpp"
#include "hub/auth.hpp"
#include "hub/bundles.hpp"
#include "hub/insight.hpp"
#include "hub/routes.hpp"
#include "hub/server.hpp"
#include "hub/studio_files.hpp"

#include <sodium.h>

#include <algorithm>
#include <ctime>
#include <fstream>
#include <map>
#include <optional>

namespace ledsager::hub {

namespace fs = std::filesystem;

using namespace studio;

void Hub::content_routes() {
    auto& srv = *server_;
    // ---- the guides as published, language by language: what is there, what is missing,
    // what is outdated (its source language changed after it was translated), who
    // translated and reviewed it when, and how old the checks of its sources are.
    srv.Get("/api/v1/content/guides", [this](const httplib::Request& req, httplib::Response& res) {
        auto u = staff_of(req, res, false, kContent);
        if (!u) return;
        const std::string lang = req.has_param("lang") && req.get_param_value("lang") == "en" ? "en" : "da";
        // Sources count as old from the same day --check-content would say so.
        const std::string cutoff =
            common::months_before(common::iso_day(static_cast<std::time_t>(now_s())), options_.source_age_months);
        const auto titles = this->titles();
        json guides = json::array();
        for (const auto& [id, review] : titles->review) {
            std::string title;
            if (auto t = titles->guides.find(id); t != titles->guides.end()) {
                auto in = t->second.find(lang);
                title = in != t->second.end() ? in->second : t->second.empty() ? id : t->second.begin()->second;
            }
            json sources = json::array();
            for (const auto& [url, checked] : review.sources)
                sources.push_back({{"url", url}, {"checked", checked}, {"stale", checked < cutoff}});
            json languages = json::object();
            for (const auto& l : common::kLanguages) {
                const std::string code(l.code);
                auto it = review.languages.find(code);
                if (it == review.languages.end()) {
                    languages[code] = {{"state", "missing"}};
                    continue;
                }
                const auto& r = it->second;
                languages[code] = {{"state", r.outdated ? "outdated" : "published"},
                                   {"translated_from", r.translated_from},
                                   {"translator", r.translator},
                                   {"reviewed_by", r.reviewed_by},
                                   {"reviewed", r.reviewed}};
            }
            guides.push_back({{"id", id},
                              {"title", title},
                              {"category", review.category},
                              {"steps", review.steps},
                              {"sources", sources},
                              {"sources_checked", review.sources_checked},
                              {"sources_stale", !review.sources_checked.empty() && review.sources_checked < cutoff},
                              {"languages", languages}});
        }
        json published = nullptr;
        if (auto b = store_.latest_bundle()) published = {{"version", b->version}, {"published_at", b->published_at}};
        json codes = json::array();
        for (const auto& l : common::kLanguages)
            codes.push_back(std::string(l.code));
        send_json(res, 200,
                  {{"guides", guides},
                   {"languages", codes},
                   {"source_age_months", options_.source_age_months},
                   {"published", published},
                   {"publishing", !options_.content_secret_key.empty()}});
    });

    // One file of a guide as published (what a change starts from, and the source language
    // beside a translation).
    srv.Get(R"(/api/v1/content/guides/([a-z0-9._-]{1,64})/files/([a-z0-9.]{1,16}))",
            [this](const httplib::Request& req, httplib::Response& res) {
                auto u = staff_of(req, res, false, kContent);
                if (!u) return;
                const std::string guide = req.matches[1], name = req.matches[2];
                if (!this->titles()->review.count(guide) || !draft_file_name(name))
                    return send_error(res, 404, "no such file of a published guide");
                const auto [published, base] = published_guides();
                const auto text = read_text(published.empty() ? fs::path() : published / guide / name);
                if (!text) return send_error(res, 404, "no such file of a published guide");
                send_json(res, 200, {{"name", name}, {"text", *text}, {"base", base}});
            });

    // ---- drafts: one person's change to one guide, saved file by file, each save checked as
    // --check-content checks; submitted when it has no errors; published when a reviewer who
    // is not its author approves it.
    auto draft_json = [](const ContentDraft& d, std::int64_t user) {
        return json{{"id", d.id},
                    {"guide", d.guide},
                    {"status", d.status},
                    {"base", d.base},
                    {"errors", d.errors},
                    {"author", first_name(d.author_name)},
                    {"mine", d.author == user},
                    {"reviewer", first_name(d.reviewer_name)},
                    {"bundle", d.bundle},
                    {"created_at", d.created_at},
                    {"updated_at", d.updated_at},
                    {"reviewed_at", d.reviewed_at},
                    {"review_note", d.review_note}};
    };
    srv.Post("/api/v1/content/drafts", [this](const httplib::Request& req, httplib::Response& res) {
        auto u = staff_of(req, res, true, kContent);
        if (!u) return;
        json body;
        if (!parse_body(req, res, {{"guide", Field::Id, true}, {"from", Field::Integer, false, 1u << 30}}, body))
            return;
        const std::string guide = body["guide"];
        const auto titles = this->titles();
        if (!titles->review.count(guide)) return send_error(res, 404, "guide: no such published guide", "guide");
        if (store_.open_drafts(u->id) >= options_.max_open_drafts)
            return send_conflict(
                res,
                "you have " + std::to_string(options_.max_open_drafts) + " open changes: publish or withdraw one first",
                "too_many");
        if (store_.drafts_made_since(u->id, now_s() - 86400) >= options_.max_drafts_per_day)
            return send_conflict(res,
                                 "you started " + std::to_string(options_.max_drafts_per_day) +
                                     " changes in the last 24 hours: go on with one of them",
                                 "too_many");
        const auto [published, base] = published_guides();
        if (published.empty())
            return send_conflict(res, "the newest bundle was published without its checks: nothing to start from",
                                 "no_source");
        ContentDraft d;
        d.guide = guide;
        d.author = u->id;
        d.base = base;
        d.created_at = now_s();
        // Going back: the change starts as the guide was in an earlier version (0: the
        // installed guides), every file that differs from now; it is approved as any other.
        json files = json::object();
        if (body.contains("from")) {
            const std::int64_t from = body["from"];
            const fs::path old = from == 0 ? options_.content_dir : bundle_guides(options_.data_dir, from);
            std::error_code ec;
            if (old.empty() || (from > 0 && !store_.bundle(from)) || !fs::is_directory(old / guide, ec))
                return send_error(res, 404, "from: no published version with this guide", "from");
            std::vector<std::string> names{"guide.toml"};
            for (const auto& l : common::kLanguages)
                names.push_back(std::string(l.code) + ".toml");
            for (const auto& e : fs::directory_iterator(old / guide, ec))
                if (common::picture_name(e.path().filename().string()))
                    names.push_back(e.path().filename().string());  // its pictures as they were too
            for (const auto& name : names) {
                const auto then = read_text(old / guide / name);
                if (!then) continue;  // a language added since stays as it is
                if (then != read_text(published / guide / name))
                    files[name] = is_picture_file(name) ? stored_picture(*then) : *then;
            }
            if (files.empty()) return send_conflict(res, "that version of the guide is the one published now", "same");
            d.files = files.dump();
            d.errors = static_cast<int>(check_draft(guide, files).error_count());
        }
        const auto id = store_.add_draft(d);
        store_.audit(u->id, body.contains("from") ? "draft_created_from_version" : "draft_created", guide, now_s());
        send_json(res, 201, {{"id", id}, {"base", base}, {"files", files.size()}, {"errors", d.errors}});
    });
    srv.Get("/api/v1/content/drafts", [this, draft_json](const httplib::Request& req, httplib::Response& res) {
        auto u = staff_of(req, res, false, kContent);
        if (!u) return;
        json out = json::array();
        for (const auto& d : store_.drafts(u->id, u->role == "reviewer", 200))
            out.push_back(draft_json(d, u->id));
        send_json(res, 200, {{"drafts", out}});
    });
    // Every published version, newest first, with who made and approved it when it came from
    // the studio (the command line's name nobody: it was whoever ran it on the hub's machine).
    srv.Get("/api/v1/content/history", [this](const httplib::Request& req, httplib::Response& res) {
        auto u = staff_of(req, res, false, kContent);
        if (!u) return;
        std::map<std::int64_t, ContentDraft> from_studio;
        for (const auto& d : store_.published_drafts(200))
            from_studio[d.bundle] = d;
        json out = json::array();
        for (const auto& b : store_.bundles(200)) {
            json v{{"version", b.version}, {"published_at", b.published_at}, {"key_id", b.key_id}, {"files", b.files}};
            std::error_code ec;
            v["guides_kept"] = fs::is_directory(bundle_guides(options_.data_dir, b.version), ec);
            if (auto it = from_studio.find(b.version); it != from_studio.end()) {
                v["guide"] = it->second.guide;
                v["author"] = first_name(it->second.author_name);
                v["reviewer"] = first_name(it->second.reviewer_name);
            }
            out.push_back(v);
        }
        send_json(res, 200, {{"versions", out}, {"installed", !options_.content_dir.empty()}});
    });
    srv.Get(R"(/api/v1/content/drafts/(\d+))", [this, draft_json](const httplib::Request& req, httplib::Response& res) {
        auto u = staff_of(req, res, false, kContent);
        if (!u) return;
        const auto d = store_.draft(id_of(req));
        if (!d || !change_visible(*d, *u)) return send_error(res, 404, "no such change");
        const json files = json::parse(d->files, nullptr, false);
        const auto [published, base] = published_guides();
        json out = draft_json(*d, u->id);
        json texts = json::object();
        for (const auto& [name, text] : files.items()) {
            const auto before = read_text(published.empty() ? fs::path() : published / d->guide / name);
            if (is_picture_file(name))  // shown from its own route, not as text
                texts[name] = {{"picture", true},
                               {"bytes", file_bytes(text.get<std::string>()).size()},
                               {"published", before.has_value()}};
            else
                texts[name] = {{"draft", text}, {"published", before.value_or("")}};
        }
        out["files"] = texts;
        out["current"] = base == d->base;  // the guide was not published anew since
        std::vector<std::string> steps;
        if (d->status == "draft" || d->status == "submitted")
            out["problems"] = problems_json(check_draft(d->guide, files, &steps));
        out["steps"] = steps;
        send_json(res, 200, out);
    });
    srv.Post(R"(/api/v1/content/drafts/(\d+)/files)", [this](const httplib::Request& req, httplib::Response& res) {
        auto u = staff_of(req, res, true, kContent);
        if (!u) return;
        json body;
        if (!parse_body(req, res, {{"name", Field::String, true, 32}, {"text", Field::String, true, 1u << 20}}, body))
            return;
        const std::string name = body["name"];
        if (!draft_file_name(name))
            return send_error(res, 400, "name: guide.toml or a kiosk language's file, e.g. da.toml", "name");
        json files;
        const auto d = own_draft(req, res, *u, files);
        if (!d) return;
        files[name] = body["text"];
        std::vector<std::string> steps;
        const auto diags = save_checked(*d, files, res, steps);
        if (!diags) return;
        send_json(res, 200, checked_answer(*diags, steps));
    });
    // A screen of the guide as the change makes it, drawn by the kiosk's own renderer (its
    // fonts, shaping and mirroring, text size and theme): a PNG. Its author may send the file
    // open in the editor as it is now, not yet saved, so the picture follows the typing.
    srv.Post(R"(/api/v1/content/drafts/(\d+)/preview)", [this](const httplib::Request& req, httplib::Response& res) {
        auto u = staff_of(req, res, true, kContent);
        if (!u) return;
        const std::vector<std::string> codes = language_codes();
        json body;
        if (!parse_body(req, res,
                        {{"screen", Field::String, false, 8, {"step", "needs", "end"}},
                         {"step", Field::Id, false},
                         {"lang", Field::String, true, 8, codes},
                         {"scale", Field::Integer, false, 200},
                         {"theme", Field::String, false, 16, {"default", "contrast"}},
                         {"name", Field::String, false, 32},
                         {"text", Field::String, false, 1u << 20},
                         {"texts", Field::TextMap, false, 400}},
                        body))
            return;
        const auto d = store_.draft(id_of(req));
        if (!d || !change_visible(*d, *u)) return send_error(res, 404, "no such change");
        json files = json::parse(d->files, nullptr, false);
        if (!files.is_object()) files = json::object();
        if (body.contains("text")) {
            const std::string name = body.value("name", std::string());
            if (!draft_file_name(name))
                return send_error(res, 400, "name: guide.toml or a kiosk language's file, e.g. da.toml", "name");
            if (d->author != u->id || d->status != "draft")
                return send_error(res, 403, "only the author of a change being written sends unsaved text");
            files[name] = body["text"];
        } else if (body.contains("texts")) {
            // The form's texts, not yet saved, in the language shown.
            if (d->author != u->id || d->status != "draft")
                return send_error(res, 403, "only the author of a change being written sends unsaved text");
            const auto made = texts_file(d->guide, files, body["lang"], body["texts"], false);
            if (made.status == 409) return send_conflict(res, made.error, made.field);
            if (made.status != 200) return send_error(res, made.status, made.error, made.field);
            files[body["lang"].get<std::string>() + ".toml"] = made.toml;
        }
        const int scale = body.value("scale", 100);
        if (scale != 100 && scale != 200) return send_error(res, 400, "scale: 100 or 200", "scale");
        const auto [published, base] = published_guides();
        if (published.empty())
            return send_conflict(res, "the newest bundle was published without its checks: nothing to start from",
                                 "no_base");
        PreviewRequest p;
        p.guide = d->guide;
        p.screen = body.value("screen", std::string("step"));
        p.step = body.value("step", std::string());
        p.lang = body["lang"];
        p.scale = scale;
        p.contrast = body.value("theme", std::string()) == "contrast";
        p.user = u->id;
        // The picture depends on the published guide, the change's files and the fields above.
        const std::string what = json{{"base", base},   {"files", files}, {"guide", p.guide}, {"screen", p.screen},
                                      {"step", p.step}, {"lang", p.lang}, {"scale", p.scale}, {"contrast", p.contrast}}
                                     .dump();
        unsigned char h[crypto_generichash_BYTES];
        crypto_generichash(h, sizeof h, reinterpret_cast<const unsigned char*>(what.data()), what.size(), nullptr, 0);
        char hex[2 * sizeof h + 1];
        sodium_bin2hex(hex, sizeof hex, h, sizeof h);
        p.key = hex;
        // The guide as published with the change over it, copied only once its turn has come.
        const fs::path from = published / d->guide;
        const PreviewResult r = previewer_->render(p, [&](const fs::path& guides, std::string& error) {
            std::error_code ec;
            fs::copy(from, guides / p.guide, fs::copy_options::recursive, ec);
            if (ec) return error = from.string() + ": " + ec.message(), false;
            overlay(guides / p.guide, files);
            return true;
        });
        if (r.png.empty() && !r.problem.empty())
            return send_json(res, r.status, {{"error", r.error}, {"problem", json::parse(r.problem)}});
        if (r.png.empty()) return send_error(res, r.status, r.error);
        res.status = 200;
        res.set_header("X-Preview-Ms", r.cached ? "cached" : std::to_string(r.ms));
        res.set_content(std::move(r.png), "image/png");
    });
    // ---- what citizens did with each guide and step, for those who write them: the
    // anonymous counts of the insight reports (the same rounding and suppression as a
    // manager's report, over the person's sites), for the last three final months.
    srv.Get("/api/v1/content/insight", [this](const httplib::Request& req, httplib::Response& res) {
        auto u = staff_of(req, res, false, kContent);
        if (!u) return;
        ReportQuery q;
        const std::string last_final = final_month(store_, now_s());
        q.to = last_day(last_final);
        q.from = common::months_before(last_final + "-01", 2);
        std::string field;
        if (const std::string e = check_period(q.from, q.to, last_final, options_.max_report_days, field); !e.empty())
            return send_error(res, 500, e);
        q.sites = u->sites;
        if (q.sites.empty()) return send_json(res, 200, {{"from", q.from}, {"to", q.to}, {"guides", json::array()}});
        report_titles(q, req.has_param("lang") && req.get_param_value("lang") == "en" ? "en" : "da");
        json report = guide_report(store_, q);
        report.erase("content");
        send_json(res, 200, report);
    });
    srv.Post(R"(/api/v1/content/drafts/(\d+)/submit)", [this](const httplib::Request& req, httplib::Response& res) {
        auto u = staff_of(req, res, true, kContent);
        if (!u) return;
        const auto d = store_.draft(id_of(req));
        if (!d || d->author != u->id) return send_error(res, 404, "no such change of yours");
        const json files = json::parse(d->files, nullptr, false);
        if (!files.is_object() || files.empty()) return send_conflict(res, "nothing is changed yet", "empty");
        if (check_draft(d->guide, files).has_errors())
            return send_conflict(res, "the change has errors: mend them first", "errors");
        // Only the files just checked: a save that came in meanwhile is checked again first.
        if (!store_.submit_draft(d->id, u->id, d->files, now_s()))
            return send_conflict(res, "this change was saved, submitted or withdrawn meanwhile: try again", "changed");
        store_.audit(u->id, "draft_submitted", d->guide, now_s());
        res.status = 204;
    });
    srv.Post(R"(/api/v1/content/drafts/(\d+)/withdraw)", [this](const httplib::Request& req, httplib::Response& res) {
        auto u = staff_of(req, res, true, kContent);
        if (!u) return;
        const auto d = store_.draft(id_of(req));
        if (!d || d->author != u->id) return send_error(res, 404, "no such change of yours");
        if (!store_.withdraw_draft(d->id, u->id, now_s()))
            return send_conflict(res, "this change is " + d->status + ": it cannot be withdrawn", d->status);
        store_.audit(u->id, "draft_withdrawn", d->guide, now_s());
        res.status = 204;
    });
    // Four eyes, the other way: a reviewer sends another person's submitted change back to its
    // author as a draft, saying what to mend; the author sees it until submitting again.
    srv.Post(R"(/api/v1/content/drafts/(\d+)/return)", [this](const httplib::Request& req, httplib::Response& res) {
        auto u = staff_of(req, res, true, kContentReview);
        if (!u) return;
        json body;
        if (!parse_body(req, res, {{"note", Field::String, true, 2000}}, body)) return;
        std::string note = body["note"];
        std::erase(note, '\r');
        if (note.find_first_not_of(" \n\t") == std::string::npos)
            return send_error(res, 400, "note: say what the author should mend", "note");
        const auto d = store_.draft(id_of(req));
        if (!d || !change_visible(*d, *u)) return send_error(res, 404, "no such change");
        if (d->author == u->id) return send_error(res, 403, "a second person reviews a change: not its author");
        if (!store_.return_draft(d->id, u->id, note, now_s()))
            return send_conflict(res, "this change is " + d->status + ": only a submitted change goes back", d->status);
        store_.audit(u->id, "draft_returned", d->guide, now_s());
        res.status = 204;
    });
    // Four eyes: a reviewer approves another person's submitted change, and the hub signs the
    // guides as published plus this change with its publishing key and publishes the bundle
    // exactly as `ledsager-hub content publish` does; kiosks take it between sessions.
    srv.Post(R"(/api/v1/content/drafts/(\d+)/approve)", [this](const httplib::Request& req, httplib::Response& res) {
        auto u = staff_of(req, res, true, kContentReview);
        if (!u) return;
        const auto d = store_.draft(id_of(req));
        if (!d || !change_visible(*d, *u)) return send_error(res, 404, "no such change");
        if (d->author == u->id) return send_error(res, 403, "a second person approves a change: not its author");
        if (d->status != "submitted") return send_conflict(res, "this change is " + d->status, d->status);
        if (options_.content_secret_key.empty())
            return send_conflict(
                res, "this hub has no publishing key (--content-secret-key): publish on the command line", "no_key");
        std::lock_guard lock(studio_mutex_);  // one publication at a time: versions only grow
        // Taken out of its author's hands (no withdrawal now) until it is published or back.
        if (!store_.set_draft_status(d->id, "submitted", "publishing", u->id, 0, now_s()))
            return send_conflict(res, "this change was withdrawn or approved meanwhile", "changed");
        auto back = [&](const std::string& to) { store_.set_draft_status(d->id, "publishing", to, -1, 0, now_s()); };
        const auto [published, base] = published_guides();
        if (published.empty() || base != d->base) {
            back("submitted");
            return send_conflict(res,
                                 "the guides were published anew since this change was made: its author makes it again",
                                 "outdated");
        }
        const json files = json::parse(d->files, nullptr, false);
        Scratch scratch(options_.data_dir);
        const fs::path guides = scratch.path / "guides";
        fs::copy(published, guides, fs::copy_options::recursive);
        overlay(guides / d->guide, files);
        if (common::load_content(guides, content_checks()).diagnostics.has_errors()) {
            back("draft");  // its author mends it and sends it again
            return send_conflict(res, "the change has errors: it goes back to its author", "errors");
        }
        std::string error;
        std::string secret;
        {
            std::ifstream in(options_.content_secret_key);
            std::getline(in, secret);
        }
        const std::string public_key = common::content_public_key(secret);
        const auto latest = store_.latest_bundle();
        const std::int64_t next = latest ? latest->version + 1 : 1;
        const fs::path tar = scratch.path / ("bundle-" + std::to_string(next) + ".tar");
        Bundle b;
        const bool ok = !public_key.empty() && common::build_bundle(guides, next, secret, tar, error) &&
                        publish_bundle(store_, options_.data_dir, tar, {public_key}, b, error);
        std::fill(secret.begin(), secret.end(), '\0');
        if (!ok) {
            std::fprintf(stderr, "ledsager-hub: publishing change %lld failed: %s\n", static_cast<long long>(d->id),
                         public_key.empty() ? "the publishing key cannot be read" : error.c_str());
            back("submitted");
            return send_error(res, 500, "publishing failed: the hub's log says why");
        }
        store_.set_draft_status(d->id, "publishing", "published", u->id, b.version, now_s());
        store_.audit(u->id, "content_published", d->guide + " v" + std::to_string(b.version), now_s());
        refresh_titles(b.version);
        send_json(res, 200, {{"bundle", b.version}});
    });
}

}  // namespace ledsager::hub
