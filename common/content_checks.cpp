// The content checks' shared parts (content_checks.hpp).
#include "common/content_checks.hpp"

#include <algorithm>

namespace fs = std::filesystem;

namespace ledsager::common::checks {

namespace {
// The first `n` words of a sentence, for an editor to find it by.
std::string first_words(const std::string& sentence, int n) {
    size_t end = 0;
    for (int w = 0; w < n && end < sentence.size(); ++w) {
        end = sentence.find_first_not_of(" \t\r\n", end);
        if (end == std::string::npos) return sentence;
        end = sentence.find_first_of(" \t\r\n", end);
        if (end == std::string::npos) return sentence;
    }
    return sentence.substr(0, end);
}
}  // namespace

int line_of(const toml::node& node) {
    return static_cast<int>(node.source().begin.line);
}

// Parses a TOML file; on a syntax error records it and returns false.
bool parse(const fs::path& file, toml::table& out, Diagnostics& diags) {
    try {
        out = toml::parse_file(file.string());
        return true;
    } catch (const toml::parse_error& err) {
        diags
            .error(file.string(), static_cast<int>(err.source().begin.line),
                   "not valid TOML: " + std::string(err.description()))
            .with("toml_syntax", {{"detail", std::string(err.description())}});
        return false;
    }
}

// Reports keys of `table` not in `allowed` (stray text or misspelt keys).
void check_keys(const toml::table& table, std::initializer_list<std::string_view> allowed, const std::string& file,
                const Where& where, Diagnostics& diags) {
    for (const auto& [key, node] : table) {
        if (std::find(allowed.begin(), allowed.end(), key.str()) == allowed.end()) {
            std::string known;
            for (auto a : allowed)
                known += (known.empty() ? "" : ", ") + std::string(a);
            diags
                .error(file, line_of(node),
                       "unknown key '" + std::string(key.str()) + "'" + where.text + " (expected: " + known + ")")
                .with("unknown_key", where.args({{"key", std::string(key.str())}, {"expected", known}}));
        }
    }
}

// Reads a required non-empty string; records an error naming the key when absent/empty.
std::string need_string(const toml::table& table, std::string_view key, const std::string& file, int table_line,
                        const Where& where, Diagnostics& diags, bool required) {
    const toml::node* node = table.get(key);
    if (!node) {
        if (required)
            diags.error(file, table_line, "missing '" + std::string(key) + "'" + where.text)
                .with("missing_key", where.args({{"key", std::string(key)}}));
        return {};
    }
    const auto* str = node->as_string();
    if (!str) {
        diags.error(file, line_of(*node), "'" + std::string(key) + "'" + where.text + " must be text in quotes")
            .with("not_text", where.args({{"key", std::string(key)}}));
        return {};
    }
    std::string value = str->get();
    if (value.find_first_not_of(" \t\r\n") == std::string::npos && required) {
        diags.error(file, line_of(*node), "'" + std::string(key) + "'" + where.text + " is empty")
            .with("empty", where.args({{"key", std::string(key)}}));
        return {};
    }
    return value;
}

void warn_long_sentences(const std::string& text, const toml::node* node, const std::string& file, const Where& where,
                         const ContentOptions& options, Diagnostics& diags) {
    const auto longest = longest_sentence(text);
    const int words = longest.words;
    if (words > options.max_sentence_words)
        diags
            .warning(file, node ? line_of(*node) : 0,
                     "a sentence" + where.text + " has " + std::to_string(words) + " words (plain language: at most " +
                         std::to_string(options.max_sentence_words) + ")")
            .with("sentence_long", where.args({{"words", std::to_string(words)},
                                               {"max", std::to_string(options.max_sentence_words)},
                                               {"start", first_words(text.substr(longest.at, longest.length), 5)}}));
}

// Line of the last line that belongs to a table ([end] must come after every step).
int max_line(const toml::node& node) {
    int line = line_of(node);
    if (const auto* t = node.as_table())
        for (const auto& [k, v] : *t)
            line = std::max(line, max_line(v));
    if (const auto* a = node.as_array())
        for (const auto& v : *a)
            line = std::max(line, max_line(v));
    return line;
}

}  // namespace ledsager::common::checks
