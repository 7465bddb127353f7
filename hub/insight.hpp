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
// as 5q (0 and multiples of 5 stay). This is the cell key method (ABS, ONS): each kiosk
// session draws a random 32-bit key and sends it with its events (kiosk/core/usage.hpp); each
// help request has one drawn by the hub. Beside each count the hub keeps the sum of the keys
// counted in it (mod 2^32), the cell key; a derived count (a total, a difference) gets the sum
// or difference of its parts' keys. The draw is HMAC-SHA256 under the hub's own secret key
// (Store::insight_key) of the site, the month and the cell key, not the count or the cell's
// name: cells that hold the same sessions round alike (a lone visitor counted in many cells
// is not drawn many times: an attacker review averaged 35 such draws), the same report reads
// the same after every restart, and cells someone fills with sessions of their own teach
// nothing about how cells holding others round (a third review learned the old per-value
// table that way and undid it). Where steps form a chain in which whoever reached a step
// reached the one before it (core::Guide::funnels), "reached" is rounded from the chain's last
// step back: the last step's count, then each step's as the next one's plus the rounded
// number who stopped in between; so a visitor who went all the way is in one rounded count of
// the chain, and adding different numbers of sessions to each step gives one draw of them,
// not one per step.
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

// A unit's count `value` with cell key `cell_key` as reports show it: randomly rounded to a
// multiple of kRoundBase, drawn from HMAC-SHA256(key, "ledsager-insight-3\n" site "\n" month
// "\n" cell_key) (the first 8 bytes, little-endian, mod 5 = d; rounded up when d < value mod 5).
// Negative values (a difference) round the same way (floor-based), without bias.
std::int64_t round_count(const std::string& key, std::int64_t site, const std::string& month, std::int64_t value,
                         std::uint32_t cell_key);

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
    // Guide id -> its steps in chains where whoever reached a step reached the one before it
    // (core::Guide::funnels; the first begins with the start step). "Reached" is rounded along
    // each chain from its last step back (make_unit); without them, each step on its own.
    std::map<std::string, std::vector<std::vector<std::string>>> funnels;
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
