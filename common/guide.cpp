#include "common/guide.hpp"

#include <algorithm>
#include <deque>
#include <map>
#include <set>

namespace ledsager::common {

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

std::vector<std::string> Guide::spine() const {
    if (steps.empty()) return {};
    // Fewest steps from the start to each step, and to the end, without passing `skip`.
    auto distances = [&](const std::string& skip, int& to_end) {
        std::map<std::string, int> d;
        to_end = -1;
        std::deque<std::string> queue;
        if (steps.front().id != skip) {
            d[steps.front().id] = 0;
            queue.push_back(steps.front().id);
        }
        while (!queue.empty()) {
            const std::string at = queue.front();
            queue.pop_front();
            for (const auto& next : successors(*find_step(at))) {
                if (next == kEndStep) {
                    if (to_end < 0) to_end = d[at] + 1;
                } else if (next != skip && find_step(next) && !d.count(next)) {
                    d[next] = d[at] + 1;
                    queue.push_back(next);
                }
            }
        }
        return d;
    };
    int to_end = -1;
    const auto from_start = distances("", to_end);
    if (to_end < 0) return {};
    std::vector<std::pair<int, std::string>> on;
    for (const auto& st : steps) {
        int without = -1;
        if (from_start.count(st.id)) distances(st.id, without);
        if (from_start.count(st.id) && without < 0) on.emplace_back(from_start.at(st.id), st.id);
    }
    std::sort(on.begin(), on.end());
    std::vector<std::string> out;
    for (auto& [d, step] : on)
        out.push_back(std::move(step));
    return out;
}

std::vector<std::vector<std::string>> Guide::funnels() const {
    if (steps.empty()) return {};
    std::map<std::string, std::string> child, parent;
    const auto sp = spine();
    for (std::size_t i = 0; i + 1 < sp.size(); ++i)
        child[sp[i]] = sp[i + 1], parent[sp[i + 1]] = sp[i];
    std::map<std::string, std::set<std::string>> from;  // step -> the steps that lead to it
    for (const auto& st : steps)
        for (const auto& next : successors(st))
            if (find_step(next)) from[next].insert(st.id);
    for (const auto& st : steps) {
        auto next = successors(st);
        std::sort(next.begin(), next.end());
        next.erase(std::unique(next.begin(), next.end()), next.end());
        if (next.size() != 1 || !find_step(next[0]) || next[0] == steps.front().id || from[next[0]].size() != 1)
            continue;
        if (child.count(st.id) || parent.count(next[0])) continue;
        child[st.id] = next[0], parent[next[0]] = st.id;
    }
    std::vector<std::vector<std::string>> out;
    std::set<std::string> taken;
    auto chain_from = [&](const std::string& head) {
        std::vector<std::string> c;
        for (std::string at = head; taken.insert(at).second;) {
            c.push_back(at);
            auto it = child.find(at);
            if (it == child.end()) break;
            at = it->second;
        }
        return c;
    };
    out.push_back(chain_from(steps.front().id));
    for (const auto& st : steps)
        if (!parent.count(st.id) && child.count(st.id) && !taken.count(st.id)) out.push_back(chain_from(st.id));
    return out;
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

}  // namespace ledsager::common
