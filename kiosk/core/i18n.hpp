// Interface strings from gettext catalogues (po/<code>.po). Keys are the msgids (e.g.
// "attract.title"); po/en.po holds the English source text. Lookup falls back
// chosen language -> English -> Danish -> the key itself, and says when it fell back.
// Counts use gettext plural forms: each catalogue's `Plural-Forms: nplurals=N; plural=EXPR;`
// header picks which of an entry's msgstr[0..N-1] a number takes (tr_n).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/diagnostics.hpp"
#include "common/po.hpp"

namespace ledsager::core {

// The PO reader is shared with the hub (common/po.hpp).
using common::parse_po;
using common::parse_po_file;
using common::PluralRule;
using common::PoEntry;
using common::PoFile;

struct Translation {
    const std::string& text;
    std::string lang;  // the language the text is actually in ("" when the key was shown)
};

class Translator {
public:
    // Loads every po/<code>.po in `dir`. Fuzzy and untranslated entries are not used.
    void load_dir(const std::filesystem::path& dir, common::Diagnostics& diags);
    void add(const std::string& lang, const std::vector<PoEntry>& entries, const PluralRule& plural = {});
    void add(const std::string& lang, const PoFile& file) { add(lang, file.entries, file.plural); }

    Translation lookup(const std::string& lang, const std::string& key) const;
    const std::string& tr(const std::string& lang, const std::string& key) const { return lookup(lang, key).text; }
    // The text for a count n (a negative n counts as its size): the form the language's
    // plural rule picks for n. A singular entry serves every n. A plural entry lacking one
    // of its forms is not used at all, as with gettext's msgfmt (an untranslated entry):
    // the next language in the chain answers, with its own rule, so one screen never mixes
    // languages as n changes.
    Translation lookup_n(const std::string& lang, const std::string& key, long long n) const;
    const std::string& tr_n(const std::string& lang, const std::string& key, long long n) const {
        return lookup_n(lang, key, n).text;
    }
    bool has_language(const std::string& lang) const { return catalogs_.count(lang) > 0; }
    std::vector<std::string> languages() const;
    const std::map<std::string, std::string>* catalog(const std::string& lang) const;  // plural entries: msgstr[0]
    // A language's plural entries, every form (e.g. for the glyphs a screen may need).
    const std::map<std::string, std::vector<std::string>>* plural_catalog(const std::string& lang) const;
    const PluralRule* plural_rule(const std::string& lang) const;

    static const std::vector<std::string>& fallback_chain();  // {"en", "da"}

private:
    // The chain chosen -> English -> Danish -> the key, asking `find_in` of each language.
    Translation resolve(const std::string& lang, const std::string& key,
                        const std::function<const std::string*(const std::string&)>& find_in) const;

    std::map<std::string, std::map<std::string, std::string>> catalogs_;
    std::map<std::string, std::map<std::string, std::vector<std::string>>> plurals_;
    std::map<std::string, PluralRule> rules_;
    mutable std::map<std::string, std::string> missing_;  // keys shown as themselves
};

// Replaces {name} placeholders: format("Step {n} of {total}", {{"n","3"},{"total","7"}}).
std::string format(std::string text, const std::vector<std::pair<std::string, std::string>>& args);

}  // namespace ledsager::core
