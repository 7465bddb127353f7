// The session's video call: its buttons, what the call reports, and when the line runs.
#include "core/session.hpp"
#include "core/session_parts.hpp"

#include <algorithm>
#include <utility>

namespace ledsager::core {

// The video call's own buttons (the call's events come through on_call).
void Session::use_call(const Action& a, Millis now) {
    auto& d = data_;
    switch (a.kind) {
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
        default:
            return;
    }
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

}  // namespace ledsager::core
