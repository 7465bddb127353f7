// The hub's routes for the content studio: the people who write, translate and review the
// guides (roles editor and reviewer) see every guide's state in every kiosk language.
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

#include <sodium.h>

#include <algorithm>
#include <ctime>
#include <fstream>
#include <map>
#include <optional>
#include <set>

namespace ledsager::hub {

namespace fs = std::filesystem;

namespace {

// A draft may change a guide's structure (guide.toml) and its text in any kiosk language.
bool draft_file_name(const std::string& name) {
    if (name == "guide.toml") return true;
    for (const auto& l : common::kLanguages)
        if (name == std::string(l.code) + ".toml") return true;
    return false;
}

// A folder of the hub's own for one check or one publication, gone when it goes out of scope.
struct Scratch {
    fs::path path;
    explicit Scratch(const fs::path& data_dir) : path(data_dir / "studio" / random_token(8)) {
        fs::create_directories(path);
    }
    ~Scratch() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    Scratch(const Scratch&) = delete;
    Scratch& operator=(const Scratch&) = delete;
};

// A draft keeps its files as text: a picture (a PNG's bytes) as "base64:" and its bytes in
// base64.
constexpr std::string_view kBase64 = "base64:";
bool is_picture_file(const std::string& name) {
    return name.size() > 4 && name.compare(name.size() - 4, 4, ".png") == 0;
}
std::string stored_picture(std::string_view bytes) {
    std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                      sodium_base64_VARIANT_ORIGINAL);
    out.resize(out.size() - 1);  // its terminating NUL
    return std::string(kBase64) + out;
}
// A draft's file as it is written into a guide folder.
std::string file_bytes(const std::string& stored) {
    if (stored.rfind(kBase64, 0) != 0) return stored;
    std::string out(stored.size(), '\0');
    size_t length = 0;
    if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), stored.data() + kBase64.size(),
                          stored.size() - kBase64.size(), nullptr, &length, nullptr,
                          sodium_base64_VARIANT_ORIGINAL) != 0)
        return {};
    out.resize(length);
    return out;
}

// Writes a draft's files over the guide's folder in `dir` (a copy of the published one).
void overlay(const fs::path& guide_dir, const json& files) {
    for (const auto& [name, text] : files.items())
        std::ofstream(guide_dir / name, std::ios::binary | std::ios::trunc) << file_bytes(text.get<std::string>());
}

// A file's whole text; nullopt when it cannot be read (none there, or no folder given).
std::optional<std::string> read_text(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (file.empty() || !in) return std::nullopt;
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

json problems_json(const common::Diagnostics& diags) {
    json out = json::array();
    for (const auto& d : diags.items)
        out.push_back({{"file", fs::path(d.file).filename().string()},
                       {"line", d.line},
                       {"severity", d.severity == common::Severity::Error ? "error" : "warning"},
                       {"message", d.message}});
    return out;
}

// The kiosk languages' codes, as a field's allowed values.
std::vector<std::string> language_codes() {
    std::vector<std::string> codes;
    for (const auto& l : common::kLanguages)
        codes.emplace_back(l.code);
    return codes;
}

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

// The guides as published now (the newest checked bundle, else the installed ones) and what
// to call that version in a draft ("v7", "installed"). Empty path: the newest bundle was
// published without its checks, so the hub has no copy of its guides to start from.
std::pair<fs::path, std::string> Hub::published_guides() {
    if (auto b = store_.latest_bundle()) {
        const fs::path dir = bundle_guides(options_.data_dir, b->version);
        std::error_code ec;
        return {fs::is_directory(dir, ec) ? dir : fs::path(), "v" + std::to_string(b->version)};
    }
    return {options_.content_dir, "installed"};
}

// The checks of --check-content, dated by the hub's clock (sources' age).
common::ContentOptions Hub::content_checks() {
    common::ContentOptions options;
    options.max_source_age_months = options_.source_age_months;
    options.today = common::iso_day(static_cast<std::time_t>(now_s()));
    return options;
}

// Runs the checks of --check-content on the guide as the draft would make it.
common::Diagnostics Hub::check_draft(const std::string& guide, const json& files, std::vector<std::string>* steps) {
    common::Diagnostics diags;
    const auto [published, base] = published_guides();
    if (published.empty()) {
        diags.error(guide, 0, "the newest bundle was published without its checks: nothing to start from");
        return diags;
    }
    Scratch scratch(options_.data_dir);
    const fs::path dir = scratch.path / guide;
    fs::copy(published / guide, dir, fs::copy_options::recursive);
    overlay(dir, files);
    common::Guide g;
    common::load_guide(dir, content_checks(), g, diags);
    if (steps) {
        // The steps as guide.toml has them, whatever the checks found elsewhere: each can be
        // previewed in a language whose words are there.
        common::Guide structure;
        common::Diagnostics again;
        common::load_guide_structure(dir, content_checks(), structure, again);
        for (const auto& st : structure.steps)
            steps->push_back(st.id);
    }
    // Messages name files as the guide's own (da.toml), never the hub's folders.
    const std::string folder = dir.string() + "/";
    for (auto& d : diags.items)
        for (auto at = d.message.find(folder); at != std::string::npos; at = d.message.find(folder))
            d.message.erase(at, folder.size());
    return diags;
}

// The guide as the change makes it, loaded with its checks; false when it has errors.
bool Hub::draft_guide(const std::string& guide, const json& files, common::Guide& out, std::string& base,
                      bool texts_with_errors) {
    const auto [published, version] = published_guides();
    base = version;
    if (published.empty()) return false;
    Scratch scratch(options_.data_dir);
    const fs::path dir = scratch.path / guide;
    fs::copy(published / guide, dir, fs::copy_options::recursive);
    overlay(dir, files);
    common::Diagnostics diags;
    auto options = content_checks();
    options.keep_texts_with_errors = texts_with_errors;
    const bool ok = common::load_guide(dir, options, out, diags);
    return texts_with_errors ? !out.steps.empty() : ok;
}

// The form's texts over the change's text of `lang`, as that language's file. A translation's
// review credit goes with new words; `current` stamps it as checked against its source now.
Hub::TextsFile Hub::texts_file(const std::string& guide, const json& files, const std::string& lang, const json& texts,
                               bool current) {
    TextsFile out;
    auto fail = [&](int status, const std::string& error, const std::string& field) {
        out.status = status, out.error = error, out.field = field;
        return out;
    };
    const common::LanguageDef* l = common::find_language(lang);
    if (!l) return fail(400, "lang: a kiosk language, e.g. ar", "lang");
    common::Guide g;
    std::string base;
    if (!draft_guide(guide, files, g, base, true))
        return fail(409, "guide.toml cannot be read: mend it in the file first", "errors");
    const auto t = g.text.find(lang);
    if (t == g.text.end() && has_language_file(guide, files, lang))
        return fail(409, lang + ".toml cannot be read: mend it in the file first", "errors");
    common::GuideText text;
    if (t != g.text.end())
        text = t->second;
    else if (lang != "da")
        text.review.translated_from = "da";  // a new translation, from the language guides are written in
    const std::string before = common::text_digest(text);
    for (const auto& [key, value] : texts.items()) {
        std::string v = value.get<std::string>();
        std::erase(v, '\r');
        if (!common::set_text_field(g, text, key, v))
            return fail(400, "texts." + key + ": not a text of this guide", "texts." + key);
    }
    const std::string& from = text.review.translated_from;
    if (!from.empty()) {
        const auto source = g.text.find(from);
        if (source == g.text.end())
            return fail(409, from + ".toml cannot be read: mend it in the file first", "errors");
        // A translation keeps its source's list of what you need, item for item.
        if (text.needs.size() > source->second.needs.size()) text.needs.resize(source->second.needs.size());
        if (current) text.review.source_digest = common::text_digest(source->second);
    } else if (current) {
        return fail(400, "current: only a translation is checked against its source", "current");
    }
    // New words have not been reviewed by whoever reviewed the old ones.
    if (common::text_digest(text) != before) {
        text.review.reviewed_by.clear();
        text.review.reviewed.clear();
    }
    const auto da = g.text.find("da");
    out.toml = common::write_language_toml(
        g, text, (da == g.text.end() ? guide : da->second.title) + ": " + std::string(l->english_name) + " text");
    return out;
}

// Whether the guide as the change makes it has a file for `lang` (loaded or not).
bool Hub::has_language_file(const std::string& guide, const json& files, const std::string& lang) {
    if (files.is_object() && files.contains(lang + ".toml")) return true;
    const auto [published, version] = published_guides();
    std::error_code ec;
    return !published.empty() && fs::exists(published / guide / (lang + ".toml"), ec);
}

bool Hub::draft_structure(const std::string& guide, const json& files, common::Guide& out, std::string& text,
                          std::vector<std::string>* images) {
    const auto [published, version] = published_guides();
    if (published.empty()) return false;
    Scratch scratch(options_.data_dir);
    const fs::path dir = scratch.path / guide;
    fs::copy(published / guide, dir, fs::copy_options::recursive);
    overlay(dir, files);
    text = read_text(dir / "guide.toml").value_or("");
    if (images) {
        std::error_code ec;
        for (const auto& e : fs::directory_iterator(dir, ec)) {
            const std::string name = e.path().filename().string();
            // The drawn variants (name.contrast.png, name.rtl.png) go with their picture.
            if (e.path().extension() == ".png" && name.find('.') == name.rfind('.')) images->push_back(name);
        }
        std::sort(images->begin(), images->end());
    }
    common::Diagnostics diags;
    common::load_guide_structure(dir, content_checks(), out, diags);  // false on check errors too
    return !out.steps.empty();
}

// The text of `lang` as it was when its digest was `digest`: from the newest version the hub
// keeps (published bundles, then the installed guides) where it had that digest. At most 30
// versions are read.
std::optional<common::GuideText> Hub::source_as_translated(const std::string& guide, const std::string& lang,
                                                           const std::string& digest) {
    std::vector<fs::path> versions;
    for (const auto& b : store_.bundles(30))
        versions.push_back(bundle_guides(options_.data_dir, b.version));
    if (!options_.content_dir.empty()) versions.push_back(options_.content_dir);
    for (const auto& dir : versions) {
        std::error_code ec;
        if (!fs::is_directory(dir / guide, ec)) continue;
        common::Guide g;
        common::Diagnostics diags;
        common::load_guide(dir / guide, content_checks(), g, diags);
        if (auto t = g.text.find(lang); t != g.text.end() && common::text_digest(t->second) == digest) return t->second;
    }
    return std::nullopt;
}

void Hub::content_routes() {
    auto& srv = *server_;
    // ---- the guides as published, language by language: what is there, what is missing,
    // what is outdated (its source language changed after it was translated), who
    // translated and reviewed it when, and how old the checks of its sources are.
    srv.Get("/api/v1/content/guides", [this](const httplib::Request& req, httplib::Response& res) {
        auto u = staff_of(req, res, false, kContent);
        if (!u) return;
        const std::string lang = req.has_param("lang") && req.get_param_value("lang") == "en" ? "en" : "da";
        // Sources count as old from the same day --check-content would say so.
        const std::string cutoff =
            common::months_before(common::iso_day(static_cast<std::time_t>(now_s())), options_.source_age_months);
        const auto titles = this->titles();
        json guides = json::array();
        for (const auto& [id, review] : titles->review) {
            std::string title;
            if (auto t = titles->guides.find(id); t != titles->guides.end()) {
                auto in = t->second.find(lang);
                title = in != t->second.end() ? in->second : t->second.empty() ? id : t->second.begin()->second;
            }
            json sources = json::array();
            for (const auto& [url, checked] : review.sources)
                sources.push_back({{"url", url}, {"checked", checked}, {"stale", checked < cutoff}});
            json languages = json::object();
            for (const auto& l : common::kLanguages) {
                const std::string code(l.code);
                auto it = review.languages.find(code);
                if (it == review.languages.end()) {
                    languages[code] = {{"state", "missing"}};
                    continue;
                }
                const auto& r = it->second;
                languages[code] = {{"state", r.outdated ? "outdated" : "published"},
                                   {"translated_from", r.translated_from},
                                   {"translator", r.translator},
                                   {"reviewed_by", r.reviewed_by},
                                   {"reviewed", r.reviewed}};
            }
            guides.push_back({{"id", id},
                              {"title", title},
                              {"category", review.category},
                              {"steps", review.steps},
                              {"sources", sources},
                              {"sources_checked", review.sources_checked},
                              {"sources_stale", !review.sources_checked.empty() && review.sources_checked < cutoff},
                              {"languages", languages}});
        }
        json published = nullptr;
        if (auto b = store_.latest_bundle()) published = {{"version", b->version}, {"published_at", b->published_at}};
        json codes = json::array();
        for (const auto& l : common::kLanguages)
            codes.push_back(std::string(l.code));
        send_json(res, 200,
                  {{"guides", guides},
                   {"languages", codes},
                   {"source_age_months", options_.source_age_months},
                   {"published", published},
                   {"publishing", !options_.content_secret_key.empty()}});
    });

    // One file of a guide as published (what a change starts from, and the source language
    // beside a translation).
    srv.Get(R"(/api/v1/content/guides/([a-z0-9._-]{1,64})/files/([a-z0-9.]{1,16}))",
            [this](const httplib::Request& req, httplib::Response& res) {
                auto u = staff_of(req, res, false, kContent);
                if (!u) return;
                const std::string guide = req.matches[1], name = req.matches[2];
                if (!this->titles()->review.count(guide) || !draft_file_name(name))
                    return send_error(res, 404, "no such file of a published guide");
                const auto [published, base] = published_guides();
                const auto text = read_text(published.empty() ? fs::path() : published / guide / name);
                if (!text) return send_error(res, 404, "no such file of a published guide");
                send_json(res, 200, {{"name", name}, {"text", *text}, {"base", base}});
            });

    // ---- drafts: one person's change to one guide, saved file by file, each save checked as
    // --check-content checks; submitted when it has no errors; published when a reviewer who
    // is not its author approves it.
    auto draft_json = [](const ContentDraft& d, std::int64_t user) {
        return json{{"id", d.id},
                    {"guide", d.guide},
                    {"status", d.status},
                    {"base", d.base},
                    {"errors", d.errors},
                    {"author", first_name(d.author_name)},
                    {"mine", d.author == user},
                    {"reviewer", first_name(d.reviewer_name)},
                    {"bundle", d.bundle},
                    {"created_at", d.created_at},
                    {"updated_at", d.updated_at},
                    {"reviewed_at", d.reviewed_at},
                    {"review_note", d.review_note}};
    };
    srv.Post("/api/v1/content/drafts", [this](const httplib::Request& req, httplib::Response& res) {
        auto u = staff_of(req, res, true, kContent);
        if (!u) return;
        json body;
        if (!parse_body(req, res, {{"guide", Field::Id, true}, {"from", Field::Integer, false, 1u << 30}}, body))
            return;
        const std::string guide = body["guide"];
        const auto titles = this->titles();
        if (!titles->review.count(guide)) return send_error(res, 404, "guide: no such published guide", "guide");
        if (store_.open_drafts(u->id) >= options_.max_open_drafts)
            return send_conflict(
                res,
                "you have " + std::to_string(options_.max_open_drafts) + " open changes: publish or withdraw one first",
                "too_many");
        if (store_.drafts_made_since(u->id, now_s() - 86400) >= options_.max_drafts_per_day)
            return send_conflict(res,
                                 "you started " + std::to_string(options_.max_drafts_per_day) +
                                     " changes in the last 24 hours: go on with one of them",
                                 "too_many");
        const auto [published, base] = published_guides();
        if (published.empty())
            return send_conflict(res, "the newest bundle was published without its checks: nothing to start from",
                                 "no_source");
        ContentDraft d;
        d.guide = guide;
        d.author = u->id;
        d.base = base;
        d.created_at = now_s();
        // Going back: the change starts as the guide was in an earlier version (0: the
        // installed guides), every file that differs from now; it is approved as any other.
        json files = json::object();
        if (body.contains("from")) {
            const std::int64_t from = body["from"];
            const fs::path old = from == 0 ? options_.content_dir : bundle_guides(options_.data_dir, from);
            std::error_code ec;
            if (old.empty() || (from > 0 && !store_.bundle(from)) || !fs::is_directory(old / guide, ec))
                return send_error(res, 404, "from: no published version with this guide", "from");
            std::vector<std::string> names{"guide.toml"};
            for (const auto& l : common::kLanguages)
                names.push_back(std::string(l.code) + ".toml");
            for (const auto& e : fs::directory_iterator(old / guide, ec))
                if (common::picture_name(e.path().filename().string()))
                    names.push_back(e.path().filename().string());  // its pictures as they were too
            for (const auto& name : names) {
                const auto then = read_text(old / guide / name);
                if (!then) continue;  // a language added since stays as it is
                if (then != read_text(published / guide / name))
                    files[name] = is_picture_file(name) ? stored_picture(*then) : *then;
            }
            if (files.empty()) return send_conflict(res, "that version of the guide is the one published now", "same");
            d.files = files.dump();
            d.errors = static_cast<int>(check_draft(guide, files).error_count());
        }
        const auto id = store_.add_draft(d);
        store_.audit(u->id, body.contains("from") ? "draft_created_from_version" : "draft_created", guide, now_s());
        send_json(res, 201, {{"id", id}, {"base", base}, {"files", files.size()}, {"errors", d.errors}});
    });
    srv.Get("/api/v1/content/drafts", [this, draft_json](const httplib::Request& req, httplib::Response& res) {
        auto u = staff_of(req, res, false, kContent);
        if (!u) return;
        json out = json::array();
        for (const auto& d : store_.drafts(u->id, u->role == "reviewer", 200))
            out.push_back(draft_json(d, u->id));
        send_json(res, 200, {{"drafts", out}});
    });
    // Every published version, newest first, with who made and approved it when it came from
    // the studio (the command line's name nobody: it was whoever ran it on the hub's machine).
    srv.Get("/api/v1/content/history", [this](const httplib::Request& req, httplib::Response& res) {
        auto u = staff_of(req, res, false, kContent);
        if (!u) return;
        std::map<std::int64_t, ContentDraft> from_studio;
        for (const auto& d : store_.published_drafts(200))
            from_studio[d.bundle] = d;
        json out = json::array();
        for (const auto& b : store_.bundles(200)) {
            json v{{"version", b.version}, {"published_at", b.published_at}, {"key_id", b.key_id}, {"files", b.files}};
            std::error_code ec;
            v["guides_kept"] = fs::is_directory(bundle_guides(options_.data_dir, b.version), ec);
            if (auto it = from_studio.find(b.version); it != from_studio.end()) {
                v["guide"] = it->second.guide;
                v["author"] = first_name(it->second.author_name);
                v["reviewer"] = first_name(it->second.reviewer_name);
            }
            out.push_back(v);
        }
        send_json(res, 200, {{"versions", out}, {"installed", !options_.content_dir.empty()}});
    });
    // A draft is seen by its author, and by reviewers once it is submitted.
    auto visible = [](const ContentDraft& d, const User& u) {
        return d.author == u.id || (u.role == "reviewer" && d.status != "draft" && d.status != "withdrawn");
    };
    // The author's own change while it is a draft, and its files (an object); nullopt when the
    // answer is sent: 404 (none of theirs), 409 (submitted, published or withdrawn).
    auto own_draft = [this](const httplib::Request& req, httplib::Response& res, const User& u,
                            json& files) -> std::optional<ContentDraft> {
        auto d = store_.draft(id_of(req));
        if (!d || d->author != u.id) {
            send_error(res, 404, "no such change of yours");
            return std::nullopt;
        }
        if (d->status != "draft") {
            send_conflict(res, "this change is " + d->status + ": it cannot be saved", d->status);
            return std::nullopt;
        }
        files = json::parse(d->files, nullptr, false);
        if (!files.is_object()) files = json::object();
        return d;
    };
    // Saves the change's files with the count of their errors: their checks (and the steps as
    // they make them), or nullopt when it was saved by another request, submitted or withdrawn
    // since `d` was read (409 sent): two saves at once never lose one silently.
    auto save_checked = [this](const ContentDraft& d, const json& files, httplib::Response& res,
                               std::vector<std::string>& steps) -> std::optional<common::Diagnostics> {
        auto diags = check_draft(d.guide, files, &steps);
        if (!store_.save_draft(d.id, d.author, d.files, files.dump(), static_cast<int>(diags.error_count()), now_s())) {
            send_conflict(res, "this change was saved elsewhere, submitted or withdrawn meanwhile: open it again",
                          "changed");
            return std::nullopt;
        }
        return diags;
    };
    // A change the user may see, the kiosk language (?lang=) asked about in it, and the guide
    // as the change makes it (its texts loaded even with check errors, to be mended); nullopt
    // when the answer is sent: 403, 400 naming lang, 404, or 409 when guide.toml has errors or
    // the language's file is not TOML that reads.
    struct LanguageOfChange {
        ContentDraft draft;
        std::string lang;
        json files;
        common::Guide guide;
        std::string base;  // the published version it starts from ("v7", "installed")
    };
    auto language_of_change = [this, visible](const httplib::Request& req,
                                              httplib::Response& res) -> std::optional<LanguageOfChange> {
        auto u = staff_of(req, res, false, kContent);
        if (!u) return std::nullopt;
        LanguageOfChange c;
        c.lang = req.has_param("lang") ? req.get_param_value("lang") : "";
        if (!common::find_language(c.lang)) {
            send_error(res, 400, "lang: a kiosk language, e.g. ar", "lang");
            return std::nullopt;
        }
        auto d = store_.draft(id_of(req));
        if (!d || !visible(*d, *u)) {
            send_error(res, 404, "no such change");
            return std::nullopt;
        }
        c.draft = *d;
        c.files = json::parse(d->files, nullptr, false);
        if (!draft_guide(d->guide, c.files, c.guide, c.base, true)) {
            send_conflict(res, "guide.toml cannot be read: mend it in the file first", "errors");
            return std::nullopt;
        }
        if (!c.guide.text.count(c.lang) && has_language_file(d->guide, c.files, c.lang)) {
            send_conflict(res, c.lang + ".toml cannot be read: mend it in the file first", "errors");
            return std::nullopt;
        }
        return c;
    };
    srv.Get(R"(/api/v1/content/drafts/(\d+))",
            [this, draft_json, visible](const httplib::Request& req, httplib::Response& res) {
                auto u = staff_of(req, res, false, kContent);
                if (!u) return;
                const auto d = store_.draft(id_of(req));
                if (!d || !visible(*d, *u)) return send_error(res, 404, "no such change");
                const json files = json::parse(d->files, nullptr, false);
                const auto [published, base] = published_guides();
                json out = draft_json(*d, u->id);
                json texts = json::object();
                for (const auto& [name, text] : files.items()) {
                    const auto before = read_text(published.empty() ? fs::path() : published / d->guide / name);
                    if (is_picture_file(name))  // shown from its own route, not as text
                        texts[name] = {{"picture", true},
                                       {"bytes", file_bytes(text.get<std::string>()).size()},
                                       {"published", before.has_value()}};
                    else
                        texts[name] = {{"draft", text}, {"published", before.value_or("")}};
                }
                out["files"] = texts;
                out["current"] = base == d->base;  // the guide was not published anew since
                std::vector<std::string> steps;
                if (d->status == "draft" || d->status == "submitted")
                    out["problems"] = problems_json(check_draft(d->guide, files, &steps));
                out["steps"] = steps;
                send_json(res, 200, out);
            });
    srv.Post(R"(/api/v1/content/drafts/(\d+)/files)", [this, own_draft, save_checked](const httplib::Request& req,
                                                                                      httplib::Response& res) {
        auto u = staff_of(req, res, true, kContent);
        if (!u) return;
        json body;
        if (!parse_body(req, res, {{"name", Field::String, true, 32}, {"text", Field::String, true, 1u << 20}}, body))
            return;
        const std::string name = body["name"];
        if (!draft_file_name(name))
            return send_error(res, 400, "name: guide.toml or a kiosk language's file, e.g. da.toml", "name");
        json files;
        const auto d = own_draft(req, res, *u, files);
        if (!d) return;
        files[name] = body["text"];
        std::vector<std::string> steps;
        const auto diags = save_checked(*d, files, res, steps);
        if (!diags) return;
        send_json(res, 200, {{"errors", diags->error_count()}, {"problems", problems_json(*diags)}, {"steps", steps}});
    });
    // A screen of the guide as the change makes it, drawn by the kiosk's own renderer (its
    // fonts, shaping and mirroring, text size and theme): a PNG. Its author may send the file
    // open in the editor as it is now, not yet saved, so the picture follows the typing.
    srv.Post(R"(/api/v1/content/drafts/(\d+)/preview)", [this, visible](const httplib::Request& req,
                                                                        httplib::Response& res) {
        auto u = staff_of(req, res, true, kContent);
        if (!u) return;
        const std::vector<std::string> codes = language_codes();
        json body;
        if (!parse_body(req, res,
                        {{"screen", Field::String, false, 8, {"step", "needs", "end"}},
                         {"step", Field::Id, false},
                         {"lang", Field::String, true, 8, codes},
                         {"scale", Field::Integer, false, 200},
                         {"theme", Field::String, false, 16, {"default", "contrast"}},
                         {"name", Field::String, false, 32},
                         {"text", Field::String, false, 1u << 20},
                         {"texts", Field::TextMap, false, 400}},
                        body))
            return;
        const auto d = store_.draft(id_of(req));
        if (!d || !visible(*d, *u)) return send_error(res, 404, "no such change");
        json files = json::parse(d->files, nullptr, false);
        if (!files.is_object()) files = json::object();
        if (body.contains("text")) {
            const std::string name = body.value("name", std::string());
            if (!draft_file_name(name))
                return send_error(res, 400, "name: guide.toml or a kiosk language's file, e.g. da.toml", "name");
            if (d->author != u->id || d->status != "draft")
                return send_error(res, 403, "only the author of a change being written sends unsaved text");
            files[name] = body["text"];
        } else if (body.contains("texts")) {
            // The form's texts, not yet saved, in the language shown.
            if (d->author != u->id || d->status != "draft")
                return send_error(res, 403, "only the author of a change being written sends unsaved text");
            const auto made = texts_file(d->guide, files, body["lang"], body["texts"], false);
            if (made.status == 409) return send_conflict(res, made.error, made.field);
            if (made.status != 200) return send_error(res, made.status, made.error, made.field);
            files[body["lang"].get<std::string>() + ".toml"] = made.toml;
        }
        const int scale = body.value("scale", 100);
        if (scale != 100 && scale != 200) return send_error(res, 400, "scale: 100 or 200", "scale");
        const auto [published, base] = published_guides();
        if (published.empty())
            return send_conflict(res, "the newest bundle was published without its checks: nothing to start from",
                                 "no_base");
        PreviewRequest p;
        p.guide = d->guide;
        p.screen = body.value("screen", std::string("step"));
        p.step = body.value("step", std::string());
        p.lang = body["lang"];
        p.scale = scale;
        p.contrast = body.value("theme", std::string()) == "contrast";
        p.user = u->id;
        // The picture depends on the published guide, the change's files and the fields above.
        const std::string what = json{{"base", base},   {"files", files}, {"guide", p.guide}, {"screen", p.screen},
                                      {"step", p.step}, {"lang", p.lang}, {"scale", p.scale}, {"contrast", p.contrast}}
                                     .dump();
        unsigned char h[crypto_generichash_BYTES];
        crypto_generichash(h, sizeof h, reinterpret_cast<const unsigned char*>(what.data()), what.size(), nullptr, 0);
        char hex[2 * sizeof h + 1];
        sodium_bin2hex(hex, sizeof hex, h, sizeof h);
        p.key = hex;
        // The guide as published with the change over it, copied only once its turn has come.
        const fs::path from = published / d->guide;
        const PreviewResult r = previewer_->render(p, [&](const fs::path& guides, std::string& error) {
            std::error_code ec;
            fs::copy(from, guides / p.guide, fs::copy_options::recursive, ec);
            if (ec) return error = from.string() + ": " + ec.message(), false;
            overlay(guides / p.guide, files);
            return true;
        });
        if (r.png.empty()) return send_error(res, r.status, r.error);
        res.status = 200;
        res.set_header("X-Preview-Ms", r.cached ? "cached" : std::to_string(r.ms));
        res.set_content(std::move(r.png), "image/png");
    });
    // ---- what citizens did with each guide and step, for those who write them: the
    // anonymous counts of the insight reports (the same rounding and suppression as a
    // manager's report, over the person's sites), for the last three final months.
    srv.Get("/api/v1/content/insight", [this](const httplib::Request& req, httplib::Response& res) {
        auto u = staff_of(req, res, false, kContent);
        if (!u) return;
        ReportQuery q;
        const std::string last_final = final_month(store_, now_s());
        q.to = last_day(last_final);
        q.from = common::months_before(last_final + "-01", 2);
        std::string field;
        if (const std::string e = check_period(q.from, q.to, last_final, options_.max_report_days, field); !e.empty())
            return send_error(res, 500, e);
        q.sites = u->sites;
        if (q.sites.empty()) return send_json(res, 200, {{"from", q.from}, {"to", q.to}, {"guides", json::array()}});
        report_titles(q, req.has_param("lang") && req.get_param_value("lang") == "en" ? "en" : "da");
        json report = guide_report(store_, q);
        report.erase("content");
        send_json(res, 200, report);
    });
    // ---- translators: a language's text of the guide, as the change makes it, as a gettext
    // PO file (source text and where it shows beside each string; fuzzy where the source
    // changed since it was translated), and such a file read back into the change.
    srv.Get(R"(/api/v1/content/drafts/(\d+)/po)", [this, language_of_change](const httplib::Request& req,
                                                                             httplib::Response& res) {
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
    srv.Post(R"(/api/v1/content/drafts/(\d+)/po)", [this, own_draft, save_checked](const httplib::Request& req,
                                                                                   httplib::Response& res) {
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
                  {{"lang", in.lang},
                   {"file", name},
                   {"applied", in.applied},
                   {"fuzzy", in.fuzzy},
                   {"untranslated", in.untranslated},
                   {"unknown", in.unknown},
                   {"complete", in.complete},
                   {"po_problems", problems_json(po_diags)},
                   {"errors", diags->error_count()},
                   {"problems", problems_json(*diags)},
                   {"steps", steps}});
    });
    // ---- a language's texts as a form: each text with the source language's beside it, so
    // nobody writes TOML to fix a sentence. Saved as the language's file, checked as every save.
    srv.Get(R"(/api/v1/content/drafts/(\d+)/texts)", [this, language_of_change](const httplib::Request& req,
                                                                                httplib::Response& res) {
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
    srv.Post(R"(/api/v1/content/drafts/(\d+)/texts)",
             [this, own_draft, save_checked](const httplib::Request& req, httplib::Response& res) {
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
                 send_json(res, 200,
                           {{"file", name},
                            {"text", made.toml},
                            {"errors", diags->error_count()},
                            {"problems", problems_json(*diags)},
                            {"steps", steps}});
             });
    // ---- a guide's structure as a form: its steps in order and where each answer leads, icons
    // and pictures, its sources with the day each was checked, and the editors' notes. Saved as
    // guide.toml and checked as every save; a step or an answer taken out takes its texts out
    // of every language with it.
    srv.Get(R"(/api/v1/content/drafts/(\d+)/structure)",
            [this, visible](const httplib::Request& req, httplib::Response& res) {
                auto u = staff_of(req, res, false, kContent);
                if (!u) return;
                const auto d = store_.draft(id_of(req));
                if (!d || !visible(*d, *u)) return send_error(res, 404, "no such change");
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
                for (const auto& i : common::kIcons)
                    icons.push_back(std::string(i.name));
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
                           {"categories", categories}});
            });
    srv.Post(R"(/api/v1/content/drafts/(\d+)/structure)", [this, own_draft, save_checked](const httplib::Request& req,
                                                                                          httplib::Response& res) {
        auto u = staff_of(req, res, true, kContent);
        if (!u) return;
        json body;
        if (!parse_body(req, res, {{"structure", Field::Object, true}}, body)) return;
        common::Guide g;
        common::StructureNotes notes;
        std::string field, error;
        if (!structure_from_json(body["structure"], g, notes, field, error)) return send_error(res, 400, error, field);
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
            std::map<std::string, std::string> digests;
            for (const auto& [lang, text] : texts.text)
                digests[lang] = common::text_digest(text);
            std::set<std::string> changed;
            for (auto& [lang, text] : texts.text)
                for (auto it = text.steps.begin(); it != text.steps.end();) {
                    const common::Step* now = g.find_step(it->first);
                    if (!now) {
                        removed[lang] = removed.value(lang, 0) + 1;
                        it = text.steps.erase(it);
                        changed.insert(lang);
                        continue;
                    }
                    std::erase_if(it->second.choices, [&](const auto& label) {
                        const bool gone = std::none_of(now->choices.begin(), now->choices.end(),
                                                       [&](const common::Choice& c) { return c.id == label.first; });
                        if (gone) {
                            changed.insert(lang);
                            removed[lang] = removed.value(lang, 0) + 1;
                        }
                        return gone;
                    });
                    ++it;
                }
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
                  {{"files", written},
                   {"texts_removed", removed},
                   {"line_fields", line_fields},
                   {"errors", diags->error_count()},
                   {"problems", problems_json(*diags)},
                   {"steps", steps}});
    });
    // ---- a guide's pictures: a PNG taken into the author's change (decoded as a kiosk decodes
    // it, each side 64 to 2,400 pixels, 512 KiB at most), and any picture of the change or of
    // the published guide, to be seen beside the form and by the reviewer.
    srv.Post(R"(/api/v1/content/drafts/(\d+)/pictures/([a-z0-9.-]{1,64}))",
             [this, own_draft, save_checked](const httplib::Request& req, httplib::Response& res) {
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
                           {{"name", name},
                            {"width", picture.width},
                            {"height", picture.height},
                            {"errors", diags->error_count()},
                            {"problems", problems_json(*diags)},
                            {"steps", steps}});
             });
    srv.Get(R"(/api/v1/content/drafts/(\d+)/pictures/([a-z0-9.-]{1,64}))",
            [this, visible](const httplib::Request& req, httplib::Response& res) {
                auto u = staff_of(req, res, false, kContent);
                if (!u) return;
                const auto d = store_.draft(id_of(req));
                if (!d || !visible(*d, *u)) return send_error(res, 404, "no such change");
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
    srv.Post(R"(/api/v1/content/drafts/(\d+)/submit)", [this](const httplib::Request& req, httplib::Response& res) {
        auto u = staff_of(req, res, true, kContent);
        if (!u) return;
        const auto d = store_.draft(id_of(req));
        if (!d || d->author != u->id) return send_error(res, 404, "no such change of yours");
        const json files = json::parse(d->files, nullptr, false);
        if (!files.is_object() || files.empty()) return send_conflict(res, "nothing is changed yet", "empty");
        if (check_draft(d->guide, files).has_errors())
            return send_conflict(res, "the change has errors: mend them first", "errors");
        // Only the files just checked: a save that came in meanwhile is checked again first.
        if (!store_.submit_draft(d->id, u->id, d->files, now_s()))
            return send_conflict(res, "this change was saved, submitted or withdrawn meanwhile: try again", "changed");
        store_.audit(u->id, "draft_submitted", d->guide, now_s());
        res.status = 204;
    });
    srv.Post(R"(/api/v1/content/drafts/(\d+)/withdraw)", [this](const httplib::Request& req, httplib::Response& res) {
        auto u = staff_of(req, res, true, kContent);
        if (!u) return;
        const auto d = store_.draft(id_of(req));
        if (!d || d->author != u->id) return send_error(res, 404, "no such change of yours");
        if (!store_.withdraw_draft(d->id, u->id, now_s()))
            return send_conflict(res, "this change is " + d->status + ": it cannot be withdrawn", d->status);
        store_.audit(u->id, "draft_withdrawn", d->guide, now_s());
        res.status = 204;
    });
    // Four eyes, the other way: a reviewer sends another person's submitted change back to its
    // author as a draft, saying what to mend; the author sees it until submitting again.
    srv.Post(R"(/api/v1/content/drafts/(\d+)/return)", [this, visible](const httplib::Request& req,
                                                                       httplib::Response& res) {
        auto u = staff_of(req, res, true, kContentReview);
        if (!u) return;
        json body;
        if (!parse_body(req, res, {{"note", Field::String, true, 2000}}, body)) return;
        std::string note = body["note"];
        std::erase(note, '\r');
        if (note.find_first_not_of(" \n\t") == std::string::npos)
            return send_error(res, 400, "note: say what the author should mend", "note");
        const auto d = store_.draft(id_of(req));
        if (!d || !visible(*d, *u)) return send_error(res, 404, "no such change");
        if (d->author == u->id) return send_error(res, 403, "a second person reviews a change: not its author");
        if (!store_.return_draft(d->id, u->id, note, now_s()))
            return send_conflict(res, "this change is " + d->status + ": only a submitted change goes back", d->status);
        store_.audit(u->id, "draft_returned", d->guide, now_s());
        res.status = 204;
    });
    // Four eyes: a reviewer approves another person's submitted change, and the hub signs the
    // guides as published plus this change with its publishing key and publishes the bundle
    // exactly as `ledsager-hub content publish` does; kiosks take it between sessions.
    srv.Post(R"(/api/v1/content/drafts/(\d+)/approve)", [this, visible](const httplib::Request& req,
                                                                        httplib::Response& res) {
        auto u = staff_of(req, res, true, kContentReview);
        if (!u) return;
        const auto d = store_.draft(id_of(req));
        if (!d || !visible(*d, *u)) return send_error(res, 404, "no such change");
        if (d->author == u->id) return send_error(res, 403, "a second person approves a change: not its author");
        if (d->status != "submitted") return send_conflict(res, "this change is " + d->status, d->status);
        if (options_.content_secret_key.empty())
            return send_conflict(
                res, "this hub has no publishing key (--content-secret-key): publish on the command line", "no_key");
        std::lock_guard lock(studio_mutex_);  // one publication at a time: versions only grow
        // Taken out of its author's hands (no withdrawal now) until it is published or back.
        if (!store_.set_draft_status(d->id, "submitted", "publishing", u->id, 0, now_s()))
            return send_conflict(res, "this change was withdrawn or approved meanwhile", "changed");
        auto back = [&](const std::string& to) { store_.set_draft_status(d->id, "publishing", to, -1, 0, now_s()); };
        const auto [published, base] = published_guides();
        if (published.empty() || base != d->base) {
            back("submitted");
            return send_conflict(res,
                                 "the guides were published anew since this change was made: its author makes it again",
                                 "outdated");
        }
        const json files = json::parse(d->files, nullptr, false);
        Scratch scratch(options_.data_dir);
        const fs::path guides = scratch.path / "guides";
        fs::copy(published, guides, fs::copy_options::recursive);
        overlay(guides / d->guide, files);
        if (common::load_content(guides, content_checks()).diagnostics.has_errors()) {
            back("draft");  // its author mends it and sends it again
            return send_conflict(res, "the change has errors: it goes back to its author", "errors");
        }
        std::string error;
        std::string secret;
        {
            std::ifstream in(options_.content_secret_key);
            std::getline(in, secret);
        }
        const std::string public_key = common::content_public_key(secret);
        const auto latest = store_.latest_bundle();
        const std::int64_t next = latest ? latest->version + 1 : 1;
        const fs::path tar = scratch.path / ("bundle-" + std::to_string(next) + ".tar");
        Bundle b;
        const bool ok = !public_key.empty() && common::build_bundle(guides, next, secret, tar, error) &&
                        publish_bundle(store_, options_.data_dir, tar, {public_key}, b, error);
        std::fill(secret.begin(), secret.end(), '\0');
        if (!ok) {
            std::fprintf(stderr, "ledsager-hub: publishing change %lld failed: %s\n", static_cast<long long>(d->id),
                         public_key.empty() ? "the publishing key cannot be read" : error.c_str());
            back("submitted");
            return send_error(res, 500, "publishing failed: the hub's log says why");
        }
        store_.set_draft_status(d->id, "publishing", "published", u->id, b.version, now_s());
        store_.audit(u->id, "content_published", d->guide + " v" + std::to_string(b.version), now_s());
        refresh_titles(b.version);
        send_json(res, 200, {{"bundle", b.version}});
    });
}

}  // namespace ledsager::hub
