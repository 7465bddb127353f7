// The hub's routes for learning from use: anonymous usage batches from kiosks, reports for managers.
#include "common/content.hpp"
#include "hub/insight.hpp"
#include "hub/routes.hpp"

namespace ledsager::hub {

// What a report shows beside its counts, in the reader's language: the guides' and steps'
// titles, their order and funnels, and the state of their content.
void Hub::report_titles(ReportQuery& q, const std::string& lang) {
    auto pick = [&](const std::map<std::string, std::string>& by_lang) {
        auto it = by_lang.find(lang);
        return it != by_lang.end() ? it->second : by_lang.empty() ? std::string() : by_lang.begin()->second;
    };
    const auto titles = this->titles();
    for (const auto& [g, t] : titles->guides)
        q.titles[g] = pick(t);
    for (const auto& [k, t] : titles->steps)
        q.titles[k] = pick(t);
    for (const auto& [g, order] : titles->order)
        q.titles[g + "/"] = order;
    q.funnels = titles->funnels;
    q.titles[kOtherGuides] = lang == "en" ? "Other guides" : "Andre vejledninger";
    // Sources count as old from the same day --check-content would say so.
    const std::string cutoff =
        common::months_before(common::iso_day(static_cast<std::time_t>(now_s())), options_.source_age_months);
    for (const auto& [g, r] : titles->review) {
        json langs = json::object();
        for (const auto& [l, lr] : r.languages)
            langs[l] = {{"outdated", lr.outdated}, {"reviewed_by", lr.reviewed_by}, {"reviewed", lr.reviewed}};
        q.content[g] = {{"sources_checked", r.sources_checked},
                        {"sources_stale", !r.sources_checked.empty() && r.sources_checked < cutoff},
                        {"source_age_months", options_.source_age_months},
                        {"languages", langs}};
    }
}

void Hub::insight_routes() {
    auto& srv = *server_;
    // ---- learning from use: anonymous usage from kiosks, reports for managers
    srv.Post("/api/v1/usage", [this](const httplib::Request& req, httplib::Response& res) {
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
    auto report_query = [this](const httplib::Request& req, httplib::Response& res, ReportQuery& q) {
        auto u = staff_of(req, res, false, kReports);
        if (!u) return false;
        q.to = req.has_param("to") ? req.get_param_value("to") : "";
        q.from = req.has_param("from") ? req.get_param_value("from") : "";
        const std::string last_final = final_month(store_, now_s());  // kept in the database, only ever raised
        if (q.to.empty()) q.to = last_day(last_final);                // by default the last final month
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
        report_titles(q, req.has_param("lang") && req.get_param_value("lang") == "en" ? "en" : "da");
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
            res.set_header("Content-Disposition",
                           "attachment; filename=\"ledsager-gains-" + q.from + "-" + q.to + ".csv\"");
            res.set_content(gains_csv(g), "text/csv; charset=utf-8");
            return;
        }
        send_json(res, 200, g);
    });
}

}  // namespace ledsager::hub
