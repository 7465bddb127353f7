// po_translation_roundtrip: a guide's text for translators. Every language file of every demo
// guide written anew (write_language_toml) reads back the same; a language exported as PO
// (write_po) and read back (read_po) is the same text, stamped current; after the source
// changes, the strings it changed come out fuzzy with the old source beside them, are not
// taken back while fuzzy, and the language stays outdated until they are checked; a file for
// another guide, in the source language or broken is refused with its line.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "common/content.hpp"
#include "common/guide_po.hpp"
#include "temp_dir.hpp"

namespace fs = std::filesystem;
using namespace ledsager;
using namespace ledsager::common;

namespace {

Guide load(const fs::path& folder) {
    Guide g;
    Diagnostics d;
    REQUIRE_MESSAGE(load_guide(folder, {}, g, d), folder.string());
    return g;
}

void same_text(const GuideText& a, const GuideText& b, const std::string& what) {
    CHECK_MESSAGE(text_digest(a) == text_digest(b), what);
    CHECK_MESSAGE(a.review.translated_from == b.review.translated_from, what);
    CHECK_MESSAGE(a.review.source_digest == b.review.source_digest, what);
    CHECK_MESSAGE(a.review.translator == b.review.translator, what);
    CHECK_MESSAGE(a.review.reviewed_by == b.review.reviewed_by, what);
    CHECK_MESSAGE(a.review.reviewed == b.review.reviewed, what);
    for (const auto& [id, st] : a.steps)
        CHECK_MESSAGE(st.audio == b.steps.at(id).audio, what);
}

}  // namespace

TEST_CASE("every demo guide's language files, written anew, read back the same") {
    const test::TempDir tmp("ledsager-guide-po");
    int files = 0;
    for (const auto& entry : fs::directory_iterator(LEDSAGER_SOURCE_ASSETS "/guides")) {
        if (!entry.is_directory()) continue;
        const Guide g = load(entry.path());
        const fs::path copy = tmp.path / g.id;
        fs::copy(entry.path(), copy, fs::copy_options::recursive);
        for (const auto& [lang, text] : g.text) {
            std::ofstream(copy / (lang + ".toml"), std::ios::trunc) << write_language_toml(g, text, "rewritten");
            ++files;
        }
        const Guide again = load(copy);
        REQUIRE(again.text.size() == g.text.size());
        for (const auto& [lang, text] : g.text)
            same_text(text, again.text.at(lang), g.id + "/" + lang);
    }
    CHECK(files > 50);
}

TEST_CASE("texts with quotes, backslashes, line breaks and ids with dots survive the round trip") {
    const test::TempDir tmp("ledsager-guide-po-odd");
    const fs::path from = LEDSAGER_SOURCE_ASSETS "/guides/mitid-login";
    fs::copy(from, tmp.path / "mitid-login", fs::copy_options::recursive);
    Guide g = load(tmp.path / "mitid-login");
    GuideText t = g.text.at("en");
    t.title = "Say \"yes\" \\ or \"no\"\"";
    t.steps.at("user-id").text = "First line with \"\"\" three quotes\n\"Quoted line\"\nends with a quote\"";
    t.needs.back() = "tab\there";
    std::ofstream(tmp.path / "mitid-login/en.toml", std::ios::trunc) << write_language_toml(g, t, "odd");
    const Guide again = load(tmp.path / "mitid-login");
    CHECK(again.text.at("en").title == t.title);
    CHECK(again.text.at("en").steps.at("user-id").text == t.steps.at("user-id").text);
    CHECK(again.text.at("en").needs.back() == t.needs.back());
}

TEST_CASE("a review date that is none is written quoted: it cannot become lines of TOML") {
    const Guide g = load(LEDSAGER_SOURCE_ASSETS "/guides/mitid-login");
    GuideText t = g.text.at("en");
    t.review.reviewed = "2026-12-04\n[step.find]\ntitle = \"x\"";
    const std::string written = write_language_toml(g, t, "odd");
    CHECK(written.find("\n[step.find]\ntitle = \"x\"") == std::string::npos);
    CHECK(written.find("reviewed = \"\"\"\n2026-12-04\n[step.find]") != std::string::npos);  // inside a string
    t.review.reviewed = "2026-12-04";
    CHECK(write_language_toml(g, t, "odd").find("reviewed = 2026-12-04\n") != std::string::npos);
}

TEST_CASE("a language exported as PO and read back is the same text, stamped current") {
    const Guide g = load(LEDSAGER_SOURCE_ASSETS "/guides/mitid-login");
    // Arabic is translated from English in the demo guides.
    const GuideText& ar = g.text.at("ar");
    const std::string from = ar.review.translated_from;
    REQUIRE(!from.empty());
    const GuideText& da = g.text.at(from);
    const std::string po = write_po(g, {"ar", from, &da, &ar, nullptr, "v3", "2026-12-07"});
    CHECK(po.find("msgctxt \"step.user-id.text\"") != std::string::npos);
    CHECK(po.find("\"Language: ar\\n\"") != std::string::npos);
    CHECK(po.find("#. Step 4 (user-id): what to do.") != std::string::npos);
    CHECK(po.find("#, fuzzy") == std::string::npos);  // ar is current against its source
    PoImport in;
    Diagnostics d;
    REQUIRE(read_po(g, from, da, nullptr, po, "mitid-login.ar.po", in, d));
    const std::string first = d.items.empty() ? std::string() : d.items.front().format();
    CHECK_MESSAGE(!d.has_errors(), first);
    CHECK(in.lang == "ar");
    CHECK(in.complete);
    CHECK(in.fuzzy == 0);
    CHECK(in.applied == static_cast<int>(text_fields(g, da).size()));
    CHECK(text_digest(in.text) == text_digest(ar));
    CHECK(in.text.review.source_digest == text_digest(da));
    CHECK(in.text.review.translator == ar.review.translator);
}

TEST_CASE("after the source changes, what changed comes out fuzzy and stays outdated until checked") {
    const Guide g = load(LEDSAGER_SOURCE_ASSETS "/guides/mitid-login");
    const GuideText& ar = g.text.at("ar");
    const std::string from = ar.review.translated_from;
    const GuideText old_da = g.text.at(from);
    GuideText da = old_da;
    da.steps.at("user-id").title = "Type your MitID user ID";
    const std::string po = write_po(g, {"ar", from, &da, &ar, &old_da, "v4", "2026-12-07"});
    // Exactly the changed string is fuzzy, with its old source as gettext's previous msgid.
    size_t fuzzies = 0;
    for (size_t at = po.find("#, fuzzy"); at != std::string::npos; at = po.find("#, fuzzy", at + 1))
        ++fuzzies;
    CHECK(fuzzies == 1);
    const size_t f = po.find("#, fuzzy");
    REQUIRE(f != std::string::npos);
    CHECK(po.compare(f, 60,
                     "#, fuzzy\n#| msgid \"" + old_da.steps.at("user-id").title + "\"\nmsgctxt \"step.user-id.title\"",
                     0, 60) == 0);
    // Read back as it is: the fuzzy string is not taken, the language stays outdated.
    PoImport in;
    Diagnostics d;
    REQUIRE(read_po(g, from, da, &ar, po, "x.po", in, d));
    CHECK(in.fuzzy == 1);
    CHECK_FALSE(in.complete);
    CHECK(in.text.review.source_digest == ar.review.source_digest);
    CHECK(in.text.review.source_digest != text_digest(da));
    // The translator checks it (mark removed, text mended): current again.
    std::string checked = po;
    checked.replace(f, std::string("#, fuzzy\n").size(), "");
    const std::string old_ar = "msgstr \"" + ar.steps.at("user-id").title + "\"";
    const size_t s = checked.find(old_ar, f);
    REQUIRE(s != std::string::npos);
    checked.replace(s, old_ar.size(), "msgstr \"اكتب معرّف مستخدم MitID\"");
    PoImport again;
    REQUIRE(read_po(g, from, da, &ar, checked, "x.po", again, d));
    CHECK(again.complete);
    CHECK(again.text.steps.at("user-id").title == "اكتب معرّف مستخدم MitID");
    CHECK(again.text.review.source_digest == text_digest(da));
    // Without the old source, every translated string of an outdated language is fuzzy.
    const std::string blind = write_po(g, {"ar", from, &da, &ar, nullptr, "v4", "2026-12-07"});
    size_t all = 0;
    for (size_t at = blind.find("#, fuzzy"); at != std::string::npos; at = blind.find("#, fuzzy", at + 1))
        ++all;
    CHECK(all == text_fields(g, da).size());
}

TEST_CASE("a file for another guide, in the source language, or broken is refused with its line") {
    const Guide g = load(LEDSAGER_SOURCE_ASSETS "/guides/mitid-login");
    const GuideText& da = g.text.at("da");
    const std::string po = write_po(g, {"ar", "da", &da, &g.text.at("ar"), nullptr, "v1", "2026-12-07"});
    auto refused = [&](std::string text, const std::string& says) {
        PoImport in;
        Diagnostics d;
        const bool ok = read_po(g, "da", da, nullptr, text, "f.po", in, d);
        CHECK_FALSE(ok);
        REQUIRE(d.has_errors());
        CHECK_MESSAGE(d.items.front().format().find(says) != std::string::npos, d.items.front().format());
    };
    std::string other = po;
    other.replace(other.find("X-Ledsager-Guide: mitid-login"), 29, "X-Ledsager-Guide: digital-post");
    refused(other, "digital-post");
    std::string danish = po;
    danish.replace(danish.find("Language: ar"), 12, "Language: da");
    refused(danish, "translated from");
    refused(po + "\nmsgctxt \"title\"\nmsgid \"x\nmsgstr \"y\"\n", "f.po:");
    std::string unknown = po + "\nmsgctxt \"step.gone.title\"\nmsgid \"x\"\nmsgstr \"y\"\n";
    PoImport in;
    Diagnostics d;
    CHECK(read_po(g, "da", da, nullptr, unknown, "f.po", in, d));
    CHECK(in.unknown == 1);
    CHECK_FALSE(d.has_errors());
}

TEST_CASE("outside review: stale strings, reviewer credit, translators' addresses, duplicates, header injection") {
    const Guide g = load(LEDSAGER_SOURCE_ASSETS "/guides/mitid-login");
    const GuideText& ar = g.text.at("ar");
    const std::string from = ar.review.translated_from;
    const GuideText& src = g.text.at(from);
    const std::string po = write_po(g, {"ar", from, &src, &ar, nullptr, "v1", "2026-12-07"});
    auto import = [&](const std::string& text, PoImport& in, Diagnostics& d) {
        return read_po(g, from, src, &ar, text, "f.po", in, d);
    };
    // The same file back: nothing changed, the review credit stays.
    {
        PoImport in;
        Diagnostics d;
        REQUIRE(import(po, in, d));
        CHECK(in.text.review.reviewed_by == ar.review.reviewed_by);
        CHECK(in.text.review.reviewed == ar.review.reviewed);
    }
    // A string translated from a source text that is not the guide's now is not taken.
    std::string stale = po;
    const std::string title_id = "msgctxt \"title\"\nmsgid \"" + src.title + "\"";
    REQUIRE(stale.find(title_id) != std::string::npos);
    stale.replace(stale.find(title_id), title_id.size(), "msgctxt \"title\"\nmsgid \"Some other English\"");
    {
        PoImport in;
        Diagnostics d;
        REQUIRE(import(stale, in, d));
        CHECK(in.fuzzy == 1);
        CHECK_FALSE(in.complete);
        CHECK(in.text.title == ar.title);
    }
    // New words lose the old review credit; a translator's address never reaches the guide.
    std::string changed = po;
    const std::string title_str = "msgstr \"" + ar.title + "\"";
    changed.replace(changed.find(title_str), title_str.size(), "msgstr \"عنوان جديد\"");
    for (const auto& [header, name] :
         std::vector<std::pair<std::string, std::string>>{{"Eve Larsen <eve@example.org>", "Eve Larsen"},
                                                          {"eve@example.org", ""},
                                                          {"Eve (eve@example.org)", "Eve"}}) {
        std::string with = changed;
        with.replace(with.find("\"Language: ar"), 0, "\"Last-Translator: " + header + "\\n\"\n");
        // The exporter's own Last-Translator line comes first in the file: drop it.
        const size_t own = with.find("\"Last-Translator: " + ar.review.translator);
        if (own != std::string::npos) with.erase(own, with.find('\n', own) - own + 1);
        PoImport in;
        Diagnostics d;
        REQUIRE(import(with, in, d));
        CHECK(in.text.title == "عنوان جديد");
        CHECK(in.text.review.reviewed_by.empty());
        CHECK(in.text.review.reviewed.empty());
        CHECK_MESSAGE(in.text.review.translator == (name.empty() ? ar.review.translator : name), header);
        CHECK(in.text.review.translator.find('@') == std::string::npos);
    }
    // The same string twice is refused, as msgfmt refuses it.
    {
        PoImport in;
        Diagnostics d;
        CHECK_FALSE(import(po + "\nmsgctxt \"title\"\nmsgid \"x\"\nmsgstr \"y\"\n", in, d));
        CHECK(d.has_errors());
    }
    // A translator's name or a title with quotes or line breaks cannot add lines to the file.
    GuideText odd = ar;
    odd.review.translator = "Eve \" msgctxt \"x\\";
    GuideText odd_src = src;
    odd_src.title = "Line one\nmsgctxt \"title\"\nmsgid \"PWNED\"";
    const std::string tricky = write_po(g, {"ar", from, &odd_src, &odd, nullptr, "v1", "2026-12-07"});
    PoImport in;
    Diagnostics d;
    REQUIRE(read_po(g, from, odd_src, &odd, tricky, "f.po", in, d));
    CHECK_FALSE(d.has_errors());
    CHECK(in.text.review.translator == "Eve \" msgctxt \"x\\");
    CHECK(po_language(tricky) == "ar");
    CHECK(po_source_language(tricky) == from);
}
