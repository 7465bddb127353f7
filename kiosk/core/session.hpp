// The citizen's session: a state machine driven by actions (what the citizen did) and by
// time (an injected monotonic clock in milliseconds). All of the citizen's state lives in
// SessionData, in memory only; wipe() replaces it with a fresh value, and that is the only
// way a session ends. Anonymous counts that outlive sessions live in KioskCounts.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/content.hpp"
#include "core/config.hpp"
#include "core/escalation.hpp"

namespace ledsager::core {

using Millis = std::int64_t;

enum class Screen {
    Attract,    // "Touch the screen to get help"
    Language,   // choose a language
    Catalogue,  // tasks grouped by life situation
    Needs,      // "What you need" before step 1
    Step,       // one step of a guide
    End,        // summary and "Did this help?"
    Help,       // get help from a person
    Consent,    // exactly what will be shared, before asking through the hub
    Waiting,    // the queue number, who is coming, cancel
    Call,       // a video call with a caseworker: waiting, talking, or the front desk offered
    Wiped,      // "Your information has been deleted"
};

const char* screen_name(Screen s);

enum class ActionKind {
    Start,           // attract screen touched
    ChooseLanguage,  // arg = language code
    OpenLanguage,    // the Language button in the bar
    OpenGuide,       // arg = guide id
    BeginSteps,      // from "What you need"
    Next,            // info step
    Yes,             // check step: "Yes, that worked"
    No,              // check step: "No, that didn't work"
    Choose,          // question step: arg = choice id
    Back,
    StartOver,   // leave the guide, back to the task list (language and settings kept)
    EndSession,  // wipe now
    OpenHelp,
    CloseHelp,       // back to where the citizen was
    CycleTextScale,  // 100 -> 150 -> 200 -> 100
    ToggleContrast,
    Continue,            // "Yes, continue" on the timeout warning
    Helped,              // value = 1 yes, 0 no
    AnotherTask,         // from the end screen
    Dismiss,             // leave the "deleted" notice early
    ChooseHelp,          // arg = in_person | video: go to the consent screen
    SendHelp,            // the citizen agreed: ask through the hub
    CancelHelp,          // withdraw the request (or leave the waiting screen once closed)
    ReturnWhileWaiting,  // back to the step while waiting for a person: the request and its place stay
    PrintNumber,         // print the queue number on the receipt printer
    ToggleNeed,          // consent screen: arg = interpreter (add or remove it from what is shared)
    ReadAloud,           // the "Read aloud" control: turns speech on, or opens its settings when on
    SpeechOff,           // "Stop reading aloud"
    SpeechRate,          // value = +1 faster, -1 slower
    SpeechVolume,        // value = +1 louder, -1 quieter
    SpeechVoice,         // arg = da | en: the voice to use when the displayed language has none
    CloseSpeech,         // closes the reading-aloud settings
    Confusing,           // "This step is confusing" on a step (an anonymous count for the content editors)
    CallMute,            // microphone off/on
    CallCamera,          // camera off/on
    CallEnd,             // the citizen ends the call (or stops waiting): back to where they were
    CallFrontDesk,       // no answer or a lost call: ask the front desk instead, with the same context
    CallKeepWaiting,     // no answer yet: keep waiting for a caseworker
    CallBack,            // after the caseworker ended the call: back to where the citizen was
    CallKeyboard,        // show or hide the on-screen keyboard for real-time text
    CallType,            // arg = text typed (appended to the citizen's real-time text)
    CallErase,           // delete the last character of the citizen's real-time text
};

// The reading-aloud dialogs, drawn over the current screen.
enum class SpeechDialog { None, Settings, NoVoice };
constexpr int kSpeechSteps = 3;  // rate and volume go this many steps either way

struct Action {
    ActionKind kind;
    std::string arg{};
    int value = 0;
};

// Why the citizen is on the help screen: the context a person would be shown.
struct HelpContext {
    std::string guide_id;
    std::string step_id;
    bool step_failed = false;  // came from "No, that didn't work"
};

struct SessionData {
    Screen screen = Screen::Attract;
    Screen return_to = Screen::Catalogue;  // where Language/Help go back to
    std::string lang;
    int text_scale = 100;
    bool high_contrast = false;
    std::string guide_id;
    std::string step_id;
    std::vector<std::string> history;  // steps visited before the current one
    std::optional<bool> helped;        // the end screen's answer, until the session ends
    HelpContext help;
    bool warning = false;  // "Are you still there?" is showing
    Millis last_activity = 0;
    Millis warning_since = 0;
    Millis wiped_at = 0;
    bool timed_out = false;  // the Wiped notice says why
    Escalation escalation;   // a help request through the hub, if any
    // For the quiet "may need help" signal: when this step appeared, recent Backs, and
    // whether a signal already went for this step.
    Millis step_since = 0;
    std::vector<Millis> backs;
    bool assist_signalled = false;
    // Reading aloud: off until the citizen turns it on; reset when the session ends.
    bool speech = false;
    std::string speech_lang;  // the voice chosen when the displayed language has none (da or en)
    int speech_rate = 0;      // -kSpeechSteps..+kSpeechSteps from the configured speed
    int speech_volume = 0;    // likewise for volume
    SpeechDialog speech_dialog = SpeechDialog::None;
    std::string confusing_step;  // the step marked "confusing" (the thanks replaces the control)
    CallState call;              // a video call with a caseworker, if any
};

// Anonymous counts kept for the whole time the kiosk runs (never per citizen).
struct KioskCounts {
    int sessions = 0;
    int helped_yes = 0;
    int helped_no = 0;
    int timeouts = 0;
    int confusing = 0;  // "This step is confusing" taps
};

class Session {
public:
    Session(const KioskConfig& config, const common::ContentSet& content);
    // The configuration changed (remote settings, applied at the attract screen).
    void settings_changed();

    // Applies what the citizen did at time `now`. Unknown or out-of-place actions are ignored.
    void apply(const Action& action, Millis now);
    // Any input at all (a touch or key) at `now`: keeps the session alive.
    void activity(Millis now);
    // Advances timers to `now`: shows the warning, wipes, returns to attract.
    void tick(Millis now);
    // Ends the session: the data is replaced by a fresh value; the notice is shown.
    void wipe(Millis now, bool timed_out);

    const SessionData& data() const { return data_; }
    const KioskCounts& counts() const { return counts_; }
    const common::Guide* guide() const;
    const common::Step* step() const;
    // Seconds left on the warning countdown (only meaningful while data().warning).
    int countdown_seconds(Millis now) const;
    // When tick() next has something to do (ms), or -1 when nothing is pending. The frame
    // loop sleeps until then.
    Millis next_deadline(Millis now) const;
    // "Step N of M": N = steps taken + 1, M = N - 1 + the steps left on the main path
    // from here (so M can change when the citizen takes a branch).
    std::pair<int, int> progress() const;

    // The next call the hub client should make now, if any (marks it in flight).
    std::optional<HubCall> next_hub_call(Millis now);
    // A reply from the hub client for the call handed out before.
    void on_hub_reply(const HubReply& reply, Millis now);
    // The video call: the help request whose call should be running now (0 = none). The app
    // starts or ends the platform's call to match.
    std::int64_t call_request() const;
    // True once after the citizen ended a call a caseworker had answered: the app tells them.
    bool take_call_hangup();
    // What the platform's call reported.
    void on_call(CallNews news, const std::string& text, Millis now);
    // Whether video calls can be offered (hub, GStreamer) and whether there is a camera.
    void set_video(bool available, bool camera) {
        video_available_ = available;
        camera_ = camera;
    }
    bool video_available() const { return video_available_ && hub_enabled() && config_.video_enabled; }
    bool camera() const { return camera_; }
    // A print the citizen asked for, handed out once (the ticket is then Printing; another tap
    // prints nothing more until it ends); report the outcome with printed(), which a session
    // begun meanwhile ignores.
    bool take_print_request();
    void printed(bool ok);
    // Whether help requests can go through a hub (config [hub] url set).
    bool hub_enabled() const { return !config_.hub_url.empty(); }
    // A request for a person at the front desk is on its way or in line (not a video call).
    bool waiting_for_person() const {
        const auto p = data_.escalation.phase;
        return data_.escalation.share.kind == "in_person" &&
               (p == Escalation::Phase::Sending || p == Escalation::Phase::Waiting || p == Escalation::Phase::Claimed);
    }
    // What would be shared if the citizen asked now.
    HelpShare help_share(const std::string& kind) const;

    // For rendering every screen (screenshots): put the session on a screen directly.
    void show(Screen screen, const std::string& guide_id, const std::string& step_id, Millis now);
    void set_language(const std::string& lang) { data_.lang = lang; }
    void set_text_scale(int scale) { data_.text_scale = scale; }
    void set_high_contrast(bool on) { data_.high_contrast = on; }
    void set_warning(bool on, Millis since) {
        data_.warning = on;
        data_.warning_since = since;
    }
    void set_escalation(const Escalation& e) { data_.escalation = e; }
    void set_call(const CallState& c) { data_.call = c; }
    void set_speech(bool on, SpeechDialog dialog = SpeechDialog::None) {
        data_.speech = on;
        data_.speech_dialog = dialog;
    }

    // The languages the speech engine has voices for (set once by the app).
    void set_voices(std::vector<std::string> langs) { voices_ = std::move(langs); }
    bool has_voice(const std::string& lang) const;
    // Whether this kiosk can read aloud at all (a speech engine with at least one voice).
    bool speech_available() const { return !voices_.empty(); }
    // The language to read aloud in: the displayed one, or the voice the citizen chose
    // instead; empty when neither (the "no voice" dialog asks).
    std::string speech_language() const;

private:
    // The parts of apply(), one per kind of action (session.cpp, session_help.cpp, session_call.cpp).
    void walk(const Action& a, Millis now);
    void prefer(const Action& a);
    void ask_for_help(const Action& a, Millis now);
    void use_call(const Action& a, Millis now);
    void go_to_step(const std::string& step_id);
    Millis idle_limit() const;
    void assist_signal(const std::string& reason);
    SessionData fresh() const;

    const KioskConfig& config_;
    const common::ContentSet& content_;
    SessionData data_;
    KioskCounts counts_;
    std::vector<std::int64_t> cancels_;  // requests left open by a wiped session (ids only)
    std::vector<HubCall> signals_;       // "may need help" signals waiting to be sent
    bool cancel_in_flight_ = false;
    std::vector<std::string> voices_;
    void check_voice();
    bool video_available_ = false, camera_ = false;
    bool call_hangup_ = false;
    void leave_call();
    Millis connect_limit() const;  // an answered call that never comes up ends after this
    void set_call_phase(CallPhase p, Millis now);
};

}  // namespace ledsager::core
