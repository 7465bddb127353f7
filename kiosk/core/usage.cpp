#include "core/usage.hpp"

#include <algorithm>
#include <random>

namespace ledsager::core {

namespace {
bool active(Screen s) {
    return s != Screen::Attract && s != Screen::Wiped;
}
}  // namespace

void UsageRecorder::begin(const SessionData& d, const std::string& day, int hour) {
    cur_ = {};
    cur_.day = day;
    cur_.hour = hour;
    cur_.lang = d.lang;
    cur_.step_since = -1;
    cur_.key = static_cast<std::uint32_t>(std::random_device{}());
}

void UsageRecorder::end_step(Millis now) {
    if (cur_.guide.empty() || cur_.step.empty() || cur_.step_since < 0) return;
    common::UsageEvent e;
    e.type = "step_view";
    e.guide = cur_.guide;
    e.step = cur_.step;
    e.ms = std::max<Millis>(0, now - cur_.step_since);
    e.value = cur_.first_visit ? 1 : 0;
    cur_.events.push_back(std::move(e));
    cur_.step_since = -1;
}

void UsageRecorder::end_guide(const char* how) {
    if (cur_.guide.empty() || cur_.guide_done) return;
    common::UsageEvent e;
    e.type = how;
    e.guide = cur_.guide;
    e.step = cur_.step.empty() ? "needs" : cur_.step;  // left before step 1: on "What you need"
    cur_.events.push_back(std::move(e));
}

void UsageRecorder::push(common::UsageEvent e) {
    if (buffer_.size() >= kMaxBuffered) {
        buffer_.pop_front();
        ++dropped_;
    }
    buffer_.push_back(std::move(e));
}

void UsageRecorder::finish() {
    common::UsageEvent s;
    s.type = "session";
    s.hour = cur_.hour;
    s.lang = cur_.lang;
    s.modes = cur_.modes;
    s.day = cur_.day;
    s.key = cur_.key;
    push(std::move(s));
    for (auto& e : cur_.events) {
        e.day = cur_.day;
        e.key = cur_.key;
        push(std::move(e));
    }
    cur_ = {};  // nothing of the session stays
}

void UsageRecorder::observe(const SessionData& d, Millis now, const std::string& day, int hour, bool keypad) {
    if (!in_session_ && active(d.screen)) {
        begin(d, day, hour);
        in_session_ = true;
    }
    if (!in_session_) return;
    if (!active(d.screen)) {
        end_step(now);
        end_guide("guide_left");
        finish();
        in_session_ = false;
        return;
    }
    cur_.lang = d.lang;
    auto mode = [&](bool on, const char* name) {
        if (on && std::find(cur_.modes.begin(), cur_.modes.end(), name) == cur_.modes.end())
            cur_.modes.emplace_back(name);
    };
    mode(d.speech, "read_aloud");
    mode(d.text_scale > 100, "large_text");
    mode(d.high_contrast, "high_contrast");
    mode(keypad, "keypad");

    if (d.guide_id != cur_.guide) {
        end_step(now);
        end_guide("guide_left");
        cur_.guide = d.guide_id;
        cur_.step.clear();
        cur_.step_since = -1;
        cur_.guide_done = cur_.asked_in_guide = cur_.helped_seen = false;
        cur_.confusing_seen.clear();
        cur_.visited.clear();
        if (!cur_.guide.empty()) {
            common::UsageEvent e;
            e.type = "guide_start";
            e.guide = cur_.guide;
            e.lang = d.lang;
            cur_.events.push_back(std::move(e));
        }
    }
    if (!cur_.guide.empty() && !d.step_id.empty() && d.step_id != cur_.step) {
        end_step(now);
        cur_.step = d.step_id;
        cur_.step_since = now;
        cur_.first_visit = std::find(cur_.visited.begin(), cur_.visited.end(), d.step_id) == cur_.visited.end();
        if (cur_.first_visit) cur_.visited.push_back(d.step_id);
    }
    if (d.screen == Screen::End && !cur_.guide.empty() && !cur_.guide_done) {
        end_step(now);
        cur_.guide_done = true;
        common::UsageEvent e;
        e.type = "guide_done";
        e.guide = cur_.guide;
        e.kind = cur_.asked_in_guide ? "staff" : "self";
        cur_.events.push_back(std::move(e));
    }
    if (d.helped && !cur_.helped_seen && !cur_.guide.empty()) {
        cur_.helped_seen = true;
        common::UsageEvent e;
        e.type = "helped";
        e.guide = cur_.guide;
        e.value = *d.helped ? 1 : 0;
        cur_.events.push_back(std::move(e));
    }
    if (!d.confusing_step.empty() && d.confusing_step != cur_.confusing_seen && !cur_.guide.empty()) {
        cur_.confusing_seen = d.confusing_step;
        common::UsageEvent e;
        e.type = "confusing";
        e.guide = cur_.guide;
        e.step = d.confusing_step;
        cur_.events.push_back(std::move(e));
    }
    if (d.escalation.phase != Escalation::Phase::None && cur_.phase == Escalation::Phase::None) {
        cur_.asked_in_guide = true;
        // Asked from a guide: where (asked from the task list, the hub still counts the request).
        if (!d.escalation.share.guide.empty()) {
            common::UsageEvent e;
            e.type = "help_asked";
            e.guide = d.escalation.share.guide;
            e.step = d.escalation.share.step.empty() ? "needs" : d.escalation.share.step;
            e.kind = d.escalation.share.kind;
            cur_.events.push_back(std::move(e));
        }
    }
    cur_.phase = d.escalation.phase;
}

std::vector<common::UsageEvent> UsageRecorder::take(std::size_t max) {
    std::vector<common::UsageEvent> out;
    while (!buffer_.empty() && out.size() < max) {
        out.push_back(std::move(buffer_.front()));
        buffer_.pop_front();
    }
    return out;
}

void UsageRecorder::put_back(std::vector<common::UsageEvent> events) {
    for (auto it = events.rbegin(); it != events.rend(); ++it) {
        if (buffer_.size() >= kMaxBuffered) {
            ++dropped_;
            continue;
        }
        buffer_.push_front(std::move(*it));
    }
}

}  // namespace ledsager::core
