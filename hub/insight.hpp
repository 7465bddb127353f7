// Learning from use: kiosks send anonymous events (kiosk/core/usage.hpp); the hub folds
// them on arrival into per-day counts (usage_counts) and keeps nothing else of them. The
// reports read only those counts:
//  - per guide: a funnel (how many reached each step), where people left, asked for help or
//    tapped "confusing", median time per step (from fixed duration buckets), "Did this
//    help?", the trend month by month, and a health figure that ranks the guides most in need of
//    rewriting;
//  - per site: sessions, completions, escalations by outcome, waits for in-person and video
//    help, busy hours, languages;
//  - realistic gains: tasks completed without staff, tasks that needed staff and the staff
//    time actually spent, each with the counts behind it, never extrapolated.
// Every figure is made per unit, one site's one calendar month: there every count from 1 to
// kMinCell - 1 is hidden ("<5"), and more are hidden ("≥5") until no total and its parts give
// a hidden one away. A report adds up its units' figures: a sum a unit hid a part of shows
// as "≥N", the least it can be. So reports over overlapping periods or sets of sites can be
// subtracted without revealing a small count.
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

// Kiosks send events late when they were offline. A month's counts are final, and the month
// can be reported, kLateDays after it ends; later events for it are dropped. Reports cover
// whole final calendar months only: a report that could be asked for again a day later, or
// for a period a day longer, would give that day's counts away by subtraction.
constexpr int kLateDays = 2;
// The first day events are still taken for at `now` (the first of a month).
std::string open_from(Seconds now);
// The last month that is final at `now`, YYYY-MM.
std::string last_final_month(Seconds now);
// "" if `from`..`to` is a period a report may cover at `now`; else the reason, with `field`
// naming the parameter at fault.
std::string check_period(const std::string& from, const std::string& to, Seconds now, int max_days, std::string& field);

struct ReportQuery {
    std::string from, to;             // days, YYYY-MM-DD, inclusive
    std::vector<std::int64_t> sites;  // the user's sites (or the one asked for)
    // Guide id -> title in the reader's language, and step titles ("guide/step" -> title).
    std::map<std::string, std::string> titles;
};

// `q.from` and `q.to` as check_period allows.
nlohmann::json guide_report(Store& store, const ReportQuery& q);
nlohmann::json site_report(Store& store, const ReportQuery& q);
nlohmann::json gains_report(Store& store, const ReportQuery& q);
// The gains report as CSV: one row per figure, with the count it rests on.
std::string gains_csv(const nlohmann::json& gains);

// "<5" for 1..4, the number otherwise (0 stays 0).
nlohmann::json cell(std::int64_t n);

}  // namespace ledsager::hub
