#include "core/session.hpp"
#include "core/session_parts.hpp"

#include <algorithm>
#include <utility>

namespace ledsager::core {

const char* screen_name(Screen s) {
    switch (s) {
        case Screen::Attract:
            return "attract";
        case Screen::Language:
            return "language";
        case Screen::Catalogue:
            return "catalogue";
        case Screen::Needs:
            return "needs";
        case Screen::Step:
            return "step";
        case Screen::End:
            return "end";
        case Screen::Help:
            return "help";
        case Screen::Consent:
            return "consent";
        case Screen::Waiting:
            return "waiting";
        case Screen::Wiped:
            return "wiped";
        case Screen::Call:
            return "call";
    }
    return "?";
}

const char* call_phase_name(CallPhase p) {
    switch (p) {
        case CallPhase::None:
            return "none";
        case CallPhase::Waiting:
            return "waiting";
        case CallPhase::Connecting:
            return "connecting";
        case CallPhase::Active:
            return "active";
        case CallPhase::Reconnecting:
            return "reconnecting";
        case CallPhase::Ended:
            return "ended";
        case CallPhase::NoAnswer:
            return "no_answer";
        case CallPhase::Lost:
            return "lost";
    }
    return "?";
}

Session::Session(const KioskConfig& config, const common::ContentSet& content)
    : config_(config), content_(content), data_(fresh()) {}

SessionData Session::fresh() const {
    SessionData d;
    d.lang = config_.default_language;
    d.text_scale = config_.text_scale;
    d.high_contrast = config_.high_contrast;
    return d;
}

void Session::settings_changed() {
    // Only between sessions: the attract screen starts afresh in the (maybe new) default language.
    if (data_.screen == Screen::Attract) data_ = fresh();
}

const common::Guide* Session::guide() const {
    return data_.guide_id.empty() ? nullptr : content_.find(data_.guide_id);
}

const common::Step* Session::step() const {
    const common::Guide* g = guide();
    return g ? g->find_step(data_.step_id) : nullptr;
}

void Session::go_to_step(const std::string& step_id) {
    if (step_id == common::kEndStep) {
        data_.screen = Screen::End;
        data_.helped.reset();
        return;
    }
    const common::Guide* g = guide();
    if (!g || !g->find_step(step_id)) return;
    if (data_.screen == Screen::Step) data_.history.push_back(data_.step_id);
    if (data_.step_id != step_id) data_.assist_signalled = false;
    data_.step_id = step_id;
    data_.screen = Screen::Step;
}

void Session::activity(Millis now) {
    data_.last_activity = now;
    data_.warning = false;
}

void Session::apply(const Action& a, Millis now) {
    activity(now);
    auto& d = data_;
    const std::string step_before = d.step_id;
    struct StepClock {  // restarts the "idle on this step" clock when the step changes
        SessionData& d;
        const std::string& before;
        Millis now;
        ~StepClock() {
            if (d.step_id != before) d.step_since = now;
        }
    } step_clock{d, step_before, now};
    if (a.kind == ActionKind::Back && d.screen == Screen::Step && config_.assist_backs > 0) {
        d.backs.push_back(now);
        std::erase_if(d.backs, [&](Millis t) { return now - t > 120000; });
        if (static_cast<int>(d.backs.size()) >= config_.assist_backs) {
            assist_signal("back_and_forth");
            d.backs.clear();
        }
    }
    // Each kind of action belongs to one part of the session.
    switch (a.kind) {
        case ActionKind::Start:
        case ActionKind::ChooseLanguage:
        case ActionKind::OpenLanguage:
        case ActionKind::OpenGuide:
        case ActionKind::BeginSteps:
        case ActionKind::Next:
        case ActionKind::Yes:
        case ActionKind::No:
        case ActionKind::Choose:
        case ActionKind::Back:
        case ActionKind::StartOver:
        case ActionKind::AnotherTask:
        case ActionKind::EndSession:
        case ActionKind::Confusing:
        case ActionKind::Helped:
        case ActionKind::Dismiss:
            walk(a, now);
            return;
        case ActionKind::ReadAloud:
        case ActionKind::SpeechOff:
        case ActionKind::SpeechRate:
        case ActionKind::SpeechVolume:
        case ActionKind::SpeechVoice:
        case ActionKind::CloseSpeech:
        case ActionKind::CycleTextScale:
        case ActionKind::ToggleContrast:
        case ActionKind::Continue:
            prefer(a);
            return;
        case ActionKind::OpenHelp:
        case ActionKind::CloseHelp:
        case ActionKind::ChooseHelp:
        case ActionKind::SendHelp:
        case ActionKind::ToggleNeed:
        case ActionKind::PrintNumber:
        case ActionKind::ReturnWhileWaiting:
        case ActionKind::CancelHelp:
            ask_for_help(a, now);
            return;
        case ActionKind::CallMute:
        case ActionKind::CallCamera:
        case ActionKind::CallKeyboard:
        case ActionKind::CallType:
        case ActionKind::CallErase:
        case ActionKind::CallEnd:
        case ActionKind::CallBack:
        case ActionKind::CallKeepWaiting:
        case ActionKind::CallFrontDesk:
            use_call(a, now);
            return;
    }
}

// Moving through the kiosk: languages, guides and their steps, the end of a session.
void Session::walk(const Action& a, Millis now) {
    auto& d = data_;
    switch (a.kind) {
        case ActionKind::Start:
            if (d.screen != Screen::Attract) return;
            counts_.sessions++;
            d.screen = config_.offered.size() > 1 ? Screen::Language : Screen::Catalogue;
            d.return_to = Screen::Catalogue;
            return;
        case ActionKind::ChooseLanguage:
            if (std::find(config_.offered.begin(), config_.offered.end(), a.arg) == config_.offered.end()) return;
            d.lang = a.arg;
            if (d.screen == Screen::Language) d.screen = d.return_to;
            check_voice();
            return;
        case ActionKind::OpenLanguage:
            if (d.screen == Screen::Attract || d.screen == Screen::Wiped || d.screen == Screen::Language) return;
            d.return_to = d.screen;
            d.screen = Screen::Language;
            return;
        case ActionKind::OpenGuide:
            if (d.screen != Screen::Catalogue || !content_.find(a.arg)) return;
            d.guide_id = a.arg;
            d.step_id.clear();
            d.history.clear();
            d.screen = Screen::Needs;
            return;
        case ActionKind::BeginSteps:
            if (d.screen != Screen::Needs || !guide()) return;
            d.history.clear();
            d.step_id.clear();
            go_to_step(guide()->steps.front().id);
            return;
        case ActionKind::Next:
        case ActionKind::Yes:
            if (d.screen != Screen::Step || !step()) return;
            if ((a.kind == ActionKind::Next) != (step()->kind == common::StepKind::Info)) return;
            go_to_step(step()->next);
            return;
        case ActionKind::No: {
            if (d.screen != Screen::Step || !step() || step()->kind != common::StepKind::Check) return;
            if (!step()->if_no.empty()) {
                go_to_step(step()->if_no);
            } else {
                d.help = {d.guide_id, d.step_id, true};
                d.return_to = Screen::Step;
                d.screen = Screen::Help;
            }
            return;
        }
        case ActionKind::Choose:
            if (d.screen != Screen::Step || !step() || step()->kind != common::StepKind::Question) return;
            for (const auto& c : step()->choices)
                if (c.id == a.arg) {
                    go_to_step(c.next);
                    return;
                }
            return;
        case ActionKind::Back:
            if (d.screen == Screen::Step) {
                if (d.history.empty()) {
                    d.screen = Screen::Needs;
                } else {
                    d.step_id = d.history.back();
                    d.history.pop_back();
                }
            } else if (d.screen == Screen::Needs) {
                d.screen = Screen::Catalogue;
                d.guide_id.clear();
            } else if (d.screen == Screen::Language || d.screen == Screen::Help) {
                d.screen = d.return_to;
            } else if (d.screen == Screen::Consent) {
                d.escalation = Escalation{};
                d.screen = Screen::Help;
            } else if (d.screen == Screen::End) {
                d.screen = Screen::Step;  // back to the last step
            } else if (d.screen == Screen::Wiped) {
                d.screen = Screen::Attract;
            }
            return;
        case ActionKind::StartOver:
            if (d.screen == Screen::Attract || d.screen == Screen::Wiped) return;
            d.guide_id.clear();
            d.step_id.clear();
            d.history.clear();
            d.helped.reset();
            d.screen = Screen::Catalogue;
            return;
        case ActionKind::AnotherTask:
            if (d.screen != Screen::End) return;
            d.guide_id.clear();
            d.step_id.clear();
            d.history.clear();
            d.helped.reset();
            d.screen = Screen::Catalogue;
            return;
        case ActionKind::EndSession:
            if (d.screen == Screen::Attract || d.screen == Screen::Wiped) return;
            wipe(now, false);
            return;
        case ActionKind::Confusing:
            if (d.screen != Screen::Step || d.confusing_step == d.step_id) return;
            d.confusing_step = d.step_id;
            counts_.confusing++;
            return;
        case ActionKind::Helped:
            if (d.screen != Screen::End || d.helped) return;
            d.helped = a.value != 0;
            (a.value ? counts_.helped_yes : counts_.helped_no)++;
            return;
        case ActionKind::Dismiss:
            if (d.screen == Screen::Wiped) d.screen = Screen::Attract;
            return;
        default:
            return;
    }
}

// How the kiosk shows and reads itself to this citizen: reading aloud, text size, contrast.
void Session::prefer(const Action& a) {
    auto& d = data_;
    switch (a.kind) {
        case ActionKind::ReadAloud:
            if (!d.speech) {
                d.speech = true;
                d.speech_dialog = SpeechDialog::None;
                check_voice();
            } else {
                d.speech_dialog = SpeechDialog::Settings;
            }
            return;
        case ActionKind::SpeechOff:
            d.speech = false;
            d.speech_dialog = SpeechDialog::None;
            return;
        case ActionKind::SpeechRate:
            d.speech_rate = std::clamp(d.speech_rate + (a.value > 0 ? 1 : -1), -kSpeechSteps, kSpeechSteps);
            return;
        case ActionKind::SpeechVolume:
            d.speech_volume = std::clamp(d.speech_volume + (a.value > 0 ? 1 : -1), -kSpeechSteps, kSpeechSteps);
            return;
        case ActionKind::SpeechVoice:
            if (a.arg != "da" && a.arg != "en") return;
            d.speech_lang = a.arg;
            if (d.speech_dialog == SpeechDialog::NoVoice) d.speech_dialog = SpeechDialog::None;
            return;
        case ActionKind::CloseSpeech:
            // Closing the "no voice" question without a choice turns reading aloud off again.
            if (d.speech_dialog == SpeechDialog::NoVoice && speech_language().empty()) d.speech = false;
            d.speech_dialog = SpeechDialog::None;
            return;
        case ActionKind::CycleTextScale:
            d.text_scale = d.text_scale >= 200 ? 100 : d.text_scale + 50;
            return;
        case ActionKind::ToggleContrast:
            d.high_contrast = !d.high_contrast;
            return;
        case ActionKind::Continue:
            return;  // activity() already cleared the warning
        default:
            return;
    }
}

void Session::wipe(Millis now, bool timed_out) {
    if (timed_out) counts_.timeouts++;
    // A request the citizen can no longer follow is withdrawn (only its number is kept).
    const auto& e = data_.escalation;
    if ((e.phase == Escalation::Phase::Waiting || e.phase == Escalation::Phase::Claimed) && e.id)
        cancels_.push_back(e.id);
    // A call under way is hung up at once (the caseworker sees it end, not just the request).
    if (data_.screen == Screen::Call && (answered(data_.call.phase) || data_.call.phase == CallPhase::Lost))
        call_hangup_ = true;
    data_ = fresh();
    data_.screen = Screen::Wiped;
    data_.wiped_at = now;
    data_.last_activity = now;
    data_.timed_out = timed_out;
}

void Session::tick(Millis now) {
    auto& d = data_;
    if (d.screen == Screen::Attract) return;
    // Long on one step without touching anything: a quiet signal to staff (not a request).
    if (d.screen == Screen::Step && config_.assist_idle_on_step_s > 0 && !d.assist_signalled && !d.warning &&
        now - std::max(d.last_activity, d.step_since) >= config_.assist_idle_on_step_s * 1000LL) {
        assist_signal("idle_on_step");
    }
    if (d.screen == Screen::Wiped) {
        if (now - d.wiped_at >= config_.wiped_notice_s * 1000LL) d = fresh();
        return;
    }
    if (d.screen == Screen::Call) {
        auto& c = d.call;
        if (c.phase == CallPhase::Waiting && now - c.waiting_since >= config_.video_answer_timeout_s * 1000LL) {
            set_call_phase(CallPhase::NoAnswer, now);
        } else if (c.phase == CallPhase::Connecting && now - c.since >= connect_limit()) {
            // Answered, but the call never came up (the caseworker's page went away, a network
            // that lets nothing through): the front desk, as for a lost call.
            call_hangup_ = true;
            set_call_phase(CallPhase::Lost, now);
        } else if (c.phase == CallPhase::Reconnecting && now - c.since >= config_.video_reconnect_timeout_s * 1000LL) {
            call_hangup_ = true;
            set_call_phase(CallPhase::Lost, now);
        } else if (c.phase == CallPhase::Ended && now - c.since >= kCallEndedNoticeMs) {
            leave_call();
            d.last_activity = now;
        }
    }
    if (!d.warning && now - d.last_activity >= idle_limit()) {
        d.warning = true;
        d.warning_since = d.last_activity + idle_limit();
    }
    if (d.warning && now - d.warning_since >= config_.warning_countdown_s * 1000LL) wipe(now, true);
}

int Session::countdown_seconds(Millis now) const {
    const Millis left = config_.warning_countdown_s * 1000LL - (now - data_.warning_since);
    return static_cast<int>(std::max<Millis>(0, (left + 999) / 1000));
}

Millis Session::next_deadline(Millis now) const {
    const auto& d = data_;
    switch (d.screen) {
        case Screen::Attract:
            return -1;
        case Screen::Wiped:
            return d.wiped_at + config_.wiped_notice_s * 1000LL;
        default:
            break;
    }
    Millis hub_due = -1;
    const auto& e = d.escalation;
    if (!e.in_flight && (e.phase == Escalation::Phase::Sending || e.phase == Escalation::Phase::Waiting ||
                         e.phase == Escalation::Phase::Claimed))
        hub_due = e.next_call;
    if ((!cancels_.empty() && !cancel_in_flight_) || !signals_.empty()) hub_due = now;
    if (d.screen == Screen::Step && config_.assist_idle_on_step_s > 0 && !d.assist_signalled && hub_enabled()) {
        const Millis idle_due = std::max(d.last_activity, d.step_since) + config_.assist_idle_on_step_s * 1000LL;
        hub_due = hub_due >= 0 ? std::min(hub_due, idle_due) : idle_due;
    }
    if (d.screen == Screen::Call) {
        Millis call_due = -1;
        if (d.call.phase == CallPhase::Waiting)
            call_due = d.call.waiting_since + config_.video_answer_timeout_s * 1000LL;
        if (d.call.phase == CallPhase::Reconnecting)
            call_due = d.call.since + config_.video_reconnect_timeout_s * 1000LL;
        if (d.call.phase == CallPhase::Connecting) call_due = d.call.since + connect_limit();
        if (d.call.phase == CallPhase::Ended) call_due = d.call.since + kCallEndedNoticeMs;
        if (call_due >= 0) hub_due = hub_due >= 0 ? std::min(hub_due, call_due) : call_due;
    }
    auto earliest = [&](Millis t) { return hub_due >= 0 ? std::min(t, hub_due) : t; };
    if (!d.warning) return earliest(d.last_activity + idle_limit());
    // While counting down, wake each second so the number on screen changes.
    const Millis end = d.warning_since + config_.warning_countdown_s * 1000LL;
    const Millis next_second = now + 1000 - ((now - d.warning_since) % 1000);
    return earliest(std::min(end, next_second));
}

bool Session::has_voice(const std::string& lang) const {
    return std::find(voices_.begin(), voices_.end(), lang) != voices_.end();
}

std::string Session::speech_language() const {
    if (has_voice(data_.lang)) return data_.lang;
    return data_.speech_lang;
}

void Session::check_voice() {
    if (data_.speech && speech_language().empty()) data_.speech_dialog = SpeechDialog::NoVoice;
}

Millis Session::idle_limit() const {
    // Talking to a caseworker: no "Are you still there?" (the caseworker can see them).
    if (data_.screen == Screen::Call && answered(data_.call.phase)) return 24LL * 3600 * 1000;
    // Someone waiting for a person may stand still for a while: give them 15 minutes.
    const auto p = data_.escalation.phase;
    const bool waiting =
        p == Escalation::Phase::Sending || p == Escalation::Phase::Waiting || p == Escalation::Phase::Claimed;
    // Listening takes longer than reading: reading aloud has its own, longer limit.
    const int idle = data_.speech ? std::max(config_.inactivity_timeout_s, config_.speech_inactivity_timeout_s)
                                  : config_.inactivity_timeout_s;
    return std::max<Millis>(idle, waiting ? 900 : 0) * 1000LL;
}

std::pair<int, int> Session::progress() const {
    const common::Guide* g = guide();
    if (!g) return {0, 0};
    const int n = static_cast<int>(data_.history.size()) + 1;
    const int to_end = g->main_path_from(data_.step_id);
    return {n, n - 1 + std::max(1, to_end)};
}

void Session::show(Screen screen, const std::string& guide_id, const std::string& step_id, Millis now) {
    data_.screen = screen;
    data_.guide_id = guide_id;
    data_.step_id = step_id;
    data_.history.clear();
    // Fill history along the main path so "Step N of M" is right for the shown step.
    if (const common::Guide* g = guide(); g && !step_id.empty()) {
        std::vector<std::string> path;
        // Breadth-first search for the shortest route from the first step to step_id.
        std::vector<std::pair<std::string, int>> nodes{{g->steps.front().id, -1}};
        for (size_t i = 0; i < nodes.size() && nodes[i].first != step_id; ++i) {
            const common::Step* s = g->find_step(nodes[i].first);
            if (!s) continue;
            for (const auto& n : common::Guide::successors(*s))
                if (n != common::kEndStep &&
                    std::none_of(nodes.begin(), nodes.end(), [&](auto& x) { return x.first == n; }))
                    nodes.emplace_back(n, static_cast<int>(i));
        }
        for (size_t i = 0; i < nodes.size(); ++i)
            if (nodes[i].first == step_id) {
                for (int p = nodes[i].second; p >= 0; p = nodes[p].second)
                    path.insert(path.begin(), nodes[p].first);
                break;
            }
        data_.history = path;
    }
    data_.last_activity = now;
    if (screen == Screen::Help || screen == Screen::Consent || screen == Screen::Waiting)
        data_.help = {guide_id, step_id, false};
    if (screen == Screen::Wiped) data_.wiped_at = now;
}

}  // namespace ledsager::core
