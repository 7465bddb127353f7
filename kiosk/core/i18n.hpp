// Interface strings from gettext catalogues (po/<code>.po). Keys are the msgids (e.g.
// "attract.title"); po/en.po holds the English source text. Lookup falls back
// chosen language -> English -> Danish -> the key itself, and says when it fell back.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "core/diagnostics.hpp"

namespace ledsager::core {

struct PoEntry {
    std::string msgid;
    std::string msgstr;
    bool fuzzy = false;
    int line = 0;
};

// Parses PO text. Syntax problems are recorded against `file_name` with their line.
std::vector<PoEntry> parse_po(const std::string& text, const std::string& file_name, Diagnostics& diags);

struct Translation {
    const std::string& text;
    std::string lang;  // the language the text is actually in ("" when the key was shown)
};

class Translator {
public:
    // Loads every po/<code>.po in `dir`. Fuzzy and untranslated entries are not used.
    void load_dir(const std::filesystem::path& dir, Diagnostics& diags);
    void add(const std::string& lang, const std::vector<PoEntry>& entries);

    Translation lookup(const std::string& lang, const std::string& key) const;
    const std::string& tr(const std::string& lang, const std::string& key) const { return lookup(lang, key).text; }
    bool has_language(const std::string& lang) const { return catalogs_.count(lang) > 0; }
    std::vector<std::string> languages() const;
    const std::map<std::string, std::string>* catalog(const std::string& lang) const;

    static const std::vector<std::string>& fallback_chain();  // {"en", "da"}

private:
    std::map<std::string, std::map<std::string, std::string>> catalogs_;
    mutable std::map<std::string, std::string> missing_;  // keys shown as themselves
};

// Replaces {name} placeholders: format("Step {n} of {total}", {{"n","3"},{"total","7"}}).
std::string format(std::string text, const std::vector<std::pair<std::string, std::string>>& args);

}  // namespace ledsager::core
