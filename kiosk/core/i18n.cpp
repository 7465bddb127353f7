#include "core/i18n.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace ledsager::core {
namespace {

// Decodes one quoted PO string ("..." with C escapes). Returns false on a syntax error.
bool unquote(const std::string& s, std::string& out) {
    size_t a = s.find('"');
    size_t b = s.rfind('"');
    if (a == std::string::npos || b == a) return false;
    if (s.find_first_not_of(" \t\r", b + 1) != std::string::npos) return false;
    for (size_t i = a + 1; i < b; ++i) {
        char c = s[i];
        if (c == '\\' && i + 1 < b) {
            char e = s[++i];
            switch (e) {
                case 'n': out += '\n'; break;
                case 't': out += '\t'; break;
                case '"': out += '"'; break;
                case '\\': out += '\\'; break;
                default: out += e;
            }
        } else if (c == '"') {
            return false;
        } else {
            out += c;
        }
    }
    return true;
}

}  // namespace

std::vector<PoEntry> parse_po(const std::string& text, const std::string& file_name, Diagnostics& diags) {
    std::vector<PoEntry> entries;
    PoEntry current;
    bool have_id = false, fuzzy_next = false;
    std::string* target = nullptr;
    auto flush = [&] {
        if (have_id && !current.msgid.empty()) entries.push_back(current);
        current = PoEntry{};
        have_id = false;
        target = nullptr;
    };
    std::istringstream in(text);
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
        ++n;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        const size_t first = line.find_first_not_of(" \t");
        if (first == std::string::npos) {
            flush();
            continue;
        }
        std::string_view l(line.c_str() + first);
        if (l.rfind("#,", 0) == 0) {
            if (l.find("fuzzy") != std::string_view::npos) fuzzy_next = true;
            continue;
        }
        if (l[0] == '#') continue;
        if (l.rfind("msgctxt", 0) == 0) {
            diags.error(file_name, n, "msgctxt is not used by Ledsager: keys are unique without context");
            continue;
        }
        if (l.rfind("msgid_plural", 0) == 0 || l.rfind("msgstr[", 0) == 0) {
            diags.error(file_name, n, "plural forms are not used by Ledsager: write the count into the sentence");
            continue;
        }
        if (l.rfind("msgid", 0) == 0) {
            flush();
            current.line = n;
            current.fuzzy = fuzzy_next;
            fuzzy_next = false;
            have_id = true;
            target = &current.msgid;
            if (!unquote(std::string(l.substr(5)), current.msgid))
                diags.error(file_name, n, "msgid must be followed by text in double quotes");
            continue;
        }
        if (l.rfind("msgstr", 0) == 0) {
            if (!have_id) {
                diags.error(file_name, n, "msgstr without a msgid before it");
                continue;
            }
            target = &current.msgstr;
            if (!unquote(std::string(l.substr(6)), current.msgstr))
                diags.error(file_name, n, "msgstr must be followed by text in double quotes");
            continue;
        }
        if (l[0] == '"' && target) {
            if (!unquote(std::string(l), *target)) diags.error(file_name, n, "broken quoted text");
            continue;
        }
        diags.error(file_name, n, "not PO syntax: '" + std::string(l.substr(0, 40)) + "'");
    }
    flush();
    return entries;
}

void Translator::add(const std::string& lang, const std::vector<PoEntry>& entries) {
    auto& cat = catalogs_[lang];
    for (const auto& e : entries)
        if (!e.fuzzy && !e.msgstr.empty()) cat[e.msgid] = e.msgstr;
}

void Translator::load_dir(const std::filesystem::path& dir, Diagnostics& diags) {
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
        if (entry.path().extension() != ".po") continue;
        std::ifstream in(entry.path());
        std::stringstream ss;
        ss << in.rdbuf();
        add(entry.path().stem().string(), parse_po(ss.str(), entry.path().string(), diags));
    }
    if (ec) diags.error(dir.string(), 0, "cannot read the translations folder: " + ec.message());
}

const std::vector<std::string>& Translator::fallback_chain() {
    static const std::vector<std::string> chain{"en", "da"};
    return chain;
}

Translation Translator::lookup(const std::string& lang, const std::string& key) const {
    auto find_in = [&](const std::string& l) -> const std::string* {
        auto c = catalogs_.find(l);
        if (c == catalogs_.end()) return nullptr;
        auto it = c->second.find(key);
        return it == c->second.end() ? nullptr : &it->second;
    };
    if (const auto* s = find_in(lang)) return {*s, lang};
    for (const auto& f : fallback_chain())
        if (const auto* s = find_in(f)) return {*s, f};
    auto [it, inserted] = missing_.emplace(key, key);
    return {it->second, ""};
}

std::vector<std::string> Translator::languages() const {
    std::vector<std::string> out;
    for (const auto& [k, v] : catalogs_) out.push_back(k);
    return out;
}

const std::map<std::string, std::string>* Translator::catalog(const std::string& lang) const {
    auto it = catalogs_.find(lang);
    return it == catalogs_.end() ? nullptr : &it->second;
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
