#include "common/content.hpp"

#include <sodium.h>

#include <toml++/toml.h>
#include <algorithm>
#include <atomic>
#include <ctime>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "common/catalogue.hpp"
#include "common/icons.hpp"
#include "common/languages.hpp"

namespace fs = std::filesystem;

namespace ledsager::common {
namespace {

// Where in a file a problem is: words for the English message (" in step 'date'") and, for
// the studio, the step ("end" for the end screen) as a value of its own.
struct Where {
    std::string text, step;
    Where(const char* words = "") : text(words) {}
    Where(std::string words, std::string step_id = "") : text(std::move(words)), step(std::move(step_id)) {}
    DiagnosticArgs args(DiagnosticArgs more = {}) const {
        if (!step.empty()) more.emplace_back("step", step);
        return more;
    }
};

int line_of(const toml::node& node) {
    return static_cast<int>(node.source().begin.line);
}

// Parses a TOML file; on a syntax error records it and returns false.
bool parse(const fs::path& file, toml::table& out, Diagnostics& diags) {
    try {
        out = toml::parse_file(file.string());
        return true;
    } catch (const toml::parse_error& err) {
        diags
            .error(file.string(), static_cast<int>(err.source().begin.line),
                   "not valid TOML: " + std::string(err.description()))
            .with("toml_syntax", {{"detail", std::string(err.description())}});
        return false;
    }
}

// Reports keys of `table` not in `allowed` (stray text or misspelt keys).
void check_keys(const toml::table& table, std::initializer_list<std::string_view> allowed, const std::string& file,
                const Where& where, Diagnostics& diags) {
    for (const auto& [key, node] : table) {
        if (std::find(allowed.begin(), allowed.end(), key.str()) == allowed.end()) {
            std::string known;
            for (auto a : allowed)
                known += (known.empty() ? "" : ", ") + std::string(a);
            diags
                .error(file, line_of(node),
                       "unknown key '" + std::string(key.str()) + "'" + where.text + " (expected: " + known + ")")
                .with("unknown_key", where.args({{"key", std::string(key.str())}, {"expected", known}}));
        }
    }
}

// Reads a required non-empty string; records an error naming the key when absent/empty.
std::string need_string(const toml::table& table, std::string_view key, const std::string& file, int table_line,
                        const Where& where, Diagnostics& diags, bool required = true) {
    const toml::node* node = table.get(key);
    if (!node) {
        if (required)
            diags.error(file, table_line, "missing '" + std::string(key) + "'" + where.text)
                .with("missing_key", where.args({{"key", std::string(key)}}));
        return {};
    }
    const auto* str = node->as_string();
    if (!str) {
        diags.error(file, line_of(*node), "'" + std::string(key) + "'" + where.text + " must be text in quotes")
            .with("not_text", where.args({{"key", std::string(key)}}));
        return {};
    }
    std::string value = str->get();
    if (value.find_first_not_of(" \t\r\n") == std::string::npos && required) {
        diags.error(file, line_of(*node), "'" + std::string(key) + "'" + where.text + " is empty")
            .with("empty", where.args({{"key", std::string(key)}}));
        return {};
    }
    return value;
}

// Plain loops, not std::regex: libstdc++ matches a regex by recursion, one level a character,
// so a step id of some 50,000 characters overflowed the stack (found by fuzz_guide_parser).
bool valid_id(const std::string& id) {
    auto lower_or_digit = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
    return !id.empty() && lower_or_digit(id[0]) &&
           std::all_of(id.begin(), id.end(), [&](char c) { return lower_or_digit(c) || c == '-'; });
}

void warn_long_sentences(const std::string& text, const toml::node* node, const std::string& file, const Where& where,
                         const ContentOptions& options, Diagnostics& diags) {
    int words = longest_sentence_words(text);
    if (words > options.max_sentence_words)
        diags
            .warning(file, node ? line_of(*node) : 0,
                     "a sentence" + where.text + " has " + std::to_string(words) + " words (plain language: at most " +
                         std::to_string(options.max_sentence_words) + ")")
            .with("sentence_long",
                  where.args({{"words", std::to_string(words)}, {"max", std::to_string(options.max_sentence_words)}}));
}

// Line of the last line that belongs to a table ([end] must come after every step).
int max_line(const toml::node& node) {
    int line = line_of(node);
    if (const auto* t = node.as_table())
        for (const auto& [k, v] : *t)
            line = std::max(line, max_line(v));
    if (const auto* a = node.as_array())
        for (const auto& v : *a)
            line = std::max(line, max_line(v));
    return line;
}

bool is_png(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    char magic[8] = {};
    in.read(magic, 8);
    return in.gcount() == 8 && std::string_view(magic, 8) == std::string_view("\x89PNG\r\n\x1a\n", 8);
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
            if (!valid_id(step.id) || step.id == kEndStep)
                diags.error(file, line, "step id '" + step.id + "' must use a-z, 0-9 and '-' and not be 'end'")
                    .with("step_id_bad", where.args());
            if (!ids.insert(step.id).second)
                diags.error(file, line, "step id '" + step.id + "' is used twice").with("step_id_twice", where.args());
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
            else if (img.extension() == ".png") {
                const std::string stem = img.stem().string();
                auto variant = [&](const char* suffix) {
                    const fs::path v = folder / (stem + suffix);
                    if (!fs::exists(v)) return false;
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

// ---- <lang>.toml ----------------------------------------------------------------------

bool load_text(const fs::path& file_path, const Guide& guide, const ContentOptions& options, GuideText& text,
               Diagnostics& diags, bool& parsed) {
    const std::string file = file_path.string();
    toml::table root;
    parsed = parse(file_path, root, diags);
    if (!parsed) return false;
    const size_t errors_before = diags.error_count();
    check_keys(root, {"title", "subtitle", "needs", "review", "step", "end"}, file, "", diags);
    if (const toml::node* review = root.get("review")) {
        // Who translated and checked this text, and what it was translated from.
        const auto* rt = review->as_table();
        text.review.line = line_of(*review);
        if (!rt) {
            diags.error(file, line_of(*review), "'review' must be a table: [review]").with("review_table");
        } else {
            check_keys(*rt, {"translated_from", "source_digest", "translator", "reviewed_by", "reviewed"}, file,
                       " in [review]", diags);
            auto text_of = [&](std::string_view key) {
                const toml::node* n = rt->get(key);
                if (!n) return std::string();
                if (const auto* str = n->as_string()) return str->get();
                if (const auto* d = n->as_date()) {
                    std::ostringstream os;
                    os << d->get();
                    return os.str();
                }
                diags.error(file, line_of(*n), "'" + std::string(key) + "' in [review] must be text in quotes")
                    .with("not_text", {{"key", std::string(key)}});
                return std::string();
            };
            Review& r = text.review;
            r.translated_from = text_of("translated_from");
            r.source_digest = text_of("source_digest");
            r.translator = text_of("translator");
            r.reviewed_by = text_of("reviewed_by");
            r.reviewed = text_of("reviewed");
            const std::string lang = file_path.stem().string();
            if (!r.translated_from.empty() && (!find_language(r.translated_from) || r.translated_from == lang))
                diags
                    .error(file, line_of(*rt->get("translated_from")),
                           "'translated_from' must name another language of this guide (e.g. \"da\")")
                    .with("translated_from_bad", {{"value", r.translated_from}});
            if (!r.reviewed.empty() && !valid_iso_date(r.reviewed))
                diags
                    .error(file, line_of(*rt->get("reviewed")), "'reviewed' in [review] must be a date like 2026-11-20")
                    .with("reviewed_date", {{"value", r.reviewed}});
        }
    }
    text.title = need_string(root, "title", file, 1, "", diags);
    text.subtitle = need_string(root, "subtitle", file, 1, "", diags);
    if (const auto* needs = root.get_as<toml::array>("needs")) {
        for (const auto& n : *needs) {
            const auto* s = n.as_string();
            if (!s || s->get().empty())
                diags.error(file, line_of(n), "each item in 'needs' must be non-empty text in quotes")
                    .with("needs_item", {{"step", "needs"}});
            else
                text.needs.push_back(s->get());
        }
        if (needs->empty())
            diags.error(file, line_of(*needs), "'needs' is empty: list what the citizen should have ready")
                .with("needs_missing", {{"step", "needs"}});
    } else {
        diags.error(file, 1, "missing 'needs': list what the citizen should have ready (the \"What you need\" list)")
            .with("needs_missing", {{"step", "needs"}});
    }

    const auto* steps = root.get_as<toml::table>("step");
    if (!steps) {
        diags.error(file, 0, "missing the steps' text: add a [step.<id>] table for each step")
            .with("steps_text_missing");
    } else {
        for (const auto& [key, node] : *steps) {
            if (!guide.find_step(std::string(key.str())))
                diags.error(file, line_of(node), "text for unknown step '" + std::string(key.str()) + "'")
                    .with("text_unknown_step", {{"value", std::string(key.str())}});
        }
    }
    for (const auto& step : guide.steps) {
        const toml::table* st = steps ? steps->get_as<toml::table>(step.id) : nullptr;
        if (!st) {
            diags.error(file, 0, "missing translation: no [step." + step.id + "] table")
                .with("step_text_missing", {{"step", step.id}});
            continue;
        }
        const int line = line_of(*st);
        const Where where(" in [step." + step.id + "]", step.id);
        check_keys(*st, {"title", "text", "choices", "image_alt", "audio"}, file, where, diags);
        StepText t;
        t.title = need_string(*st, "title", file, line, where, diags);
        t.text = need_string(*st, "text", file, line, where, diags);
        warn_long_sentences(t.text, st->get("text"), file, where, options, diags);
        t.image_alt = need_string(*st, "image_alt", file, line, where, diags, !step.image.empty());
        if (const toml::node* audio = st->get("audio")) {
            // A recording of the step in this language, played when reading aloud (for
            // languages without a synthetic voice, or a human voice where one is wanted).
            const auto name = audio->value_exact<std::string>();
            const fs::path path = file_path.parent_path() / (name ? *name : "");
            if (!name || name->empty() || name->find('/') != std::string::npos || fs::path(*name).extension() != ".wav")
                diags
                    .error(file, line_of(*audio), "'audio'" + where.text + " must name a .wav file in the guide folder")
                    .with("audio_name", where.args());
            else if (!fs::exists(path))
                diags.error(file, line_of(*audio), "recording not found: " + *name + where.text)
                    .with("audio_missing", where.args({{"value", *name}}));
            else
                t.audio = path.string();
        }
        const auto* choices = st->get_as<toml::table>("choices");
        if (step.kind == StepKind::Question) {
            for (const auto& c : step.choices) {
                std::string label = choices ? need_string(*choices, c.id, file, line_of(*choices),
                                                          Where(where.text + ".choices", step.id), diags)
                                            : std::string();
                if (!choices)
                    diags.error(file, line, "missing translation: answer '" + c.id + "'" + where.text)
                        .with("answer_missing", where.args({{"answer", c.id}}));
                t.choices[c.id] = label;
            }
            if (choices)
                for (const auto& [k, v] : *choices) {
                    const std::string_view id = k.str();  // clang 14 cannot capture a structured binding
                    if (std::none_of(step.choices.begin(), step.choices.end(),
                                     [&](const Choice& c) { return c.id == id; }))
                        diags.error(file, line_of(v), "label for unknown answer '" + std::string(id) + "'" + where.text)
                            .with("answer_unknown", where.args({{"answer", std::string(id)}}));
                }
        } else if (choices) {
            diags.error(file, line_of(*choices), "only questions have 'choices'" + where.text)
                .with("choices_only_question", where.args());
        }
        text.steps[step.id] = t;
    }

    const toml::node* end = root.get("end");
    const auto* end_table = end ? end->as_table() : nullptr;
    if (!end_table) {
        diags.error(file, max_line(root), "no [end] table: the file may be cut short (the text ends with [end])")
            .with("end_missing");
    } else {
        if (steps && line_of(*end) < max_line(*steps))
            diags.error(file, line_of(*end), "[end] must come after the last step").with("end_order");
        const Where in_end(" in [end]", std::string(kEndStep));
        check_keys(*end_table, {"title", "summary"}, file, in_end, diags);
        text.end_title = need_string(*end_table, "title", file, line_of(*end), in_end, diags);
        text.end_summary = need_string(*end_table, "summary", file, line_of(*end), in_end, diags);
        warn_long_sentences(text.end_summary, end_table->get("summary"), file, in_end, options, diags);
    }
    return diags.error_count() == errors_before;
}

std::string today_iso(const ContentOptions& options) {
    return options.today.empty() ? iso_day(std::time(nullptr)) : options.today;
}

// Warnings that tell a content editor what to look at first: a translation made from a
// text that has changed since, a language file nobody is named as having reviewed, and
// sources not checked for longer than the configured months. Advice, never errors: the
// guide is still shown.
void check_freshness(const fs::path& folder, const ContentOptions& options, Guide& guide, Diagnostics& diags) {
    for (auto& [lang, text] : guide.text) {
        const std::string file = (folder / (lang + ".toml")).string();
        const Review& r = text.review;
        if (r.line == 0) {
            diags
                .warning(file, 1,
                         "no [review]: say who wrote or translated this text, who reviewed it and when"
                         " (see assets/guides/README.md)")
                .with("no_review");
            continue;
        }
        if (r.reviewed_by.empty() || r.reviewed.empty())
            diags
                .warning(file, r.line,
                         "[review] does not say who reviewed this text ('reviewed_by') and when ('reviewed')")
                .with("not_reviewed");
        if (r.translated_from.empty()) continue;
        const auto source = guide.text.find(r.translated_from);
        if (source == guide.text.end()) {
            diags
                .warning(file, r.line, "translated from " + r.translated_from + ".toml, which this guide does not have")
                .with("source_language_missing", {{"lang", r.translated_from}});
            continue;
        }
        // Lines are numbered on screen and pictures point at them by number ("1" is the first
        // line), so a translation keeps its source's lines, one for one.
        for (const auto& [id, st] : text.steps) {
            const auto src = source->second.steps.find(id);
            if (src == source->second.steps.end()) continue;
            const auto have = text_lines(st.text).size(), want = text_lines(src->second.text).size();
            if (have != want)
                diags
                    .warning(file, r.line,
                             "[step." + id + "] has " + std::to_string(have) + " lines where " + r.translated_from +
                                 ".toml has " + std::to_string(want) +
                                 ": keep one line for each of the source's lines (they are numbered on "
                                 "screen, and pictures point at them by number)")
                    .with("lines_differ", {{"step", id},
                                           {"have", std::to_string(have)},
                                           {"want", std::to_string(want)},
                                           {"lang", r.translated_from}});
        }
        if (r.source_digest != text_digest(source->second)) {
            text.outdated = true;
            diags
                .warning(file, r.line,
                         "outdated: " + r.translated_from +
                             ".toml has changed since this text was translated from it;"
                             " bring the translation up to date, then run ledsager-kiosk --stamp-translation " +
                             file)
                .with("outdated", {{"lang", r.translated_from}});
        }
    }
    const std::string file = (folder / "guide.toml").string();
    const std::string cutoff = months_before(today_iso(options), options.max_source_age_months);
    for (const auto& src : guide.sources) {
        if (!valid_iso_date(src.checked)) continue;
        if (guide.sources_checked.empty() || src.checked < guide.sources_checked) guide.sources_checked = src.checked;
        if (src.checked < cutoff) {
            guide.sources_stale = true;
            diags
                .warning(file, src.line,
                         "source last checked " + src.checked + ", more than " +
                             std::to_string(options.max_source_age_months) + " months ago: check " + src.url +
                             " again and update 'checked'")
                .with("source_old", {{"date", src.checked},
                                     {"months", std::to_string(options.max_source_age_months)},
                                     {"url", src.url}});
        }
    }
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

std::string text_digest(const GuideText& t) {
    // Each field with its name and length, so no two different texts read the same.
    std::string canon;
    auto add = [&](const std::string& name, const std::string& value) {
        canon += name + ':' + std::to_string(value.size()) + ':' + value + '\n';
    };
    add("title", t.title);
    add("subtitle", t.subtitle);
    for (const auto& n : t.needs)
        add("need", n);
    for (const auto& [id, st] : t.steps) {
        add("step", id);
        add("title", st.title);
        add("text", st.text);
        add("image_alt", st.image_alt);
        for (const auto& [cid, label] : st.choices)
            add("choice." + cid, label);
    }
    add("end.title", t.end_title);
    add("end.summary", t.end_summary);
    unsigned char hash[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(hash, reinterpret_cast<const unsigned char*>(canon.data()), canon.size());
    static const char* hex = "0123456789abcdef";
    std::string out;
    for (int i = 0; i < 8; ++i)
        out += {hex[hash[i] >> 4], hex[hash[i] & 15]};
    return out;
}

bool stamp_translation(const fs::path& lang_file, std::string& error) {
    const fs::path folder = lang_file.parent_path();
    Guide guide;
    Diagnostics diags;
    ContentOptions options;
    options.required_languages.clear();
    if (!load_guide(folder, options, guide, diags)) {
        error = lang_file.string() + ": the guide has errors; run --check-content " + folder.string() + "/.. first";
        return false;
    }
    const std::string lang = lang_file.stem().string();
    const auto it = guide.text.find(lang);
    if (it == guide.text.end()) {
        error = lang_file.string() + ": no such language file in the guide";
        return false;
    }
    const Review& r = it->second.review;
    if (r.translated_from.empty()) {
        error = lang_file.string() + ": [review] has no translated_from = \"<language>\" to stamp against";
        return false;
    }
    const auto source = guide.text.find(r.translated_from);
    if (source == guide.text.end()) {
        error = lang_file.string() + ": the guide has no " + r.translated_from + ".toml";
        return false;
    }
    const std::string digest = text_digest(source->second);
    std::ifstream in(lang_file, std::ios::binary);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);)
        lines.push_back(line);
    // The [review] table runs from its header to the next table header.
    size_t header = lines.size();
    for (size_t i = 0; i < lines.size(); ++i)
        if (lines[i].rfind("[review]", 0) == 0) header = i;
    if (header == lines.size()) {
        error = lang_file.string() + ": no [review] table";
        return false;
    }
    size_t end = header + 1;
    while (end < lines.size() && (lines[end].empty() || lines[end][0] != '['))
        ++end;
    const std::string entry = "source_digest = \"" + digest + "\"";
    bool done = false;
    for (size_t i = header + 1; i < end && !done; ++i)
        if (lines[i].rfind("source_digest", 0) == 0) lines[i] = entry, done = true;
    if (!done) {
        size_t at = header + 1;
        while (at < end && lines[at].rfind("translated_from", 0) != 0)
            ++at;
        lines.insert(lines.begin() + static_cast<long>(at < end ? at + 1 : header + 1), entry);
    }
    const fs::path tmp = lang_file.string() + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        for (const auto& l : lines)
            out << l << '\n';
        if (!out) {
            error = tmp.string() + ": cannot write";
            return false;
        }
    }
    std::error_code ec;
    fs::rename(tmp, lang_file, ec);
    if (ec) {
        error = lang_file.string() + ": " + ec.message();
        return false;
    }
    return true;
}

int longest_sentence_words(const std::string& text) {
    int longest = 0, words = 0;
    bool in_word = false;
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        // Sentence ends of other scripts: Urdu's full stop U+06D4 (DB 94), the Arabic
        // question mark U+061F (D8 9F), the Ethiopic full stop U+1362 (E1 8D A2).
        size_t skip = 0;
        if (i + 1 < text.size() && ((c == '\xDB' && text[i + 1] == '\x94') || (c == '\xD8' && text[i + 1] == '\x9F')))
            skip = 1;
        if (i + 2 < text.size() && c == '\xE1' && text[i + 1] == '\x8D' && text[i + 2] == '\xA2') skip = 2;
        const size_t after = i + skip + 1;
        // A full stop ends a sentence only before white space or the end ("1.5", "borger.dk" do not).
        const bool next_is_space = after >= text.size() || text[after] == ' ' || text[after] == '\n';
        const bool ends = c == '\n' || ((c == '.' || c == '!' || c == '?' || c == ':' || skip > 0) && next_is_space);
        i += skip;
        const bool space = c == ' ' || c == '\t' || c == '\r';
        if (!space && !ends && !in_word) {
            in_word = true;
            ++words;
        }
        if (space) in_word = false;
        if (ends) {
            longest = std::max(longest, words);
            words = 0;
            in_word = false;
        }
    }
    return std::max(longest, words);
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
