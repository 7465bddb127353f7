// The content studio's files (studio_files.hpp) and the guide as a change makes it: checked,
// loaded, or its structure read alone, over a scratch copy of the guides as published.
#include "hub/studio_files.hpp"

#include "common/content.hpp"
#include "common/guide_po.hpp"
#include "common/languages.hpp"
#include "hub/auth.hpp"
#include "hub/bundles.hpp"
#include "hub/routes.hpp"
#include "hub/server.hpp"

#include <sodium.h>

#include <algorithm>
#include <fstream>

namespace ledsager::hub {

namespace fs = std::filesystem;

namespace studio {

// A draft may change a guide's structure (guide.toml) and its text in any kiosk language.
bool draft_file_name(const std::string& name) {
    if (name == "guide.toml") return true;
    for (const auto& l : common::kLanguages)
        if (name == std::string(l.code) + ".toml") return true;
    return false;
}

// A folder of the hub's own for one check or one publication, gone when it goes out of scope.
Scratch::Scratch(const fs::path& data_dir) : path(data_dir / "studio" / random_token(8)) {
    fs::create_directories(path);
}
Scratch::~Scratch() {
    std::error_code ec;
    fs::remove_all(path, ec);
}

// A draft keeps its files as text: a picture (a PNG's bytes) as "base64:" and its bytes in
// base64.
namespace {
constexpr std::string_view kBase64 = "base64:";
}  // namespace

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
    for (const auto& d : diags.items) {
        json p{{"file", fs::path(d.file).filename().string()},
               {"line", d.line},
               {"severity", d.severity == common::Severity::Error ? "error" : "warning"},
               {"message", d.message}};
        // What the page words in the reader's language, and groups by step.
        if (!d.code.empty()) {
            p["code"] = d.code;
            json args = json::object();
            for (const auto& [k, v] : d.args)
                args[k] = v;
            p["args"] = args;
        }
        out.push_back(p);
    }
    return out;
}

json checked_answer(const common::Diagnostics& diags, const std::vector<std::string>& steps, json extra) {
    extra["errors"] = diags.error_count();
    extra["problems"] = problems_json(diags);
    extra["steps"] = steps;
    return extra;
}

// The kiosk languages' codes, as a field's allowed values.
std::vector<std::string> language_codes() {
    std::vector<std::string> codes;
    for (const auto& l : common::kLanguages)
        codes.emplace_back(l.code);
    return codes;
}

}  // namespace studio

using namespace studio;

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

// ---- what the studio's routes share

// A draft is seen by its author, and by reviewers once it is submitted.
bool Hub::change_visible(const ContentDraft& d, const User& u) {
    return d.author == u.id || (u.role == "reviewer" && d.status != "draft" && d.status != "withdrawn");
}

// The author's own change while it is a draft, and its files (an object); nullopt when the
// answer is sent: 404 (none of theirs), 409 (submitted, published or withdrawn).
std::optional<ContentDraft> Hub::own_draft(const httplib::Request& req, httplib::Response& res, const User& u,
                                           json& files) {
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
}

// Saves the change's files with the count of their errors: their checks (and the steps as
// they make them), or nullopt when it was saved by another request, submitted or withdrawn
// since `d` was read (409 sent): two saves at once never lose one silently.
std::optional<common::Diagnostics> Hub::save_checked(const ContentDraft& d, const json& files, httplib::Response& res,
                                                     std::vector<std::string>& steps) {
    auto diags = check_draft(d.guide, files, &steps);
    if (!store_.save_draft(d.id, d.author, d.files, files.dump(), static_cast<int>(diags.error_count()), now_s())) {
        send_conflict(res, "this change was saved elsewhere, submitted or withdrawn meanwhile: open it again",
                      "changed");
        return std::nullopt;
    }
    return diags;
}

// A change the user may see, the kiosk language (?lang=) asked about in it, and the guide as
// the change makes it (its texts loaded even with check errors, to be mended); nullopt when
// the answer is sent: 403, 400 naming lang, 404, or 409 when guide.toml has errors or the
// language's file is not TOML that reads.
std::optional<Hub::LanguageOfChange> Hub::language_of_change(const httplib::Request& req, httplib::Response& res) {
    auto u = staff_of(req, res, false, kContent);
    if (!u) return std::nullopt;
    LanguageOfChange c;
    c.lang = req.has_param("lang") ? req.get_param_value("lang") : "";
    if (!common::find_language(c.lang)) {
        send_error(res, 400, "lang: a kiosk language, e.g. ar", "lang");
        return std::nullopt;
    }
    auto d = store_.draft(id_of(req));
    if (!d || !change_visible(*d, *u)) {
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
}

}  // namespace ledsager::hub
