#include "common/guide_po.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>

#include "common/content.hpp"
#include "common/languages.hpp"
#include "common/po.hpp"

namespace ledsager::common {

namespace {

std::vector<std::string> split_words(const std::string& s) {
    std::vector<std::string> out;
    std::string w;
    for (char c : s) {
        if (c == ' ' || c == '\t') {
            if (!w.empty()) out.push_back(std::move(w));
            w.clear();
        } else {
            w += c;
        }
    }
    if (!w.empty()) out.push_back(std::move(w));
    return out;
}

// A value on one line of a PO header or comment: no line breaks, quotes and backslashes
// escaped where it goes into a quoted header line.
std::string one_line(std::string s) {
    std::replace(s.begin(), s.end(), '\n', ' ');
    std::replace(s.begin(), s.end(), '\r', ' ');
    return s;
}
std::string header_text(const std::string& s) {
    std::string out;
    for (char c : one_line(s)) {
        if (c == '\\' || c == '"') out += '\\';
        out += c;
    }
    return out;
}

bool bare_key(const std::string& k) {
    return !k.empty() && std::all_of(k.begin(), k.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    });
}

void escape_control(std::string& out, char c) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "\\u%04X", static_cast<unsigned char>(c));
    out += buf;
}

// A TOML basic string: "..." on one line, or """ ... """ when the text has line breaks.
std::string toml_string(const std::string& s) {
    const bool multi = s.find('\n') != std::string::npos;
    std::string out = multi ? "\"\"\"\n" : "\"";
    for (size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '"') {
            // In a """ block a quote stays as it is, unless it could close or lengthen the block.
            const bool risky = !multi || i + 1 == s.size() || s[i + 1] == '"';
            out += risky ? "\\\"" : "\"";
        } else if (c == '\n') {
            out += multi ? "\n" : "\\n";
        } else if (c == '\r') {
            out += "\\r";
        } else if (static_cast<unsigned char>(c) < 0x20 && c != '\t') {
            escape_control(out, c);
        } else if (c == 0x7f) {
            escape_control(out, c);
        } else {
            out += c;
        }
    }
    out += multi ? "\"\"\"" : "\"";
    return out;
}

std::string toml_key(const std::string& k) {
    return bare_key(k) ? k : toml_string(k);
}

// A PO string: "..." with C escapes, a long text split after each line break.
std::string po_string(const std::string& s) {
    std::string body = "\"";
    for (char c : s) {
        if (c == '\\')
            body += "\\\\";
        else if (c == '"')
            body += "\\\"";
        else if (c == '\t')
            body += "\\t";
        else if (c == '\n')
            body += "\\n\"\n\"";
        else
            body += c;
    }
    body += "\"";
    if (s.find('\n') == std::string::npos) return body;
    // msgid ""  then one quoted line per line of text
    if (body.size() >= 3 && body.compare(body.size() - 3, 3, "\n\"\"") == 0) body.erase(body.size() - 3);
    return "\"\"\n" + body;
}

std::string step_label(const Guide& g, const Step& s) {
    return "Step " + std::to_string(g.step_index(s.id) + 1) + " (" + s.id + ")";
}

// Where an answer leads, in the translator's terms: "step 4, \"Type your user ID\"".
std::string where_to(const Guide& g, const GuideText& t, const std::string& next) {
    if (next == kEndStep) return "the last screen";
    const int i = g.step_index(next);
    if (i < 0) return next;
    const auto st = t.steps.find(next);
    return "step " + std::to_string(i + 1) + (st == t.steps.end() ? "" : ", \"" + one_line(st->second.title) + "\"");
}

std::string header_value(const std::string& header, const std::string& name) {
    for (size_t at = 0; at < header.size();) {
        size_t end = header.find('\n', at);
        if (end == std::string::npos) end = header.size();
        const std::string line = header.substr(at, end - at);
        if (line.rfind(name + ":", 0) == 0) {
            std::string v = line.substr(name.size() + 1);
            const size_t a = v.find_first_not_of(" \t");
            const size_t b = v.find_last_not_of(" \t\r");
            return a == std::string::npos ? std::string() : v.substr(a, b - a + 1);
        }
        at = end + 1;
    }
    return {};
}

}  // namespace

std::vector<TextField> text_fields(const Guide& guide, const GuideText& t) {
    std::vector<TextField> out;
    out.push_back(
        {"title", t.title, "The guide's title: on its tile in the list of tasks, and above each step", "", "title"});
    out.push_back({"subtitle", t.subtitle, "Under the title on the guide's tile", "", "subtitle"});
    for (size_t i = 0; i < t.needs.size(); ++i)
        out.push_back(
            {"needs." + std::to_string(i + 1), t.needs[i],
             "What you need, before step 1: item " + std::to_string(i + 1) + " of " + std::to_string(t.needs.size()),
             "needs", "need"});
    for (const auto& s : guide.steps) {
        const auto it = t.steps.find(s.id);
        const StepText none;
        const StepText& st = it == t.steps.end() ? none : it->second;
        const std::string at = step_label(guide, s);
        out.push_back({"step." + s.id + ".title", st.title, at + ": its title", s.id, "title"});
        out.push_back({"step." + s.id + ".text", st.text,
                       at + ": what to do. Each line is one action, numbered on screen: keep one line for each line",
                       s.id, "text"});
        for (const auto& c : s.choices) {
            const auto label = st.choices.find(c.id);
            out.push_back({"step." + s.id + ".choices." + c.id, label == st.choices.end() ? "" : label->second,
                           at + ": an answer (" + c.id + "), on a button; it leads to " + where_to(guide, t, c.next),
                           s.id, "choice"});
        }
        if (!s.image.empty())
            out.push_back({"step." + s.id + ".image_alt", st.image_alt,
                           at + ": what the picture shows, read aloud for people who cannot see it", s.id,
                           "image_alt"});
    }
    out.push_back({"end.title", t.end_title, "The last screen: its title", "end", "end_title"});
    out.push_back({"end.summary", t.end_summary, "The last screen: what the citizen has done", "end", "end_summary"});
    return out;
}

bool set_text_field(const Guide& guide, GuideText& t, const std::string& key, const std::string& value) {
    if (key == "title") return t.title = value, true;
    if (key == "subtitle") return t.subtitle = value, true;
    if (key == "end.title") return t.end_title = value, true;
    if (key == "end.summary") return t.end_summary = value, true;
    if (key.rfind("needs.", 0) == 0) {
        const std::string n = key.substr(6);
        if (n.empty() || n.size() > 3 || !std::all_of(n.begin(), n.end(), [](char c) { return c >= '0' && c <= '9'; }))
            return false;
        const size_t i = static_cast<size_t>(std::stoi(n));
        if (i < 1 || i > 100) return false;
        if (t.needs.size() < i) t.needs.resize(i);
        t.needs[i - 1] = value;
        return true;
    }
    for (const auto& s : guide.steps) {
        const std::string prefix = "step." + s.id + ".";
        if (key.rfind(prefix, 0) != 0) continue;
        const std::string rest = key.substr(prefix.size());
        StepText& st = t.steps[s.id];
        if (rest == "title") return st.title = value, true;
        if (rest == "text") return st.text = value, true;
        if (rest == "image_alt" && !s.image.empty()) return st.image_alt = value, true;
        for (const auto& c : s.choices)
            if (rest == "choices." + c.id) return st.choices[c.id] = value, true;
    }
    return false;
}

std::string write_language_toml(const Guide& guide, const GuideText& t, const std::string& comment) {
    std::string out = "# " + comment + "\n";
    out += "title = " + toml_string(t.title) + "\n";
    out += "subtitle = " + toml_string(t.subtitle) + "\n";
    out += "needs = [\n";
    for (const auto& n : t.needs)
        out += "  " + toml_string(n) + ",\n";
    out += "]\n";
    const Review& r = t.review;
    if (!r.translated_from.empty() || !r.source_digest.empty() || !r.translator.empty() || !r.reviewed_by.empty() ||
        !r.reviewed.empty()) {
        out += "\n[review]\n";
        if (!r.translated_from.empty()) out += "translated_from = " + toml_string(r.translated_from) + "\n";
        if (!r.source_digest.empty()) out += "source_digest = " + toml_string(r.source_digest) + "\n";
        if (!r.translator.empty()) out += "translator = " + toml_string(r.translator) + "\n";
        if (!r.reviewed_by.empty()) out += "reviewed_by = " + toml_string(r.reviewed_by) + "\n";
        // A date bare, as the loader reads it; anything else quoted, for the checks to name (a
        // value read from a file with errors must not become lines of TOML).
        if (!r.reviewed.empty())
            out += "reviewed = " + (valid_iso_date(r.reviewed) ? r.reviewed : toml_string(r.reviewed)) + "\n";
    }
    // The steps in the guide's order, then any the guide no longer has (the checks name them).
    std::vector<std::string> order;
    for (const auto& s : guide.steps)
        if (t.steps.count(s.id)) order.push_back(s.id);
    for (const auto& [id, st] : t.steps)
        if (std::find(order.begin(), order.end(), id) == order.end()) order.push_back(id);
    for (const auto& id : order) {
        const StepText& st = t.steps.at(id);
        out += "\n[step." + toml_key(id) + "]\n";
        out += "title = " + toml_string(st.title) + "\n";
        out += "text = " + toml_string(st.text) + "\n";
        if (!st.image_alt.empty()) out += "image_alt = " + toml_string(st.image_alt) + "\n";
        if (!st.audio.empty()) out += "audio = " + toml_string(st.audio) + "\n";
        if (!st.choices.empty()) {
            out += "[step." + toml_key(id) + ".choices]\n";
            // In the order the guide lists them, then any others.
            std::vector<std::string> ids;
            if (const Step* s = guide.find_step(id))
                for (const auto& c : s->choices)
                    if (st.choices.count(c.id)) ids.push_back(c.id);
            for (const auto& [cid, label] : st.choices)
                if (std::find(ids.begin(), ids.end(), cid) == ids.end()) ids.push_back(cid);
            for (const auto& cid : ids)
                out += toml_key(cid) + " = " + toml_string(st.choices.at(cid)) + "\n";
        }
    }
    out += "\n[end]\n";
    out += "title = " + toml_string(t.end_title) + "\n";
    out += "summary = " + toml_string(t.end_summary) + "\n";
    return out;
}

std::string write_po(const Guide& guide, const PoExport& w) {
    const LanguageDef* to = find_language(w.lang);
    const LanguageDef* from = find_language(w.source_lang);
    const std::string to_name = to ? std::string(to->english_name) : w.lang;
    const std::string from_name = from ? std::string(from->english_name) : w.source_lang;
    const bool outdated = w.translation && w.translation->review.source_digest != text_digest(*w.source);
    std::string out;
    out += "# Ledsager guide \"" + one_line(w.source->title) + "\" (" + guide.id + "): " + to_name + " (" + w.lang +
           "), translated from " + from_name + " (" + w.source_lang + ").\n";
    out += "# Exported from the content studio on " + w.today + ", from the guides as published (" + w.version + ").\n";
    out += "# Each step's text: keep one line for each line of the source; they are numbered on screen.\n";
    out += "# A string marked fuzzy is not taken back until it is checked and the mark removed.\n";
    out += "msgid \"\"\nmsgstr \"\"\n";
    out += "\"Project-Id-Version: Ledsager guide " + guide.id + "\\n\"\n";
    out += "\"Language: " + w.lang + "\\n\"\n";
    out += "\"MIME-Version: 1.0\\n\"\n";
    out += "\"Content-Type: text/plain; charset=UTF-8\\n\"\n";
    out += "\"Content-Transfer-Encoding: 8bit\\n\"\n";
    out += "\"POT-Creation-Date: " + w.today + "\\n\"\n";
    out += "\"PO-Revision-Date: " + w.today + "\\n\"\n";
    if (w.translation && !w.translation->review.translator.empty())
        out += "\"Last-Translator: " + header_text(w.translation->review.translator) + "\\n\"\n";
    out += "\"Language-Team: " + to_name + "\\n\"\n";
    out += "\"X-Generator: Ledsager content studio\\n\"\n";
    out += "\"X-Ledsager-Guide: " + guide.id + "\\n\"\n";
    out += "\"X-Ledsager-Source-Language: " + w.source_lang + "\\n\"\n";
    std::vector<TextField> old, now;
    if (w.translation) now = text_fields(guide, *w.translation);
    if (w.old_source) old = text_fields(guide, *w.old_source);
    auto value_in = [](const std::vector<TextField>& fs, const std::string& key) -> const std::string* {
        for (const auto& f : fs)
            if (f.key == key) return &f.text;
        return nullptr;
    };
    for (const auto& f : text_fields(guide, *w.source)) {
        const std::string* t = value_in(now, f.key);
        const std::string translated = t ? *t : std::string();
        const std::string* before = value_in(old, f.key);
        bool fuzzy = false;
        if (!translated.empty() && outdated) fuzzy = w.old_source ? !before || *before != f.text : true;
        out += "\n#. " + one_line(f.where) + "\n";
        if (fuzzy) {
            out += "#, fuzzy\n";
            if (before && !before->empty()) {
                std::string prev = po_string(*before);
                // gettext's previous msgid: each line of it behind "#| "
                std::string lines = "#| msgid ";
                for (char c : prev) {
                    lines += c;
                    if (c == '\n') lines += "#| ";
                }
                out += lines + "\n";
            }
        }
        out += "msgctxt " + po_string(f.key) + "\n";
        out += "msgid " + po_string(f.text) + "\n";
        out += "msgstr " + po_string(translated) + "\n";
    }
    return out;
}

namespace {

std::string language_of(const PoFile& file) {
    std::string lang = header_value(file.header, "Language");
    if (const size_t cut = lang.find_first_of("_@-"); cut != std::string::npos) lang.resize(cut);
    return lang;
}

}  // namespace

std::string po_language(const std::string& po) {
    Diagnostics ignore;
    PoOptions options;
    options.context = true;
    return language_of(parse_po_file(po, "", ignore, options));
}

std::string po_source_language(const std::string& po) {
    Diagnostics ignore;
    PoOptions options;
    options.context = true;
    const std::string lang = header_value(parse_po_file(po, "", ignore, options).header, "X-Ledsager-Source-Language");
    return find_language(lang) ? lang : std::string();
}

bool read_po(const Guide& guide, const std::string& source_lang, const GuideText& source, const GuideText* existing,
             const std::string& po, const std::string& file_name, PoImport& out, Diagnostics& diags) {
    const size_t errors_before = diags.error_count();
    PoOptions options;
    options.context = true;
    const PoFile file = parse_po_file(po, file_name, diags, options);
    if (diags.error_count() > errors_before) return false;
    const std::string for_guide = header_value(file.header, "X-Ledsager-Guide");
    if (!for_guide.empty() && for_guide != guide.id) {
        diags.error(file_name, 1, "this file is for the guide '" + for_guide + "', not '" + guide.id + "'");
        return false;
    }
    out.lang = language_of(file);
    if (out.lang.empty() || !find_language(out.lang)) {
        diags.error(file_name, 1,
                    "the header's Language: must be a kiosk language (e.g. Language: ar), not '" + out.lang + "'");
        return false;
    }
    if (out.lang == source_lang) {
        diags.error(file_name, 1, "Language: " + out.lang + " is the language this guide is translated from");
        return false;
    }
    out.text = existing ? *existing : GuideText{};
    const std::string before = text_digest(out.text);
    const auto source_fields = text_fields(guide, source);
    std::vector<std::string> taken;
    std::map<std::string, int> seen;  // msgctxt -> line
    for (const auto& e : file.entries) {
        if (!e.msgctxt.empty()) {
            if (auto [it, fresh] = seen.emplace(e.msgctxt, e.line); !fresh) {
                diags.error(file_name, e.line,
                            "'" + e.msgctxt + "' twice (first on line " + std::to_string(it->second) +
                                "): keep one entry for each string");
                return false;
            }
        }
        const auto f = std::find_if(source_fields.begin(), source_fields.end(),
                                    [&](const TextField& sf) { return sf.key == e.msgctxt; });
        if (f == source_fields.end()) {
            ++out.unknown;
            diags.warning(file_name, e.line,
                          e.msgctxt.empty() ? "a string without msgctxt: not one of this guide's; left out"
                                            : "'" + e.msgctxt +
                                                  "' is not in the guide now (removed since the file "
                                                  "was exported?): left out");
            continue;
        }
        if (e.fuzzy) {
            ++out.fuzzy;
            continue;
        }
        if (e.msgstr.empty()) {
            ++out.untranslated;
            continue;
        }
        if (e.msgid != f->text) {
            // Translated from a source text that is not the guide's now: as gettext's msgmerge
            // would, it counts as fuzzy and is not taken.
            ++out.fuzzy;
            diags.warning(file_name, e.line,
                          "'" + e.msgctxt + "': its " + source_lang +
                              " text changed since the file was exported; not taken: export the file again and "
                              "check this string against the new text");
            continue;
        }
        set_text_field(guide, out.text, e.msgctxt, e.msgstr);
        taken.push_back(e.msgctxt);
        ++out.applied;
    }
    // A translation keeps its source's list of what you need, item for item.
    if (out.text.needs.size() > source.needs.size()) out.text.needs.resize(source.needs.size());
    out.complete = out.fuzzy == 0 && std::all_of(source_fields.begin(), source_fields.end(), [&](const TextField& sf) {
                       return sf.text.empty() || std::find(taken.begin(), taken.end(), sf.key) != taken.end();
                   });
    Review& r = out.text.review;
    if (r.translated_from != source_lang) r.source_digest.clear();  // a digest of another language's text
    r.translated_from = source_lang;
    if (out.complete) r.source_digest = text_digest(source);  // current: every string checked against it
    // New words have not been reviewed by whoever reviewed the old ones.
    if (text_digest(out.text) != before) {
        r.reviewed_by.clear();
        r.reviewed.clear();
    }
    // Who translated: a name, never an address (the guides are published).
    std::string translator;
    for (const auto& word : split_words(header_value(file.header, "Last-Translator"))) {
        if (word.find('@') != std::string::npos || word.front() == '<') break;
        translator += (translator.empty() ? "" : " ") + word;
    }
    while (!translator.empty() && (translator.back() == '(' || translator.back() == ',' || translator.back() == '-'))
        translator.pop_back();
    while (!translator.empty() && translator.back() == ' ')
        translator.pop_back();
    if (!translator.empty() && translator != "FULL NAME") r.translator = translator;
    return true;
}

namespace {

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start <= text.size()) {
        const size_t end = text.find('\n', start);
        out.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
        if (end == std::string::npos) break;
        start = end + 1;
    }
    return out;
}

std::string trimmed(const std::string& s) {
    const size_t a = s.find_first_not_of(" \t\r");
    if (a == std::string::npos) return "";
    return s.substr(a, s.find_last_not_of(" \t\r") - a + 1);
}

bool is_comment(const std::string& line) {
    return trimmed(line).rfind('#', 0) == 0;
}

// The comment lines right above line `line` (1-based) as one note; marks them taken.
std::string note_above(const std::vector<std::string>& lines, int line, std::vector<bool>& taken) {
    int first = line - 1;  // index of the line itself
    while (first - 1 >= 0 && is_comment(lines[first - 1]))
        --first;
    std::string note;
    for (int i = first; i < line - 1; ++i) {
        std::string l = trimmed(lines[i]).substr(1);
        if (!l.empty() && l[0] == ' ') l.erase(0, 1);
        note += (i == first ? "" : "\n") + l;
        taken[i] = true;
    }
    return note;
}

// A note as comment lines, each under `indent`; characters a TOML comment cannot hold go.
std::string comment_lines(const std::string& note, const std::string& indent) {
    if (note.empty()) return "";
    std::string out;
    for (const auto& raw : lines_of(note)) {
        std::string l;
        for (char c : raw)
            if ((static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) || c == '\t') l += c;
        // Nor the marks that turn text around (U+202A-U+202E, U+2066-U+2069): a note must read
        // in the file as it is, in a reviewer's diff too.
        auto turning = [](std::string_view r) {
            return r.size() >= 3 && r[0] == '\xE2' &&
                   ((r[1] == '\x80' && r[2] >= '\xAA' && r[2] <= '\xAE') ||
                    (r[1] == '\x81' && r[2] >= '\xA6' && r[2] <= '\xA9'));
        };
        for (size_t at = 0; at < l.size();)
            if (turning(std::string_view(l).substr(at)))
                l.erase(at, 3);
            else
                ++at;
        while (!l.empty() && (l.back() == ' ' || l.back() == '\t'))
            l.pop_back();
        out += indent + (l.empty() ? "#" : "# " + l) + "\n";
    }
    return out;
}

}  // namespace

StructureNotes structure_notes(const std::string& toml_text, const Guide& guide, int* unkept) {
    StructureNotes notes;
    const auto lines = lines_of(toml_text);
    std::vector<bool> taken(lines.size(), false);
    const int count = static_cast<int>(lines.size());
    // The guide's note: the comment lines before its first key, blank lines between them kept.
    int first_key = 0;
    while (first_key < count && (is_comment(lines[first_key]) || trimmed(lines[first_key]).empty()))
        ++first_key;
    int last = first_key;
    while (last > 0 && !is_comment(lines[last - 1]))
        --last;
    std::vector<std::string> note;
    for (int i = 0; i < last; ++i) {
        std::string l;
        if (is_comment(lines[i])) {
            l = trimmed(lines[i]).substr(1);
            if (!l.empty() && l[0] == ' ') l.erase(0, 1);
            taken[i] = true;
        }
        if (!note.empty() || !l.empty()) note.push_back(l);  // a blank line between notes stays
    }
    while (!note.empty() && note.back().empty())
        note.pop_back();
    for (size_t i = 0; i < note.size(); ++i)
        notes.guide += (i ? "\n" : "") + note[i];
    for (const auto& s : guide.sources)
        notes.sources.push_back(s.line > 0 && s.line <= count ? note_above(lines, s.line, taken) : "");
    for (const auto& s : guide.steps)
        notes.steps.push_back(s.line > 0 && s.line <= count ? note_above(lines, s.line, taken) : "");
    if (unkept) {
        *unkept = 0;
        for (int i = 0; i < count; ++i)
            if (is_comment(lines[i]) && !taken[i]) ++*unkept;
    }
    return notes;
}

std::string write_guide_toml(const Guide& g, const StructureNotes& notes) {
    std::string out;
    if (!notes.guide.empty()) out += comment_lines(notes.guide, "") + "\n";
    out += "id = " + toml_string(g.id) + "\n";
    out += "category = " + toml_string(g.category) + "\n";
    out += "icon = " + toml_string(g.icon) + "\n";
    out += "order = " + std::to_string(g.order) + "\n";
    out += "sources = [\n";
    for (size_t i = 0; i < g.sources.size(); ++i) {
        const auto& s = g.sources[i];
        out += comment_lines(i < notes.sources.size() ? notes.sources[i] : "", "  ");
        out += "  { url = " + toml_string(s.url) +
               ", checked = " + (valid_iso_date(s.checked) ? s.checked : toml_string(s.checked)) + " },\n";
    }
    out += "]\n";
    for (size_t i = 0; i < g.steps.size(); ++i) {
        const auto& s = g.steps[i];
        out += "\n" + comment_lines(i < notes.steps.size() ? notes.steps[i] : "", "");
        out += "[[step]]\n";
        out += "id = " + toml_string(s.id) + "\n";
        const char* kind = s.kind == StepKind::Question ? "question" : s.kind == StepKind::Check ? "check" : "info";
        out += "kind = \"" + std::string(kind) + "\"\n";
        if (!s.icon.empty()) out += "icon = " + toml_string(s.icon) + "\n";
        if (!s.image.empty()) out += "image = " + toml_string(s.image) + "\n";
        if (!s.next.empty()) out += "next = " + toml_string(s.next) + "\n";
        if (!s.if_no.empty()) out += "if_no = " + toml_string(s.if_no) + "\n";
        for (const auto& c : s.choices) {
            out += "[[step.choice]]\n";
            out += "id = " + toml_string(c.id) + "\n";
            out += "next = " + toml_string(c.next) + "\n";
        }
    }
    out += "\n[end]\n";
    return out;
}

std::vector<std::string> structure_line_fields(const std::string& toml_text, const Guide& g) {
    const auto lines = lines_of(toml_text);
    std::vector<std::string> fields(lines.size());
    const int count = static_cast<int>(lines.size());
    auto key_of = [](const std::string& line) {
        const std::string t = trimmed(line);
        size_t n = 0;
        while (n < t.size() && (std::isalnum(static_cast<unsigned char>(t[n])) || t[n] == '_' || t[n] == '-'))
            ++n;
        const size_t eq = t.find_first_not_of(" \t", n);
        return n > 0 && eq != std::string::npos && t[eq] == '=' ? t.substr(0, n) : std::string();
    };
    // Before the first step: the guide's own keys, and each source on its line.
    const int first_step = g.steps.empty() ? count + 1 : g.steps.front().line;
    for (int i = 0; i < count && i + 1 < first_step; ++i) {
        const std::string k = key_of(lines[i]);
        if (k == "category" || k == "icon" || k == "order" || k == "sources") fields[i] = k;
    }
    for (size_t s = 0; s < g.sources.size(); ++s)
        if (g.sources[s].line > 0 && g.sources[s].line <= count)
            fields[g.sources[s].line - 1] = "sources." + std::to_string(s);
    // Each step from its [[step]] line to the next one's, its answers by their [[step.choice]].
    for (size_t s = 0; s < g.steps.size(); ++s) {
        const int from = g.steps[s].line, to = s + 1 < g.steps.size() ? g.steps[s + 1].line : count + 1;
        if (from <= 0) continue;
        const std::string step = "steps." + std::to_string(s);
        std::string at = step;
        int choice = -1;
        for (int l = from; l < to && l <= count; ++l) {
            const std::string t = trimmed(lines[l - 1]);
            if (t.rfind("[[step.choice]]", 0) == 0) {
                at = step + ".choices." + std::to_string(++choice);
                fields[l - 1] = at;
            } else if (t.rfind('[', 0) == 0 && t.rfind("[[step]]", 0) != 0) {
                break;  // [end] or another table: no longer the step's
            } else if (const std::string k = key_of(t); !k.empty()) {
                fields[l - 1] = at + "." + k;
            } else if (!t.empty() && t[0] != '#') {
                fields[l - 1] = at;
            }
        }
        fields[from - 1] = step;
    }
    return fields;
}

}  // namespace ledsager::common
