#include "core/guide.hpp"

#include <deque>
#include <set>

namespace ledsager::core {

std::vector<std::string> text_lines(const std::string& text) {
    std::vector<std::string> lines;
    for (size_t pos = 0; pos <= text.size();) {
        size_t end = text.find('\n', pos);
        if (end == std::string::npos) end = text.size();
        if (end > pos) lines.push_back(text.substr(pos, end - pos));
        pos = end + 1;
    }
    return lines;
}

const Step* Guide::find_step(const std::string& step_id) const {
    for (const auto& s : steps)
        if (s.id == step_id) return &s;
    return nullptr;
}

int Guide::step_index(const std::string& step_id) const {
    for (size_t i = 0; i < steps.size(); ++i)
        if (steps[i].id == step_id) return static_cast<int>(i);
    return -1;
}

const GuideText* Guide::text_for(const std::string& lang, const std::vector<std::string>& fallback,
                                 std::string* used_lang) const {
    auto it = text.find(lang);
    if (it != text.end()) {
        if (used_lang) *used_lang = lang;
        return &it->second;
    }
    for (const auto& f : fallback) {
        it = text.find(f);
        if (it != text.end()) {
            if (used_lang) *used_lang = f;
            return &it->second;
        }
    }
    return nullptr;
}

std::vector<std::string> Guide::successors(const Step& step) {
    std::vector<std::string> out;
    if (!step.next.empty()) out.push_back(step.next);
    if (!step.if_no.empty()) out.push_back(step.if_no);
    for (const auto& c : step.choices)
        out.push_back(c.next);
    return out;
}

int Guide::main_path_length() const {
    return steps.empty() ? 0 : main_path_from(steps.front().id);
}

int Guide::main_path_from(const std::string& step_id) const {
    std::set<std::string> seen;
    const Step* s = find_step(step_id);
    int n = 0;
    while (s && seen.insert(s->id).second) {
        ++n;
        const std::string next =
            s->kind == StepKind::Question ? (s->choices.empty() ? std::string() : s->choices.front().next) : s->next;
        if (next == kEndStep) return n;
        s = find_step(next);
    }
    return steps_to_end(step_id);
}

int Guide::steps_to_end(const std::string& step_id) const {
    // Breadth-first search over steps; distance counts the starting step.
    std::deque<std::pair<const Step*, int>> queue;
    std::set<std::string> seen;
    if (const Step* s = find_step(step_id)) {
        queue.emplace_back(s, 1);
        seen.insert(s->id);
    }
    while (!queue.empty()) {
        auto [s, d] = queue.front();
        queue.pop_front();
        for (const auto& next : successors(*s)) {
            if (next == kEndStep) return d;
            if (const Step* n = find_step(next); n && seen.insert(n->id).second) queue.emplace_back(n, d + 1);
        }
    }
    return -1;
}

}  // namespace ledsager::core
