// The content studio's forms (server_content_forms.cpp): a change's texts for one language,
// its structure (guide.toml) as steps and sources, its pictures, and a language's texts as a
// translator's PO file. Each save runs the checks of --check-content.
#include "common/bundle.hpp"
#include "common/catalogue.hpp"
#include "common/content.hpp"
#include "common/guide_po.hpp"
#include "common/icons.hpp"
#include "common/languages.hpp"
#include "common/picture.hpp"
#include "hub/auth.hpp"
#include "hub/bundles.hpp"
#include "hub/insight.hpp"
#include "hub/picture_check.hpp"
#include "hub/routes.hpp"
#include "hub/server.hpp"
#include "hub/studio_files.hpp"

#include <sodium.h>

#include <algorithm>
#include <ctime>
#include <fstream>
#include <map>
#include <optional>
#include <set>

namespace ledsager::hub {

namespace fs = std::filesystem;

using namespace studio;

namespace {

constexpr int kMaxDraftPictures = 20;  // pictures one change may hold

// One line of text with no control characters, at most `max` bytes.
bool one_line(const json& v, size_t max) {
    if (!v.is_string()) return false;
    const auto& s = v.get_ref<const std::string&>();
    return s.size() <= max &&
           std::none_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

// The structure form's guide (what guide.toml holds) from its JSON, shape and sizes checked;
// what it means is left to the content checks, which name each problem at its field. On a
// bad shape, `field` names the part ("steps.3.next") and `error` says what it must be.
bool structure_from_json(const json& s, common::Guide& g, common::StructureNotes& notes, std::string& field,
                         std::string& error) {
    auto bad = [&](const std::string& f, const std::string& e) {
        field = f, error = f + ": " + e;
        return false;
    };
    auto keys_in = [&](const json& o, const std::string& at, std::initializer_list<const char*> known) {
        for (const auto& [k, v] : o.items())
            if (std::none_of(known.begin(), known.end(), [&](const char* n) { return k == n; }))
                return bad(at + (at.empty() ? "" : ".") + common::utf8_prefix(k, 40), "not a field here");
        return true;
    };
    auto text_at = [&](const json& o, const char* key, const std::string& at, size_t max, bool required,
                       std::string& out) {
        const std::string f = at + (at.empty() ? "" : ".") + key;
        if (!o.contains(key)) return required ? bad(f, "missing") : true;
        if (!one_line(o[key], max)) return bad(f, "one line of text, at most " + std::to_string(max) + " characters");
        out = o[key].get<std::string>();
        return true;
    };
    auto note_at = [&](const json& o, const std::string& at, std::string& out) {
        if (!o.contains("note")) return true;
        if (!o["note"].is_string() || o["note"].get_ref<const std::string&>().size() > 4000)
            return bad(at + (at.empty() ? "" : ".") + "note", "a text of at most 4,000 characters");
        out = o["note"].get<std::string>();
        std::erase(out, '\r');
        return true;
    };
    if (!s.is_object()) return bad("structure", "an object with category, icon, order, sources and steps");
    if (!keys_in(s, "", {"category", "icon", "order", "note", "sources", "steps"})) return false;
    if (!text_at(s, "category", "", 64, true, g.category) || !text_at(s, "icon", "", 64, true, g.icon) ||
        !note_at(s, "", notes.guide))
        return false;
    if (!s.contains("order") || !s["order"].is_number_integer() || s["order"].get<int64_t>() < -100000 ||
        s["order"].get<int64_t>() > 100000)
        return bad("order", "a whole number from -100000 to 100000");
    g.order = static_cast<int>(s["order"].get<int64_t>());
    if (!s.contains("sources") || !s["sources"].is_array() || s["sources"].size() > 60)
        return bad("sources", "a list of at most 60 sources");
    for (size_t i = 0; i < s["sources"].size(); ++i) {
        const json& o = s["sources"][i];
        const std::string at = "sources." + std::to_string(i);
        common::Source src;
        std::string note;
        if (!o.is_object()) return bad(at, "an object with url, checked and note");
        if (!keys_in(o, at, {"url", "checked", "note"}) || !text_at(o, "url", at, 2000, true, src.url) ||
            !text_at(o, "checked", at, 32, true, src.checked) || !note_at(o, at, note))
            return false;
        g.sources.push_back(src);
        notes.sources.push_back(note);
    }
    if (!s.contains("steps") || !s["steps"].is_array() || s["steps"].empty() || s["steps"].size() > 100)
        return bad("steps", "a list of 1 to 100 steps");
    for (size_t i = 0; i < s["steps"].size(); ++i) {
        const json& o = s["steps"][i];
        const std::string at = "steps." + std::to_string(i);
        common::Step step;
        std::string kind, note;
        if (!o.is_object()) return bad(at, "an object with id, kind, icon, image, next, if_no and choices");
        if (!keys_in(o, at, {"id", "kind", "icon", "image", "next", "if_no", "note", "choices"}) ||
            !text_at(o, "id", at, 64, true, step.id) || !text_at(o, "kind", at, 16, true, kind) ||
            !text_at(o, "icon", at, 64, false, step.icon) || !text_at(o, "image", at, 128, false, step.image) ||
            !text_at(o, "next", at, 64, false, step.next) || !text_at(o, "if_no", at, 64, false, step.if_no) ||
            !note_at(o, at, note))
            return false;
        if (kind == "info")
            step.kind = common::StepKind::Info;
        else if (kind == "check")
            step.kind = common::StepKind::Check;
        else if (kind == "question")
            step.kind = common::StepKind::Question;
        else
            return bad(at + ".kind", "info, check or question");
        if (o.contains("choices")) {
            if (!o["choices"].is_array() || o["choices"].size() > 12)
                return bad(at + ".choices", "a list of at most 12 answers");
            for (size_t c = 0; c < o["choices"].size(); ++c) {
                const json& co = o["choices"][c];
                const std::string cat = at + ".choices." + std::to_string(c);
                common::Choice choice;
                if (!co.is_object()) return bad(cat, "an object with id and next");
                if (!keys_in(co, cat, {"id", "next"}) || !text_at(co, "id", cat, 64, true, choice.id) ||
                    !text_at(co, "next", cat, 64, true, choice.next))
                    return false;
                step.choices.push_back(choice);
            }
        }
        g.steps.push_back(step);
        notes.steps.push_back(note);
    }
    return true;
}

// The form's renames ({"old-id": "new-id"}), shape checked; each new id must be a step of `g`.
bool renames_from_json(const json& body, const common::Guide& g, std::map<std::string, std::string>& renamed,
                       std::string& field, std::string& error) {
    if (!body.contains("renamed")) return true;
    if (body["renamed"].size() > 100) {
        field = "renamed";
        error = "renamed: at most 100 steps";
        return false;
    }
    for (const auto& [from, to] : body["renamed"].items()) {
        field = "renamed." + common::utf8_prefix(from, 64);
        if (from.empty() || from.size() > 64 || !to.is_string() || !one_line(to, 64) || to.get<std::string>().empty()) {
            error = field + ": a step's old id and its new one, each at most 64 characters";
            return false;
        }
        if (!g.find_step(to.get<std::string>())) {
            error = field + ": the new id is not a step of the structure";
            return false;
        }
        renamed[from] = to.get<std::string>();
    }
    return true;
}

// A rename may not land on a step that keeps its own id, nor two on one id: each step's words
// would overwrite another's. `texts` is the change as it was before this save.
bool renames_fit(const std::map<std::string, std::string>& renamed, const common::Guide& texts, std::string& field,
                 std::string& error) {
    std::set<std::string> landed;
    for (const auto& [from, to] : renamed)
        if ((texts.find_step(to) && !renamed.count(to)) || !landed.insert(to).second) {
            field = "renamed." + common::utf8_prefix(from, 64);
            error = field + ": " + to + " is already a step: rename that one too, or choose another id";
            return false;
        }
    return true;
}

// The Danish words the form sends are the title and text of a new step (one of `g` whose
// Danish words are not written yet in `texts`), and only those.
bool new_step_texts_only(const json& body, const common::Guide& g, const common::Guide& texts, std::string& field,
                         std::string& error) {
    if (!body.contains("texts")) return true;
    const auto da = texts.text.find("da");
    for (const auto& [key, value] : body["texts"].items()) {
        const auto dot = key.rfind('.');
        const std::string id = key.rfind("step.", 0) == 0 && dot > 5 ? key.substr(5, dot - 5) : "";
        const std::string part = dot == std::string::npos ? "" : key.substr(dot + 1);
        const common::StepText* had = nullptr;
        if (da != texts.text.end())
            if (const auto st = da->second.steps.find(id); st != da->second.steps.end()) had = &st->second;
        const bool written = had && !(part == "title" ? had->title : had->text).empty();
        if (id.empty() || !g.find_step(id) || written || (part != "title" && part != "text")) {
            field = "texts." + key;
            error = field + ": only a new step's title and text";
            return false;
        }
    }
    return true;
}

// Each language's texts follow the structure `g`: renamed steps' texts under their new ids
// (two swapping names included), texts of steps and answers no longer there taken out and
// counted per language in `removed`. Returns the languages whose texts changed.
std::set<std::string> move_texts(const common::Guide& g, const std::map<std::string, std::string>& renamed,
                                 common::Guide& texts, json& removed) {
    std::set<std::string> changed;
    auto remove_one = [&](const std::string& lang) {
        changed.insert(lang);
        removed[lang] = removed.value(lang, 0) + 1;
    };
    for (auto& [lang, text] : texts.text) {
        std::map<std::string, common::StepText> moved;
        for (auto& [id, st] : text.steps) {
            const auto to = renamed.find(id);
            if (to != renamed.end()) changed.insert(lang);
            moved.try_emplace(to == renamed.end() ? id : to->second, std::move(st));
        }
        text.steps = std::move(moved);
        for (auto it = text.steps.begin(); it != text.steps.end();) {
            const common::Step* now = g.find_step(it->first);
            if (!now) {
                remove_one(lang);
                it = text.steps.erase(it);
                continue;
            }
            std::erase_if(it->second.choices, [&](const auto& label) {
                const bool gone = std::none_of(now->choices.begin(), now->choices.end(),
                                               [&](const common::Choice& c) { return c.id == label.first; });
                if (gone) remove_one(lang);
                return gone;
            });
            ++it;
        }
    }
    return changed;
}

// Pictures of the change that no step of `g` shows any longer (replaced, or taken off their
// step) are taken out of `files`, their drawn variants (name.contrast.png, name.rtl.png) too.
// Returns their names.
json drop_unshown_pictures(const common::Guide& g, json& files) {
    json dropped = json::array();
    std::set<std::string> shown;
    for (const auto& st : g.steps)
        if (!st.image.empty()) shown.insert(st.image);
    for (auto it = files.begin(); it != files.end();) {
        const std::string name = it.key();
        if (is_picture_file(name) && !shown.count(name) && !shown.count(name.substr(0, name.find('.')) + ".png")) {
            dropped.push_back(name);
            it = files.erase(it);
            continue;
        }
        ++it;
    }
    return dropped;
}

json structure_json(const common::Guide& g, const common::StructureNotes& notes) {
    json sources = json::array();
    for (size_t i = 0; i < g.sources.size(); ++i)
        sources.push_back({{"url", g.sources[i].url},
                           {"checked", g.sources[i].checked},
                           {"note", i < notes.sources.size() ? notes.sources[i] : ""}});
    json steps = json::array();
    for (size_t i = 0; i < g.steps.size(); ++i) {
        const auto& st = g.steps[i];
        json choices = json::array();
        for (const auto& c : st.choices)
            choices.push_back({{"id", c.id}, {"next", c.next}});
        const char* kind = st.kind == common::StepKind::Question ? "question"
                           : st.kind == common::StepKind::Check  ? "check"
                                                                 : "info";
        steps.push_back({{"id", st.id},
                         {"kind", kind},
                         {"icon", st.icon},
                         {"image", st.image},
                         {"next", st.next},
                         {"if_no", st.if_no},
                         {"note", i < notes.steps.size() ? notes.steps[i] : ""},
                         {"choices", choices}});
    }
    return {{"category", g.category}, {"icon", g.icon},     {"order", g.order},
            {"note", notes.guide},    {"sources", sources}, {"steps", steps}};
}

}  // namespace

void Hub::content_form_routes() {
    auto& srv = *server_;
    // ---- translators: a language's text of the guide, as the change makes it, as a gettext
    // PO file (source text and where it shows beside each string; fuzzy where the source
    // changed since it was translated), and such a file read back into the change.
    srv.Get(R"(/api/v1/content/drafts/(\d+)/po)", [this](const httplib::Request& req, httplib::Response& res) {
        auto c = language_of_change(req, res);
        if (!c) return;
        const auto& [d, lang, files, g, base] = *c;
        const auto t = g.text.find(lang);
        const common::GuideText* translation = t == g.text.end() ? nullptr : &t->second;
        const std::string from =
            translation && !translation->review.translated_from.empty() ? translation->review.translated_from : "da";
        if (from == lang || !g.text.count(from))
            return send_error(res, 400, "lang: " + lang + " is the language this guide is written in", "lang");
        const common::GuideText& source = g.text.at(from);
        // The source as it was when the translation was made, from the versions the hub keeps.
        std::optional<common::GuideText> old;
        if (translation && translation->review.source_digest != common::text_digest(source))
            old = source_as_translated(d.guide, from, translation->review.source_digest);
        const std::string po = common::write_po(g, {lang, from, &source, translation, old ? &*old : nullptr, base,
                                                    common::iso_day(static_cast<std::time_t>(now_s()))});
        res.set_header("Content-Disposition", "attachment; filename=\"" + d.guide + "." + lang + ".po\"");
        res.set_content(po, "text/x-gettext-translation; charset=utf-8");
    });
    srv.Post(R"(/api/v1/content/drafts/(\d+)/po)", [this](const httplib::Request& req, httplib::Response& res) {
        auto u = staff_of(req, res, true, kContent);
        if (!u) return;
        json body;
        if (!parse_body(req, res, {{"po", Field::String, true, options_.max_po_bytes}}, body)) return;
        json files;
        const auto d = own_draft(req, res, *u, files);
        if (!d) return;
        common::Guide g;
        std::string base;
        if (!draft_guide(d->guide, files, g, base))
            return send_conflict(res, "the change has errors: mend them first", "errors");
        // The file's language decides which text it goes into; its source is that text's.
        const std::string file_name = d->guide + ".po";
        const std::string lang = common::po_language(body["po"]);
        const auto t = g.text.find(lang);
        // A language file that does not load is mended first, never replaced by what a PO holds.
        if (t == g.text.end() && common::find_language(lang) && has_language_file(d->guide, files, lang))
            return send_conflict(res, lang + ".toml has errors: mend them first", "errors");
        const common::GuideText* existing = t == g.text.end() ? nullptr : &t->second;
        // Its source: what the language is translated from now, else what the file says.
        std::string from = existing && !existing->review.translated_from.empty()
                               ? existing->review.translated_from
                               : common::po_source_language(body["po"]);
        if (from.empty() || from == lang) from = "da";
        common::PoImport in;
        common::Diagnostics po_diags;
        const bool ok = g.text.count(from) &&
                        common::read_po(g, from, g.text.at(from), existing, body["po"], file_name, in, po_diags);
        if (!ok) {
            json out{{"error", "the file cannot be read"}, {"problems", problems_json(po_diags)}};
            return send_json(res, 422, out);
        }
        const common::LanguageDef* l = common::find_language(in.lang);
        const std::string name = in.lang + ".toml";
        files[name] = common::write_language_toml(
            g, in.text,
            g.text.at(from).title + ": " + std::string(l ? l->english_name : in.lang) + " text (from a PO file)");
        std::vector<std::string> steps;
        const auto diags = save_checked(*d, files, res, steps);
        if (!diags) return;
        store_.audit(u->id, "draft_po_imported", d->guide + " " + in.lang, now_s());
        send_json(res, 200,
                  checked_answer(*diags, steps,
                                 {{"lang", in.lang},
                                  {"file", name},
                                  {"applied", in.applied},
                                  {"fuzzy", in.fuzzy},
                                  {"untranslated", in.untranslated},
                                  {"unknown", in.unknown},
                                  {"complete", in.complete},
                                  {"po_problems", problems_json(po_diags)}}));
    });
    // ---- a language's texts as a form: each text with the source language's beside it, so
    // nobody writes TOML to fix a sentence. Saved as the language's file, checked as every save.
    srv.Get(R"(/api/v1/content/drafts/(\d+)/texts)", [this](const httplib::Request& req, httplib::Response& res) {
        auto c = language_of_change(req, res);
        if (!c) return;
        const auto& [d, lang, files, g, base] = *c;
        const auto t = g.text.find(lang);
        const common::GuideText none;
        const common::GuideText& mine = t == g.text.end() ? none : t->second;
        const std::string from = t != g.text.end() ? mine.review.translated_from : (lang == "da" ? "" : "da");
        const auto s = from.empty() ? g.text.end() : g.text.find(from);
        if (!from.empty() && s == g.text.end())
            return send_conflict(res, from + ".toml cannot be read: mend it in the file first", "errors");
        const common::GuideText* source = s == g.text.end() ? nullptr : &s->second;
        const bool outdated = source && t != g.text.end() && mine.review.source_digest != common::text_digest(*source);
        // The source as it was translated, to tell which of its texts changed since.
        std::optional<common::GuideText> old;
        if (outdated) old = source_as_translated(d.guide, from, mine.review.source_digest);
        auto by_key = [&](const common::GuideText& text) {
            std::map<std::string, std::string> m;
            for (auto& f : common::text_fields(g, text))
                m[f.key] = std::move(f.text);
            return m;
        };
        const auto now = by_key(mine);
        const auto before = old ? by_key(*old) : std::map<std::string, std::string>();
        json fields = json::array();
        for (const auto& f : common::text_fields(g, source ? *source : mine)) {
            json one{{"key", f.key}, {"screen", f.screen}, {"kind", f.kind}, {"where", f.where}};
            const auto it = now.find(f.key);
            one["text"] = it == now.end() ? "" : it->second;
            if (source) {
                one["source"] = f.text;
                const auto was = before.find(f.key);
                // Changed since translated: known per text when the old source is kept.
                one["changed"] = outdated && (!old || was == before.end() || was->second != f.text);
            }
            fields.push_back(std::move(one));
        }
        json steps = json::array();
        for (const auto& st : g.steps) {
            auto title_in = [&](const common::GuideText* text) {
                if (!text) return std::string();
                const auto it = text->steps.find(st.id);
                return it == text->steps.end() ? std::string() : it->second.title;
            };
            std::string title = title_in(&mine);
            if (title.empty()) title = title_in(source);
            steps.push_back({{"id", st.id}, {"title", title}});
        }
        send_json(res, 200,
                  {{"lang", lang},
                   {"file", lang + ".toml"},
                   {"source_lang", from.empty() ? json() : json(from)},
                   {"new", t == g.text.end()},
                   {"outdated", outdated},
                   {"fields", fields},
                   {"steps", steps}});
    });
    srv.Post(R"(/api/v1/content/drafts/(\d+)/texts)", [this](const httplib::Request& req, httplib::Response& res) {
        auto u = staff_of(req, res, true, kContent);
        if (!u) return;
        const std::vector<std::string> codes = language_codes();
        json body;
        if (!parse_body(req, res,
                        {{"lang", Field::String, true, 8, codes},
                         {"texts", Field::TextMap, true, 400},
                         {"current", Field::Boolean, false}},
                        body))
            return;
        json files;
        const auto d = own_draft(req, res, *u, files);
        if (!d) return;
        const std::string lang = body["lang"];
        const auto made = texts_file(d->guide, files, lang, body["texts"], body.value("current", false));
        if (made.status == 409) return send_conflict(res, made.error, made.field);
        if (made.status != 200) return send_error(res, made.status, made.error, made.field);
        const std::string name = lang + ".toml";
        files[name] = made.toml;
        std::vector<std::string> steps;
        const auto diags = save_checked(*d, files, res, steps);
        if (!diags) return;
        send_json(res, 200, checked_answer(*diags, steps, {{"file", name}, {"text", made.toml}}));
    });
    // ---- a guide's structure as a form: its steps in order and where each answer leads, icons
    // and pictures, its sources with the day each was checked, and the editors' notes. Saved as
    // guide.toml and checked as every save; a step or an answer taken out takes its texts out
    // of every language with it.
    srv.Get(R"(/api/v1/content/drafts/(\d+)/structure)", [this](const httplib::Request& req, httplib::Response& res) {
        auto u = staff_of(req, res, false, kContent);
        if (!u) return;
        const auto d = store_.draft(id_of(req));
        if (!d || !change_visible(*d, *u)) return send_error(res, 404, "no such change");
        const json files = json::parse(d->files, nullptr, false);
        common::Guide g;
        std::string text;
        std::vector<std::string> images;
        if (!draft_structure(d->guide, files, g, text, &images))
            return send_conflict(res, "guide.toml does not read as TOML: mend it in the file first", "errors");
        int unkept = 0;
        const auto notes = common::structure_notes(text, g, &unkept);
        // Each step's title, in Danish (the language guides are written in) as far as it reads.
        json titles = json::object();
        common::Guide texts;
        std::string base;
        if (draft_guide(d->guide, files, texts, base, true))
            if (const auto da = texts.text.find("da"); da != texts.text.end())
                for (const auto& [id, st] : da->second.steps)
                    titles[id] = st.title;
        json icons = json::array();
        json glyphs = json::object();  // each icon's code point in the icon font (fonts/icons.woff2)
        for (const auto& i : common::kIcons) {
            icons.push_back(std::string(i.name));
            glyphs[std::string(i.name)] = static_cast<std::uint32_t>(i.codepoint);
        }
        json categories = json::array();
        for (const auto& c : common::kCategories)
            categories.push_back(std::string(c.id));
        send_json(res, 200,
                  {{"guide", d->guide},
                   {"structure", structure_json(g, notes)},
                   {"line_fields", common::structure_line_fields(text, g)},
                   {"unkept_comments", unkept},
                   {"titles", titles},
                   {"images", images},
                   {"icons", icons},
                   {"icon_glyphs", glyphs},
                   {"categories", categories}});
    });
    srv.Post(R"(/api/v1/content/drafts/(\d+)/structure)", [this](const httplib::Request& req, httplib::Response& res) {
        auto u = staff_of(req, res, true, kContent);
        if (!u) return;
        json body;
        if (!parse_body(req, res,
                        {{"structure", Field::Object, true},
                         {"renamed", Field::Object, false},
                         {"texts", Field::TextMap, false, 40}},
                        body))
            return;
        common::Guide g;
        common::StructureNotes notes;
        std::string field, error;
        if (!structure_from_json(body["structure"], g, notes, field, error)) return send_error(res, 400, error, field);
        // Steps renamed in the form ({"old-id": "new-id"}): their texts go with them, in every
        // language, rather than being taken out with the old id.
        std::map<std::string, std::string> renamed;
        if (!renames_from_json(body, g, renamed, field, error)) return send_error(res, 400, error, field);
        json files;
        const auto d = own_draft(req, res, *u, files);
        if (!d) return;
        g.id = d->guide;
        // The texts of steps and answers no longer there go from each language's file that reads;
        // a translation that matched its source before still does.
        common::Guide texts;
        std::string base;
        json removed = json::object();  // per language, the texts (of a step or an answer) taken out
        if (draft_guide(d->guide, files, texts, base, true)) {
            if (!renames_fit(renamed, texts, field, error) || !new_step_texts_only(body, g, texts, field, error))
                return send_error(res, 400, error, field);
            std::map<std::string, std::string> digests;
            for (const auto& [lang, text] : texts.text)
                digests[lang] = common::text_digest(text);
            const std::set<std::string> changed = move_texts(g, renamed, texts, removed);
            const auto da = texts.text.find("da");
            for (const auto& lang : changed) {
                common::GuideText& text = texts.text[lang];
                const std::string& from = text.review.translated_from;
                if (const auto source = texts.text.find(from);
                    !from.empty() && source != texts.text.end() && text.review.source_digest == digests[from])
                    text.review.source_digest = common::text_digest(source->second);
                const common::LanguageDef* l = common::find_language(lang);
                files[lang + ".toml"] =
                    common::write_language_toml(g, text,
                                                (da == texts.text.end() ? d->guide : da->second.title) + ": " +
                                                    std::string(l ? l->english_name : lang) + " text");
            }
        }
        files["guide.toml"] = common::write_guide_toml(g, notes);
        const json pictures_removed = drop_unshown_pictures(g, files);
        // Danish words written beside a new step in the form (its title and text) go into da.toml
        // as the texts form writes them, checked the same way.
        if (body.contains("texts") && !body["texts"].empty()) {
            const auto made = texts_file(d->guide, files, "da", body["texts"], false);
            if (made.status == 409) return send_conflict(res, made.error, made.field);
            if (made.status != 200) return send_error(res, made.status, made.error, made.field);
            files["da.toml"] = made.toml;
        }
        std::vector<std::string> steps;
        const auto diags = save_checked(*d, files, res, steps);
        if (!diags) return;
        common::Guide now;
        std::string text;
        std::vector<std::string> line_fields;
        if (draft_structure(d->guide, files, now, text)) line_fields = common::structure_line_fields(text, now);
        json written = json::object();
        for (const auto& [name, t] : files.items())
            written[name] = t;
        send_json(res, 200,
                  checked_answer(*diags, steps,
                                 {{"files", written},
                                  {"texts_removed", removed},
                                  {"pictures_removed", pictures_removed},
                                  {"line_fields", line_fields}}));
    });
    // ---- a guide's pictures: a PNG taken into the author's change (decoded as a kiosk decodes
    // it, each side 64 to 2,400 pixels, 512 KiB at most), and any picture of the change or of
    // the published guide, to be seen beside the form and by the reviewer.
    srv.Post(R"(/api/v1/content/drafts/(\d+)/pictures/([a-z0-9.-]{1,64}))",
             [this](const httplib::Request& req, httplib::Response& res) {
                 auto u = staff_of(req, res, true, kContent);
                 if (!u) return;
                 const std::string name = req.matches[2];
                 if (!common::picture_name(name))
                     return send_error(res, 400, "name: a-z, 0-9 and - (at most 40), then .png", "name");
                 if (req.get_header_value("Content-Type") != "image/png")
                     return send_error(res, 415, "send the picture as image/png");
                 if (!picture_checks_.acquire(std::chrono::seconds(3))) {
                     res.set_header("Retry-After", "2");
                     return send_error(res, 503, "busy checking pictures: try again in a moment");
                 }
                 // Decoded in a child of its own.
                 const auto picture = check_picture_apart(req.body, {}, options_.picture_decoder);
                 picture_checks_.release();
                 if (!picture.ok) return send_error(res, 400, "picture: " + picture.error, "picture");
                 json files;
                 const auto d = own_draft(req, res, *u, files);
                 if (!d) return;
                 int others = 0;
                 for (const auto& [n, f] : files.items())
                     others += is_picture_file(n) && n != name ? 1 : 0;
                 if (others >= kMaxDraftPictures)
                     return send_conflict(res, "a change holds at most 20 pictures", "pictures");
                 files[name] = stored_picture(req.body);
                 std::vector<std::string> steps;
                 const auto diags = save_checked(*d, files, res, steps);
                 if (!diags) return;
                 send_json(res, 200,
                           checked_answer(*diags, steps,
                                          {{"name", name}, {"width", picture.width}, {"height", picture.height}}));
             });
    srv.Get(R"(/api/v1/content/drafts/(\d+)/pictures/([a-z0-9.-]{1,64}))",
            [this](const httplib::Request& req, httplib::Response& res) {
                auto u = staff_of(req, res, false, kContent);
                if (!u) return;
                const auto d = store_.draft(id_of(req));
                if (!d || !change_visible(*d, *u)) return send_error(res, 404, "no such change");
                const std::string name = req.matches[2];
                const json files = json::parse(d->files, nullptr, false);
                std::optional<std::string> bytes;
                if (!common::picture_name(name)) return send_error(res, 404, "no such picture");
                if (files.is_object() && files.contains(name)) {
                    bytes = file_bytes(files[name].get<std::string>());
                } else {
                    const auto [published, base] = published_guides();
                    if (!published.empty()) bytes = read_text(published / d->guide / name);
                }
                if (!bytes) return send_error(res, 404, "no such picture");
                res.set_header("Cache-Control", "no-store");
                res.set_content(std::move(*bytes), "image/png");
            });
}

}  // namespace ledsager::hub
