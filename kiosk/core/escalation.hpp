// Reaching a person through the hub: what the kiosk asks for, what it hears back, and
// when it next has to call. Pure logic: the platform's hub client does the HTTP and
// feeds replies back; retries back off 1 s, 2 s, 4 s … 30 s, so a hub that is down or slow
// never freezes anything and the citizen is told in plain words meanwhile.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/protocol.hpp"

namespace ledsager::core {

using Millis = std::int64_t;

// What the citizen agreed to share: ids and codes only, never free text or identity.
struct HelpShare {
    std::string kind;  // in_person | video
    std::string guide, step;
    int step_number = 0;
    std::string language;
    std::vector<std::string> needs;
};

struct HubCall {
    enum class Kind { Create, Poll, Cancel, Signal, Heartbeat, Settings, Usage } kind;
    HelpShare share;             // Create; Signal (what the citizen is on, no needs)
    std::int64_t id = 0;         // Poll, Cancel
    std::string reason{};        // Signal: idle_on_step | back_and_forth
    common::Heartbeat health{};  // Heartbeat: the kiosk's own state for IT, never anything about a citizen
    std::string usage{};         // Usage: the batch, as JSON ({"events": [...]}; common/protocol.hpp)
};

struct HubReply {
    HubCall::Kind kind;
    bool ok = false;         // 2xx with a readable body
    bool reachable = false;  // the hub answered at all (false: network, DNS, TLS, timeout)
    int http_status = 0;
    std::int64_t id = 0;
    std::string number, status, claimed_by;
    int position = 0, wait_s = 0;
    // Heartbeat: the newest content bundle the hub publishes (0 = none), its file's hash and size.
    std::int64_t content_version = 0;
    std::string content_sha256{};
    std::int64_t content_size = 0;
    // Heartbeat: the revision of this kiosk's remote settings; Settings: it and their JSON.
    std::string settings_revision{}, settings_body{};
};

// The kiosk's line to the hub, as the kiosk sees it: calls go in, replies come back later
// (from another thread), and the wake callback says there is news. platform::HubClient is
// the real one (HTTPS on its own thread); tests hand the kiosk a fake.
class HubChannel {
public:
    virtual ~HubChannel() = default;
    virtual void submit(const HubCall& call) = 0;
    virtual std::vector<HubReply> take_replies() = 0;
    virtual bool has_replies() = 0;
    virtual void set_wake(std::function<void()> wake) = 0;
};

struct Escalation {
    enum class Phase {
        None,     // nothing asked
        Sending,  // asked; the hub has not confirmed yet (retrying in the background)
        Waiting,  // in the queue
        Claimed,  // someone is on their way
        Closed,   // resolved by staff, or cancelled
    };
    Phase phase = Phase::None;
    HelpShare share;
    std::int64_t id = 0;
    std::string number, claimed_by, status;
    int position = 0, wait_s = 0;
    int failures = 0;          // consecutive failed calls
    bool unreachable = false;  // the last call failed: show the fallback
    bool in_flight = false;
    // Requested by a tap, Printing once handed to the printer (off the frame loop), then the outcome.
    enum class Print { None, Requested, Printing, Printed, Failed } print = Print::None;
    Millis next_call = 0;

    static Millis backoff(int failures);  // 1 s, 2 s, 4 s, … capped at 30 s
    static constexpr Millis kPollMs = 2000;
};

// A live video call with a caseworker (help kind "video"). The platform's call runs the
// media; the session only knows what the citizen sees and chose.
enum class CallPhase {
    None,
    Waiting,       // asked; no caseworker has answered yet
    Connecting,    // answered; camera and microphone starting, connecting
    Active,        // talking
    Reconnecting,  // the connection was lost; coming back by itself
    Ended,         // the caseworker ended it (the citizen's own "End call" returns at once)
    NoAnswer,      // nobody answered in time: the front desk is offered (still listening)
    Lost,          // did not come back, or could not start: the front desk is offered
};

const char* call_phase_name(CallPhase p);

struct CallState {
    CallPhase phase = CallPhase::None;
    std::string caseworker;  // first name, once answered
    bool muted = false;
    bool camera_off = false;
    bool keyboard = false;     // the on-screen keyboard for real-time text is open
    std::string my_text;       // real-time text: what the citizen has typed (in memory only)
    std::string their_text;    // and what the caseworker has typed
    Millis since = 0;          // when the phase began
    Millis waiting_since = 0;  // when the citizen began waiting (answer timeout)
    std::string end_reason;
};

// What the platform's call reports (the session's input from the call).
enum class CallNews { Answered, Connected, Disconnected, RemoteHangup, Released, RemoteText, Failed };

}  // namespace ledsager::core
