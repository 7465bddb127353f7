#include "core/call.hpp"

#include "core/session.hpp"

namespace ledsager::core {

namespace {

CallNews news_of(CallEvent::Kind kind) {
    using K = CallEvent::Kind;
    switch (kind) {
        case K::Answered:
            return CallNews::Answered;
        case K::Connected:
            return CallNews::Connected;
        case K::Disconnected:
            return CallNews::Disconnected;
        case K::RemoteHangup:
            return CallNews::RemoteHangup;
        case K::Released:
            return CallNews::Released;
        case K::RemoteText:
            return CallNews::RemoteText;
        case K::Failed:
            break;
    }
    return CallNews::Failed;
}

}  // namespace

std::string follow_session(CallLine& call, Session& session, Millis now) {
    std::string failure;
    for (const auto& ev : call.take_events()) {
        if (ev.kind == CallEvent::Kind::Failed) failure = "video call: " + ev.text;
        session.on_call(news_of(ev.kind), ev.text, now);
    }
    if (session.take_call_hangup()) call.end(true);
    const std::int64_t want = session.call_request();
    if (want != call.request_id()) {
        if (call.running()) call.end(false);
        if (want) call.start(want);
    }
    const auto& c = session.data().call;
    call.set_muted(c.muted);
    call.set_camera_off(c.camera_off);
    call.send_text(c.my_text);
    return failure;
}

}  // namespace ledsager::core
