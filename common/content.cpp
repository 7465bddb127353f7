#include "common/content.hpp"

#include <toml++/toml.h>
#include <algorithm>
#include <atomic>
#include <ctime>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "common/catalogue.hpp"
#include "common/content_checks.hpp"
#include "common/icons.hpp"
#include "common/languages.hpp"
#include "common/picture.hpp"

namespace fs = std::filesystem;

namespace ledsager::common {

using namespace checks;

namespace {

// Plain loops, not std::regex: libstdc++ matches a regex by recursion, one level a character,
// so a step id of some 50,000 characters overflowed the stack (found by fuzz_guide_parser).
bool valid_id(const std::string& id) {
    auto lower_or_digit = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
    return !id.empty() && lower_or_digit(id[0]) &&
           std::all_of(id.begin(), id.end(), [&](char c) { return lower_or_digit(c) || c == '-'; });
}

bool is_png(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    char magic[8] = {};
    in.read(magic, 8);
    return in.gcount() == 8 && std::string_view(magic, 8) == std::string_view("\x89PNG\r\n\x1a\n", 8);
}

// Whether a picture draws on a kiosk, decoded as the kiosk decodes it: "" when it does, else
// why not. Only --check-content asks (ContentOptions::decode_pictures): the hub never decodes
// a picture in its own process.
std::string undrawable(const fs::path& file) {
    constexpr std::uintmax_t kMaxBytes = 8u << 20;
    std::error_code ec;
    const std::uintmax_t size = fs::file_size(file, ec);
    if (ec) return "it cannot be read (" + ec.message() + ")";
    if (size > kMaxBytes) return "larger than 8 MiB";
    std::ifstream in(file, std::ios::binary);
    std::string bytes(static_cast<size_t>(size), '\0');  // the file's size, not the 8 MiB bound
    in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    bytes.resize(static_cast<size_t>(in.gcount()));
    const PictureCheck c = check_png(bytes);
    return c.ok ? "" : c.error;
}

// ---- guide.toml -----------------------------------------------------------------------

bool load_structure(const fs::path& folder, const ContentOptions& options, Guide& guide, Diagnostics& diags) {
    const fs::path file_path = folder / "guide.toml";
    const std::string file = file_path.string();
    if (!fs::exists(file_path)) {
        diags.error(file, 0, "missing: every guide folder needs a guide.toml").with("no_guide_file");
        return false;
    }
    toml::table root;
    if (!parse(file_path, root, diags)) return false;
    const size_t errors_before = diags.error_count();

    check_keys(root, {"id", "category", "icon", "order", "sources", "step", "end"}, file, "", diags);
    guide.folder = folder.string();
    guide.id = need_string(root, "id", file, 1, "", diags);
    const std::string folder_name = folder.filename().string();
    if (!guide.id.empty() && guide.id != folder_name)
        diags
            .error(file, line_of(*root.get("id")),
                   "id '" + guide.id + "' must equal the folder name '" + folder_name + "'")
            .with("id_folder", {{"value", guide.id}, {"folder", folder_name}});
    guide.category = need_string(root, "category", file, 1, "", diags);
    if (!guide.category.empty() && !is_category(guide.category)) {
        std::string known;
        for (const auto& c : kCategories)
            known += (known.empty() ? "" : ", ") + std::string(c.id);
        diags
            .error(file, line_of(*root.get("category")),
                   "unknown category '" + guide.category + "' (expected one of: " + known + ")")
            .with("unknown_category", {{"value", guide.category}});
    }
    guide.icon = need_string(root, "icon", file, 1, "", diags);
    if (!guide.icon.empty() && !icon_codepoint(guide.icon))
        diags.error(file, line_of(*root.get("icon")), "unknown icon '" + guide.icon + "' (see assets/guides/README.md)")
            .with("unknown_icon", {{"value", guide.icon}});
    if (const toml::node* order = root.get("order")) {
        if (auto v = order->value<int64_t>())
            guide.order = static_cast<int>(*v);
        else
            diags.error(file, line_of(*order), "'order' must be a whole number").with("order_number");
    }

    // Sources: where the facts come from and when they were checked.
    const toml::array* sources = root.get_as<toml::array>("sources");
    if (!sources || sources->empty()) {
        diags
            .error(file, root.get("sources") ? line_of(*root.get("sources")) : 1,
                   "missing 'sources': list the pages the facts come from, with the date they were checked")
            .with("no_sources");
    } else {
        for (const auto& item : *sources) {
            const auto* t = item.as_table();
            if (!t) {
                diags.error(file, line_of(item), "each source must be { url = \"https://…\", checked = 2026-01-31 }")
                    .with("source_shape");
                continue;
            }
            check_keys(*t, {"url", "checked"}, file, " in a source", diags);
            Source src;
            src.line = line_of(item);
            src.url = need_string(*t, "url", file, line_of(item), " in a source", diags);
            if (!src.url.empty() && src.url.rfind("https://", 0) != 0)
                diags.error(file, line_of(item), "source url must start with https://")
                    .with("source_https", {{"url", src.url}});
            if (const toml::node* checked = t->get("checked")) {
                if (const auto* d = checked->as_date()) {
                    std::ostringstream os;
                    os << d->get();
                    src.checked = os.str();
                } else if (const auto* s = checked->as_string()) {
                    src.checked = s->get();
                }
                if (!valid_iso_date(src.checked))
                    diags.error(file, line_of(*checked), "'checked' must be a date like 2026-11-20")
                        .with("source_date", {{"value", src.checked}});
            } else {
                diags.error(file, line_of(item), "missing 'checked' date in a source").with("source_no_date");
            }
            guide.sources.push_back(src);
        }
    }

    // Steps, in declared order.
    const toml::array* steps = root.get_as<toml::array>("step");
    if (!steps || steps->empty()) {
        diags.error(file, 0, "no steps: declare each step as a [[step]] table").with("no_steps");
        return false;
    }
    std::set<std::string> ids;
    for (const auto& item : *steps) {
        const auto* t = item.as_table();
        if (!t) continue;
        const int line = line_of(item);
        check_keys(*t, {"id", "kind", "next", "if_no", "choice", "image", "icon"}, file, " in a step", diags);
        Step step;
        step.line = line;
        step.id = need_string(*t, "id", file, line, " in a step", diags);
        const Where where(" in step '" + step.id + "'", step.id);
        if (!step.id.empty()) {
            // Which step by its place too (1 = the first): its id may be the problem.
            const std::string index = std::to_string(guide.steps.size() + 1);
            if (!valid_id(step.id) || step.id == kEndStep)
                diags.error(file, line, "step id '" + step.id + "' must use a-z, 0-9 and '-' and not be 'end'")
                    .with("step_id_bad", where.args({{"index", index}}));
            if (!ids.insert(step.id).second)
                diags.error(file, line, "step id '" + step.id + "' is used twice")
                    .with("step_id_twice", where.args({{"index", index}}));
        }
        const std::string kind = need_string(*t, "kind", file, line, where, diags);
        if (kind == "info")
            step.kind = StepKind::Info;
        else if (kind == "check")
            step.kind = StepKind::Check;
        else if (kind == "question")
            step.kind = StepKind::Question;
        else if (!kind.empty())
            diags
                .error(file, line_of(*t->get("kind")),
                       "unknown kind '" + kind + "'" + where.text + " (expected info, check or question)")
                .with("unknown_kind", where.args({{"value", kind}}));
        step.next = need_string(*t, "next", file, line, where, diags, step.kind != StepKind::Question);
        step.if_no = need_string(*t, "if_no", file, line, where, diags, false);
        if (!step.if_no.empty() && step.kind != StepKind::Check)
            diags.error(file, line_of(*t->get("if_no")), "'if_no' is only for kind = \"check\"" + where.text)
                .with("if_no_only_check", where.args());
        if (step.kind == StepKind::Question && !step.next.empty())
            diags
                .error(file, line_of(*t->get("next")),
                       "a question leads on through its choices, not 'next'" + where.text)
                .with("question_next", where.args());
        if (const auto* choices = t->get_as<toml::array>("choice")) {
            if (step.kind != StepKind::Question)
                diags.error(file, line_of(*choices), "only kind = \"question\" has choices" + where.text)
                    .with("choices_only_question", where.args());
            for (const auto& c : *choices) {
                const auto* ct = c.as_table();
                if (!ct) continue;
                const Where in_choice(" in a choice" + where.text, step.id);
                check_keys(*ct, {"id", "next"}, file, in_choice, diags);
                Choice choice;
                choice.line = line_of(c);
                choice.id = need_string(*ct, "id", file, choice.line, in_choice, diags);
                choice.next = need_string(*ct, "next", file, choice.line, in_choice, diags);
                step.choices.push_back(choice);
            }
        }
        if (step.kind == StepKind::Question && step.choices.size() < 2)
            diags.error(file, line, "a question needs at least two [[step.choice]] answers" + where.text)
                .with("question_two_answers", where.args());
        step.image = need_string(*t, "image", file, line, where, diags, false);
        if (!step.image.empty()) {
            const fs::path img = folder / step.image;
            if (step.image.find('/') != std::string::npos || !fs::exists(img))
                diags
                    .error(
                        file, line_of(*t->get("image")),
                        "missing image '" + step.image + "'" + where.text + " (put the PNG file in the guide's folder)")
                    .with("image_missing", where.args({{"value", step.image}}));
            else if (!is_png(img))
                diags.error(file, line_of(*t->get("image")), "image '" + step.image + "' is not a PNG file")
                    .with("image_not_png", where.args({{"value", step.image}}));
            else if (const std::string why = options.decode_pictures ? undrawable(img) : ""; !why.empty())
                diags.error(file, line_of(*t->get("image")), "image '" + step.image + "' cannot be drawn: " + why)
                    .with("image_unreadable", where.args({{"value", step.image}, {"detail", why}}));
            else if (img.extension() == ".png") {
                const std::string stem = img.stem().string();
                auto variant = [&](const char* suffix) {
                    const fs::path v = folder / (stem + suffix);
                    if (!fs::exists(v)) return false;
                    if (const std::string bad = is_png(v) && options.decode_pictures ? undrawable(v) : "";
                        !bad.empty()) {
                        diags.error(v.string(), 0, "a variant of image '" + step.image + "' cannot be drawn: " + bad)
                            .with("image_unreadable", where.args({{"value", v.filename().string()}, {"detail", bad}}));
                        return false;
                    }
                    if (is_png(v)) return true;
                    diags
                        .error(v.string(), 0,
                               "a variant of image '" + step.image + "'" + where.text + " that is not a PNG file")
                        .with("image_not_png", where.args({{"value", v.filename().string()}}));
                    return false;
                };
                step.image_contrast = variant(".contrast.png");
                step.image_rtl = variant(".rtl.png");
                step.image_rtl_contrast = variant(".rtl.contrast.png");
            }
        }
        step.icon = need_string(*t, "icon", file, line, where, diags, false);
        if (!step.icon.empty() && !icon_codepoint(step.icon))
            diags.error(file, line_of(*t->get("icon")), "unknown icon '" + step.icon + "'" + where.text)
                .with("unknown_icon", where.args({{"value", step.icon}}));
        guide.steps.push_back(step);
    }

    // The file must declare its end after the last step, so a file cut short is noticed.
    const toml::node* end = root.get("end");
    if (!end || !end->is_table()) {
        diags.error(file, max_line(root), "no [end] table: the file may be cut short (a guide ends with an [end] line)")
            .with("end_missing");
    } else if (line_of(*end) < max_line(*steps)) {
        diags.error(file, line_of(*end), "[end] must come after the last step").with("end_order");
    } else if (!end->as_table()->empty()) {
        diags.error(file, line_of(*end), "[end] in guide.toml takes no keys (the end text is in the language files)")
            .with("end_keys");
    }

    // References, reachability and a way to the end from every step.
    for (const auto& step : guide.steps) {
        for (const auto& target : Guide::successors(step)) {
            if (target != kEndStep && !guide.find_step(target)) {
                // Which way leads there: "next" (a check's "Yes"), "if_no", or an answer.
                int line = step.line;
                DiagnosticArgs args{{"step", step.id}, {"target", target}};
                args.emplace_back("kind", step.kind == StepKind::Check      ? "check"
                                          : step.kind == StepKind::Question ? "question"
                                                                            : "info");
                const auto choice = std::find_if(step.choices.begin(), step.choices.end(),
                                                 [&](const Choice& c) { return c.next == target; });
                if (choice != step.choices.end()) {
                    line = choice->line;
                    args.emplace_back("branch", "choice");
                    args.emplace_back("answer", choice->id);
                } else {
                    args.emplace_back("branch", step.next == target ? "next" : "if_no");
                }
                diags.error(file, line, "step '" + step.id + "' leads to unknown step '" + target + "'")
                    .with("unknown_target", std::move(args));
            }
        }
    }
    if (diags.error_count() == errors_before) {
        std::set<std::string> reached{guide.steps.front().id};
        std::vector<const Step*> todo{&guide.steps.front()};
        while (!todo.empty()) {
            const Step* s = todo.back();
            todo.pop_back();
            for (const auto& n : Guide::successors(*s))
                if (const Step* ns = guide.find_step(n); ns && reached.insert(n).second) todo.push_back(ns);
        }
        for (const auto& step : guide.steps) {
            if (!reached.count(step.id))
                diags.error(file, step.line, "step '" + step.id + "' cannot be reached from the first step")
                    .with("unreachable", {{"step", step.id}});
            else if (guide.steps_to_end(step.id) < 0)
                diags.error(file, step.line, "step '" + step.id + "' has no way on to the end (a loop with no exit)")
                    .with("no_way_to_end", {{"step", step.id}});
        }
        const int main_path = guide.main_path_length();
        if (main_path > options.max_main_path)
            diags
                .warning(file, guide.steps.front().line,
                         "the main path has " + std::to_string(main_path) + " steps (at most " +
                             std::to_string(options.max_main_path) + ": citizens give up on longer guides)")
                .with("main_path_long",
                      {{"steps", std::to_string(main_path)}, {"max", std::to_string(options.max_main_path)}});
    }
    return diags.error_count() == errors_before;
}

}  // namespace

std::string iso_day(std::time_t t) {
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[16];
    std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
    return buf;
}

std::string months_before(const std::string& iso, int months) {
    int y = std::stoi(iso.substr(0, 4)), m = std::stoi(iso.substr(5, 2)), d = std::stoi(iso.substr(8, 2));
    int total = y * 12 + (m - 1) - months;
    y = total / 12;
    m = total % 12 + 1;
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    d = std::min(d, days[m - 1] + (m == 2 && leap ? 1 : 0));
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
    return buf;
}

const Guide* ContentSet::find(const std::string& id) const {
    for (const auto& g : guides)
        if (g.id == id) return &g;
    return nullptr;
}

bool valid_iso_date(const std::string& s) {
    auto digit = [](char c) { return c >= '0' && c <= '9'; };
    if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
    for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
        if (!digit(s[i])) return false;
    const int y = std::stoi(s.substr(0, 4)), m = std::stoi(s.substr(5, 2)), d = std::stoi(s.substr(8, 2));
    static constexpr int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12 || d < 1 || d > days[m - 1]) return false;
    return !(m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)));
}

bool load_guide_structure(const fs::path& folder, const ContentOptions& options, Guide& out, Diagnostics& diags) {
    return load_structure(folder, options, out, diags);
}

bool load_guide(const fs::path& folder, const ContentOptions& options, Guide& out, Diagnostics& diags) {
    Guide guide;
    const bool structure_ok = load_structure(folder, options, guide, diags);
    // The studio's forms still edit the texts of a guide whose structure has check errors (a
    // branch to a step taken out), as long as it has steps.
    if (!structure_ok && !(options.keep_texts_with_errors && !guide.steps.empty())) return false;
    bool ok = structure_ok;
    std::error_code ec;
    for (const auto& lang : options.required_languages) {
        if (!fs::exists(folder / (lang + ".toml"))) {
            diags
                .error((folder / (lang + ".toml")).string(), 0,
                       "missing translation: the guide must be complete in " + lang)
                .with("language_missing", {{"lang", lang}});
            ok = false;
        }
    }
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(folder, ec))
        files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    for (const auto& path : files) {
        const std::string name = path.filename().string();
        // A picture's drawing (SVG) lies beside the PNGs made from it (assets/pictures/render.py).
        if (name == "guide.toml" || path.extension() == ".png" || path.extension() == ".wav" ||
            path.extension() == ".svg")
            continue;
        if (path.extension() != ".toml") {
            diags
                .error(path.string(), 0,
                       "unexpected file in a guide folder (expected guide.toml, <language>.toml, *.png, *.svg, *.wav)")
                .with("unexpected_file", {{"value", path.filename().string()}});
            ok = false;
            continue;
        }
        const std::string lang = path.stem().string();
        if (!find_language(lang)) {
            diags
                .error(path.string(), 0,
                       "'" + lang +
                           "' is not a language code Ledsager knows (file names are ISO 639-1 codes, e.g. da.toml)")
                .with("unknown_language", {{"value", lang}});
            ok = false;
            continue;
        }
        GuideText text;
        bool parsed = false;
        if (load_text(path, guide, options, text, diags, parsed)) {
            guide.text[lang] = std::move(text);
        } else {
            if (parsed && options.keep_texts_with_errors) guide.text[lang] = std::move(text);
            // A broken translation in a required language breaks the guide; another
            // language's broken file is left out and the guide falls back to da/en.
            if (std::find(options.required_languages.begin(), options.required_languages.end(), lang) !=
                options.required_languages.end())
                ok = false;
        }
    }
    check_freshness(folder, options, guide, diags);
    if (ok || options.keep_texts_with_errors) out = std::move(guide);
    return ok;
}

ContentSet load_content(const fs::path& dir, const ContentOptions& options) {
    ContentSet set;
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
        set.diagnostics.error(dir.string(), 0, "content folder not found");
        return set;
    }
    std::vector<fs::path> entries;
    for (const auto& entry : fs::directory_iterator(dir, ec))
        entries.push_back(entry.path());
    std::sort(entries.begin(), entries.end());
    // Each guide is a dozen TOML files and their checks, and guides do not depend on each
    // other: they are read on two threads (at start-up the kiosk has both cores to itself),
    // each into its own slot, and taken in folder order, so the result and the order of the
    // diagnostics are the same as one by one.
    struct Slot {
        bool ok = false;
        Guide guide;
        Diagnostics diagnostics;
    };
    std::vector<Slot> slots(entries.size());
    std::atomic<size_t> next{0};
    auto work = [&] {
        for (size_t i = next++; i < entries.size(); i = next++) {
            const auto& path = entries[i];
            if (!fs::is_directory(path)) {
                const auto name = path.filename().string();
                if (name != "README.md" && name[0] != '.')
                    slots[i].diagnostics.error(
                        path.string(), 0, "unexpected file: the guides folder holds only guide folders and README.md");
                continue;
            }
            slots[i].ok = load_guide(path, options, slots[i].guide, slots[i].diagnostics);
        }
    };
    {
        std::vector<std::thread> threads;
        if (entries.size() > 1) threads.emplace_back(work);
        work();
        for (auto& t : threads)
            t.join();
    }
    for (auto& slot : slots) {
        for (auto& d : slot.diagnostics.items)
            set.diagnostics.items.push_back(std::move(d));
        if (slot.ok) set.guides.push_back(std::move(slot.guide));
    }
    std::stable_sort(set.guides.begin(), set.guides.end(), [](const Guide& a, const Guide& b) {
        const int ca = category_rank(a.category), cb = category_rank(b.category);
        if (ca != cb) return ca < cb;
        if (a.order != b.order) return a.order < b.order;
        return a.id < b.id;
    });
    if (set.guides.empty()) set.diagnostics.error(dir.string(), 0, "no usable guides in this folder");
    return set;
}

}  // namespace ledsager::common
