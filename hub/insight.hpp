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
//    time spent (estimated from the rounded counts of requests per duration band), each with
//    the counts behind it, never extrapolated.
// Every figure is made per unit, one site's one calendar month, and every count of a unit
// (every cell of every table: sessions, languages, modes, each step's reached, left, help and
// confusing, each duration bucket, requests by outcome, ...) is randomly rounded to a
// multiple of kRoundBase, without bias: v = 5q + r shows as 5q + 5 with probability r/5, else
// as 5q (0 and multiples of 5 stay). The draw is HMAC-SHA256 under the hub's own secret key
// (Store::insight_key) of the site, the month and the true value, not the cell: the same count
// is shown the same in every cell of the unit and in every report, however often and after
// however many restarts it is asked for, so neither asking again nor the many cells one
// person is counted in (started, each step reached, each step's time, ...) give another draw
// (an attacker review counted 35 draws of a lone user's 1 when each cell drew on its own).
// A total made of parts shown beside it is the sum of its rounded parts (done = self +
// staff, answers, requests by outcome, a guide's left/help/confusing over its steps), so a
// part never shows more than its total. A report adds up its units' rounded cells, and every figure
// made from counts (health, medians, staff minutes) is made from rounded cells only: two
// reports differ by whole units' rounded cells, never by a true count. Threshold suppression
// ("<5") was given up: its labels, its choice of partners and its unprotected complements
// were read back to exact small counts (docs/security.md).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "hub/store.hpp"

namespace ledsager::hub {

constexpr int kRoundBase = 5;

// A unit's count `value` as reports show it: randomly rounded to a multiple of kRoundBase,
// drawn from HMAC-SHA256(key, "ledsager-insight-2\n" site "\n" month "\n" value) (the first
// 8 bytes, little-endian, mod 5, below r = value mod 5: rounded up). `cell` names the table
// and the cell in it ("lang:da", "g:GUIDE:s:STEP:reached", ...) for the reader; it is not
// part of the draw.
std::int64_t round_count(const std::string& key, std::int64_t site, const std::string& month, const std::string& cell,
                         std::int64_t value);

// Checks a batch from a kiosk ({"events": [...]}) and folds it. False with `error` naming
// the event and field at fault (nothing of the batch is stored then).
bool fold_usage(Store& store, const Kiosk& kiosk, const nlohmann::json& body, Seconds now, std::string& error);

// Kiosks send events late when they were offline. A month's counts are final, and the month
// can be reported, kLateDays after it ends; later events for it are dropped. Reports cover
// whole final calendar months only: a report that could be asked for again a day later, or
// for a period a day longer, would give that day's counts away by subtraction. Which month is
// final is kept in the database (Store::raise_final_month, only ever raised), not read off the
// clock each time: a clock set back does not reopen a month already reported.
constexpr int kLateDays = 2;
// The last month that is final by the clock at `now`, YYYY-MM.
std::string last_final_month(Seconds now);
// Raises the stored final month to the clock's and returns it: the latest final month.
std::string final_month(Store& store, Seconds now);
// "" if `from`..`to` is a period a report may cover when `last_final` (YYYY-MM) is the latest
// final month; else the reason, with `field` naming the parameter at fault.
std::string check_period(const std::string& from, const std::string& to, const std::string& last_final, int max_days,
                         std::string& field);

struct ReportQuery {
    std::string from, to;             // days, YYYY-MM-DD, inclusive
    std::vector<std::int64_t> sites;  // the user's sites (or the one asked for)
    // Guide id -> title in the reader's language, and step titles ("guide/step" -> title);
    // "guide/" -> the guide's step ids in order. Where the hub knows its guides, counts for
    // other guide ids are shown together as kOtherGuides (titled by titles[kOtherGuides]).
    std::map<std::string, std::string> titles;
    // Guide id -> the state of its content (sources' age, each language's review), shown in
    // the guides report beside the figures so an editor sees what to look at first.
    std::map<std::string, nlohmann::json> content;
};

// `q.from` and `q.to` as check_period allows. Every count is a plain number, a multiple of
// kRoundBase; a guide, step, language, mode, hour or outcome is listed only where one of its
// rounded counts is not 0.
nlohmann::json guide_report(Store& store, const ReportQuery& q);
nlohmann::json site_report(Store& store, const ReportQuery& q);
nlohmann::json gains_report(Store& store, const ReportQuery& q);
// The gains report as CSV: one row per figure, with the count it rests on.
std::string gains_csv(const nlohmann::json& gains);

// The id of the guides the hub does not know, together (not an id content can have).
inline const std::string kOtherGuides = "*other";

}  // namespace ledsager::hub
