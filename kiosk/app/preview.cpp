#include "app/preview.hpp"

#include <chrono>
#include <nlohmann/json.hpp>

#include "app/screenshots.hpp"
#include "common/content.hpp"
#include "common/languages.hpp"

namespace ledsager::app {

using json = nlohmann::json;

namespace {

std::string error_reply(const std::string& message) {
    return json{{"error", message}}.dump();
}

// A check problem that keeps the screen from being drawn: its words, and its file (by name),
// line, code and values for the studio to say it in the editor's language.
std::string problem_reply(const common::Diagnostic& d) {
    json args = json::object();
    for (const auto& [k, v] : d.args)
        args[k] = v;
    return json{{"error", d.format()},
                {"problem",
                 {{"file", std::filesystem::path(d.file).filename().string()},
                  {"line", d.line},
                  {"code", d.code},
                  {"args", args}}}}
        .dump();
}

// A request's field as a string ("" when absent or not a string).
std::string text(const json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

std::string preview_one(KioskApp& app, const platform::Display& display, const std::string& request) {
    const auto t0 = std::chrono::steady_clock::now();
    const json req = json::parse(request, nullptr, false);
    if (!req.is_object()) return error_reply("the request is not a JSON object");
    const std::string dir = text(req, "guides"), guide = text(req, "guide"), lang = text(req, "lang"),
                      out = text(req, "out"), what = text(req, "screen").empty() ? "step" : text(req, "screen");
    std::string step = text(req, "step");
    const int scale = req.value("scale", 100);
    const bool contrast = req.value("contrast", false);
    if (dir.empty() || guide.empty() || out.empty()) return error_reply("guides, guide and out are needed");
    if (scale != 100 && scale != 200) return error_reply("scale is 100 or 200");
    const auto& offered = app.config().offered;
    if (std::find(offered.begin(), offered.end(), lang) == offered.end())
        return error_reply("no interface catalogue for the language '" + lang + "'");

    // The guide as the draft makes it, with the checks of --check-content for what is drawn: an
    // error in guide.toml or the language shown is said instead of a picture (the studio shows
    // the problems). Another language's text (a step just added, not translated yet) does not
    // keep this one from being seen.
    common::ContentOptions options;
    options.required_languages = {lang};
    common::ContentSet set = common::load_content(dir, options);
    for (const auto& d : set.diagnostics.items) {
        const std::filesystem::path file(d.file);
        const bool other_language = file.extension() == ".toml" && file.stem() != "guide" && file.stem() != lang &&
                                    common::find_language(file.stem().string());
        if (d.severity == common::Severity::Error && !other_language) return problem_reply(d);
    }
    const common::Guide* g = set.find(guide);
    if (!g || g->steps.empty()) return error_reply("no guide '" + guide + "' in " + dir);

    Shot shot;
    shot.guide = guide;
    shot.name = guide;
    if (what == "step") {
        shot.screen = core::Screen::Step;
        if (step.empty()) step = g->steps.front().id;
        bool known = false;
        for (const auto& s : g->steps)
            known = known || s.id == step;
        if (!known) return error_reply("the guide has no step '" + step + "'");
        shot.step = step;
    } else if (what == "needs") {
        shot.screen = core::Screen::Needs;
    } else if (what == "end") {
        shot.screen = core::Screen::End;
    } else {
        return error_reply("screen is step, needs or end");
    }

    app.serve_content(std::move(set));
    const core::Millis now = 1'000'000;
    stage(app, shot, lang, scale, contrast, now);
    // Two frames, as for --screenshots: the second knows how tall scrolling content is.
    app.set_rasterize(false);
    app.frame(now);
    app.set_rasterize(true);
    app.frame(now);
    std::string error;
    if (!display.save_png(out, error)) return error_reply(error);
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
    return json{{"ok", true}, {"ms", ms}}.dump();
}

int run_preview_worker(KioskApp& app, const platform::Display& display, std::istream& in, std::FILE* out) {
    app.disconnect_hub();  // a preview never asks anybody for help
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty()) continue;
        const std::string reply = preview_one(app, display, line);
        std::fprintf(out, "%s\n", reply.c_str());
        std::fflush(out);
    }
    return 0;
}

}  // namespace ledsager::app
