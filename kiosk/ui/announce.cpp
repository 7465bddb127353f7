#include "ui/announce.hpp"

#include <algorithm>

namespace ledsager::ui {

namespace {

const std::string& words(const Element& e) {
    return e.speech.empty() ? e.label : e.speech;
}

// Where the screen's own elements start: the last dialog, if one is open.
size_t first_element(const std::vector<Element>& els) {
    size_t start = 0;
    for (size_t i = 0; i < els.size(); ++i)
        if (els[i].role == Role::Dialog) start = i;
    return start;
}

}  // namespace

std::string Announcer::role_and_state(const Element& e, const core::Translator& tr, const std::string& lang) {
    std::vector<std::string> parts;
    if (e.role == Role::Button || e.role == Role::Tile) parts.push_back(tr.tr(lang, N_("role.button")));
    if (e.toggle)
        parts.push_back(tr.tr(lang, e.selected ? N_("state.on") : N_("state.off")));
    else if (e.selected)
        parts.push_back(tr.tr(lang, N_("state.selected")));
    if (e.unavailable) parts.push_back(tr.tr(lang, N_("state.unavailable")));
    std::string s;
    for (const auto& p : parts)
        s += (s.empty() ? "" : ", ") + p;
    return s;
}

std::string Announcer::describe(const Element& e, const core::Translator& tr, const std::string& lang) {
    const std::string rest = role_and_state(e, tr, lang);
    return rest.empty() ? words(e) : words(e) + ", " + rest;
}

std::vector<SpokenPart> Announcer::after_frame(const AnnounceInput& in) {
    if (!in.speech) {
        was_on_ = false;
        last_screen_.clear();
        last_focus_.clear();
        return {};
    }
    const auto& els = in.elements;
    const size_t start = first_element(els);
    const std::string dialog = start < els.size() && els[start].role == Role::Dialog ? els[start].id : "";
    const std::string key = in.screen_key + "|" + dialog;
    const Element* focused = nullptr;
    for (const auto& e : els)
        if (e.focused) focused = &e;
    const std::string focus_id = focused ? focused->id : "";

    std::vector<SpokenPart> parts;
    auto add = [&](const std::string& text, const std::string& lang) {
        if (text.empty()) return;
        const std::string voice = !lang.empty() && in.has_voice && in.has_voice(lang) ? lang : in.speech_lang;
        if (!parts.empty() && parts.back().lang == voice && parts.back().audio.empty())
            parts.back().text += "\n" + text;
        else
            parts.push_back({text, voice, {}});
    };
    auto say_element = [&](const Element& e) {
        // The element in its own language (a language's own name), its role in the voice's.
        const std::string voice = !e.lang.empty() && in.has_voice && in.has_voice(e.lang) ? e.lang : in.speech_lang;
        if (voice == in.speech_lang) {
            add(describe(e, in.tr, in.speech_lang), in.speech_lang);
        } else {
            add(words(e), e.lang);
            add(role_and_state(e, in.tr, in.speech_lang), in.speech_lang);
        }
    };

    const bool turned_on = !was_on_;
    was_on_ = true;
    if (turned_on) add(in.tr.tr(in.speech_lang, N_("speech.on")), in.speech_lang);
    if (turned_on || key != last_screen_ || in.input.repeat || (in.input.read_aloud && !turned_on)) {
        // The screen from the top: headings and text in drawing order, then where focus is.
        // A step with a recording is played as recorded instead of its title and lines.
        bool recorded = false;
        for (size_t i = start; i < els.size(); ++i) {
            const Element& e = els[i];
            if (!e.visible) continue;
            if (!e.audio.empty()) {
                parts.push_back({"", in.speech_lang, e.audio});
                recorded = true;
                continue;
            }
            if (recorded && (e.id.rfind("step.text", 0) == 0)) continue;
            switch (e.role) {
                case Role::Heading:
                case Role::Text:
                case Role::Progress:
                    add(words(e), e.lang);
                    break;
                case Role::Image:
                    if (!e.label.empty()) add(words(e), e.lang);
                    break;
                default:
                    break;
            }
        }
        if (focused) say_element(*focused);
        last_screen_ = key;
    } else if (focused && (focus_id != last_focus_ || !in.input.explored.empty())) {
        say_element(*focused);
        // Touched once: say how to use it.
        if (!in.input.explored.empty()) add(in.tr.tr(in.speech_lang, N_("speech.touch_again")), in.speech_lang);
    }
    last_focus_ = focus_id;

    for (const auto& p : parts) {
        said_.push_back(p.audio.empty() ? p.text : "[recording] " + p.audio);
        ++count_;
        if (said_.size() > 400) said_.pop_front();
    }
    return parts;
}

}  // namespace ledsager::ui
