// Learning from use: kiosks send anonymous events (kiosk/core/usage.hpp); the hub folds
// them on arrival into per-day counts (usage_counts) and keeps nothing else of them. The
// reports read only those counts:
//  - per guide: a funnel (how many reached each step), where people left, asked for help or
//    tapped "confusing", median time per step (from fixed duration buckets), "Did this
//    help?", the trend per week, and a health figure that ranks the guides most in need of
//    rewriting;
//  - per site: sessions, completions, escalations by outcome, waits for in-person and video
//    help, busy hours, languages;
//  - realistic gains: tasks completed without staff, tasks that needed staff and the staff
//    time actually spent, each with the counts behind it, never extrapolated.
// Every count from 1 to kMinCell - 1 is shown as "<5"; in a group whose total is shown, one
// more cell is suppressed (or the total) so that the total cannot reveal a small one.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "hub/store.hpp"

namespace ledsager::hub {

constexpr int kMinCell = 5;

// Checks a batch from a kiosk ({"events": [...]}) and folds it. False with `error` naming
// the event and field at fault (nothing of the batch is stored then).
bool fold_usage(Store& store, const Kiosk& kiosk, const nlohmann::json& body, Seconds now, std::string& error);

struct ReportQuery {
    std::string from, to;             // days, YYYY-MM-DD, inclusive
    std::vector<std::int64_t> sites;  // the user's sites (or the one asked for)
    // Guide id -> title in the reader's language, and step titles ("guide/step" -> title).
    std::map<std::string, std::string> titles;
};

nlohmann::json guide_report(Store& store, const ReportQuery& q);
nlohmann::json site_report(Store& store, const ReportQuery& q);
nlohmann::json gains_report(Store& store, const ReportQuery& q);
// The gains report as CSV: one row per figure, with the count it rests on.
std::string gains_csv(const nlohmann::json& gains);

// "<5" for 1..4, the number otherwise (0 stays 0).
nlohmann::json cell(std::int64_t n);

}  // namespace ledsager::hub
