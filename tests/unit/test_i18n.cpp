// Interface strings: PO parsing, the fallback chain chosen -> English -> Danish -> key.
#include <doctest/doctest.h>

#include <map>

#include "core/i18n.hpp"

using namespace ledsager::core;
using namespace ledsager::common;

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
    t.add("da", parse_po("msgid \"k1\"\nmsgstr \"da1\"\nmsgid \"k2\"\nmsgstr \"da2\"\nmsgid \"k3\"\nmsgstr \"da3\"\n",
                         "da", d));
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

// ---- plural forms (gettext's Plural-Forms header, msgid_plural and msgstr[N])

namespace {
PluralRule rule_of(const std::string& value) {
    std::string error;
    auto r = PluralRule::parse(value, error);
    INFO(value << ": " << error);
    REQUIRE(r.has_value());
    return *r;
}
}  // namespace

TEST_CASE("plural forms: each shipped language picks the right form for 0 1 2 3 5 11 100 101 (and more)") {
    Translator t;
    Diagnostics d;
    t.load_dir(LEDSAGER_SOURCE_PO, d);
    for (const auto& item : d.items)
        INFO(item.format());
    REQUIRE(d.items.empty());
    const std::vector<std::uint64_t> ns{0, 1, 2, 3, 5, 11, 100, 101};
    // The forms, in the order of ns, by the rules of GNU gettext and Unicode CLDR as listed
    // by Weblate's language data (gettext.csv, cldr.csv, languages.csv).
    const std::map<std::string, std::pair<int, std::vector<int>>> expected{
        {"da", {2, {1, 0, 1, 1, 1, 1, 1, 1}}},  // one: 1
        {"en", {2, {1, 0, 1, 1, 1, 1, 1, 1}}},
        {"so", {2, {1, 0, 1, 1, 1, 1, 1, 1}}},
        {"tr", {2, {1, 0, 1, 1, 1, 1, 1, 1}}},
        {"ur", {2, {1, 0, 1, 1, 1, 1, 1, 1}}},
        {"fa", {2, {0, 0, 1, 1, 1, 1, 1, 1}}},  // one: 0 and 1
        {"ti", {2, {0, 0, 1, 1, 1, 1, 1, 1}}},
        {"ar", {6, {0, 1, 2, 3, 3, 4, 5, 5}}},  // zero one two few(3-10) many(11-99) other(100-102 …)
        {"uk", {3, {2, 0, 1, 1, 2, 2, 2, 0}}},  // one(…1 not …11) few(…2-4 not …12-14) many
        {"pl", {3, {2, 0, 1, 1, 2, 2, 2, 2}}},  // one(1 only) few(…2-4 not …12-14) many
    };
    for (const auto& [lang, want] : expected) {
        INFO("language " << lang);
        const PluralRule* rule = t.plural_rule(lang);
        REQUIRE(rule);
        CHECK(rule->nplurals() == want.first);
        for (size_t i = 0; i < ns.size(); ++i) {
            INFO("n = " << ns[i]);
            CHECK(rule->form(ns[i]) == want.second[i]);
        }
    }
    // Where the Slavic rules part ways and Arabic's hundreds.
    const PluralRule& uk = *t.plural_rule("uk");
    const PluralRule& pl = *t.plural_rule("pl");
    const PluralRule& ar = *t.plural_rule("ar");
    CHECK(uk.form(21) == 0);
    CHECK(pl.form(21) == 2);
    CHECK(uk.form(22) == 1);
    CHECK(pl.form(22) == 1);
    CHECK(uk.form(12) == 2);
    CHECK(pl.form(112) == 2);
    CHECK(uk.form(111) == 2);
    CHECK(ar.form(103) == 3);
    CHECK(ar.form(111) == 4);
    CHECK(ar.form(1000) == 5);

    // The texts: Arabic agrees in number, Ukrainian and Polish decline, English says 1 second.
    CHECK(t.tr_n("en", "timeout.seconds", 1) == "{n} second left.");
    CHECK(t.tr_n("en", "timeout.seconds", 30) == "{n} seconds left.");
    CHECK(t.tr_n("en", "waiting.wait", 1) == "About {minutes} minute.");
    CHECK(t.tr_n("da", "waiting.wait", 4) == "Cirka {minutes} minutter.");
    CHECK(t.tr_n("ar", "timeout.seconds", 2) == "بقيت ثانيتان.");
    CHECK(t.tr_n("ar", "timeout.seconds", 5) == "بقيت {n} ثوانٍ.");
    CHECK(t.tr_n("ar", "timeout.seconds", 20) == "بقيت {n} ثانية.");
    CHECK(t.tr_n("ar", "waiting.wait", 2) == "حوالي دقيقتين.");
    CHECK(t.tr_n("uk", "timeout.seconds", 21) == "Залишилася {n} секунда.");
    CHECK(t.tr_n("uk", "timeout.seconds", 3) == "Залишилося {n} секунди.");
    CHECK(t.tr_n("uk", "timeout.seconds", 11) == "Залишилося {n} секунд.");
    CHECK(t.tr_n("pl", "timeout.seconds", 22) == "Zostały {n} sekundy.");
    CHECK(t.tr_n("pl", "timeout.seconds", 25) == "Zostało {n} sekund.");
    CHECK(t.lookup_n("ar", "waiting.wait", 7).lang == "ar");
    // A negative count is its size; a singular entry serves every count.
    CHECK(t.tr_n("en", "timeout.seconds", -1) == "{n} second left.");
    CHECK(t.tr_n("en", "step.next", 3) == t.tr("en", "step.next"));
    CHECK(t.tr_n("xx", "nothing.here", 3) == "nothing.here");
    // Every plural entry of every language has all of its language's forms.
    for (const auto& lang : t.languages()) {
        const auto* plurals = t.plural_catalog(lang);
        REQUIRE(plurals);
        CHECK_MESSAGE(plurals->count("waiting.wait"), lang);
        CHECK_MESSAGE(plurals->count("timeout.seconds"), lang);
        for (const auto& [key, forms] : *plurals)
            CHECK(static_cast<int>(forms.size()) == t.plural_rule(lang)->nplurals());
    }
}

TEST_CASE("plural expressions: C precedence and semantics, as gettext evaluates them") {
    CHECK(PluralRule().nplurals() == 2);
    CHECK(PluralRule().form(1) == 0);
    CHECK(PluralRule().form(0) == 1);
    CHECK(rule_of("nplurals=1; plural=0;").form(7) == 0);
    CHECK(*rule_of("nplurals=2; plural=n>1").evaluate(2) == 1);  // the last ';' may be left out
    CHECK(*rule_of("nplurals=6;plural=2+3*4").evaluate(0) == 14);
    CHECK(*rule_of("nplurals=6; plural=(2+3)*4;").evaluate(0) == 20);
    CHECK(*rule_of("nplurals=6; plural=10-4-3;").evaluate(0) == 3);               // left-associative
    CHECK(*rule_of("nplurals=6; plural=n-1;").evaluate(0) == ~std::uint64_t{0});  // unsigned, as gettext
    CHECK(*rule_of("nplurals=6; plural=!n;").evaluate(0) == 1);
    CHECK(*rule_of("nplurals=6; plural=!!n;").evaluate(5) == 1);
    CHECK(*rule_of("nplurals=6; plural=1 ? 2 : 3 ? 4 : 5;").evaluate(0) == 2);  // right-associative ?:
    CHECK(*rule_of("nplurals=6; plural=0 ? 2 : 0 ? 4 : 5;").evaluate(0) == 5);
    CHECK(*rule_of("nplurals=6; plural=n==1 || n==2 && 0;").evaluate(2) == 0);  // && binds tighter than ||
    CHECK(*rule_of("nplurals=6; plural=n<=3 == 1;").evaluate(3) == 1);          // relations bind tighter than ==
    CHECK(*rule_of("nplurals=6; plural=n>=3;").evaluate(3) == 1);
    CHECK(*rule_of("nplurals=6; plural=n!=3;").evaluate(3) == 0);
    CHECK(*rule_of("nplurals=6; plural=n%7/2;").evaluate(13) == 3);
    CHECK(*rule_of("  nplurals = 3 ;  plural = ( n % 10 == 1 ) ? 0 : 2 ; ").evaluate(21) == 0);
    // Short-circuit: the right side of && and || is not evaluated when not needed.
    CHECK(*rule_of("nplurals=2; plural=n != 0 && 10 / n > 1;").evaluate(0) == 0);
    CHECK(*rule_of("nplurals=2; plural=n == 0 || 10 / n > 1;").evaluate(0) == 1);
}

TEST_CASE("plural headers that are malformed are refused with a reason, never a crash") {
    const std::vector<std::string> bad{
        "",
        "nplurals=2;",
        "plural=n != 1;",
        "nplurals=0; plural=0;",
        "nplurals=7; plural=0;",
        "nplurals=x; plural=0;",
        "nplurals=-1; plural=0;",
        "nplurals=2; nplurals=2; plural=0;",
        "nplurals=2; plural=0; plural=1;",
        "nplurals=2; plural=;",
        "nplurals=2; plural=n != ;",
        "nplurals=2; plural=(n != 1;",
        "nplurals=2; plural=n != 1);",
        "nplurals=2; plural=n ? 1;",
        "nplurals=2; plural=m;",
        "nplurals=2; plural=nn;",
        "nplurals=2; plural=n | 1;",
        "nplurals=2; plural=n & 1;",
        "nplurals=2; plural=n = 1;",
        "nplurals=2; plural=-n;",
        "nplurals=2; plural=n !;",
        "nplurals=2; plural=99999999999999999999999;",
        "nplurals=2; plural=n\x01;",
        "nplurals=2; extra=1; plural=0;",
        "nplurals=2; plural=" + std::string(300, '(') + "n" + std::string(300, ')') + ";",
        "nplurals=2; plural=" + std::string(300, '!') + "n;",
        "nplurals=2; plural=" +
            [] {
                std::string s = "n";
                for (int i = 0; i < 200; ++i)
                    s += "+n";
                return s;
            }() +
            ";",
        "nplurals=2; plural=" +
            [] {
                std::string s;
                for (int i = 0; i < 100; ++i)
                    s += "n ? 1 : ";
                return s + "0";
            }() +
            ";",
        "nplurals=2; plural=" + std::string(2000, 'n') + ";",
    };
    for (const auto& value : bad) {
        std::string error;
        CHECK_MESSAGE(!PluralRule::parse(value, error).has_value(), value.substr(0, 80));
        CHECK_MESSAGE(!error.empty(), value.substr(0, 80));
    }
    // Hostile bytes: whatever comes, parse returns (and evaluation of what parses returns).
    std::uint32_t seed = 14;
    const std::string alphabet = "n0123456789 ()!?:*/%+-<>=&|;nplurals=plural=\t";
    for (int i = 0; i < 20000; ++i) {
        std::string s = "nplurals=3; plural=";
        seed = seed * 1664525u + 1013904223u;
        const size_t len = seed % 60;
        for (size_t k = 0; k < len; ++k) {
            seed = seed * 1664525u + 1013904223u;
            s += alphabet[(seed >> 8) % alphabet.size()];
        }
        std::string error;
        if (auto r = PluralRule::parse(s, error))
            for (std::uint64_t n : {0ull, 1ull, 2ull, 7ull, 1000ull, ~0ull})
                (void)r->evaluate(n, &error);
    }
}

TEST_CASE("plural headers in a catalogue: errors name file and line; division by zero and forms out of range") {
    auto errors_for = [](const std::string& header) {
        Diagnostics d;
        parse_po_file("# comment\nmsgid \"\"\nmsgstr \"\"\n\"Language: xx\\n\"\n\"Plural-Forms: " + header +
                          "\\n\"\n\nmsgid \"k\"\nmsgid_plural \"k\"\nmsgstr[0] \"one\"\nmsgstr[1] \"more\"\n",
                      "po/xx.po", d);
        std::vector<std::string> out;
        for (const auto& item : d.items)
            out.push_back(item.format());
        return out;
    };
    CHECK(errors_for("nplurals=2; plural=(n != 1);").empty());
    auto e = errors_for("nplurals=2; plural=(n != 1;");
    REQUIRE(e.size() == 1);
    CHECK(e[0] == "po/xx.po:5: error: Plural-Forms: plural=(n != 1: '(' without its ')'");
    e = errors_for("nplurals=2; plural=n / (n - n);");
    REQUIRE(e.size() == 1);
    CHECK(e[0] == "po/xx.po:5: error: Plural-Forms: division by zero for n = 0");
    e = errors_for("nplurals=2; plural=n % 3;");
    REQUIRE(e.size() == 1);
    CHECK(e[0].rfind("po/xx.po:5: error: Plural-Forms: plural=n % 3 gives form 2 for n = 2, but nplurals=2", 0) == 0);
    e = errors_for("nplurals=9; plural=0;");
    REQUIRE(e.size() == 1);
    CHECK(e[0] == "po/xx.po:5: error: Plural-Forms: nplurals must be 1 to 6, got 9");
    // A rule that fails at run time anyway (never shipped: the check above stops it) falls back.
    Translator t;
    t.add("xx", {{"k", "", "k", {"a", "b"}, false, 1, ""}}, rule_of("nplurals=2; plural=n / (n - 5);"));
    t.add("en", {{"k", "", "k", {"one", "more"}, false, 1, ""}}, PluralRule());
    CHECK(t.lookup_n("xx", "k", 5).lang == "en");
    CHECK(t.tr_n("xx", "k", 5) == "more");
    CHECK(t.tr_n("xx", "k", 0) == "a");
}

TEST_CASE("plural entries: syntax errors with lines; a missing msgstr[k] falls back whole to English") {
    const std::string en =
        "msgid \"\"\nmsgstr \"Plural-Forms: nplurals=2; plural=(n != 1);\\n\"\n\n"
        "msgid \"w\"\nmsgid_plural \"w\"\nmsgstr[0] \"{n} minute\"\nmsgstr[1] \"{n} minutes\"\n\n"
        "msgid \"s\"\nmsgstr \"single\"\n";
    const std::string uk =
        "msgid \"\"\nmsgstr \"\"\n\"Plural-Forms: nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : "
        "n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);\\n\"\n\n"
        "msgid \"w\"\nmsgid_plural \"w\"\nmsgstr[0] \"{n} хвилина\"\nmsgstr[1] \"{n} хвилини\"\n\n"
        "msgid \"s\"\nmsgstr \"одна\"\n";
    Diagnostics d;
    const auto en_file = parse_po_file(en, "po/en.po", d);
    CHECK(d.items.empty());
    const auto uk_file = parse_po_file(uk, "po/uk.po", d);
    REQUIRE(d.items.size() == 1);
    CHECK(d.items[0].format() ==
          "po/uk.po:5: error: 'w' lacks msgstr[2] (nplurals=3): the entry is not used until every form is there");
    REQUIRE(uk_file.entries.size() == 2);
    CHECK(uk_file.entries[0].plural());
    CHECK(uk_file.entries[0].msgstr == "{n} хвилина");
    CHECK(uk_file.plural.nplurals() == 3);
    Translator t;
    t.add("en", en_file);
    t.add("uk", uk_file);
    // Whole entry from English for every n, so a screen never mixes languages as n changes.
    for (long long n : {1, 2, 5, 21}) {
        CHECK(t.lookup_n("uk", "w", n).lang == "en");
        CHECK(t.tr_n("uk", "w", n) == (n == 1 ? "{n} minute" : "{n} minutes"));
    }
    CHECK(t.tr_n("uk", "s", 5) == "одна");
    CHECK(t.tr("en", "w") == "{n} minute");  // tr on a plural entry: msgstr[0]

    auto first_error = [](const std::string& text) {
        Diagnostics diags;
        parse_po_file(text, "po/xx.po", diags);
        return diags.items.empty() ? std::string() : diags.items[0].format();
    };
    const std::string header = "msgid \"\"\nmsgstr \"Plural-Forms: nplurals=2; plural=(n != 1);\\n\"\n\n";
    CHECK(first_error(header + "msgid \"a\"\nmsgstr[0] \"x\"\n") ==
          "po/xx.po:5: error: msgstr[0] belongs to a plural entry: msgid, msgid_plural, then msgstr[0], msgstr[1], …");
    CHECK(first_error(header + "msgid \"a\"\nmsgid_plural \"a\"\nmsgstr \"x\"\n") ==
          "po/xx.po:6: error: a plural entry takes msgstr[0], msgstr[1], … not msgstr");
    CHECK(first_error(header + "msgid \"a\"\nmsgid_plural \"a\"\nmsgstr[1] \"x\"\n") ==
          "po/xx.po:6: error: msgstr[1] out of order: expected msgstr[0]");
    CHECK(first_error(header + "msgid \"a\"\nmsgid_plural \"a\"\nmsgstr[x] \"x\"\n") ==
          "po/xx.po:6: error: msgstr[N] needs a form number N (0, 1, 2, …)");
    CHECK(first_error(header + "msgid_plural \"a\"\n") == "po/xx.po:4: error: msgid_plural without a msgid before it");
    CHECK(
        first_error(header + "msgid \"a\"\nmsgid_plural \"a\"\nmsgstr[0] \"x\"\nmsgstr[1] \"y\"\nmsgstr[2] \"z\"\n") ==
        "po/xx.po:4: error: 'a' has 3 forms (msgstr[0] to msgstr[2]), but nplurals=2");
    CHECK(first_error("msgid \"a\"\nmsgid_plural \"a\"\nmsgstr[0] \"x\"\nmsgstr[1] \"y\"\n") ==
          "po/xx.po:1: error: 'a' has plural forms but the header has no Plural-Forms: nplurals=N; plural=EXPR;");
    // Untranslated (every form empty) is no error here; the catalogue check reports it.
    CHECK(first_error(header + "msgid \"a\"\nmsgid_plural \"a\"\nmsgstr[0] \"\"\nmsgstr[1] \"\"\n").empty());
}
