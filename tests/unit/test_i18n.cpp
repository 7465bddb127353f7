// Interface strings: PO parsing, the fallback chain chosen -> English -> Danish -> key.
#include <doctest/doctest.h>

#include "core/i18n.hpp"

using namespace ledsager::core;

TEST_CASE("PO parsing: multi-line strings, escapes, fuzzy and untranslated entries") {
    Diagnostics diags;
    auto entries = parse_po(R"(# header
msgid ""
msgstr "Content-Type: text/plain; charset=UTF-8\n"

#. a comment
msgid "a.key"
msgstr "Line one\n"
"line \"two\""

#, fuzzy
msgid "b.key"
msgstr "Fuzzy"

msgid "c.key"
msgstr ""
)",
                            "x.po", diags);
    CHECK(diags.items.empty());
    REQUIRE(entries.size() == 3);
    CHECK(entries[0].msgid == "a.key");
    CHECK(entries[0].msgstr == "Line one\nline \"two\"");
    CHECK(entries[0].line == 6);
    CHECK(entries[1].fuzzy);
    Translator t;
    t.add("xx", entries);
    CHECK(t.tr("xx", "a.key") == "Line one\nline \"two\"");
    CHECK(t.tr("xx", "b.key") == "b.key");  // fuzzy is not used
    CHECK(t.tr("xx", "c.key") == "c.key");  // untranslated is not used
}

TEST_CASE("PO syntax errors name file and line") {
    Diagnostics diags;
    parse_po("msgid \"a\"\nmsgstr \"b\nbogus\n", "po/xx.po", diags);
    REQUIRE(diags.items.size() >= 1);
    CHECK(diags.items[0].format() == "po/xx.po:2: error: msgstr must be followed by text in double quotes");
}

TEST_CASE("fallback: chosen language, then English, then Danish, then the key itself") {
    Translator t;
    Diagnostics d;
    t.add("da", parse_po("msgid \"k1\"\nmsgstr \"da1\"\nmsgid \"k2\"\nmsgstr \"da2\"\nmsgid \"k3\"\nmsgstr \"da3\"\n", "da", d));
    t.add("en", parse_po("msgid \"k1\"\nmsgstr \"en1\"\nmsgid \"k2\"\nmsgstr \"en2\"\n", "en", d));
    t.add("uk", parse_po("msgid \"k1\"\nmsgstr \"uk1\"\n", "uk", d));
    CHECK(t.lookup("uk", "k1").text == "uk1");
    CHECK(t.lookup("uk", "k1").lang == "uk");
    CHECK(t.lookup("uk", "k2").text == "en2");
    CHECK(t.lookup("uk", "k2").lang == "en");
    CHECK(t.lookup("uk", "k3").text == "da3");
    CHECK(t.lookup("uk", "k3").lang == "da");
    CHECK(t.lookup("uk", "k4").text == "k4");
    CHECK(t.lookup("uk", "k4").lang == "");
    CHECK(t.lookup("da", "k2").text == "da2");
}

TEST_CASE("placeholders") {
    CHECK(format("Step {n} of {total}", {{"n", "3"}, {"total", "7"}}) == "Step 3 of 7");
    CHECK(format("{n}{n}", {{"n", "ab"}}) == "abab");
    CHECK(format("no placeholders", {{"n", "1"}}) == "no placeholders");
}

TEST_CASE("the shipped catalogues load without errors") {
    Translator t;
    Diagnostics d;
    t.load_dir(LEDSAGER_SOURCE_PO, d);
    CHECK(d.items.empty());
    CHECK(t.has_language("da"));
    CHECK(t.has_language("en"));
    CHECK(t.tr("da", "attract.title") != "attract.title");
    CHECK(t.tr("en", "attract.title") != t.tr("da", "attract.title"));
}
