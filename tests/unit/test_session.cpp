// The citizen's path through the session state machine, on the demo content.
#include <doctest/doctest.h>

#include "core/session.hpp"
#include "core/view.hpp"

using namespace ledsager::core;
using namespace ledsager::common;

namespace {
struct Fixture {
    KioskConfig config;
    ContentSet content = load_content(LEDSAGER_SOURCE_ASSETS "/guides");
    Session session{config, content};
    Millis now = 1000;
    void act(ActionKind k, std::string arg = {}, int value = 0) {
        now += 500;
        session.apply({k, std::move(arg), value}, now);
        session.tick(now);
    }
    Screen screen() const { return session.data().screen; }
};
}  // namespace

TEST_CASE_FIXTURE(Fixture, "attract -> language -> catalogue -> needs -> steps -> end") {
    REQUIRE(content.find("mitid-login"));
    CHECK(screen() == Screen::Attract);
    act(ActionKind::Start);
    CHECK(screen() == Screen::Language);
    act(ActionKind::ChooseLanguage, "en");
    CHECK(screen() == Screen::Catalogue);
    CHECK(session.data().lang == "en");
    act(ActionKind::OpenGuide, "mitid-login");
    CHECK(screen() == Screen::Needs);
    act(ActionKind::BeginSteps);
    CHECK(screen() == Screen::Step);
    CHECK(session.data().step_id == "have-app");
    auto v = step_view(session);
    REQUIRE(v.step);
    CHECK(v.text->title == "Do you have the MitID app?");
    CHECK(v.number == 1);
    CHECK(v.total == 6);  // the main path: the first answer, then Yes to each check
    act(ActionKind::Choose, "app");
    CHECK(session.data().step_id == "choose-mitid");
    CHECK(step_view(session).number == 2);
    act(ActionKind::Next);  // wrong kind for a check step: ignored
    CHECK(session.data().step_id == "choose-mitid");
    act(ActionKind::Yes);
    CHECK(session.data().step_id == "user-id");
    act(ActionKind::No);  // if_no branch
    CHECK(session.data().step_id == "forgot-user-id");
    act(ActionKind::Back);
    CHECK(session.data().step_id == "user-id");
    act(ActionKind::Yes);
    act(ActionKind::Yes);
    act(ActionKind::Yes);
    CHECK(session.data().step_id == "logged-in");
    auto [n, total] = session.progress();
    CHECK(n == total);
    act(ActionKind::Yes);
    CHECK(screen() == Screen::End);
    act(ActionKind::Helped, {}, 1);
    act(ActionKind::Helped, {}, 0);  // only the first answer counts
    CHECK(session.counts().helped_yes == 1);
    CHECK(session.counts().helped_no == 0);
    act(ActionKind::AnotherTask);
    CHECK(screen() == Screen::Catalogue);
    CHECK(session.data().guide_id.empty());
}

TEST_CASE_FIXTURE(Fixture, "a failed check with no troubleshooting step offers a person with the context") {
    act(ActionKind::Start);
    act(ActionKind::ChooseLanguage, "da");
    act(ActionKind::OpenGuide, "mitid-login");
    act(ActionKind::BeginSteps);
    act(ActionKind::Choose, "app");
    act(ActionKind::No);
    CHECK(screen() == Screen::Help);
    CHECK(session.data().help.guide_id == "mitid-login");
    CHECK(session.data().help.step_id == "choose-mitid");
    CHECK(session.data().help.step_failed);
    act(ActionKind::CloseHelp);
    CHECK(screen() == Screen::Step);
    CHECK(session.data().step_id == "choose-mitid");
}

TEST_CASE_FIXTURE(Fixture, "language and help return to where the citizen was; back from step 1 shows the needs") {
    act(ActionKind::Start);
    act(ActionKind::ChooseLanguage, "da");
    act(ActionKind::OpenGuide, "mitid-login");
    act(ActionKind::BeginSteps);
    act(ActionKind::OpenLanguage);
    CHECK(screen() == Screen::Language);
    act(ActionKind::ChooseLanguage, "en");
    CHECK(screen() == Screen::Step);
    CHECK(session.data().lang == "en");
    act(ActionKind::ChooseLanguage, "xx");  // not offered: ignored
    CHECK(session.data().lang == "en");
    act(ActionKind::OpenHelp);
    CHECK(screen() == Screen::Help);
    CHECK(session.data().help.step_id == "have-app");
    act(ActionKind::Back);
    CHECK(screen() == Screen::Step);
    act(ActionKind::Back);
    CHECK(screen() == Screen::Needs);
    act(ActionKind::Back);
    CHECK(screen() == Screen::Catalogue);
}

TEST_CASE_FIXTURE(Fixture, "text size cycles and contrast toggles; both reset when the session ends") {
    act(ActionKind::Start);
    act(ActionKind::CycleTextScale);
    CHECK(session.data().text_scale == 150);
    act(ActionKind::CycleTextScale);
    CHECK(session.data().text_scale == 200);
    act(ActionKind::CycleTextScale);
    CHECK(session.data().text_scale == 100);
    act(ActionKind::CycleTextScale);
    act(ActionKind::ToggleContrast);
    CHECK(session.data().high_contrast);
    act(ActionKind::EndSession);
    CHECK(screen() == Screen::Wiped);
    CHECK(session.data().text_scale == 100);
    CHECK_FALSE(session.data().high_contrast);
    act(ActionKind::Dismiss);
    CHECK(screen() == Screen::Attract);
}

TEST_CASE_FIXTURE(Fixture, "start over leaves the guide but keeps the language") {
    act(ActionKind::Start);
    act(ActionKind::ChooseLanguage, "en");
    act(ActionKind::OpenGuide, "mitid-login");
    act(ActionKind::BeginSteps);
    act(ActionKind::Choose, "app");
    act(ActionKind::StartOver);
    CHECK(screen() == Screen::Catalogue);
    CHECK(session.data().lang == "en");
    CHECK(session.data().history.empty());
    CHECK(session.data().step_id.empty());
}

TEST_CASE_FIXTURE(Fixture, "show() puts the session on any step with the right progress") {
    session.show(Screen::Step, "mitid-login", "approve", now);
    auto v = step_view(session);
    REQUIRE(v.step);
    CHECK(v.step->id == "approve");
    CHECK(v.number == 5);  // have-app, choose-mitid, user-id, open-app, approve
    CHECK(v.total == 6);   // ... logged-in
}
