// The content checks' shared parts, for their own files only: content.cpp (guide.toml and
// the loaders) and content_text.cpp (the language files and how fresh they are). Every
// problem they report names its file and line, and carries a code for the studio.
#pragma once

#include <toml++/toml.h>

#include <filesystem>
#include <initializer_list>
#include <string>
#include <string_view>

#include "common/content.hpp"
#include "common/diagnostics.hpp"

namespace ledsager::common::checks {

// Where in a file a problem is: words for the English message (" in step 'date'") and, for
// the studio, the step ("end" for the end screen) as a value of its own.
struct Where {
    std::string text, step;
    Where(const char* words = "") : text(words) {}
    Where(std::string words, std::string step_id = "") : text(std::move(words)), step(std::move(step_id)) {}
    DiagnosticArgs args(DiagnosticArgs more = {}) const {
        if (!step.empty()) more.emplace_back("step", step);
        return more;
    }
};

int line_of(const toml::node& node);
// Parses a TOML file; on a syntax error records it and returns false.
bool parse(const std::filesystem::path& file, toml::table& out, Diagnostics& diags);
// Reports keys of `table` not in `allowed` (stray text or misspelt keys).
void check_keys(const toml::table& table, std::initializer_list<std::string_view> allowed, const std::string& file,
                const Where& where, Diagnostics& diags);
// Reads a required non-empty string; records an error naming the key when absent/empty.
std::string need_string(const toml::table& table, std::string_view key, const std::string& file, int table_line,
                        const Where& where, Diagnostics& diags, bool required = true);
void warn_long_sentences(const std::string& text, const toml::node* node, const std::string& file, const Where& where,
                         const ContentOptions& options, Diagnostics& diags);
// Line of the last line that belongs to a table ([end] must come after every step).
int max_line(const toml::node& node);

// A language's file of a guide whose structure is loaded (content_text.cpp); `parsed` says
// whether it read as TOML at all.
bool load_text(const std::filesystem::path& file_path, const Guide& guide, const ContentOptions& options,
               GuideText& text, Diagnostics& diags, bool& parsed);
// Warnings on what a content editor should look at first: outdated translations, texts nobody
// reviewed, sources not checked for too long (content_text.cpp).
void check_freshness(const std::filesystem::path& folder, const ContentOptions& options, Guide& guide,
                     Diagnostics& diags);

}  // namespace ledsager::common::checks
