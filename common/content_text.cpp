// A guide's text in one language (<lang>.toml): read and checked against the guide's
// structure, how fresh it is against its source and its sources' dates, its digest, the
// stamp a translator sets, and sentence lengths (plain language).
#include "common/content.hpp"

#include <sodium.h>

#include <toml++/toml.h>
#include <algorithm>
#include <ctime>
#include <fstream>
#include <sstream>

#include "common/content_checks.hpp"
#include "common/languages.hpp"

namespace fs = std::filesystem;

namespace ledsager::common {
namespace checks {

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

namespace {

std::string today_iso(const ContentOptions& options) {
    return options.today.empty() ? iso_day(std::time(nullptr)) : options.today;
}

}  // namespace

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
        // A source language whose file is there but has errors of its own: those are said.
        if (source == guide.text.end() && fs::exists(folder / (r.translated_from + ".toml"))) continue;
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

}  // namespace checks

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
    return longest_sentence(text).words;
}

LongestSentence longest_sentence(const std::string& text) {
    LongestSentence best;
    int words = 0;
    size_t first = 0;  // where the sentence being counted begins (its first word)
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
            if (words++ == 0) first = i - skip;
        }
        if (space) in_word = false;
        if (ends) {
            if (words > best.words) best = {words, first, i - skip - first};
            words = 0;
            in_word = false;
        }
    }
    if (words > best.words) best = {words, first, text.size() - first};
    return best;
}

}  // namespace ledsager::common
