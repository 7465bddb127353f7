// The session asking for a person: the request, its calls to the hub and their replies,
// quiet signals to staff, the printed number.
#include "core/session.hpp"
#include "core/session_parts.hpp"

#include <algorithm>
#include <utility>

namespace ledsager::core {

// Asking for a person: the help screen, consent, the request and its place in line.
void Session::ask_for_help(const Action& a, Millis now) {
    auto& d = data_;
    switch (a.kind) {
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

        default:
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

}  // namespace ledsager::core
