#include "core/session.hpp"

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

namespace {
bool answered(CallPhase p) {
    return p == CallPhase::Connecting || p == CallPhase::Active || p == CallPhase::Reconnecting;
}
constexpr Millis kCallEndedNoticeMs = 10000;  // "Ali ended the call" stays this long
constexpr size_t kMaxCallText = 2000;
}  // namespace

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
                if (c.id == a.arg) return go_to_step(c.next);
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
        case ActionKind::OpenHelp:
            // In a call the person is already there (End call is the way out).
            if (d.screen == Screen::Help || d.screen == Screen::Call) return;
            // Already waiting for a person (gone back to the guide meanwhile): the help button
            // shows the request and its place in line, not a new request. (On the waiting
            // screen itself it offers the ways to a person, e.g. video instead.)
            if (waiting_for_person() && d.screen != Screen::Waiting && d.screen != Screen::Attract &&
                d.screen != Screen::Wiped) {
                d.return_to = d.screen == Screen::Language ? Screen::Catalogue : d.screen;
                d.screen = Screen::Waiting;
                return;
            }
            if (d.screen == Screen::Wiped) d.screen = Screen::Attract;  // a new visitor asking at once
            d.help = {
                d.screen == Screen::Step || d.screen == Screen::Needs || d.screen == Screen::End ? d.guide_id : "",
                d.screen == Screen::Step ? d.step_id : "", false};
            if (d.screen == Screen::Attract) counts_.sessions++;
            d.return_to = d.screen == Screen::Attract || d.screen == Screen::Language ? Screen::Catalogue : d.screen;
            d.screen = Screen::Help;
            return;
        case ActionKind::CloseHelp:
            if (d.screen == Screen::Help) d.screen = d.return_to;
            return;
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
        case ActionKind::Confusing:
            if (d.screen != Screen::Step || d.confusing_step == d.step_id) return;
            d.confusing_step = d.step_id;
            counts_.confusing++;
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
        case ActionKind::Helped:
            if (d.screen != Screen::End || d.helped) return;
            d.helped = a.value != 0;
            (a.value ? counts_.helped_yes : counts_.helped_no)++;
            return;
        case ActionKind::Dismiss:
            if (d.screen == Screen::Wiped) d.screen = Screen::Attract;
            return;
        case ActionKind::ChooseHelp:
            if (d.screen != Screen::Help || !hub_enabled() || (a.arg != "in_person" && a.arg != "video")) return;
            if (a.arg == "video" && !video_available()) return;
            // Asking again while a request is open: the open one is withdrawn, not left waiting.
            if ((d.escalation.phase == Escalation::Phase::Waiting ||
                 d.escalation.phase == Escalation::Phase::Claimed) &&
                d.escalation.id)
                cancels_.push_back(d.escalation.id);
            d.escalation = Escalation{};
            d.escalation.share = help_share(a.arg);
            d.screen = Screen::Consent;
            return;
        case ActionKind::SendHelp:
            if (d.screen != Screen::Consent) return;
            d.escalation.phase = Escalation::Phase::Sending;
            d.escalation.next_call = now;
            d.screen = Screen::Waiting;
            if (d.escalation.share.kind == "video") {
                d.screen = Screen::Call;
                d.call = CallState{};
                set_call_phase(CallPhase::Waiting, now);
                d.call.waiting_since = now;
            }
            return;
        case ActionKind::ToggleNeed: {
            if (d.screen != Screen::Consent || a.arg != "interpreter") return;
            auto& needs = d.escalation.share.needs;
            if (auto it = std::find(needs.begin(), needs.end(), a.arg); it != needs.end())
                needs.erase(it);
            else
                needs.push_back(a.arg);
            return;
        }
        case ActionKind::PrintNumber:
            if (d.screen == Screen::Waiting && !d.escalation.number.empty() && !config_.printer_device.empty() &&
                d.escalation.print != Escalation::Print::Printing)
                d.escalation.print = Escalation::Print::Requested;
            return;
        case ActionKind::CallMute:
            if (d.screen == Screen::Call && answered(d.call.phase)) d.call.muted = !d.call.muted;
            return;
        case ActionKind::CallCamera:
            if (d.screen == Screen::Call && answered(d.call.phase) && camera_) d.call.camera_off = !d.call.camera_off;
            return;
        case ActionKind::CallKeyboard:
            if (d.screen == Screen::Call && answered(d.call.phase)) d.call.keyboard = !d.call.keyboard;
            return;
        case ActionKind::CallType:
            if (d.screen == Screen::Call && answered(d.call.phase) &&
                d.call.my_text.size() + a.arg.size() <= kMaxCallText)
                d.call.my_text += a.arg;
            return;
        case ActionKind::CallErase: {
            if (d.screen != Screen::Call || !answered(d.call.phase)) return;
            auto& t = d.call.my_text;
            while (!t.empty() && (static_cast<unsigned char>(t.back()) & 0xC0) == 0x80)
                t.pop_back();  // continuation bytes
            if (!t.empty()) t.pop_back();
            return;
        }
        case ActionKind::CallEnd: {
            if (d.screen != Screen::Call) return;
            const CallPhase p = d.call.phase;
            if (p == CallPhase::Waiting || p == CallPhase::NoAnswer) {
                // Nobody answered yet: the request is withdrawn.
                if (d.escalation.id) cancels_.push_back(d.escalation.id);
            } else if (answered(p) || p == CallPhase::Lost) {
                call_hangup_ = true;  // the caseworker is told; they record the outcome
            }
            leave_call();
            return;
        }
        case ActionKind::CallBack:
            if (d.screen == Screen::Call && d.call.phase == CallPhase::Ended) leave_call();
            return;
        case ActionKind::CallKeepWaiting:
            if (d.screen != Screen::Call || d.call.phase != CallPhase::NoAnswer) return;
            set_call_phase(CallPhase::Waiting, now);
            d.call.waiting_since = now;
            return;
        case ActionKind::CallFrontDesk: {
            if (d.screen != Screen::Call || (d.call.phase != CallPhase::NoAnswer && d.call.phase != CallPhase::Lost))
                return;
            // The same context goes to the front desk: nothing to type again.
            if (d.escalation.id) cancels_.push_back(d.escalation.id);
            HelpShare share = d.escalation.share;
            share.kind = "in_person";
            d.escalation = Escalation{};
            d.escalation.share = share;
            d.escalation.phase = Escalation::Phase::Sending;
            d.escalation.next_call = now;
            d.call = CallState{};
            d.screen = Screen::Waiting;
            return;
        }
        case ActionKind::ReturnWhileWaiting:
            // The request keeps its number and place; the help button leads back to it.
            if (d.screen != Screen::Waiting || !waiting_for_person()) return;
            d.screen = d.return_to;
            // Come here by way of the help screen: back to the task itself.
            if (d.screen == Screen::Waiting || d.screen == Screen::Help || d.screen == Screen::Consent ||
                d.screen == Screen::Call)
                d.screen = !d.step_id.empty() ? Screen::Step : !d.guide_id.empty() ? Screen::Needs : Screen::Catalogue;
            return;
        case ActionKind::CancelHelp: {
            if (d.screen != Screen::Waiting && d.screen != Screen::Consent) return;
            const auto phase = d.escalation.phase;
            if ((phase == Escalation::Phase::Waiting || phase == Escalation::Phase::Claimed) && d.escalation.id)
                cancels_.push_back(d.escalation.id);
            d.escalation = Escalation{};
            d.screen = d.return_to;
            return;
        }
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

void Session::set_call_phase(CallPhase p, Millis now) {
    data_.call.phase = p;
    data_.call.since = now;
    data_.last_activity = std::max(data_.last_activity, now);  // a new call screen starts the idle timer afresh
}

void Session::leave_call() {
    // Back to where the citizen was; what was said and typed in the call is gone with it.
    data_.call = CallState{};
    data_.escalation = Escalation{};
    data_.screen = data_.return_to;
}

Millis Session::connect_limit() const {
    return std::max(30, config_.video_reconnect_timeout_s) * 1000LL;
}

std::int64_t Session::call_request() const {
    const auto& d = data_;
    const CallPhase p = d.call.phase;
    const bool live = p == CallPhase::Waiting || p == CallPhase::NoAnswer || answered(p);
    return d.screen == Screen::Call && live && d.escalation.share.kind == "video" ? d.escalation.id : 0;
}

bool Session::take_call_hangup() {
    return std::exchange(call_hangup_, false);
}

void Session::on_call(CallNews news, const std::string& text, Millis now) {
    auto& d = data_;
    auto& c = d.call;
    if (d.screen != Screen::Call || c.phase == CallPhase::None) return;
    // A call going on is the citizen being there: the inactivity timer starts afresh from it
    // (so a long call's end does not find an hour of "inactivity").
    if (answered(c.phase)) d.last_activity = std::max(d.last_activity, now);
    switch (news) {
        case CallNews::Answered:
            if (c.phase != CallPhase::Waiting && c.phase != CallPhase::NoAnswer) return;
            c.caseworker = text;
            set_call_phase(CallPhase::Connecting, now);
            return;
        case CallNews::Connected:
            if (c.phase == CallPhase::Connecting || c.phase == CallPhase::Reconnecting)
                set_call_phase(CallPhase::Active, now);
            return;
        case CallNews::Disconnected:
            if (c.phase == CallPhase::Active || c.phase == CallPhase::Connecting)
                set_call_phase(CallPhase::Reconnecting, now);
            return;
        case CallNews::RemoteHangup:
            if (c.phase == CallPhase::Ended || c.phase == CallPhase::Lost) return;
            c.end_reason = text;
            c.keyboard = false;
            d.escalation = Escalation{};  // done on the hub: the caseworker records the outcome
            set_call_phase(CallPhase::Ended, now);
            return;
        case CallNews::Released:
            if (!answered(c.phase)) return;
            c = CallState{};
            set_call_phase(CallPhase::Waiting, now);
            c.waiting_since = now;
            return;
        case CallNews::RemoteText:
            if (answered(c.phase)) c.their_text = text.size() > kMaxCallText ? text.substr(0, kMaxCallText) : text;
            return;
        case CallNews::Failed:
            if (c.phase == CallPhase::Ended || c.phase == CallPhase::Lost) return;
            if (answered(c.phase)) call_hangup_ = true;
            set_call_phase(CallPhase::Lost, now);
            return;
    }
}

void Session::assist_signal(const std::string& reason) {
    if (!hub_enabled() || data_.assist_signalled) return;
    data_.assist_signalled = true;
    HubCall call{HubCall::Kind::Signal, {}, 0, reason};
    call.share.kind = "in_person";
    call.share.guide = data_.guide_id;
    call.share.step = data_.step_id;
    call.share.step_number = static_cast<int>(data_.history.size()) + 1;
    call.share.language = data_.lang;
    signals_.push_back(call);
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

HelpShare Session::help_share(const std::string& kind) const {
    HelpShare s;
    s.kind = kind;
    s.language = data_.lang;
    if (!data_.help.guide_id.empty()) {
        s.guide = data_.help.guide_id;
        s.step = data_.help.step_id;
        s.step_number = s.step.empty() ? 0 : static_cast<int>(data_.history.size()) + 1;
    }
    if (data_.text_scale > 100) s.needs.push_back("large_text");
    return s;
}

bool Session::take_print_request() {
    if (data_.escalation.print != Escalation::Print::Requested) return false;
    data_.escalation.print = Escalation::Print::Printing;
    return true;
}

void Session::printed(bool ok) {
    if (data_.escalation.print != Escalation::Print::Printing) return;  // the citizen has gone meanwhile
    data_.escalation.print = ok ? Escalation::Print::Printed : Escalation::Print::Failed;
}

std::optional<HubCall> Session::next_hub_call(Millis now) {
    if (!signals_.empty()) {
        HubCall call = signals_.front();
        signals_.erase(signals_.begin());
        return call;  // sent once; a lost signal is not worth a retry
    }
    if (!cancels_.empty() && !cancel_in_flight_) {
        cancel_in_flight_ = true;
        return HubCall{HubCall::Kind::Cancel, {}, cancels_.front()};
    }
    auto& e = data_.escalation;
    if (e.in_flight || now < e.next_call) return std::nullopt;
    switch (e.phase) {
        case Escalation::Phase::Sending:
            e.in_flight = true;
            return HubCall{HubCall::Kind::Create, e.share, 0};
        case Escalation::Phase::Waiting:
        case Escalation::Phase::Claimed:
            e.in_flight = true;
            return HubCall{HubCall::Kind::Poll, {}, e.id};
        default:
            return std::nullopt;
    }
}

void Session::on_hub_reply(const HubReply& r, Millis now) {
    if (r.kind == HubCall::Kind::Signal || r.kind == HubCall::Kind::Heartbeat || r.kind == HubCall::Kind::Settings ||
        r.kind == HubCall::Kind::Usage)
        return;
    if (r.kind == HubCall::Kind::Cancel) {
        cancel_in_flight_ = false;
        // Done, or the hub said no (409/404: already closed): either way nothing to retry.
        if (r.reachable && !cancels_.empty()) cancels_.erase(cancels_.begin());
        return;
    }
    auto& e = data_.escalation;
    e.in_flight = false;
    // A reply for a session that has since ended or moved on: a created request nobody
    // follows any more is withdrawn.
    if (e.phase == Escalation::Phase::None || e.phase == Escalation::Phase::Closed) {
        if (r.kind == HubCall::Kind::Create && r.ok && r.id) cancels_.push_back(r.id);
        return;
    }
    if (!r.ok) {
        e.failures++;
        e.unreachable = !r.reachable || r.http_status >= 500;
        if (r.reachable && r.http_status >= 400 && r.http_status < 500 && r.http_status != 429) e.unreachable = true;
        e.next_call = now + Escalation::backoff(e.failures);
        return;
    }
    e.failures = 0;
    e.unreachable = false;
    e.id = r.id ? r.id : e.id;
    e.number = r.number.empty() ? e.number : r.number;
    e.status = r.status;
    e.position = r.position;
    e.wait_s = r.wait_s;
    e.claimed_by = r.claimed_by;
    if (r.status == "claimed")
        e.phase = Escalation::Phase::Claimed;
    else if (r.status == "open")
        e.phase = Escalation::Phase::Waiting;
    else
        e.phase = Escalation::Phase::Closed;  // resolved or cancelled by staff
    e.next_call = now + Escalation::kPollMs;
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
