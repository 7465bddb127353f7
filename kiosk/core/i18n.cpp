#include "core/i18n.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <functional>
#include <limits>
#include <sstream>

namespace ledsager::core {

void Translator::add(const std::string& lang, const std::vector<PoEntry>& entries, const PluralRule& plural) {
    auto& cat = catalogs_[lang];
    auto& plurals = plurals_[lang];
    rules_[lang] = plural;
    for (const auto& e : entries) {
        if (e.fuzzy) continue;
        if (!e.plural()) {
            if (!e.msgstr.empty()) cat[e.msgid] = e.msgstr;
            continue;
        }
        // Every form or none (as msgfmt): a half-translated entry falls back whole.
        const size_t np = static_cast<size_t>(plural.nplurals());
        if (e.plurals.size() < np || std::any_of(e.plurals.begin(), e.plurals.begin() + static_cast<long>(np),
                                                 [](const std::string& f) { return f.empty(); }))
            continue;
        plurals[e.msgid] = std::vector<std::string>(e.plurals.begin(), e.plurals.begin() + static_cast<long>(np));
        cat[e.msgid] = e.plurals[0];
    }
}

void Translator::load_dir(const std::filesystem::path& dir, common::Diagnostics& diags) {
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
        if (entry.path().extension() != ".po") continue;
        std::ifstream in(entry.path());
        std::stringstream ss;
        ss << in.rdbuf();
        add(entry.path().stem().string(), parse_po_file(ss.str(), entry.path().string(), diags));
    }
    if (ec) diags.error(dir.string(), 0, "cannot read the translations folder: " + ec.message());
}

const std::vector<std::string>& Translator::fallback_chain() {
    static const std::vector<std::string> chain{"en", "da"};
    return chain;
}

Translation Translator::resolve(const std::string& lang, const std::string& key,
                                const std::function<const std::string*(const std::string&)>& find_in) const {
    if (const auto* s = find_in(lang)) return {*s, lang};
    for (const auto& f : fallback_chain())
        if (const auto* s = find_in(f)) return {*s, f};
    auto [it, inserted] = missing_.emplace(key, key);
    return {it->second, ""};
}

Translation Translator::lookup(const std::string& lang, const std::string& key) const {
    return resolve(lang, key, [&](const std::string& l) -> const std::string* {
        auto c = catalogs_.find(l);
        if (c == catalogs_.end()) return nullptr;
        auto it = c->second.find(key);
        return it == c->second.end() ? nullptr : &it->second;
    });
}

Translation Translator::lookup_n(const std::string& lang, const std::string& key, long long n) const {
    const std::uint64_t count =
        n < 0 ? std::uint64_t{0} - static_cast<std::uint64_t>(n) : static_cast<std::uint64_t>(n);
    return resolve(lang, key, [&](const std::string& l) -> const std::string* {
        if (auto p = plurals_.find(l); p != plurals_.end())
            if (auto it = p->second.find(key); it != p->second.end()) {
                const auto form = rules_.at(l).form(count);
                if (!form || static_cast<size_t>(*form) >= it->second.size()) return nullptr;
                return &it->second[static_cast<size_t>(*form)];
            }
        auto c = catalogs_.find(l);  // a singular text serves every count
        if (c == catalogs_.end()) return nullptr;
        auto it = c->second.find(key);
        return it == c->second.end() ? nullptr : &it->second;
    });
}

std::vector<std::string> Translator::languages() const {
    std::vector<std::string> out;
    for (const auto& [k, v] : catalogs_)
        out.push_back(k);
    return out;
}

const std::map<std::string, std::string>* Translator::catalog(const std::string& lang) const {
    auto it = catalogs_.find(lang);
    return it == catalogs_.end() ? nullptr : &it->second;
}

const std::map<std::string, std::vector<std::string>>* Translator::plural_catalog(const std::string& lang) const {
    auto it = plurals_.find(lang);
    return it == plurals_.end() ? nullptr : &it->second;
}

const PluralRule* Translator::plural_rule(const std::string& lang) const {
    auto it = rules_.find(lang);
    return it == rules_.end() ? nullptr : &it->second;
}

std::string format(std::string text, const std::vector<std::pair<std::string, std::string>>& args) {
    for (const auto& [name, value] : args) {
        const std::string token = "{" + name + "}";
        for (size_t pos = text.find(token); pos != std::string::npos; pos = text.find(token, pos + value.size()))
            text.replace(pos, token.size(), value);
    }
    return text;
}

}  // namespace ledsager::core
