// video_call_flow: the citizen's side of a video call in the session state machine (fake
// clock, hub replies and call news fed in): consent before any camera, waiting, answered,
// talking, the caseworker or the citizen hanging up (back where they were), no answer and a
// lost call (the front desk with the same context), real-time text wiped with the session,
// and no "Are you still there?" while talking.
#include <doctest/doctest.h>

#include "core/session.hpp"

using namespace ledsager::core;
using namespace ledsager::common;

namespace {
struct Fixture {
    KioskConfig config = [] {
        KioskConfig c;
        c.hub_url = "http://127.0.0.1:1";
        c.hub_token = "t";
        c.video_answer_timeout_s = 60;
        c.video_reconnect_timeout_s = 20;
        return c;
    }();
    ContentSet content = load_content(LEDSAGER_SOURCE_ASSETS "/guides");
    Session session{config, content};
    Millis now = 1000;
    void act(ActionKind k, std::string arg = {}, int value = 0) {
        now += 500;
        session.activity(now);
        session.apply({k, std::move(arg), value}, now);
        session.tick(now);
    }
    void news(CallNews n, const std::string& text = {}) {
        now += 100;
        session.on_call(n, text, now);
        session.tick(now);
    }
    void wait(Millis ms) {
        now += ms;
        session.tick(now);
    }
    // The hub's reply to whatever the session asks next (create, poll, cancel).
    HubCall reply(const std::string& status, std::int64_t id = 7) {
        auto call = session.next_hub_call(now);
        REQUIRE(call);
        HubReply r{call->kind, true, true, 200, id, "V-007", status, "", 1, 60};
        session.on_hub_reply(r, now);
        return *call;
    }
    const SessionData& d() const { return session.data(); }
    // A citizen on step 2 of MitID login who asks for a caseworker on video.
    void ask_for_video() {
        session.set_video(true, true);
        act(ActionKind::Start);
        act(ActionKind::ChooseLanguage, "ar");
        act(ActionKind::OpenGuide, "mitid-login");
        act(ActionKind::BeginSteps);
        act(ActionKind::Choose, "app");
        act(ActionKind::OpenHelp);
        act(ActionKind::ChooseHelp, "video");
        REQUIRE(d().screen == Screen::Consent);
        CHECK(session.call_request() == 0);  // nothing starts before the citizen agrees
        act(ActionKind::SendHelp);
    }
};
}  // namespace

TEST_CASE_FIXTURE(Fixture, "video is offered only with a hub and a working call engine") {
    act(ActionKind::Start);
    act(ActionKind::ChooseLanguage, "en");
    act(ActionKind::OpenHelp);
    act(ActionKind::ChooseHelp, "video");
    CHECK(d().screen == Screen::Help);  // no call engine: stays
    session.set_video(true, false);
    CHECK(session.video_available());
    CHECK_FALSE(session.camera());
    act(ActionKind::ChooseHelp, "video");
    CHECK(d().screen == Screen::Consent);
    CHECK(d().escalation.share.kind == "video");
}

TEST_CASE_FIXTURE(Fixture, "a call from consent to the caseworker hanging up, back on the same step") {
    ask_for_video();
    CHECK(d().screen == Screen::Call);
    CHECK(d().call.phase == CallPhase::Waiting);
    const HubCall create = reply("open");
    CHECK(create.kind == HubCall::Kind::Create);
    CHECK(create.share.kind == "video");
    CHECK(create.share.guide == "mitid-login");
    CHECK(create.share.step == "choose-mitid");
    CHECK(create.share.step_number == 2);
    CHECK(create.share.language == "ar");
    CHECK(session.call_request() == 7);  // the app starts listening for the answer now

    news(CallNews::Answered, "Ali");
    CHECK(d().call.phase == CallPhase::Connecting);
    CHECK(d().call.caseworker == "Ali");
    news(CallNews::Connected);
    CHECK(d().call.phase == CallPhase::Active);

    // Mute, camera off, real-time text (typed, erased), the caseworker's text.
    act(ActionKind::CallMute);
    act(ActionKind::CallCamera);
    CHECK(d().call.muted);
    CHECK(d().call.camera_off);
    act(ActionKind::CallType, "Hansen");
    act(ActionKind::CallType, "ø");
    act(ActionKind::CallErase);
    act(ActionKind::CallErase);
    CHECK(d().call.my_text == "Hanse");
    news(CallNews::RemoteText, "Hvad er dit navn?");
    CHECK(d().call.their_text == "Hvad er dit navn?");

    // Talking for an hour: no "Are you still there?" meanwhile.
    wait(3600 * 1000);
    CHECK_FALSE(d().warning);
    CHECK(d().call.phase == CallPhase::Active);

    news(CallNews::RemoteHangup, "caseworker");
    CHECK(d().call.phase == CallPhase::Ended);
    CHECK(session.call_request() == 0);
    CHECK_FALSE(session.take_call_hangup());  // the caseworker hung up: nothing to tell them
    act(ActionKind::CallBack);
    CHECK(d().screen == Screen::Step);  // where the citizen was in the guide
    CHECK(d().step_id == "choose-mitid");
    CHECK(d().call.phase == CallPhase::None);
    CHECK(d().call.my_text.empty());
    CHECK(d().call.their_text.empty());
}

TEST_CASE_FIXTURE(Fixture, "the citizen ends the call: the caseworker is told, the request stays for the outcome") {
    ask_for_video();
    reply("open");
    news(CallNews::Answered, "Ali");
    news(CallNews::Connected);
    act(ActionKind::CallEnd);
    CHECK(session.take_call_hangup());
    CHECK(session.call_request() == 0);
    CHECK(d().screen == Screen::Step);
    CHECK_FALSE(session.next_hub_call(now).has_value());  // no cancel: the caseworker records the outcome
}

TEST_CASE_FIXTURE(Fixture, "the ended notice goes back by itself") {
    ask_for_video();
    reply("open");
    news(CallNews::Answered, "Ali");
    news(CallNews::RemoteHangup, "caseworker");
    wait(11000);
    CHECK(d().screen == Screen::Step);
    CHECK_FALSE(d().warning);
}

TEST_CASE_FIXTURE(Fixture, "stop waiting withdraws the request") {
    ask_for_video();
    reply("open");
    act(ActionKind::CallEnd);
    CHECK_FALSE(session.take_call_hangup());
    const auto cancel = session.next_hub_call(now);
    REQUIRE(cancel);
    CHECK(cancel->kind == HubCall::Kind::Cancel);
    CHECK(cancel->id == 7);
}

TEST_CASE_FIXTURE(Fixture, "no answer in time: the front desk, with the same context and no retyping") {
    ask_for_video();
    reply("open");
    act(ActionKind::ToggleNeed, "interpreter");  // not on this screen: ignored
    wait(59 * 1000);
    CHECK(d().call.phase == CallPhase::Waiting);
    wait(2000);
    CHECK(d().call.phase == CallPhase::NoAnswer);
    CHECK(session.call_request() == 7);  // still listening: a late answer still connects

    act(ActionKind::CallKeepWaiting);
    CHECK(d().call.phase == CallPhase::Waiting);
    wait(61 * 1000);
    CHECK(d().call.phase == CallPhase::NoAnswer);

    act(ActionKind::CallFrontDesk);
    CHECK(d().screen == Screen::Waiting);
    CHECK(session.call_request() == 0);
    // First the video request is withdrawn, then the in-person one is made with the same context.
    auto first = session.next_hub_call(now);
    REQUIRE(first);
    CHECK(first->kind == HubCall::Kind::Cancel);
    CHECK(first->id == 7);
    session.on_hub_reply({HubCall::Kind::Cancel, true, true, 200, 0, "", "", "", 0, 0}, now);
    auto second = session.next_hub_call(now);
    REQUIRE(second);
    CHECK(second->kind == HubCall::Kind::Create);
    CHECK(second->share.kind == "in_person");
    CHECK(second->share.guide == "mitid-login");
    CHECK(second->share.step == "choose-mitid");
    CHECK(second->share.step_number == 2);
    CHECK(second->share.language == "ar");
}

TEST_CASE_FIXTURE(Fixture, "a late answer after the no-answer notice still connects") {
    ask_for_video();
    reply("open");
    wait(61 * 1000);
    REQUIRE(d().call.phase == CallPhase::NoAnswer);
    news(CallNews::Answered, "Ali");
    CHECK(d().call.phase == CallPhase::Connecting);
}

TEST_CASE_FIXTURE(Fixture, "a lost connection comes back by itself, or the front desk is offered") {
    ask_for_video();
    reply("open");
    news(CallNews::Answered, "Ali");
    news(CallNews::Connected);
    news(CallNews::Disconnected);
    CHECK(d().call.phase == CallPhase::Reconnecting);
    CHECK(session.call_request() == 7);
    news(CallNews::Connected);
    CHECK(d().call.phase == CallPhase::Active);

    news(CallNews::Disconnected);
    wait(19 * 1000);
    CHECK(d().call.phase == CallPhase::Reconnecting);
    wait(2000);
    CHECK(d().call.phase == CallPhase::Lost);
    CHECK(session.take_call_hangup());  // the caseworker is told the call is over
    CHECK(session.call_request() == 0);
    act(ActionKind::CallFrontDesk);
    CHECK(d().screen == Screen::Waiting);
    CHECK(d().escalation.share.kind == "in_person");
    CHECK(d().escalation.share.step == "choose-mitid");
}

TEST_CASE_FIXTURE(Fixture, "the caseworker gives the call back to the queue: waiting again") {
    ask_for_video();
    reply("open");
    news(CallNews::Answered, "Ali");
    news(CallNews::Released);
    CHECK(d().call.phase == CallPhase::Waiting);
    CHECK(d().call.caseworker.empty());
    CHECK(session.call_request() == 7);
}

TEST_CASE_FIXTURE(Fixture, "a session wiped during a call withdraws the request and keeps none of its text") {
    ask_for_video();
    reply("open");
    news(CallNews::Answered, "Ali");
    news(CallNews::Connected);
    act(ActionKind::CallType, "CPR 010203-4455");
    news(CallNews::RemoteText, "Tak, Hanne");
    session.wipe(now, false);
    CHECK(d().screen == Screen::Wiped);
    CHECK(d().call.phase == CallPhase::None);
    CHECK(d().call.my_text.empty());
    CHECK(d().call.their_text.empty());
    CHECK(d().call.caseworker.empty());
    CHECK(session.call_request() == 0);
    const auto cancel = session.next_hub_call(now);
    REQUIRE(cancel);
    CHECK(cancel->kind == HubCall::Kind::Cancel);
    CHECK(cancel->id == 7);
}

TEST_CASE_FIXTURE(Fixture, "controls only work where they mean something") {
    ask_for_video();
    act(ActionKind::CallMute);  // not answered yet: nothing to mute
    act(ActionKind::CallType, "x");
    CHECK_FALSE(d().call.muted);
    CHECK(d().call.my_text.empty());
    act(ActionKind::Back);  // Back does not leave a call by accident
    CHECK(d().screen == Screen::Call);
    session.set_video(true, false);  // no camera: camera off means nothing
    reply("open");
    news(CallNews::Answered, "Ali");
    act(ActionKind::CallCamera);
    CHECK_FALSE(d().call.camera_off);
    news(CallNews::Failed, "the call pipeline cannot start");
    CHECK(d().call.phase == CallPhase::Lost);
    CHECK(session.take_call_hangup());
}

TEST_CASE_FIXTURE(Fixture, "answered but never connected: the front desk after a while, not a day of open camera") {
    ask_for_video();
    reply("open");
    news(CallNews::Answered, "Ali");
    CHECK(session.next_deadline(now) <= now + 30 * 1000);  // the kiosk wakes up for it
    wait(29 * 1000);
    CHECK(d().call.phase == CallPhase::Connecting);
    wait(2000);
    CHECK(d().call.phase == CallPhase::Lost);
    CHECK(session.take_call_hangup());
    CHECK(session.call_request() == 0);  // camera and microphone off
}

TEST_CASE_FIXTURE(Fixture, "the Help key in a call does nothing; a wiped call hangs up at once") {
    ask_for_video();
    reply("open");
    news(CallNews::Answered, "Ali");
    news(CallNews::Connected);
    act(ActionKind::OpenHelp);
    CHECK(d().screen == Screen::Call);
    CHECK(session.call_request() == 7);
    session.wipe(now, false);
    CHECK(session.take_call_hangup());
}

TEST_CASE_FIXTURE(Fixture, "asking again while a request is open withdraws the open one") {
    session.set_video(true, true);
    act(ActionKind::Start);
    act(ActionKind::ChooseLanguage, "en");
    act(ActionKind::OpenHelp);
    act(ActionKind::ChooseHelp, "in_person");
    act(ActionKind::SendHelp);
    reply("open", 5);
    REQUIRE(d().escalation.id == 5);
    act(ActionKind::OpenHelp);
    act(ActionKind::ChooseHelp, "video");
    const auto cancel = session.next_hub_call(now);
    REQUIRE(cancel);
    CHECK(cancel->kind == HubCall::Kind::Cancel);
    CHECK(cancel->id == 5);
}

TEST_CASE_FIXTURE(Fixture, "a queue ticket prints once at a time, and its outcome never reaches the next citizen") {
    config.printer_device = "/dev/usb/lp0";
    Session s{config, content};
    auto tap = [&](ActionKind k, std::string arg = {}) {
        now += 500;
        s.apply({k, std::move(arg), 0}, now);
        s.tick(now);
    };
    tap(ActionKind::Start);
    tap(ActionKind::ChooseLanguage, "en");
    tap(ActionKind::OpenHelp);
    tap(ActionKind::ChooseHelp, "in_person");
    tap(ActionKind::SendHelp);
    auto call = s.next_hub_call(now);
    REQUIRE(call);
    s.on_hub_reply({call->kind, true, true, 200, 9, "A-009", "open", "", 1, 60}, now);
    REQUIRE(s.data().screen == Screen::Waiting);
    using Print = Escalation::Print;
    tap(ActionKind::PrintNumber);
    CHECK(s.take_print_request());
    CHECK(s.data().escalation.print == Print::Printing);  // handed to the printer's thread
    tap(ActionKind::PrintNumber);                         // tapped again while it prints
    CHECK_FALSE(s.take_print_request());
    s.printed(true);
    CHECK(s.data().escalation.print == Print::Printed);
    tap(ActionKind::PrintNumber);  // one more slip
    CHECK(s.take_print_request());
    s.wipe(now, false);  // the citizen leaves while it prints
    s.printed(false);
    CHECK(s.data().escalation.print == Print::None);
}
