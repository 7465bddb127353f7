// help_request_e2e: a real hub on loopback and the real kiosk (headless, libcurl client):
// "Get help from a person" -> consent showing exactly what is shared -> queue number ->
// staff claim (the kiosk shows who is coming) -> resolve; the hub going down and coming
// back while the guide keeps working; a wiped session withdraws its request.
#include <httplib.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "../ui/harness.hpp"
#include "app/screenshots.hpp"
#include "hub/auth.hpp"
#include "hub/server.hpp"
#include "running_hub.hpp"
#include "temp_dir.hpp"

namespace fs = std::filesystem;
using json = nlohmann::json;
using namespace ledsager;

namespace {
using test::RunningHub;

struct StaffClient {
    httplib::Client c;
    httplib::Headers h;
    explicit StaffClient(int port) : c("127.0.0.1", port) {
        auto r =
            c.Post("/api/v1/auth/login", R"({"username":"mette","password":"mette-password"})", "application/json");
        REQUIRE(r);
        REQUIRE(r->status == 200);
        const std::string cookie = r->get_header_value("Set-Cookie");
        h = {{"Cookie", cookie.substr(0, cookie.find(';'))}, {"X-CSRF-Token", json::parse(r->body)["csrf"]}};
    }
    json requests() { return json::parse(c.Get("/api/v1/help-requests", h)->body)["requests"]; }
    int post(const std::string& path, const std::string& body = "") {
        return c.Post(path, h, body, "application/json")->status;
    }
};

core::KioskConfig kiosk_config(int port) {
    core::KioskConfig c;
    c.hub_url = "http://127.0.0.1:" + std::to_string(port);
    c.hub_token = "kiosk-token";
    c.hub_timeout_s = 2;
    c.site_place = "By the entrance";
    return c;
}

void to_failed_check(test::Harness& h) {
    h.tap("attract.start");
    h.tap("language.en");
    h.tap("guide.mitid-login");
    h.tap("needs.start");
    h.tap("step.choice.app");
    h.tap("step.no");  // "No, that didn't work" on "Choose MitID on the website": a person is offered
    REQUIRE(h.session().data().screen == core::Screen::Help);
}

}  // namespace

TEST_CASE("from 'No, that didn't work' to a person on the way, and back to the guide") {
    REQUIRE(hub::init_crypto());
    const ledsager::test::TempDir dir_tmp("ledsager-e2e");
    const std::filesystem::path& dir = dir_tmp.path;
    RunningHub hub(dir, 0);
    test::Harness h(kiosk_config(hub.port));
    to_failed_check(h);

    h.tap("help.in_person");
    INFO(h.screen_text());
    REQUIRE(h.session().data().screen == core::Screen::Consent);
    // Exactly what will be shared, and the promise that nothing else is.
    CHECK(h.shows("Task: Log in with MitID, step 2"));
    CHECK(h.shows("Language: English"));
    CHECK(h.shows("Where: By the entrance"));
    CHECK(h.shows("Nothing else. Not your name, not your CPR number."));
    CHECK(hub.server->store().count("help_requests") == 0);  // nothing sent before consent
    h.tap("consent.interpreter");
    CHECK(h.shows("You would like an interpreter"));
    CHECK(h.find("consent.interpreter")->selected);

    const auto tapped = std::chrono::steady_clock::now();
    h.tap("consent.send");
    StaffClient staff(hub.port);
    REQUIRE(until(h, [&] { return h.shows("A-001"); }));
    const auto shown_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - tapped).count();
    MESSAGE("tap -> queue number on the kiosk: " << shown_ms << " ms");
    CHECK(h.shows("You are number 1 in the queue."));
    CHECK(h.find("waiting.qr"));

    auto list = staff.requests();
    REQUIRE(list.size() == 1);
    CHECK(list[0]["guide"] == "mitid-login");
    CHECK(list[0]["step"] == "choose-mitid");
    CHECK(list[0]["step_number"] == 2);
    CHECK(list[0]["language"] == "en");
    CHECK(list[0]["kiosk_place"] == "By the entrance");
    CHECK(list[0]["needs"] == json::array({"interpreter"}));
    const std::string base = "/api/v1/help-requests/" + std::to_string(list[0]["id"].get<int>());

    REQUIRE(staff.post(base + "/claim") == 200);
    CHECK(until(h, [&] { return h.shows("Mette is on the way to you."); }));
    REQUIRE(staff.post(base + "/resolve", R"({"outcome":"solved"})") == 200);
    CHECK(until(h, [&] { return h.shows("Your request is closed."); }));
    h.tap("waiting.cancel");  // now "Back to where I was"
    CHECK(h.session().data().screen == core::Screen::Step);
    CHECK(h.shows("Choose MitID on the website"));
    fs::remove_all(dir);
}

TEST_CASE("back to the guide while waiting: the place in line is kept and the help button shows it") {
    REQUIRE(hub::init_crypto());
    const ledsager::test::TempDir dir_tmp("ledsager-e2e-back");
    const std::filesystem::path& dir = dir_tmp.path;
    RunningHub hub(dir, 0);
    test::Harness h(kiosk_config(hub.port));
    to_failed_check(h);
    h.tap("help.in_person");
    h.tap("consent.send");
    REQUIRE(until(h, [&] { return h.shows("A-001"); }));
    StaffClient staff(hub.port);
    REQUIRE(staff.requests().size() == 1);

    // Back to the step: the request stays in line, the bar says so.
    REQUIRE(h.find("waiting.back"));
    h.tap("waiting.back");
    CHECK(h.session().data().screen == core::Screen::Step);
    CHECK(h.shows("Choose MitID on the website"));
    CHECK(h.find("bar.help")->label == "Your number A-001");
    // The citizen carries on with the guide; nothing is withdrawn.
    h.tap("step.yes");
    h.wait(3000);
    CHECK(staff.requests().size() == 1);
    CHECK(staff.requests()[0]["status"] == "open");

    // Staff take it: the bar tells the citizen, wherever they are in the guide.
    const std::string base = "/api/v1/help-requests/" + std::to_string(staff.requests()[0]["id"].get<int>());
    REQUIRE(staff.post(base + "/claim") == 200);
    REQUIRE(until(h, [&] { return h.find("bar.help") && h.find("bar.help")->label == "A-001: someone is coming"; }));
    // The help button leads back to the request, not to a new one.
    h.tap("bar.help");
    CHECK(h.session().data().screen == core::Screen::Waiting);
    CHECK(h.shows("Mette is on the way to you."));
    CHECK(staff.requests().size() == 1);
    h.tap("waiting.back");
    CHECK(h.session().data().screen == core::Screen::Step);
    CHECK(h.shows("Type your user ID"));  // the step they had moved on to

    // Once closed, the bar is the help button again.
    REQUIRE(staff.post(base + "/resolve", R"({"outcome":"solved"})") == 200);
    REQUIRE(until(h, [&] { return h.find("bar.help") && h.find("bar.help")->label == "Get help from a person"; }));
    fs::remove_all(dir);
}

TEST_CASE("hub down: plain words, the front desk, retries in the background; then the request goes through") {
    REQUIRE(hub::init_crypto());
    const ledsager::test::TempDir dir_tmp("ledsager-e2e-down");
    const std::filesystem::path& dir = dir_tmp.path;
    int port = 0;
    {
        RunningHub first(dir, 0);
        port = first.port;
    }  // the hub is stopped now
    test::Harness h(kiosk_config(port));
    to_failed_check(h);
    h.tap("help.in_person");
    h.tap("consent.send");
    INFO(h.screen_text());
    REQUIRE(until(h, [&] { return h.shows("We cannot reach the staff system right now. We keep trying."); }));
    CHECK(h.shows("Please go to the front desk by the entrance."));
    // The kiosk keeps serving: the citizen can cancel and carry on with the guide.
    RunningHub again(dir, port);
    REQUIRE(until(h, [&] { return h.shows("A-001"); }));
    CHECK_FALSE(h.shows("We cannot reach"));
    // Ending the session withdraws the request: nobody is left waiting for a citizen who left.
    h.tap("bar.end");
    StaffClient staff(port);
    CHECK(until(h, [&] { return staff.requests().empty(); }));
    fs::remove_all(dir);
}

TEST_CASE("a quiet 'may need help' signal reaches the staff before anyone asks") {
    REQUIRE(hub::init_crypto());
    const ledsager::test::TempDir dir_tmp("ledsager-e2e-signal");
    const std::filesystem::path& dir = dir_tmp.path;
    RunningHub hub(dir, 0);
    test::Harness h(kiosk_config(hub.port));
    StaffClient staff(hub.port);
    auto signals = [&] { return json::parse(staff.c.Get("/api/v1/help-requests", staff.h)->body)["signals"]; };
    h.tap("attract.start");
    h.tap("language.en");
    h.tap("guide.mitid-login");
    h.tap("needs.start");
    h.tap("step.choice.app");
    h.wait(59'000);
    CHECK(signals().empty());
    // A minute without a touch on one step.
    REQUIRE(until(h, [&] { return !signals().empty(); }));
    auto s = signals();
    CHECK(s[0]["reason"] == "idle_on_step");
    CHECK(s[0]["step"] == "choose-mitid");
    CHECK(s[0]["step_number"] == 2);
    CHECK(s[0]["kiosk_place"] == "By the entrance");
    CHECK(s[0]["language"] == "en");
    // The citizen sees nothing of this: no dialog, no change on screen.
    CHECK(h.session().data().screen == core::Screen::Step);
    CHECK_FALSE(h.find("timeout"));
    // Asking for help clears the signal: the request says it all.
    h.tap("bar.help");
    h.tap("help.in_person");
    h.tap("consent.send");
    REQUIRE(until(h, [&] { return h.shows("A-001"); }));
    CHECK(signals().empty());
    fs::remove_all(dir);
}

TEST_CASE("going back and forth raises the signal too") {
    REQUIRE(hub::init_crypto());
    const ledsager::test::TempDir dir_tmp("ledsager-e2e-signal2");
    const std::filesystem::path& dir = dir_tmp.path;
    RunningHub hub(dir, 0);
    test::Harness h(kiosk_config(hub.port));
    StaffClient staff(hub.port);
    h.tap("attract.start");
    h.tap("language.en");
    h.tap("guide.mitid-login");
    h.tap("needs.start");
    for (int i = 0; i < 3; ++i) {
        h.tap("step.choice.app");
        h.tap("step.yes");
        h.tap("step.back");
        h.tap("step.back");
    }
    json s;
    REQUIRE(until(h, [&] {
        s = json::parse(staff.c.Get("/api/v1/help-requests", staff.h)->body)["signals"];
        return !s.empty();
    }));
    CHECK(s[0]["reason"] == "back_and_forth");
    fs::remove_all(dir);
}

TEST_CASE("screenshots of the help screens never send a request to the hub") {
    REQUIRE(hub::init_crypto());
    const ledsager::test::TempDir dir_tmp("ledsager-e2e-shots");
    const std::filesystem::path& dir = dir_tmp.path;
    RunningHub hub(dir, 0);
    test::Harness h(kiosk_config(hub.port));
    app::ScreenshotOptions o;
    o.out_dir = dir / "shots";
    o.languages = {"en"};
    o.scales = {100};
    o.themes = {false};
    const int written = app::render_screenshots(h.app(), h.display(), o);
    CHECK(written > 10);
    for (int i = 0; i < 20; ++i)
        h.wait(1000);  // any call would have gone by now
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    CHECK(hub.server->store().count("help_requests") == 0);
    fs::remove_all(dir);
}

// video_call_fallback: a real hub, the real kiosk with its GStreamer call engine listening
// for an answer. Nobody answers: the front desk is offered and takes the same context
// (guide, step, language, needs) into an in-person request; the video request is withdrawn.
TEST_CASE("video: nobody answers, the front desk instead, with the same context") {
    REQUIRE(hub::init_crypto());
    const ledsager::test::TempDir dir_tmp("ledsager-e2e-video");
    const std::filesystem::path& dir = dir_tmp.path;
    RunningHub hub(dir, 0);
    core::KioskConfig config = kiosk_config(hub.port);
    config.video_source = "test";
    config.video_speaker = "none";
    config.video_answer_timeout_s = 20;
    test::Harness h(config);
    REQUIRE(h.session().video_available());
    to_failed_check(h);
    h.tap("help.video");
    INFO(h.screen_text());
    REQUIRE(h.session().data().screen == core::Screen::Consent);
    // Before any camera: what the call shares, and that nothing is kept.
    CHECK(h.shows("The caseworker will see and hear you. Your camera turns on only when they answer."));
    CHECK(h.shows("Nothing is recorded or saved."));
    CHECK(h.shows("Task: Log in with MitID, step 2"));
    h.tap("consent.interpreter");
    h.tap("consent.send");
    REQUIRE(until(h, [&] { return h.shows("Calling a caseworker …") && h.session().data().escalation.id > 0; }));
    CHECK(until(h, [&] { return h.shows("You are number 1 in the queue."); }));
    StaffClient staff(hub.port);
    auto list = staff.requests();
    REQUIRE(list.size() == 1);
    CHECK(list[0]["kind"] == "video");
    const int video_id = list[0]["id"];
    CHECK(hub.server->calls().info(video_id).has_value());
    CHECK(h.app().video_call()->running());  // listening for the answer; no camera yet
    CHECK(h.app().video_call()->stats().builds == 0);

    h.wait(21'000);
    h.frame();
    REQUIRE(h.shows("No caseworker is free right now"));
    CHECK(h.shows("They will see what you were doing, so you do not have to explain again."));
    h.tap("call.front_desk");
    REQUIRE(until(h, [&] { return h.shows("A-001"); }));  // in-person numbers run on their own
    CHECK(h.session().data().screen == core::Screen::Waiting);
    CHECK(until(h, [&] { return !h.app().video_call()->running(); }));
    list = staff.requests();
    REQUIRE(list.size() == 1);
    CHECK(list[0]["kind"] == "in_person");
    CHECK(list[0]["guide"] == "mitid-login");
    CHECK(list[0]["step"] == "choose-mitid");
    CHECK(list[0]["step_number"] == 2);
    CHECK(list[0]["language"] == "en");
    CHECK(list[0]["needs"] == json::array({"interpreter"}));
    CHECK(hub.server->store().request(video_id)->status == "cancelled");
    CHECK(hub.server->calls().info(video_id)->ended);
    fs::remove_all(dir);
}

// fleet_heartbeat: the real kiosk reports its state to the hub every 30 s, idle or not,
// with nothing about a citizen in it.
TEST_CASE("fleet: the kiosk's heartbeat reaches the hub every 30 s") {
    REQUIRE(hub::init_crypto());
    const ledsager::test::TempDir dir_tmp("ledsager-e2e-beat");
    const std::filesystem::path& dir = dir_tmp.path;
    RunningHub hub(dir, 0);
    test::Harness h(kiosk_config(hub.port));
    auto seen = [&] {
        for (const auto& d : hub.server->store().devices())
            if (d.kiosk.name == "kiosk-1") return d.health;
        return hub::Health{};
    };
    REQUIRE(until(h, [&] { return seen().at > 0; }));
    const auto first = seen();
    CHECK(first.version == LEDSAGER_TEST_VERSION);
    CHECK(first.content_version.find('-') != std::string::npos);
    CHECK(first.printer == "none");
    CHECK(first.last_error.empty());
    // A citizen uses the kiosk meanwhile; the next beat comes 30 s later, with the uptime.
    to_failed_check(h);
    h.wait(31'000);
    REQUIRE(until(h, [&] { return seen().uptime_s >= 30; }));
    fs::remove_all(dir);
}
