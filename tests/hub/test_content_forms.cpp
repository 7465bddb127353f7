// The content studio's forms on a real hub on loopback: a language's texts as a form
// (content_studio_form), a guide's structure as a form (content_studio_structure), a change
// sent back with a comment (content_studio_send_back), and pictures taken into a change
// (content_studio_pictures). Each test case says what it proves.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include <httplib.h>

#include "hub/auth.hpp"
#include "hub/picture_check.hpp"
#include "running_hub.hpp"
#include "studio_fixture.hpp"
#include "temp_dir.hpp"

namespace fs = std::filesystem;
using namespace ledsager;
using json = nlohmann::json;

using namespace ledsager::test::studio;

// content_studio_form: a language's texts as a form, each beside its source language's text,
// saved as the language's file and checked as every save; nobody writes TOML to mend a
// sentence, and a text with quotes or backslashes cannot break the file.
TEST_CASE("form: a language's texts edited field by field, beside the source, checked at each field") {
    REQUIRE(hub::init_crypto());
    const test::TempDir tmp("ledsager-form");
    Studio s(tmp.path / "hub", [](hub::HubOptions& o) { o.preview_kiosk = LEDSAGER_KIOSK_PROGRAM; });
    const Person emil = s.login("emil"), ella = s.login("ella"), mette = s.login("mette");
    const std::string at = s.draft(emil, "mitid-login");
    auto texts = [&](const std::string& lang) {
        auto r = s.c.Get(at + "/texts?lang=" + lang, emil.headers);
        REQUIRE(r);
        REQUIRE_MESSAGE(r->status == 200, r->body);
        return json::parse(r->body);
    };
    auto field = [](const json& form, const std::string& key) {
        for (const auto& f : form["fields"])
            if (f["key"] == key) return f;
        return json();
    };
    json da = texts("da");
    CHECK(da["source_lang"].is_null());
    CHECK(da["outdated"] == false);
    const json title = field(da, "step.user-id.title");
    REQUIRE(title.is_object());
    CHECK(title["screen"] == "user-id");
    CHECK(title["kind"] == "title");
    CHECK_FALSE(title.contains("source"));
    CHECK(field(da, "step.have-app.choices.app")["kind"] == "choice");
    CHECK(field(da, "needs.1")["screen"] == "needs");
    CHECK(da["steps"][0]["id"] == "have-app");

    // Danish: one title changed, one text with quotes and a backslash. The file stays TOML.
    const std::string quoted = "Tryk på \"Fortsæt\" \\ og vent.\nSå er du logget ind.";
    auto r =
        s.post(emil, at + "/texts",
               {{"lang", "da"},
                {"texts", {{"step.user-id.title", "Skriv dit MitID bruger-id"}, {"step.logged-in.text", quoted}}}});
    REQUIRE(r);
    REQUIRE_MESSAGE(r->status == 200, r->body);
    json saved = json::parse(r->body);
    CHECK(saved["file"] == "da.toml");
    CHECK_MESSAGE(saved["errors"] == 0, saved["problems"].dump());
    CHECK(json::parse(s.c.Get(at, emil.headers)->body)["files"]["da.toml"]["draft"] == saved["text"]);
    da = texts("da");
    CHECK(field(da, "step.user-id.title")["text"] == "Skriv dit MitID bruger-id");
    CHECK(field(da, "step.logged-in.text")["text"] == quoted);
    // The unsaved form is previewed as the saved one is: the same picture.
    const json unsaved{{"lang", "da"}, {"step", "user-id"}, {"texts", {{"step.user-id.title", "Skriv bruger-id"}}}};
    r = s.post(emil, at + "/preview", unsaved);
    REQUIRE(r);
    REQUIRE_MESSAGE(r->status == 200, error_of(r));
    const std::string drawn_unsaved = r->body;
    r = s.post(emil, at + "/preview", {{"lang", "da"}, {"step", "user-id"}});
    REQUIRE(r);
    CHECK(r->body != drawn_unsaved);
    REQUIRE(s.post(emil, at + "/texts", {{"lang", "da"}, {"texts", unsaved["texts"]}})->status == 200);
    r = s.post(emil, at + "/preview", {{"lang", "da"}, {"step", "user-id"}});
    REQUIRE(r);
    CHECK(r->body == drawn_unsaved);

    // English beside the new Danish: that title alone is marked changed since translated.
    json en = texts("en");
    CHECK(en["source_lang"] == "da");
    CHECK(en["outdated"] == true);
    int changed = 0;
    for (const auto& f : en["fields"])
        changed += f.value("changed", false) ? 1 : 0;
    CHECK(changed == 2);  // the title and the text changed above
    CHECK(field(en, "step.user-id.title")["changed"] == true);
    CHECK(field(en, "step.user-id.title")["source"] == "Skriv bruger-id");
    // The translator mends it and marks English as checked against the new Danish; the new
    // words lose the old review credit.
    r = s.post(
        emil, at + "/texts",
        {{"lang", "en"},
         {"texts", {{"step.user-id.title", "Type your user ID"}, {"step.logged-in.text", "Press \"Continue\"."}}},
         {"current", true}});
    REQUIRE(r);
    REQUIRE_MESSAGE(r->status == 200, r->body);
    saved = json::parse(r->body);
    CHECK(saved["text"].get<std::string>().find("reviewed_by") == std::string::npos);
    CHECK(saved["text"].get<std::string>().find("translated_from = \"da\"") != std::string::npos);
    en = texts("en");
    CHECK(en["outdated"] == false);
    // The language the guide is written in is not checked against a source.
    CHECK(s.post(emil, at + "/texts", {{"lang", "da"}, {"texts", json::object()}, {"current", true}})->status == 400);

    // A check error lands on the field's own line: the form shows it there.
    r = s.post(emil, at + "/texts", {{"lang", "da"}, {"texts", {{"step.user-id.title", ""}}}});
    REQUIRE(r);
    REQUIRE(r->status == 200);
    saved = json::parse(r->body);
    CHECK(saved["errors"].get<int>() >= 1);
    std::vector<std::string> lines;
    std::istringstream in(saved["text"].get<std::string>());
    for (std::string line; std::getline(in, line);)
        lines.push_back(line);
    bool at_field = false;
    for (const auto& p : saved["problems"]) {
        if (p["file"] != "da.toml" || p["severity"] != "error") continue;
        const int line = p["line"];
        REQUIRE(line >= 1);
        REQUIRE(static_cast<size_t>(line) <= lines.size());
        // The line of the empty title, in the step's table.
        size_t table = static_cast<size_t>(line) - 1;
        while (table > 0 && lines[table].rfind("[", 0) != 0)
            --table;
        at_field =
            at_field || (lines[static_cast<size_t>(line) - 1] == "title = \"\"" && lines[table] == "[step.user-id]");
    }
    CHECK_MESSAGE(at_field, saved.dump());
    // The text with its error can still be mended in the form.
    CHECK(field(texts("da"), "step.user-id.title")["text"] == "");

    // Bad input: said, naming the field; nothing saved.
    const std::string before = json::parse(s.c.Get(at, emil.headers)->body)["files"]["da.toml"]["draft"];
    r = s.post(emil, at + "/texts", {{"lang", "da"}, {"texts", {{"step.nope.title", "x"}}}});
    REQUIRE(r);
    CHECK(r->status == 400);
    CHECK(json::parse(r->body)["field"] == "texts.step.nope.title");
    r = s.post(emil, at + "/texts", {{"lang", "da"}, {"texts", {{"step.user-id.title", std::string(4001, 'x')}}}});
    REQUIRE(r);
    CHECK(r->status == 400);
    CHECK(json::parse(r->body)["field"] == "texts.step.user-id.title");
    CHECK(s.post(emil, at + "/texts", {{"lang", "da"}, {"texts", {{"Title]", "x"}}}})->status == 400);
    CHECK(s.post(emil, at + "/texts", {{"lang", "xx"}, {"texts", json::object()}})->status == 400);
    CHECK(s.post(emil, at + "/texts", {{"lang", "da"}, {"texts", {{"title", 3}}}})->status == 400);
    CHECK(json::parse(s.c.Get(at, emil.headers)->body)["files"]["da.toml"]["draft"] == before);
    // Only the author writes; front-desk staff see nothing; a file that is not TOML is mended
    // in the file first.
    CHECK(s.post(ella, at + "/texts", {{"lang", "da"}, {"texts", json::object()}})->status == 404);
    CHECK(s.c.Get(at + "/texts?lang=da", ella.headers)->status == 404);
    CHECK(s.c.Get(at + "/texts?lang=da", mette.headers)->status == 403);
    REQUIRE(s.post(emil, at + "/files", {{"name", "da.toml"}, {"text", before + "\n[step.have-app\n"}})->status == 200);
    CHECK(s.c.Get(at + "/texts?lang=da", emil.headers)->status == 409);
    CHECK(s.post(emil, at + "/texts", {{"lang", "da"}, {"texts", json::object()}})->status == 409);
    CHECK(s.c.Get("/healthz")->status == 200);
}

// content_studio_structure: a guide's steps, branches and sources edited as a form. The form
// reads every guide.toml as written (notes kept) and saves it back as the same guide; a step
// or an answer taken out takes its texts out of every language, and translations that were
// current stay current; each problem's line names its field; bad shapes are refused naming
// the field and nothing is saved; only the author writes.
TEST_CASE("structure: a guide's steps, branches and sources edited as a form, each problem at its field") {
    REQUIRE(hub::init_crypto());
    const test::TempDir tmp("ledsager-structure");
    Studio s(tmp.path / "hub", [](hub::HubOptions&) {});
    const Person emil = s.login("emil"), ella = s.login("ella"), mette = s.login("mette"), rikke = s.login("rikke");
    auto get = [&](const std::string& at) {
        auto r = s.c.Get(at + "/structure", emil.headers);
        REQUIRE(r);
        REQUIRE_MESSAGE(r->status == 200, r->body);
        return json::parse(r->body);
    };
    auto save = [&](const std::string& at, const json& structure) {
        auto r = s.post(emil, at + "/structure", {{"structure", structure}});
        REQUIRE(r);
        REQUIRE_MESSAGE(r->status == 200, r->body);
        return json::parse(r->body);
    };
    auto index_of = [](const json& st, const std::string& id) {
        for (size_t i = 0; i < st["steps"].size(); ++i)
            if (st["steps"][i]["id"] == id) return static_cast<int>(i);
        return -1;
    };

    SUBCASE("every guide reads as a form and saves back as the same guide, its notes kept") {
        for (const auto& e : fs::directory_iterator(LEDSAGER_SOURCE_ASSETS "/guides")) {
            if (!e.is_directory()) continue;
            const std::string guide = e.path().filename().string();
            CAPTURE(guide);
            const std::string at = s.draft(emil, guide);
            const json form = get(at);
            CHECK(form["unkept_comments"] == 0);
            const json saved = save(at, form["structure"]);
            CHECK_MESSAGE(saved["errors"] == 0, saved["problems"].dump());
            CHECK(get(at)["structure"] == form["structure"]);
            // Only guide.toml is written: no text changes.
            CHECK(saved["files"].size() == 1);
            std::ifstream in(e.path() / "guide.toml");
            const std::string written((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
            // Every note line of the file is in what the form wrote.
            std::istringstream lines(written);
            for (std::string line; std::getline(lines, line);) {
                const auto hash = line.find_first_not_of(' ');
                if (hash != std::string::npos && line[hash] == '#')
                    CHECK_MESSAGE(
                        saved["files"]["guide.toml"].get<std::string>().find(line.substr(hash)) != std::string::npos,
                        line);
            }
            REQUIRE(s.post(emil, at + "/withdraw", json::object())->status == 204);
        }
    }

    SUBCASE("steps moved, branched, taken out and added; each problem at its field") {
        const std::string at = s.draft(emil, "change-of-address");
        json form = get(at);
        CHECK(form["guide"] == "change-of-address");
        CHECK(std::find(form["images"].begin(), form["images"].end(), "address.png") != form["images"].end());
        CHECK(std::find(form["icons"].begin(), form["icons"].end(), "home") != form["icons"].end());
        CHECK(std::find(form["categories"].begin(), form["categories"].end(), "home") != form["categories"].end());
        CHECK(form["titles"]["address"].get<std::string>().size() > 3);
        json st = form["structure"];
        const int address = index_of(st, "address"), help = index_of(st, "address-help"), co_q = index_of(st, "co-q");
        REQUIRE(address >= 0);
        REQUIRE(help >= 0);
        REQUIRE(co_q >= 0);
        CHECK(st["steps"][address]["image"] == "address.png");
        CHECK(st["steps"][address]["if_no"] == "address-help");
        // The line of each step's [[step]] and of its keys name the step's fields.
        const auto& fields = form["line_fields"];
        CHECK(std::count(fields.begin(), fields.end(), "steps." + std::to_string(address)) >= 1);
        CHECK(std::count(fields.begin(), fields.end(), "steps." + std::to_string(address) + ".if_no") == 1);
        CHECK(std::count(fields.begin(), fields.end(), "steps." + std::to_string(co_q) + ".choices.1.next") == 1);

        // The help step goes; "No" at the address leads to a person (no if_no); the question about
        // c/o becomes a check whose "No" leads to the c/o step. Texts of the step and answers go
        // from every language; translations that matched Danish still do.
        st["steps"][address]["if_no"] = "";
        st["steps"].erase(static_cast<size_t>(help));
        const int q = index_of(st, "co-q");
        st["steps"][q]["kind"] = "check";
        st["steps"][q]["next"] = "doctor";
        st["steps"][q]["if_no"] = "co";
        st["steps"][q]["choices"] = json::array();
        json saved = save(at, st);
        CHECK_MESSAGE(saved["errors"] == 0, saved["problems"].dump());
        for (const auto& [name, text] : saved["files"].items()) {
            CAPTURE(name);
            if (name == "guide.toml") continue;
            CHECK(text.get<std::string>().find("[step.address-help]") == std::string::npos);
            CHECK(text.get<std::string>().find("[step.co-q.choices]") == std::string::npos);
        }
        CHECK(saved["files"].contains("da.toml"));
        CHECK(saved["files"].contains("en.toml"));
        // What went is said: in Danish the step and the question's two answers.
        CHECK(saved["texts_removed"]["da"] == 3);
        auto en = s.c.Get(at + "/texts?lang=en", emil.headers);
        REQUIRE(en);
        CHECK(json::parse(en->body)["outdated"] == false);
        CHECK(get(at)["structure"] == st);

        // A step moved and one added: its texts are missing in each language (said), and a
        // branch to nowhere is said at the step's own line.
        json moved = st;
        const int date = index_of(moved, "date");
        json added = {{"id", "bring-id"},
                      {"kind", "info"},
                      {"icon", "id-card"},
                      {"next", "co-q"},
                      {"note", "Added in the studio"},
                      {"choices", json::array()}};
        moved["steps"][date]["next"] = "bring-id";
        moved["steps"].insert(moved["steps"].begin() + date + 1, added);
        saved = save(at, moved);
        CHECK(saved["files"]["guide.toml"].get<std::string>().find(
                  "# Added in the studio\n[[step]]\nid = \"bring-id\"") != std::string::npos);
        bool missing_text = false;
        for (const auto& p : saved["problems"])
            if (p["file"] == "da.toml" && p["message"].get<std::string>().find("bring-id") != std::string::npos)
                // With its code and step, for the page to word and group it.
                missing_text = p.value("code", "") == "step_text_missing" && p["args"]["step"] == "bring-id";
        CHECK_MESSAGE(missing_text, saved["problems"].dump());
        // The new step's Danish words written on the structure form itself go into da.toml.
        auto worded = s.post(emil, at + "/structure", {{"structure", moved}, {"texts", {{"step.nope.title", "x"}}}});
        REQUIRE(worded);
        CHECK(worded->status == 400);
        CHECK(json::parse(worded->body)["field"] == "texts.step.nope.title");
        worded = s.post(
            emil, at + "/structure",
            {{"structure", moved},
             {"texts",
              {{"step.bring-id.title", "Tag dit ID med"}, {"step.bring-id.text", "Hav dit pas eller kørekort med."}}}});
        REQUIRE(worded);
        REQUIRE_MESSAGE(worded->status == 200, worded->body);
        saved = json::parse(worded->body);
        const std::string da_now = saved["files"]["da.toml"];
        CHECK(da_now.find("[step.bring-id]") != std::string::npos);
        CHECK(da_now.find("Tag dit ID med") != std::string::npos);
        for (const auto& p : saved["problems"])
            CHECK_MESSAGE(!(p["file"] == "da.toml" && p.value("code", "") == "step_text_missing"), p.dump());
        const int doctor = index_of(moved, "doctor");
        moved["steps"][doctor]["next"] = "nowhere";
        saved = save(at, moved);
        bool nowhere_at_step = false;
        for (const auto& p : saved["problems"]) {
            if (p["file"] == "guide.toml" && p["message"].get<std::string>().find("nowhere") != std::string::npos) {
                CHECK(p["code"] == "unknown_target");
                CHECK(p["args"] ==
                      json{{"step", "doctor"}, {"target", "nowhere"}, {"kind", "check"}, {"branch", "next"}});
                const int line = p["line"];
                REQUIRE(line >= 1);
                REQUIRE(static_cast<size_t>(line) <= saved["line_fields"].size());
                nowhere_at_step =
                    saved["line_fields"][line - 1].get<std::string>().rfind("steps." + std::to_string(doctor), 0) == 0;
            }
        }
        CHECK_MESSAGE(nowhere_at_step, saved["problems"].dump());

        // A date that is none and a category that is none: said at their fields; the file still reads.
        json dated = st;
        dated["sources"][1]["checked"] = "2026-02-30";
        dated["category"] = "hobbies";
        saved = save(at, dated);
        bool date_at_source = false, category_at_field = false;
        for (const auto& p : saved["problems"]) {
            if (p["file"] != "guide.toml" || p["line"].get<int>() < 1) continue;
            const std::string f = saved["line_fields"][p["line"].get<int>() - 1];
            const std::string m = p["message"];
            date_at_source = date_at_source || (f == "sources.1" && m.find("checked") != std::string::npos);
            category_at_field = category_at_field || (f == "category" && m.find("hobbies") != std::string::npos);
        }
        CHECK_MESSAGE(date_at_source, saved["problems"].dump());
        CHECK_MESSAGE(category_at_field, saved["problems"].dump());
        CHECK(get(at)["structure"]["sources"][1]["checked"] == "2026-02-30");

        // A note cannot add lines of TOML, nor a value: all stays a comment or a quoted string.
        json sly = st;
        sly["note"] = "First line\n[end]\nid = \"evil\"\r\n\x01";
        sly["steps"][0]["id"] = "find\" kind = \"info";
        sly["sources"][0]["note"] = "x\n]\n[[step]]\n\u202Eeton\u2066!";
        saved = save(at, sly);
        const std::string text = saved["files"]["guide.toml"];
        CHECK(text.find("\n# [end]\n# id = \"evil\"\n") != std::string::npos);
        CHECK(text.find("\n[end]\n") == text.rfind("\n[end]\n"));
        CHECK(text.find("\x01") == std::string::npos);
        CHECK(text.find("  # eton!\n") != std::string::npos);  // no marks that turn the text around
        CHECK(get(at)["structure"]["note"] == "First line\n[end]\nid = \"evil\"");
        CHECK(saved["errors"].get<int>() >= 1);  // the step id with a quote is no id

        // Bad shapes: refused naming the field; nothing saved.
        REQUIRE(s.post(emil, at + "/structure", {{"structure", st}})->status == 200);
        const std::string before = json::parse(s.c.Get(at, emil.headers)->body)["files"]["guide.toml"]["draft"];
        auto refused = [&](const json& bad, const std::string& field) {
            auto r = s.post(emil, at + "/structure", {{"structure", bad}});
            REQUIRE(r);
            CHECK(r->status == 400);
            CHECK_MESSAGE(json::parse(r->body)["field"] == field, r->body);
        };
        json bad = st;
        bad["steps"][0]["colour"] = "red";
        refused(bad, "steps.0.colour");
        bad = st;
        bad["steps"][1]["kind"] = "loop";
        refused(bad, "steps.1.kind");
        bad = st;
        bad["sources"][0]["url"] = "https://x.dk/\nid = 1";
        refused(bad, "sources.0.url");
        bad = st;
        bad["steps"] = json::array();
        for (int i = 0; i < 101; ++i)
            bad["steps"].push_back(st["steps"][0]);
        refused(bad, "steps");
        bad = st;
        bad["order"] = "first";
        refused(bad, "order");
        bad = st;
        bad["note"] = std::string(4001, 'x');
        refused(bad, "note");
        bad = st;
        bad["steps"][2]["choices"] = json::array({{{"id", "a"}}});
        refused(bad, "steps.2.choices.0.next");
        bad = st;
        bad.erase("sources");
        refused(bad, "sources");
        bad = st;
        bad[std::string(39, 'a') + "\u00e9"] = 1;  // a name cut in its last character is named whole characters
        refused(bad, std::string(39, 'a'));
        CHECK(s.post(emil, at + "/structure", {{"structure", "x"}})->status == 400);
        CHECK(s.post(emil, at + "/structure", {{"structure", st}, {"more", 1}})->status == 400);
        CHECK(json::parse(s.c.Get(at, emil.headers)->body)["files"]["guide.toml"]["draft"] == before);

        // Two saves from the same start: the second is refused, not lost silently.
        auto& store = s.hub.server->store();
        const auto id = std::stoll(at.substr(at.rfind('/') + 1));
        const auto d = store.draft(id);
        REQUIRE(d);
        CHECK(store.save_draft(id, d->author, d->files, R"({"guide.toml":"first"})", 1, 1));
        CHECK_FALSE(store.save_draft(id, d->author, d->files, R"({"guide.toml":"second"})", 1, 1));
        CHECK(store.draft(id)->files == R"({"guide.toml":"first"})");
        REQUIRE(store.save_draft(id, d->author, store.draft(id)->files, d->files, 0, 1));

        // Only the author writes; front-desk staff see nothing; a reviewer sees it once submitted;
        // a guide.toml that is not TOML is mended in the file first.
        CHECK(s.post(ella, at + "/structure", {{"structure", st}})->status == 404);
        CHECK(s.c.Get(at + "/structure", ella.headers)->status == 404);
        CHECK(s.c.Get(at + "/structure", mette.headers)->status == 403);
        CHECK(s.post(mette, at + "/structure", {{"structure", st}})->status == 403);
        CHECK(s.c.Get(at + "/structure", rikke.headers)->status == 404);
        REQUIRE(s.post(emil, at + "/files", {{"name", "guide.toml"}, {"text", before + "\n[[step\n"}})->status == 200);
        CHECK(s.c.Get(at + "/structure", emil.headers)->status == 409);
        CHECK(s.c.Get("/healthz")->status == 200);
    }

    SUBCASE("a step renamed keeps its texts in every language; two steps may swap names") {
        const std::string at = s.draft(emil, "change-of-address");
        json st = get(at)["structure"];
        const int doctor = index_of(st, "doctor"), send = index_of(st, "send");
        REQUIRE(doctor >= 0);
        REQUIRE(send >= 0);
        std::ifstream in(LEDSAGER_SOURCE_ASSETS "/guides/change-of-address/da.toml");
        const std::string published_da((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        auto rename = [&](json& structure, const std::string& from, const std::string& to) {
            for (auto& step : structure["steps"]) {
                if (step["id"] == from) step["id"] = to;
                for (const char* key : {"next", "if_no"})
                    if (step[key] == from) step[key] = to;
                for (auto& c : step["choices"])
                    if (c["next"] == from) c["next"] = to;
            }
        };
        // Bad shapes: named.
        auto r = s.post(emil, at + "/structure", {{"structure", st}, {"renamed", {{"doctor", 7}}}});
        REQUIRE(r);
        CHECK(r->status == 400);
        CHECK(json::parse(r->body)["field"] == "renamed.doctor");
        r = s.post(emil, at + "/structure", {{"structure", st}, {"renamed", {{"doctor", "no-such-step"}}}});
        CHECK(r->status == 400);
        // A rename onto a step that keeps its own id, or two onto one id, would lose words: refused.
        json onto = st;
        for (auto& step : onto["steps"])
            if (step["id"] == "doctor") step["id"] = "doctor-2";
        r = s.post(emil, at + "/structure", {{"structure", st}, {"renamed", {{"doctor", "send"}}}});
        REQUIRE(r);
        CHECK(r->status == 400);
        CHECK(json::parse(r->body)["field"] == "renamed.doctor");
        r = s.post(emil, at + "/structure",
                   {{"structure", onto}, {"renamed", {{"doctor", "doctor-2"}, {"send", "doctor-2"}}}});
        REQUIRE(r);
        CHECK(r->status == 400);
        // The Danish words sent with the form are a new step's title and text only.
        r = s.post(emil, at + "/structure", {{"structure", st}, {"texts", {{"step.send.title", "x"}}}});
        REQUIRE(r);
        CHECK(r->status == 400);
        CHECK(json::parse(r->body)["field"] == "texts.step.send.title");
        // doctor -> laege: its Danish and English texts follow; nothing is taken out.
        rename(st, "doctor", "laege");
        r = s.post(emil, at + "/structure", {{"structure", st}, {"renamed", {{"doctor", "laege"}}}});
        REQUIRE(r);
        REQUIRE_MESSAGE(r->status == 200, r->body);
        json saved = json::parse(r->body);
        CHECK_MESSAGE(saved["errors"] == 0, saved["problems"].dump());
        CHECK(saved["texts_removed"].empty());
        const std::string da = saved["files"]["da.toml"];
        CHECK(da.find("[step.laege]") != std::string::npos);
        CHECK(da.find("[step.doctor]") == std::string::npos);
        CHECK(saved["files"]["en.toml"].get<std::string>().find("[step.laege]") != std::string::npos);
        // The words are the same as published under the old id.
        const auto title_of = [](const std::string& toml, const std::string& table) {
            const auto at_table = toml.find("[step." + table + "]");
            REQUIRE(at_table != std::string::npos);
            const auto line = toml.find("title = ", at_table);
            return toml.substr(line, toml.find('\n', line) - line);
        };
        CHECK(title_of(da, "laege") == title_of(published_da, "doctor"));
        // laege <-> send: each keeps its own words.
        rename(st, "laege", "tmp-swap");
        rename(st, "send", "laege");
        rename(st, "tmp-swap", "send");
        r = s.post(emil, at + "/structure", {{"structure", st}, {"renamed", {{"laege", "send"}, {"send", "laege"}}}});
        REQUIRE(r);
        REQUIRE_MESSAGE(r->status == 200, r->body);
        saved = json::parse(r->body);
        const std::string swapped = saved["files"]["da.toml"];
        CHECK(title_of(swapped, "send") == title_of(published_da, "doctor"));
        CHECK(title_of(swapped, "laege") == title_of(published_da, "send"));
    }
}

// content_studio_send_back: four eyes the other way. A reviewer sends another person's
// submitted change back with what to mend; its author sees the note and can save again; a
// new submission clears it. Blank or long notes, the author's own change, front-desk staff
// and a change not submitted are refused.
TEST_CASE("send back: a reviewer returns a submitted change to its author with what to mend") {
    REQUIRE(hub::init_crypto());
    const test::TempDir tmp("ledsager-send-back");
    Studio s(tmp.path / "hub", [](hub::HubOptions&) {});
    const Person emil = s.login("emil"), mette = s.login("mette"), rikke = s.login("rikke");
    const std::string at = s.draft(emil, "mitid-login");
    auto change = [&] { return json::parse(s.c.Get(at, emil.headers)->body); };
    REQUIRE(s.post(emil, at + "/texts", {{"lang", "da"}, {"texts", {{"step.user-id.title", "Skriv dit bruger-id"}}}})
                ->status == 200);
    CHECK(s.post(rikke, at + "/return", {{"note", "Not yet submitted"}})->status == 404);
    REQUIRE(s.post(emil, at + "/submit", json::object())->status == 204);

    CHECK(s.post(rikke, at + "/return", {{"note", " \n\t "}})->status == 400);
    CHECK(s.post(rikke, at + "/return", {{"note", std::string(2001, 'x')}})->status == 400);
    CHECK(s.post(rikke, at + "/return", json::object())->status == 400);
    CHECK(s.post(emil, at + "/return", {{"note", "My own"}})->status == 403);
    CHECK(s.post(mette, at + "/return", {{"note", "Front desk"}})->status == 403);
    CHECK(change()["status"] == "submitted");

    const std::string note = "Skriv \"bruger-ID\", som mitid.dk gør.\nResten er fint.";
    auto r = s.post(rikke, at + "/return", {{"note", note + "\r"}});
    REQUIRE(r);
    CHECK(r->status == 204);
    json d = change();
    CHECK(d["status"] == "draft");
    CHECK(d["review_note"] == note);
    CHECK(d["reviewer"] == "Rikke");
    // Back with its author: hidden from reviewers again, and sent back only once.
    CHECK(s.c.Get(at, rikke.headers)->status == 404);
    CHECK(s.post(rikke, at + "/return", {{"note", "Again"}})->status != 204);
    // The author mends it and submits again: the note has done its work.
    REQUIRE(s.post(emil, at + "/texts", {{"lang", "da"}, {"texts", {{"step.user-id.title", "Skriv dit bruger-ID"}}}})
                ->status == 200);
    CHECK(change()["review_note"] == note);
    REQUIRE(s.post(emil, at + "/submit", json::object())->status == 204);
    d = change();
    CHECK(d["status"] == "submitted");
    CHECK(d["review_note"] == "");
    CHECK(s.c.Get("/healthz")->status == 200);
}

// content_studio_pictures: a guide's picture taken into a change: a PNG a kiosk can draw,
// decoded as the kiosk decodes it after its size is read from its header; a file that is no
// PNG, one cut short, one that claims a picture too large or too small, a name that is none,
// another content type or a body over 512 KiB is refused and nothing saved; the picture is
// shown back as sent, is among the guide's pictures in the structure form and satisfies the
// checks once a step names it; 20 pictures at most in one change; only its author adds one.
TEST_CASE("pictures: a PNG taken into a change, checked as a kiosk would draw it") {
    REQUIRE(hub::init_crypto());
    const test::TempDir tmp("ledsager-pictures");
    Studio s(tmp.path / "hub", [](hub::HubOptions&) {});
    const Person emil = s.login("emil"), ella = s.login("ella"), mette = s.login("mette"), rikke = s.login("rikke");
    const std::string at = s.draft(emil, "change-of-address");
    std::ifstream in(LEDSAGER_SOURCE_ASSETS "/guides/change-of-address/address.png", std::ios::binary);
    const std::string png((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    REQUIRE(png.size() > 1000);
    auto upload = [&](const Person& p, const std::string& name, const std::string& bytes,
                      const std::string& type = "image/png") {
        return s.c.Post(at + "/pictures/" + name, p.headers, bytes, type);
    };
    auto files = [&] { return json::parse(s.c.Get(at, emil.headers)->body)["files"]; };
    // A PNG's IHDR with another width (the bytes after it as they were).
    auto claiming = [&](std::uint32_t width) {
        std::string b = png;
        for (int i = 0; i < 4; ++i)
            b[16 + i] = static_cast<char>((width >> (24 - 8 * i)) & 0xff);
        return b;
    };

    auto r = upload(emil, "lease.png", "hello, not a picture");
    REQUIRE(r);
    CHECK(r->status == 400);
    CHECK(json::parse(r->body)["field"] == "picture");
    CHECK(upload(emil, "lease.png", png.substr(0, 200))->status == 400);  // cut short: cannot be drawn
    r = upload(emil, "lease.png", claiming(30000));
    REQUIRE(r);
    CHECK(r->status == 400);
    CHECK(json::parse(r->body)["error"].get<std::string>().find("30000") != std::string::npos);
    CHECK(upload(emil, "lease.png", claiming(10))->status == 400);
    CHECK(upload(emil, "lease.jpg", png)->status == 400);
    CHECK(upload(emil, "-lease.png", png)->status == 400);
    CHECK(upload(emil, "lease.png", png, "application/octet-stream")->status == 415);
    // A body over 512 KiB is refused by its length, before a byte of it is read.
    std::string head = "POST " + at + "/pictures/lease.png HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    for (const auto& [k, v] : emil.headers)
        head += k + ": " + v + "\r\n";
    head += "Content-Type: image/png\r\nContent-Length: " + std::to_string(512 * 1024 + 1) + "\r\n\r\n";
    CHECK(first_answer_line(s.hub.port, head).rfind("HTTP/1.1 413", 0) == 0);
    CHECK(upload(ella, "lease.png", png)->status == 404);
    CHECK(upload(mette, "lease.png", png)->status == 403);
    CHECK(files().empty());

    r = upload(emil, "lease.png", png);
    REQUIRE(r);
    REQUIRE_MESSAGE(r->status == 200, r->body);
    const json added = json::parse(r->body);
    CHECK(added["width"].get<int>() >= 64);
    CHECK(files()["lease.png"]["picture"] == true);
    auto back = s.c.Get(at + "/pictures/lease.png", emil.headers);
    REQUIRE(back);
    CHECK(back->status == 200);
    CHECK(back->get_header_value("Content-Type") == "image/png");
    CHECK(back->body == png);
    // The published pictures are shown too; a picture that is none is not.
    CHECK(s.c.Get(at + "/pictures/address.png", emil.headers)->body == png);
    CHECK(s.c.Get(at + "/pictures/nothing.png", emil.headers)->status == 404);
    CHECK(s.c.Get(at + "/pictures/lease.png", rikke.headers)->status == 404);  // not submitted
    CHECK(s.c.Get(at + "/pictures/lease.png", mette.headers)->status == 403);

    // Among the guide's pictures; named by a step, the checks find it (and ask each language to
    // describe it).
    json form = json::parse(s.c.Get(at + "/structure", emil.headers)->body);
    const auto& images = form["images"];
    CHECK(std::find(images.begin(), images.end(), "lease.png") != images.end());
    json st = form["structure"];
    for (auto& step : st["steps"])
        if (step["id"] == "date") step["image"] = "lease.png";
    r = s.post(emil, at + "/structure", {{"structure", st}});
    REQUIRE(r);
    REQUIRE(r->status == 200);
    bool missing_picture = false, alt_asked = false;
    const json problems = json::parse(r->body)["problems"];
    for (const auto& p : problems) {
        const std::string m = p["message"];
        missing_picture = missing_picture || m.find("missing image") != std::string::npos;
        alt_asked = alt_asked || (p["file"] == "da.toml" && m.find("image_alt") != std::string::npos);
    }
    CHECK_MESSAGE(!missing_picture, problems.dump());
    CHECK_MESSAGE(alt_asked, problems.dump());

    // A picture of the change that no step shows any longer goes with the next save of the
    // structure, its drawn variant too; the published pictures stay.
    REQUIRE(upload(emil, "lease.contrast.png", png)->status == 200);
    REQUIRE(upload(emil, "spare.png", png)->status == 200);
    for (auto& step : st["steps"])
        if (step["id"] == "date") step["image"] = "";
    r = s.post(emil, at + "/structure", {{"structure", st}});
    REQUIRE(r);
    REQUIRE_MESSAGE(r->status == 200, r->body);
    CHECK(json::parse(r->body)["pictures_removed"] == json({"lease.contrast.png", "lease.png", "spare.png"}));
    CHECK_FALSE(files().contains("lease.png"));
    CHECK_FALSE(files().contains("lease.contrast.png"));
    CHECK(s.c.Get(at + "/pictures/lease.png", emil.headers)->status == 404);
    CHECK(s.c.Get(at + "/pictures/address.png", emil.headers)->status == 200);
    // A picture a step shows by its very name stays, whatever its name looks like.
    REQUIRE(upload(emil, "odd.contrast.png", png)->status == 200);
    for (auto& step : st["steps"])
        if (step["id"] == "date") step["image"] = "odd.contrast.png";
    r = s.post(emil, at + "/structure", {{"structure", st}});
    REQUIRE(r);
    REQUIRE_MESSAGE(r->status == 200, r->body);
    CHECK(json::parse(r->body)["pictures_removed"].empty());
    CHECK(files().contains("odd.contrast.png"));
    for (auto& step : st["steps"])
        if (step["id"] == "date") step["image"] = "";
    REQUIRE(s.post(emil, at + "/structure", {{"structure", st}})->status == 200);

    // 20 pictures at most in one change (the same name again replaces it).
    CHECK(upload(emil, "lease.png", png)->status == 200);
    for (int i = 1; i < 20; ++i)
        REQUIRE(upload(emil, "extra-" + std::to_string(i) + ".png", png)->status == 200);
    r = upload(emil, "one-too-many.png", png);
    REQUIRE(r);
    CHECK(r->status == 409);
    CHECK(s.c.Get("/healthz")->status == 200);
}

// ... and the decoding happens apart from the hub: a decoder that dies, hangs or wants more
// memory than its child may have ends only that child, within the time bound.
TEST_CASE("pictures apart: a decoder that dies, hangs or runs out of memory ends only its own process") {
    const hub::PictureLimits quick{std::chrono::milliseconds(1000), 64u << 20};
    auto dies = +[](std::string_view) -> common::PictureCheck {
        ::raise(SIGKILL);
        return {};
    };
    auto hangs = +[](std::string_view) -> common::PictureCheck {
        for (;;)
            ::pause();
    };
    auto hogs = +[](std::string_view) -> common::PictureCheck {
        void* p = std::malloc(512u << 20);  // over the child's 64 MiB
        if (!p) ::_exit(4);
        std::free(p);
        return {true, 1, 1, ""};
    };
    const auto started = std::chrono::steady_clock::now();
    const auto died = hub::check_picture_apart("x", quick, dies);
    CHECK_FALSE(died.ok);
    CHECK(died.error == "the PNG file cannot be drawn");
    CHECK_FALSE(hub::check_picture_apart("x", quick, hangs).ok);
    CHECK_FALSE(hub::check_picture_apart("x", quick, hogs).ok);
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(5));
    std::ifstream in(LEDSAGER_SOURCE_ASSETS "/guides/change-of-address/address.png", std::ios::binary);
    const std::string png((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto good = hub::check_picture_apart(png);
    CHECK(good.ok);
    CHECK(good.width == common::check_png(png).width);
    CHECK(hub::check_picture_apart("not a picture").error == "not a PNG file");
}

// ... two at a time: a third editor's picture waits up to 3 s for a turn, then is told to
// try again (503, Retry-After); the hub keeps serving meanwhile.
TEST_CASE("pictures at once: two decoded at a time, a third told to try again") {
    REQUIRE(hub::init_crypto());
    const test::TempDir tmp("ledsager-pictures-busy");
    Studio s(tmp.path / "hub", [](hub::HubOptions& o) {
        o.picture_decoder = +[](std::string_view bytes) {
            std::this_thread::sleep_for(std::chrono::milliseconds(4000));
            return common::check_png(bytes);
        };
    });
    const Person emil = s.login("emil");
    std::ifstream in(LEDSAGER_SOURCE_ASSETS "/guides/change-of-address/address.png", std::ios::binary);
    const std::string png((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::vector<std::string> changes;
    for (const char* guide : {"change-of-address", "mitid-login", "digital-post"})
        changes.push_back(s.draft(emil, guide));
    std::vector<int> status(changes.size(), 0);
    std::vector<std::string> retry(changes.size());
    std::vector<std::thread> senders;
    for (size_t i = 0; i < changes.size(); ++i)
        senders.emplace_back([&, i] {
            httplib::Client c("127.0.0.1", s.hub.port);
            c.set_read_timeout(30, 0);
            std::this_thread::sleep_for(std::chrono::milliseconds(150 * static_cast<int>(i)));
            if (auto r = c.Post(changes[i] + "/pictures/lease.png", emil.headers, png, "image/png")) {
                status[i] = r->status;
                retry[i] = r->get_header_value("Retry-After");
            }
        });
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    CHECK(s.c.Get("/healthz")->status == 200);  // serving while two pictures are decoded
    for (auto& t : senders)
        t.join();
    CHECK(status[0] == 200);
    CHECK(status[1] == 200);
    CHECK(status[2] == 503);
    CHECK(retry[2] == "2");
}
