// Loading and checking guide content from a folder of guide folders (assets/guides/).
// Every problem becomes a Diagnostic naming the file and line at fault; a guide with an
// error is left out and the rest are served. Nothing here throws on bad content.
#pragma once

#include <ctime>
#include <filesystem>
#include <string>
#include <vector>

#include "common/diagnostics.hpp"
#include "common/guide.hpp"

namespace ledsager::common {

struct ContentOptions {
    // Languages every guide must be complete in.
    std::vector<std::string> required_languages{"da", "en"};
    int max_sentence_words = 25;    // longer sentences are a warning
    int max_main_path = 12;         // more steps on the main path is a warning
    int max_source_age_months = 6;  // sources checked longer ago are a warning
    std::string today;              // ISO date to measure ages from ("" = the system clock's day)
    // The content studio's form edits a text whose checks fail: load_guide keeps each language
    // file that reads as TOML in `text`, and gives the guide out, even with errors (in
    // guide.toml too, as long as it reads and has steps).
    bool keep_texts_with_errors = false;
    // Decode each step's picture as a kiosk would (--check-content): one that has a PNG's
    // signature but cannot be drawn is an error. Off where the guides are loaded to be served.
    bool decode_pictures = false;
};

struct ContentSet {
    std::vector<Guide> guides;  // only guides without errors, sorted by category and order
    Diagnostics diagnostics;

    const Guide* find(const std::string& id) const;
};

ContentSet load_content(const std::filesystem::path& dir, const ContentOptions& options = {});

// Loads one guide folder. Returns false (and records why) when the guide has errors.
bool load_guide(const std::filesystem::path& folder, const ContentOptions& options, Guide& out, Diagnostics& diags);

// Reads only a guide's guide.toml (steps, branches, sources) with its checks. The guide comes
// out even with errors, as long as the file reads as TOML and has steps; else false.
bool load_guide_structure(const std::filesystem::path& folder, const ContentOptions& options, Guide& out,
                          Diagnostics& diags);

// A day of the calendar written YYYY-MM-DD (2026-02-30 is none).
bool valid_iso_date(const std::string& s);

// The day of a moment as YYYY-MM-DD, in UTC.
std::string iso_day(std::time_t t);
// The same day `months` earlier (the last day of that month when it is shorter). Sources
// checked before months_before(today, N) count as old, in --check-content and the hub alike.
std::string months_before(const std::string& iso, int months);

// A short fingerprint (hex) of a language's words: what a translation records as the text it
// was translated from ([review] source_digest), so a later change to that text is noticed,
// as gettext marks an entry fuzzy. Comments, layout and [review] do not count.
std::string text_digest(const GuideText& text);

// Records in <lang>.toml that it now matches its source language's current text: sets
// source_digest in its [review] table. False (and why) when it cannot.
bool stamp_translation(const std::filesystem::path& lang_file, std::string& error);

// Words in the longest sentence of `text` (sentences end at . ! ? or a line break).
int longest_sentence_words(const std::string& text);
// The longest sentence: its words, and where it is in the text (bytes).
struct LongestSentence {
    int words = 0;
    size_t at = 0, length = 0;
};
LongestSentence longest_sentence(const std::string& text);

}  // namespace ledsager::common
