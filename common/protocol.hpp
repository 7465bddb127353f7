// The kiosk-hub protocol: what a kiosk sends to the hub and what the hub answers, as JSON
// over HTTPS under /api/v1 (hub/openapi.yaml lists the routes and who may call them). Each
// message has one encoder and one decoder, here, used by both sides:
//   - the kiosk (platform/hub_client.cpp) encodes what it sends and decodes the answers;
//   - the hub (hub/server_desk.cpp, server_fleet.cpp, insight.cpp) decodes what kiosks send,
//     checked field by field against the limits below (common/validate.hpp), and encodes
//     its answers.
// protocol_round_trip proves that every message survives the way there and back, and that
// the hub refuses what breaks a limit.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/validate.hpp"

namespace ledsager::common {

// What a citizen may say they need when they ask for a person.
inline const std::vector<std::string> kNeeds{"read_aloud", "interpreter", "large_text",
                                             "wheelchair", "hearing",     "sign_language"};

// ---- kiosk -> hub

// Where the citizen is, sent with a help request or a quiet signal: ids from the content,
// never anything typed. An empty guide: not in a guide.
struct Place {
    std::string guide, step;
    int step_number = 0;
    std::string language;
};

// POST /api/v1/help-requests: a citizen asks for a person.
struct HelpRequestMessage {
    std::string kind;                // in_person | video
    std::vector<std::string> needs;  // some of kNeeds
    Place place;
};

// POST /api/v1/signals: the kiosk thinks the citizen may need help (nobody asked yet).
struct SignalMessage {
    std::string reason;  // idle_on_step | back_and_forth
    Place place;
};

// POST /api/v1/heartbeat: the device's state, and nothing about who uses it.
struct Heartbeat {
    static constexpr std::size_t kMaxLastError = 200;  // bytes; longer is cut (at a character)
    std::string version, content_version;
    std::int64_t uptime_s = 0;
    std::string printer = "none", camera = "none", audio = "none";  // ok | missing | failing | none
    std::string last_error;
    std::string screen = "on";  // on | dark (closed: outside opening hours)
};

// POST /api/v1/usage: anonymous events of finished sessions (kiosk/core/usage.hpp).
struct UsageEvent {
    // session | guide_start | step_view | guide_done | guide_left | helped | confusing | help_asked
    std::string type;
    std::string day;                   // local date YYYY-MM-DD
    int hour = -1;                     // session: the local hour it began (busy hours)
    std::string lang;                  // session, guide_start: the language used
    std::string guide, step;           // ids from the content
    std::vector<std::string> modes;    // session: read_aloud, large_text, high_contrast, keypad
    std::string kind;                  // help_asked: in_person | video; guide_done: self | staff
    int value = 0;                     // helped: 1 yes, 0 no; step_view: 1 on the first visit of the step in this guide
    std::int64_t ms = 0;               // step_view: time on the step
    std::optional<std::uint32_t> key;  // the session's random key (every event; none from kiosks before keys)
};
constexpr std::size_t kMaxUsageEvents = 100;  // in one batch

std::string encode(const HelpRequestMessage& m);
std::string encode(const SignalMessage& m);
std::string encode(const Heartbeat& m);
std::string encode_usage(const std::vector<UsageEvent>& events);  // {"events": [...]}

// The hub's side: the body as a kiosk sent it, checked (unknown fields, types, lengths, the
// allowed values); the error names the field at fault, and `out` is whole only without one.
ValidationError decode(const std::string& body, HelpRequestMessage& out);
ValidationError decode(const std::string& body, SignalMessage& out);
ValidationError decode(const std::string& body, Heartbeat& out);
// A usage batch, each event with exactly its type's fields ("events[3].step: not a step id").
// Days after `latest_day` (YYYY-MM-DD; empty: no limit) are refused as in the future.
bool decode_usage(const nlohmann::json& body, const std::string& latest_day, std::vector<UsageEvent>& out,
                  std::string& error);

// A date YYYY-MM-DD that exists (no 2026-02-30).
bool is_real_day(const std::string& day);

// ---- hub -> kiosk

// A help request as its kiosk sees it: the answer to asking, polling and cancelling.
struct HelpRequestStatus {
    std::int64_t id = 0;
    std::string number, kind, status;  // number: what the citizen is called up by; status: open | claimed | ...
    int position = 0;                  // place in the queue, 0 = not waiting
    std::int64_t estimated_wait_s = 0;
    std::string claimed_by;  // the helper's first name, once claimed
};

// The newest published content bundle (the kiosk fetches it when newer than its own).
struct ContentOffer {
    std::int64_t version = 0;
    std::string sha256;
    std::int64_t size = 0;
};

// The answer to a heartbeat.
struct HeartbeatAnswer {
    std::optional<ContentOffer> content;
    std::string settings_revision;  // the kiosk fetches its settings when this changed
};

// GET /api/v1/kiosk/settings: the kiosk's remote settings (common/remote_settings.hpp).
struct SettingsAnswer {
    std::string revision;
    std::string settings;  // a JSON object
};

// The hub encodes as JSON objects (the staff console's view of a request adds to it).
nlohmann::json encode(const HelpRequestStatus& m);
nlohmann::json encode(const HeartbeatAnswer& m);
nlohmann::json encode(const SettingsAnswer& m);

// The kiosk's side: false when the answer is not what the hub sends (not JSON, wrong types):
// a hub that answers nonsense counts as not answering properly.
bool decode(const std::string& body, HelpRequestStatus& out);
bool decode(const std::string& body, HeartbeatAnswer& out);
bool decode(const std::string& body, SettingsAnswer& out);

// ---- a video call's signaling, both ways: POST and GET /api/v1/calls/{id}/messages

// What one side of a call tells the other through the hub, and what the hub adds itself.
struct CallMessage {
    static constexpr std::size_t kMaxSdp = 12000, kMaxCandidate = 1024;
    std::string type;       // posted: offer (kiosk) | answer (caseworker) | candidate | hangup;
                            // from the hub: answered | released | hangup
    std::string sdp;        // offer, answer
    std::string candidate;  // candidate
    int mline = 0;          // candidate: the media line it belongs to
    std::string reason;     // hangup: citizen | caseworker | resolved | ...
    std::string name;       // answered: the caseworker's first name
    std::int64_t seq = 0;   // given by the hub: 1, 2, ... per side
};
// A message of `type` with its one text: the sdp of an offer or answer, the candidate (at
// media line `mline`), the reason for a hangup, the caseworker's name when answered.
CallMessage call_message(std::string type, std::string text = {}, int mline = 0, std::int64_t seq = 0);
// The messages after the ones a side has read, and whether the call has ended.
struct CallMessages {
    std::vector<CallMessage> messages;
    bool ended = false;
};

// Only the fields the type has (a side posts no seq; the hub's copy has one).
nlohmann::json encode(const CallMessage& m);
nlohmann::json encode(const CallMessages& m);
// The hub's side of a POST: the fields, their limits, and what each type needs (an offer or
// an answer its sdp, a candidate its candidate). Which side may post which type is the hub's.
ValidationError decode(const std::string& body, CallMessage& out);
// A side's reading of a GET's answer: false when it is not what the hub sends.
bool decode(const std::string& body, CallMessages& out);

}  // namespace ledsager::common
