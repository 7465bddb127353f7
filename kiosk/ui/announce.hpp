// What reading aloud says, worked out from the element record (the kiosk's accessibility
// tree), never from pixels: a new screen (or dialog) is read from its heading down, a
// focus move says the element ("Next, button"; "Yes, selected"), Repeat reads the screen
// again. Pure logic: the app hands the result to the speech engine.
#pragma once

#include <deque>
#include <functional>
#include <string>
#include <vector>

#include "core/i18n.hpp"
#include "ui/ui.hpp"

namespace ledsager::ui {

struct SpokenPart {
    std::string text;
    std::string lang;
    std::string audio;  // a recording to play instead of `text`
};

struct AnnounceInput {
    const std::vector<Element>& elements;
    const std::string& screen_key;
    const FrameInput& input;
    bool speech = false;      // reading aloud is on
    std::string ui_lang;      // the language on screen
    std::string speech_lang;  // the voice for it (may differ: a language without a voice)
    const core::Translator& tr;
    std::function<bool(const std::string&)> has_voice;
};

class Announcer {
public:
    // What to say now (empty: nothing new). Parts in one language are joined.
    std::vector<SpokenPart> after_frame(const AnnounceInput& in);
    // What was said, most recent last (the last 400 utterances; only interface and guide
    // text is ever spoken, nothing the citizen typed). Tests read this.
    const std::deque<std::string>& said() const { return said_; }
    void clear_log() { said_.clear(); }
    // How many utterances in all (the log keeps only the last 400).
    std::size_t count() const { return count_; }
    // Records something the app said by itself (a new speed, "Reading aloud is off").
    void note(const std::string& text) {
        said_.push_back(text);
        ++count_;
        if (said_.size() > 400) said_.pop_front();
    }

    // The words for one element: "label, role, state".
    static std::string describe(const Element& e, const core::Translator& tr, const std::string& lang);
    // Only its role and state: "button, on".
    static std::string role_and_state(const Element& e, const core::Translator& tr, const std::string& lang);

private:
    bool was_on_ = false;
    std::string last_screen_;
    std::string last_focus_;
    std::deque<std::string> said_;
    std::size_t count_ = 0;
};

}  // namespace ledsager::ui
