// What the hub's route files (server*.cpp) share: answering in JSON, reading a request's
// body and cookies, who may call what, and small formatting helpers. Internal to the hub.
#pragma once

#include <httplib.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/protocol.hpp"
#include "common/validate.hpp"
#include "hub/server.hpp"

namespace ledsager::hub {

using json = nlohmann::json;
using common::Field;  // request bodies are checked against a list of these (common/validate.hpp)

constexpr Seconds kSignalLifetime = 300;  // a "may need help" signal shows for five minutes
constexpr Seconds kStaleAfter = 90;       // a kiosk not heard from for three heartbeats

void send_json(httplib::Response& res, int status, const json& body);
void send_error(httplib::Response& res, int status, const std::string& message, const std::string& field = {});
// A 409 with a machine-readable reason beside the sentence (held, taken, not_video, ended, ...).
void send_conflict(httplib::Response& res, const std::string& message, const std::string& reason);
// Parses and validates a request body; on failure answers 400 naming the field.
bool parse_body(const httplib::Request& req, httplib::Response& res, const std::vector<Field>& fields, json& out);
// Decodes a kiosk's message (common/protocol.hpp); on failure answers 400 naming the field.
template <class Message>
bool read_message(const httplib::Request& req, httplib::Response& res, Message& out) {
    const common::ValidationError err = common::decode(req.body, out);
    if (err.message.empty()) return true;
    send_error(res, 400, err.message, err.field);
    return false;
}
std::string cookie(const httplib::Request& req, const std::string& name);
// The number in a route's first group (/api/v1/help-requests/(\d+)), -1 when it is none.
std::int64_t id_of(const httplib::Request& req);
std::string first_name(const std::string& display_name);

// Who may call what (hub/openapi.yaml says the same per operation in x-roles).
inline const Roles kDesk{"staff", "caseworker"};    // they help citizens: requests, calls
inline const Roles kIt{"it_admin"};                 // kiosks, codes, settings, content
inline const Roles kReports{"manager"};             // anonymous usage reports
inline const Roles kContent{"editor", "reviewer"};  // the guides: write, translate, review
inline const Roles kContentReview{"reviewer"};      // approve another person's change: it is published
inline const Roles kAnyRole{"staff", "caseworker", "it_admin", "manager", "editor", "reviewer"};
bool in_site(const User& u, std::int64_t site);

inline const std::vector<std::string> kOutcomes{"solved", "appointment", "referred", "left"};

std::string join(const std::vector<std::string>& v);
json needs_json(const std::string& csv);
bool speaks(const std::string& languages_csv, const std::string& lang);
// Percent-encodes all but letters, digits and "-._~" (for the user and password in a URI).
std::string percent_encoded(const std::string& v);
std::string percent_decoded(const std::string& v);
// "turn:user:password@host:port" -> the browser's RTCIceServer {urls, username, credential}.
json browser_ice_server(const std::string& url);
// A Prometheus label value: backslash, quote and newline escaped.
std::string label(const std::string& v);
// What IT sees first: stale (not heard from), failing, never enrolled fully, fine, revoked.
std::string device_state(const Device& d, Seconds now);
int state_rank(const std::string& state);

}  // namespace ledsager::hub
