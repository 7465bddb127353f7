// Guide model: what a guide is once loaded from assets/guides/<id>/.
// A guide is structure (guide.toml: steps, branches, images, sources) plus text per
// language (<lang>.toml). The loader lives in content.hpp; nothing here does I/O.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ledsager::common {

// The id a step's `next` uses to say "the guide is finished here".
inline constexpr const char* kEndStep = "end";

enum class StepKind {
    Info,      // explains something; one primary action: Next
    Check,     // the citizen does something on another site: "Did that work? Yes / No"
    Question,  // a branching question with two or more answers
};

struct Choice {
    std::string id;    // stable id; the label comes from the language file
    std::string next;  // step id or kEndStep
    int line = 0;      // line in guide.toml, for diagnostics
};

struct Step {
    std::string id;
    StepKind kind = StepKind::Info;
    std::string next;             // Info: the step after; Check: the step after "Yes"
    std::string if_no;            // Check: the step after "No"; empty means "offer a person"
    std::vector<Choice> choices;  // Question only
    std::string image;            // file name inside the guide folder (PNG), may be empty
    // Drawn variants of the image found beside it: <name>.contrast.png for the high-contrast
    // theme, <name>.rtl.png (and .rtl.contrast.png) where the picture's layout is mirrored for
    // right-to-left languages. Without one, the plain image serves.
    bool image_contrast = false, image_rtl = false, image_rtl_contrast = false;
    std::string icon;  // icon name drawn in the illustration slot when there is no image
    int line = 0;
};

// The lines of a step's text, empty lines left out: each is one action, numbered on screen
// ("1." is the first), and a step's picture points at them by those numbers.
std::vector<std::string> text_lines(const std::string& text);

// Text of one step in one language.
struct StepText {
    std::string title;
    std::string text;
    std::map<std::string, std::string> choices;  // choice id -> label
    std::string image_alt;                       // what the illustration shows, for people who cannot see it
    std::string audio;  // a recording of the step (WAV in the guide folder), read aloud instead of synthesis
};

// Who made a language's text and who checked it ([review] in <lang>.toml).
struct Review {
    std::string translated_from;  // the language this text was translated from ("" = written in it)
    std::string source_digest;    // text_digest() of that language's text when it was translated
    std::string translator;       // a name or a role
    std::string reviewed_by;      // a name or a role
    std::string reviewed;         // ISO date
    int line = 0;                 // of [review] (0 = no [review])
};

struct GuideText {
    Review review;
    bool outdated = false;  // its source language's text changed after it was translated
    std::string title;
    std::string subtitle;
    std::vector<std::string> needs;  // "What you need" checklist, shown before step 1
    std::map<std::string, StepText> steps;
    std::string end_title;
    std::string end_summary;
};

struct Source {
    std::string url;
    std::string checked;  // ISO date the facts were last checked against the page
    int line = 0;
};

struct Guide {
    std::string id;        // equals the folder name
    std::string category;  // life situation (see categories() in catalogue.hpp)
    std::string icon;
    int order = 100;  // position within its category
    std::vector<Source> sources;
    std::vector<Step> steps;                // in declared order; steps.front() is the start
    std::map<std::string, GuideText> text;  // language code -> text
    std::string folder;                     // absolute or relative path of the guide folder
    std::string sources_checked;            // the oldest 'checked' date of its sources
    bool sources_stale = false;             // that date is older than ContentOptions::max_source_age_months

    const Step* find_step(const std::string& step_id) const;
    int step_index(const std::string& step_id) const;  // -1 when unknown
    // Text in `lang`, falling back along `fallback` (e.g. {"en", "da"}).
    // Returns nullptr only when the guide has no text in any of them.
    const GuideText* text_for(const std::string& lang, const std::vector<std::string>& fallback,
                              std::string* used_lang = nullptr) const;
    // Number of steps on the main path (following Next/Yes/first answer) from the start.
    int main_path_length() const;
    // Steps from `step_id` (counting it) to the end along the main path (Next, Yes, the
    // first answer); the fewest steps when the main path loops. -1 when there is no way.
    int main_path_from(const std::string& step_id) const;
    // Fewest steps from `step_id` (counting it) to the end; -1 when the end cannot be
    // reached. "Step N of M" uses steps already taken + this.
    int steps_to_end(const std::string& step_id) const;
    // The steps every way from the start to the end goes through, in the order they are
    // passed (the start first); empty when the end cannot be reached. Whoever reached one of
    // them reached the ones before it: the hub's reports round the funnel along them.
    std::vector<std::string> spine() const;
    // The steps as chains in which whoever reached a step reached the one before it: the
    // spine, and runs of steps where a step leads only to the next and the next is reached
    // from it alone (inside a branch). Each step is in one chain at most; the first chain
    // begins with the start step (it may be all it holds), the others hold two steps or more.
    std::vector<std::vector<std::string>> funnels() const;
    // The ids a step can lead to (next, if_no, each choice's next); may include kEndStep.
    static std::vector<std::string> successors(const Step& step);
};

}  // namespace ledsager::common
