// Content loading and checking: every kind of broken guide is reported with its file and
// line, and the broken guide is left out while the good ones are served.
#include <doctest/doctest.h>
#include <algorithm>

#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <set>

#include <ctime>

#include "common/content.hpp"
#include "temp_dir.hpp"

namespace fs = std::filesystem;
using namespace ledsager::common;

using ledsager::test::TempDir;

namespace {

const char* kGuide = R"(id = "demo"
category = "login"
icon = "key"
sources = [ { url = "https://www.borger.dk/", checked = 2026-11-23 } ]

[[step]]
id = "one"
kind = "info"
next = "two"

[[step]]
id = "two"
kind = "question"
[[step.choice]]
id = "yes"
next = "three"
[[step.choice]]
id = "no"
next = "end"

[[step]]
id = "three"
kind = "check"
next = "end"

[end]
)";

std::string text(const std::string& lang) {
    return "title = \"Demo " + lang + R"("
subtitle = "Sub"
needs = ["A phone"]

[step.one]
title = "One"
text = "Do one thing."

[step.two]
title = "Two"
text = "Pick one."
[step.two.choices]
yes = "Yes"
no = "No"

[step.three]
title = "Three"
text = "Did it work?"

[review]
reviewed_by = "Content editor"
reviewed = 2026-11-23

[end]
title = "Done"
summary = "All done."
)";
}

// Today's date: the fixture's sources are always freshly checked.
std::string today() {
    return iso_day(std::time(nullptr));
}

void write_good(const TempDir& dir, const std::string& id = "demo") {
    std::string g = kGuide;
    g.replace(g.find("\"demo\""), 6, "\"" + id + "\"");
    g.replace(g.find("2026-11-23"), 10, today());
    dir.write(id + "/guide.toml", g);
    dir.write(id + "/da.toml", text("da"));
    dir.write(id + "/en.toml", text("en"));
}

std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string all(const Diagnostics& d) {
    std::string out;
    for (const auto& i : d.items)
        out += i.format() + "\n";
    return out;
}

bool has(const Diagnostics& d, const std::string& needle) {
    return all(d).find(needle) != std::string::npos;
}

void replace(std::string& s, const std::string& from, const std::string& to) {
    auto pos = s.find(from);
    REQUIRE(pos != std::string::npos);
    s.replace(pos, from.size(), to);
}

}  // namespace

TEST_CASE("a good guide loads with no diagnostics") {
    TempDir dir;
    write_good(dir);
    auto set = load_content(dir.path);
    CHECK_MESSAGE(set.diagnostics.items.empty(), all(set.diagnostics));
    REQUIRE(set.guides.size() == 1);
    const Guide& g = set.guides[0];
    CHECK(g.steps.size() == 3);
    CHECK(g.text.at("da").title == "Demo da");
    CHECK(g.main_path_length() == 3);
    CHECK(g.steps_to_end("one") == 2);  // one -> two -> end
    CHECK(g.steps_to_end("three") == 1);
}

TEST_CASE("each broken guide is reported with file and line, and the others still load") {
    TempDir dir;
    write_good(dir, "good");
    std::string g = kGuide;
    replace(g, "id = \"demo\"", "id = \"broken\"");
    std::string expect;
    std::string file = "broken/guide.toml";
    std::string da = text("da");
    // What the studio words in the reader's language: the problem's code, and values it has.
    std::pair<std::string, DiagnosticArgs> code;

    SUBCASE("unknown step") {
        replace(g, "next = \"three\"", "next = \"thre\"");
        expect = "guide.toml:14: error: step 'two' leads to unknown step 'thre'";
        code = {"unknown_target", {{"step", "two"}, {"target", "thre"}, {"branch", "choice"}, {"answer", "yes"}}};
    }
    SUBCASE("unreachable step") {
        replace(g, "next = \"three\"", "next = \"end\"");
        expect = "guide.toml:21: error: step 'three' cannot be reached";
        code = {"unreachable", {{"step", "three"}}};
    }
    SUBCASE("a branch with no way to the end") {
        replace(g, "[[step]]\nid = \"three\"\nkind = \"check\"\nnext = \"end\"",
                "[[step]]\nid = \"three\"\nkind = \"check\"\nnext = \"four\"\n\n[[step]]\nid = \"four\"\nkind = "
                "\"info\"\nnext = \"three\"");
        replace(g, "id = \"no\"\nnext = \"end\"", "id = \"no\"\nnext = \"three\"");
        expect = "guide.toml:21: error: step 'three' has no way on to the end";
        code = {"no_way_to_end", {{"step", "three"}}};
    }
    SUBCASE("missing image") {
        replace(g, "kind = \"check\"", "kind = \"check\"\nimage = \"phone.png\"");
        expect = "guide.toml:24: error: missing image 'phone.png'";
        code = {"image_missing", {{"step", "three"}, {"value", "phone.png"}}};
    }
    SUBCASE("file cut short") {
        g = g.substr(0, g.find("[[step]]\nid = \"three\""));
        expect = "error: step 'two' leads to unknown step 'three'";
        code = {"unknown_target", {{"step", "two"}, {"target", "three"}, {"kind", "question"}}};
    }
    SUBCASE("file cut short exactly before [end]") {
        g = g.substr(0, g.find("[end]"));
        expect = "error: no [end] table: the file may be cut short";
        code = {"end_missing", {}};
    }
    SUBCASE("stray text") {
        g += "this is not toml\n";
        expect = "guide.toml:27: error: not valid TOML";
        code = {"toml_syntax", {}};
    }
    SUBCASE("unknown key") {
        replace(g, "icon = \"key\"", "icon = \"key\"\ncolour = \"red\"");
        expect = "guide.toml:4: error: unknown key 'colour'";
        code = {"unknown_key", {{"key", "colour"}}};
    }
    SUBCASE("missing translation in a language file") {
        file = "broken/da.toml";
        da = da.substr(0, da.find("[step.three]")) + "[end]\ntitle = \"x\"\nsummary = \"y\"\n";
        expect = "da.toml: error: missing translation: no [step.three] table";
        code = {"step_text_missing", {{"step", "three"}}};
    }
    SUBCASE("missing language file") {
        file = "broken/en.toml";
        expect = "en.toml: error: missing translation: the guide must be complete in en";
        code = {"language_missing", {{"lang", "en"}}};
    }
    SUBCASE("empty text") {
        file = "broken/da.toml";
        replace(da, "text = \"Pick one.\"", "text = \"  \"");
        expect = "da.toml:11: error: 'text' in [step.two] is empty";
        code = {"empty", {{"key", "text"}, {"step", "two"}}};
    }
    SUBCASE("missing answer label") {
        file = "broken/da.toml";
        replace(da, "no = \"No\"\n", "");
        expect = "da.toml:12: error: missing 'no' in [step.two].choices";
        code = {"missing_key", {{"key", "no"}, {"step", "two"}}};
    }
    SUBCASE("wrong folder name") {
        replace(g, "id = \"broken\"", "id = \"other\"");
        expect = "guide.toml:1: error: id 'other' must equal the folder name 'broken'";
        code = {"id_folder", {{"value", "other"}, {"folder", "broken"}}};
    }
    SUBCASE("bad source") {
        replace(g, "https://www.borger.dk/", "http://example");
        expect = "guide.toml:4: error: source url must start with https://";
        code = {"source_https", {{"url", "http://example"}}};
    }

    dir.write("broken/guide.toml", g);
    dir.write("broken/da.toml", da);
    if (file != "broken/en.toml") dir.write("broken/en.toml", text("en"));

    auto set = load_content(dir.path);
    INFO(all(set.diagnostics));
    CHECK(set.diagnostics.has_errors());
    CHECK(has(set.diagnostics, expect));
    const auto found = std::find_if(set.diagnostics.items.begin(), set.diagnostics.items.end(),
                                    [&](const Diagnostic& d) { return d.format().find(expect) != std::string::npos; });
    REQUIRE(found != set.diagnostics.items.end());
    CHECK(found->code == code.first);
    for (const auto& arg : code.second)
        CHECK_MESSAGE(std::find(found->args.begin(), found->args.end(), arg) != found->args.end(),
                      std::string(arg.first + " = " + arg.second));
    // Every problem of a guide has a code: none reaches the studio as English only.
    for (const auto& d : set.diagnostics.items)
        CHECK_MESSAGE(!d.code.empty(), d.format());
    // The error names the file at fault.
    for (const auto& d : set.diagnostics.items)
        if (d.severity == Severity::Error) CHECK(d.file.find("broken") != std::string::npos);
    REQUIRE(set.guides.size() == 1);
    CHECK(set.guides[0].id == "good");
}

TEST_CASE("long sentences and long guides are warnings, not errors") {
    TempDir dir;
    write_good(dir);
    std::string da = text("da");
    replace(da, "Do one thing.",
            "Det her er en meget lang sætning med alt for mange ord i sig som bliver ved og ved og ved og ved uden at "
            "stoppe nogen sinde igen.");
    dir.write("demo/da.toml", da);
    auto set = load_content(dir.path);
    CHECK_FALSE(set.diagnostics.has_errors());
    CHECK(has(set.diagnostics, "da.toml:7: warning: a sentence in [step.one] has 29 words"));
    const auto long_one = std::find_if(set.diagnostics.items.begin(), set.diagnostics.items.end(),
                                       [](const Diagnostic& d) { return d.code == "sentence_long"; });
    REQUIRE(long_one != set.diagnostics.items.end());
    for (const std::pair<std::string, std::string>& arg :
         {std::pair<std::string, std::string>{"step", "one"}, {"start", "Det her er en meget"}})
        CHECK_MESSAGE(std::find(long_one->args.begin(), long_one->args.end(), arg) != long_one->args.end(), arg.second);
    CHECK(set.guides.size() == 1);
}

TEST_CASE("sentence counting") {
    CHECK(longest_sentence_words("One two. Three four five!") == 3);
    CHECK(longest_sentence_words("Go to borger.dk and press 1.5 times") == 7);
    CHECK(longest_sentence_words("a\nb c d") == 3);
    // Urdu full stop and Arabic question mark end sentences too.
    CHECK(longest_sentence_words("یہ ایک ہے۔ آپ اسے دیکھیں؟ ہاں") == 3);
    CHECK(longest_sentence_words("ሰላም ኣለኹም። ከመይ ኣለኹም") == 2);
    CHECK(longest_sentence_words("") == 0);
    // Where the longest one is, for an editor to find it by its first words.
    const std::string text = "One two. Three four five! Six";
    const auto longest = longest_sentence(text);
    CHECK(longest.words == 3);
    CHECK(text.substr(longest.at, longest.length) == "Three four five");
    const std::string urdu = "ہاں۔ یہ ایک ہے";
    CHECK(urdu.substr(longest_sentence(urdu).at) == "یہ ایک ہے");
}

TEST_CASE("a missing folder or an empty folder is an error, not a crash") {
    auto set = load_content("/nonexistent/ledsager");
    CHECK(has(set.diagnostics, "/nonexistent/ledsager: error: content folder not found"));
    TempDir dir;
    dir.write("stray.txt", "x");
    set = load_content(dir.path);
    CHECK(has(set.diagnostics, "stray.txt: error: unexpected file"));
    CHECK(has(set.diagnostics, "no usable guides"));
}

TEST_CASE("a translation made before its source text changed is outdated until it is stamped") {
    TempDir dir;
    write_good(dir);
    std::string en = text("en");
    replace(en, "[review]\n", "[review]\ntranslated_from = \"da\"\n");
    dir.write("demo/en.toml", en);
    // Never stamped: outdated, at the line of [review].
    auto set = load_content(dir.path);
    CHECK_FALSE(set.diagnostics.has_errors());
    CHECK(has(set.diagnostics,
              "en.toml:20: warning: outdated: da.toml has changed since this text was translated from it"));
    REQUIRE(set.guides.size() == 1);
    CHECK(set.guides[0].text.at("en").outdated);
    CHECK_FALSE(set.guides[0].text.at("da").outdated);

    std::string error;
    REQUIRE_MESSAGE(stamp_translation(dir.path / "demo" / "en.toml", error), error);
    set = load_content(dir.path);
    CHECK_MESSAGE(set.diagnostics.items.empty(), all(set.diagnostics));
    CHECK_FALSE(set.guides[0].text.at("en").outdated);
    // Stamping again changes nothing; the digest sits under translated_from.
    const std::string stamped = read(dir.path / "demo" / "en.toml");
    CHECK(stamped.find("translated_from = \"da\"\nsource_digest = \"") != std::string::npos);
    REQUIRE(stamp_translation(dir.path / "demo" / "en.toml", error));
    CHECK(read(dir.path / "demo" / "en.toml") == stamped);

    // A comment or the layout of the source is no change; its words are.
    std::string da = text("da");
    dir.write("demo/da.toml", "# a comment\n" + da);
    CHECK(load_content(dir.path).diagnostics.items.empty());
    replace(da, "Pick one.", "Pick one of them.");
    dir.write("demo/da.toml", da);
    set = load_content(dir.path);
    CHECK(has(set.diagnostics, "en.toml:20: warning: outdated: da.toml has changed"));
    CHECK(set.guides[0].text.at("en").outdated);
    // The guide is still served: a warning is advice.
    CHECK(set.guides.size() == 1);
}

TEST_CASE("a translation keeps its source's lines one for one: pictures and numbers point at them") {
    TempDir dir;
    write_good(dir);
    std::string en = text("en");
    replace(en, "[review]\n", "[review]\ntranslated_from = \"da\"\n");
    replace(en, "text = \"Did it work?\"", "text = \"\"\"\nDid it work?\nLook at the screen.\"\"\"");
    dir.write("demo/en.toml", en);
    std::string error;
    REQUIRE_MESSAGE(stamp_translation(dir.path / "demo" / "en.toml", error), error);
    auto set = load_content(dir.path);
    CHECK(has(set.diagnostics,
              "en.toml:22: warning: [step.three] has 2 lines where da.toml has 1: keep one line for each"));
    CHECK_FALSE(set.diagnostics.has_errors());
    CHECK(set.guides.size() == 1);
    // Empty lines are no lines (as on screen), so a blank line in between is no difference.
    replace(en, "Did it work?\nLook at the screen.", "\nDid it work?\n");
    dir.write("demo/en.toml", en);
    REQUIRE_MESSAGE(stamp_translation(dir.path / "demo" / "en.toml", error), error);
    set = load_content(dir.path);
    CHECK_MESSAGE(set.diagnostics.items.empty(), all(set.diagnostics));
    CHECK(text_lines("\nDid it work?\n\nYes.") == std::vector<std::string>{"Did it work?", "Yes."});
}

TEST_CASE("review records: missing, incomplete and wrong ones") {
    TempDir dir;
    write_good(dir);
    std::string en = text("en");
    replace(en, "[review]\nreviewed_by = \"Content editor\"\nreviewed = 2026-11-23\n\n", "");
    dir.write("demo/en.toml", en);
    auto set = load_content(dir.path);
    CHECK(has(set.diagnostics, "en.toml:1: warning: no [review]: say who wrote or translated this text"));
    dir.write("demo/en.toml", text("en").replace(text("en").find("reviewed = 2026-11-23"), 21, ""));
    set = load_content(dir.path);
    CHECK(has(set.diagnostics, "en.toml:20: warning: [review] does not say who reviewed this text"));
    en = text("en");
    replace(en, "reviewed = 2026-11-23", "reviewed = \"last week\"\ntranslated_from = \"xx\"\nsigned = \"me\"");
    dir.write("demo/en.toml", en);
    set = load_content(dir.path);
    CHECK(has(set.diagnostics, "en.toml:22: error: 'reviewed' in [review] must be a date like 2026-11-20"));
    CHECK(has(set.diagnostics, "en.toml:23: error: 'translated_from' must name another language of this guide"));
    CHECK(has(set.diagnostics, "en.toml:24: error: unknown key 'signed' in [review]"));
    // A translation whose source file is there but broken: the source's own errors are said,
    // not that the guide has no such language.
    write_good(dir);
    en = text("en");
    replace(en, "reviewed = 2026-11-23", "reviewed = 2026-11-23\ntranslated_from = \"da\"");
    dir.write("demo/en.toml", en);
    std::string da = text("da");
    replace(da, "title = \"One\"", "title = \"\"");
    dir.write("demo/da.toml", da);
    set = load_content(dir.path);
    CHECK(has(set.diagnostics, "da.toml:6: error: 'title' in [step.one] is empty"));
    CHECK_FALSE(has(set.diagnostics, "which this guide does not have"));
    dir.write("demo/da.toml", text("da"));
    // Stamping a file that says nothing of its source is refused, with the reason.
    write_good(dir);
    std::string error;
    CHECK_FALSE(stamp_translation(dir.path / "demo" / "en.toml", error));
    CHECK(error.find("no translated_from") != std::string::npos);
}

TEST_CASE("sources not checked for longer than the configured months are a warning") {
    TempDir dir;
    write_good(dir);
    std::string g = kGuide;
    dir.write("demo/guide.toml", g);  // checked = 2026-11-23
    ContentOptions options;
    options.today = "2027-05-23";  // exactly 6 months: still fresh
    auto set = load_content(dir.path, options);
    CHECK_MESSAGE(set.diagnostics.items.empty(), all(set.diagnostics));
    CHECK_FALSE(set.guides[0].sources_stale);
    CHECK(set.guides[0].sources_checked == "2026-11-23");
    options.today = "2027-05-24";
    set = load_content(dir.path, options);
    CHECK(has(set.diagnostics,
              "guide.toml:4: warning: source last checked 2026-11-23, more than 6 months ago: check "
              "https://www.borger.dk/ again"));
    CHECK(set.guides[0].sources_stale);
    CHECK(set.guides.size() == 1);
    options.max_source_age_months = 12;
    CHECK(load_content(dir.path, options).diagnostics.items.empty());
    // The last day of a shorter month: 31 August less 6 months is 28 February.
    options.max_source_age_months = 6;
    options.today = "2027-08-31";
    g.replace(g.find("2026-11-23"), 10, "2027-02-28");
    dir.write("demo/guide.toml", g);
    CHECK(load_content(dir.path, options).diagnostics.items.empty());
    g.replace(g.find("2027-02-28"), 10, "2027-02-27");
    dir.write("demo/guide.toml", g);
    CHECK(has(load_content(dir.path, options).diagnostics, "more than 6 months ago"));
}

TEST_CASE("a very long step id is checked, not a crash") {
    // std::regex matched ids by recursion, a level a character: 50,000 characters overflowed
    // the stack (found by fuzz_guide_parser).
    for (const std::string& id : {std::string(200000, 'a'), std::string(200000, 'a') + "_"}) {
        TempDir dir;
        write_good(dir);
        std::string g = kGuide;
        replace(g, "id = \"one\"", "id = \"" + id + "\"");
        dir.write("demo/guide.toml", g);
        const auto set = load_content(dir.path);
        CHECK(set.guides.empty());
        CHECK(has(set.diagnostics, id.back() == '_' ? "must use a-z, 0-9 and '-'" : "text for unknown step 'one'"));
    }
}

TEST_CASE("a guide's funnels: the spine, and runs of steps inside branches (what the reports round along)") {
    // start asks; answer a goes a1 -> a2, answer b goes b1; both meet at merge -> last -> end.
    Guide g;
    g.id = "branchy";
    auto step = [&](const std::string& id, StepKind kind, const std::string& next) {
        Step s;
        s.id = id;
        s.kind = kind;
        s.next = next;
        g.steps.push_back(s);
        return &g.steps.back();
    };
    step("start", StepKind::Question, "");
    step("a1", StepKind::Info, "a2");
    step("a2", StepKind::Info, "merge");
    step("b1", StepKind::Check, "merge");
    step("merge", StepKind::Info, "last");
    step("last", StepKind::Info, kEndStep);
    g.steps[0].choices = {{"a", "a1", 0}, {"b", "b1", 0}};
    CHECK(g.spine() == std::vector<std::string>{"start", "merge", "last"});
    const auto f = g.funnels();
    REQUIRE(f.size() == 2);
    CHECK(f[0] == std::vector<std::string>{"start", "merge", "last"});
    CHECK(f[1] == std::vector<std::string>{"a1", "a2"});  // b1 leads to merge, which a2 leads to as well
    // "No" on b1 leading back to the start: b1 is no longer the only way on, merge still is.
    g.steps[3].if_no = "start";
    CHECK(g.spine() == std::vector<std::string>{"start", "merge", "last"});
    // When the end cannot be reached there is no spine; the first chain is the start alone.
    g.steps[5].next = "merge";
    CHECK(g.spine().empty());
    const auto loop = g.funnels();
    REQUIRE(!loop.empty());
    CHECK(loop[0] == std::vector<std::string>{"start"});
    // Two answers leading to the same step: that step is on the spine, and the question's
    // one way on is no second chain.
    {
        Guide two;
        two.id = "two-answers";
        for (const auto& [id, next] :
             std::vector<std::pair<std::string, std::string>>{{"ask", ""}, {"same", "last"}, {"last", kEndStep}}) {
            Step s;
            s.id = id, s.kind = id == "ask" ? StepKind::Question : StepKind::Info, s.next = next;
            two.steps.push_back(s);
        }
        two.steps[0].choices = {{"a", "same", 0}, {"b", "same", 0}};
        CHECK(two.spine() == std::vector<std::string>{"ask", "same", "last"});
        CHECK(two.funnels() == std::vector<std::vector<std::string>>{{"ask", "same", "last"}});
        // A step whose "No" leads to itself (try again): still on the spine, and no chain
        // holds a step twice.
        two.steps[1].kind = StepKind::Check, two.steps[1].if_no = "same";
        CHECK(two.spine() == std::vector<std::string>{"ask", "same", "last"});
        CHECK(two.funnels() == std::vector<std::vector<std::string>>{{"ask", "same", "last"}});
        // A run inside a branch with a way back (b2's "No" leads to b1 again): b1 leads only to
        // b2 and only b1 leads to b2, so b1 -> b2 is a chain; b2 goes on two ways, so it ends
        // there, and b1 is in it once.
        Step b1, b2;
        b1.id = "b1", b1.kind = StepKind::Info, b1.next = "b2";
        b2.id = "b2", b2.kind = StepKind::Check, b2.next = "last", b2.if_no = "b1";
        two.steps.insert(two.steps.begin() + 2, {b1, b2});
        two.steps[0].choices[1].next = "b1";
        two.steps[1].if_no.clear();
        CHECK(two.spine() == std::vector<std::string>{"ask", "last"});
        const auto chains = two.funnels();
        CHECK(chains == std::vector<std::vector<std::string>>{{"ask", "last"}, {"b1", "b2"}});
        std::set<std::string> seen;
        for (const auto& chain : chains)
            for (const auto& id : chain)
                CHECK_MESSAGE(seen.insert(id).second, id << " is in two chains");
    }
    // Every shipped guide has a spine from its start to its last step.
    const auto shipped = load_content(LEDSAGER_SOURCE_ASSETS "/guides");
    for (const auto& sg : shipped.guides) {
        CAPTURE(sg.id);
        const auto sp = sg.spine();
        REQUIRE(!sp.empty());
        CHECK(sp.front() == sg.steps.front().id);
        CHECK(sg.funnels().front() == sp);
    }
}

TEST_CASE("guides read side by side give the same guides and diagnostics, in folder order, every time") {
    TempDir dir;
    // Twelve guides: good ones, broken ones and stray files between them.
    for (int i = 0; i < 12; ++i) {
        const std::string id = "g" + std::to_string(10 + i);
        write_good(dir, id);
        if (i % 3 == 1) dir.write(id + "/guide.toml", "this is not toml [");
        if (i % 4 == 2) dir.write(id + "-stray.txt", "x");
    }
    const auto first = load_content(dir.path);
    std::vector<fs::path> files;  // compared as paths: "g20" < "g20-stray.txt", as folders are read
    for (const auto& d : first.diagnostics.items)
        files.push_back(fs::path(d.file).lexically_relative(dir.path));
    INFO(all(first.diagnostics));
    CHECK(first.guides.size() == 8);
    CHECK(first.diagnostics.error_count() == 4 + 3);
    CHECK(std::is_sorted(files.begin(), files.end()));  // folder order, as one by one
    for (int run = 0; run < 20; ++run) {
        const auto again = load_content(dir.path);
        REQUIRE(all(again.diagnostics) == all(first.diagnostics));
        REQUIRE(again.guides.size() == first.guides.size());
        for (size_t i = 0; i < again.guides.size(); ++i)
            CHECK(again.guides[i].id == first.guides[i].id);
    }
}
