// The hub's routes for the content studio: the people who write, translate and review the
// guides (roles editor and reviewer) see every guide's state in every kiosk language.
#include "common/content.hpp"
#include "common/languages.hpp"
#include "hub/routes.hpp"

#include <ctime>

namespace ledsager::hub {

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
                   {"published", published}});
    });
}

}  // namespace ledsager::hub
