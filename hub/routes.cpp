// Helpers shared by the hub's route files (declared in hub/routes.hpp).
#include "hub/routes.hpp"

#include <sstream>

namespace ledsager::hub {

void send_json(httplib::Response& res, int status, const json& body) {
    res.status = status;
    // Text the hub quotes back is whole characters; should a byte not be, it is replaced
    // rather than the answer lost.
    res.set_content(body.dump(-1, ' ', false, json::error_handler_t::replace), "application/json");
}

void send_error(httplib::Response& res, int status, const std::string& message, const std::string& field) {
    json body{{"error", message}};
    if (!field.empty()) body["field"] = field;
    send_json(res, status, body);
}

// A 409 with a machine-readable reason beside the sentence (held, taken, not_video, ended, ...).
void send_conflict(httplib::Response& res, const std::string& message, const std::string& reason) {
    send_json(res, 409, {{"error", message}, {"reason", reason}});
}

// Parses and validates a request body; on failure answers 400 naming the field.
bool parse_body(const httplib::Request& req, httplib::Response& res, const std::vector<Field>& fields, json& out) {
    const common::ValidationError err = common::validate_body(req.body, fields, out);
    if (err.message.empty()) return true;
    send_error(res, 400, err.message, err.field);
    return false;
}

std::string cookie(const httplib::Request& req, const std::string& name) {
    const std::string header = req.get_header_value("Cookie");
    std::istringstream in(header);
    std::string part;
    while (std::getline(in, part, ';')) {
        const auto start = part.find_first_not_of(' ');
        if (start == std::string::npos) continue;
        part = part.substr(start);
        if (part.rfind(name + "=", 0) == 0) return part.substr(name.size() + 1);
    }
    return {};
}

std::string first_name(const std::string& display_name) {
    return display_name.substr(0, display_name.find(' '));
}

std::string join(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v)
        out += (out.empty() ? "" : ",") + s;
    return out;
}

json needs_json(const std::string& csv) {
    json out = json::array();
    std::istringstream in(csv);
    std::string item;
    while (std::getline(in, item, ','))
        if (!item.empty()) out.push_back(item);
    return out;
}

bool speaks(const std::string& languages_csv, const std::string& lang) {
    return ("," + languages_csv + ",").find("," + lang + ",") != std::string::npos;
}

// Percent-encodes all but letters, digits and "-._~" (for the user and password in a URI).
std::string percent_encoded(const std::string& v) {
    std::string out;
    char buf[4];
    for (unsigned char c : v) {
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~')
            out += static_cast<char>(c);
        else
            std::snprintf(buf, sizeof buf, "%%%02X", c), out += buf;
    }
    return out;
}

std::string percent_decoded(const std::string& v) {
    std::string out;
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (v[i] == '%' && i + 2 < v.size() + 0 && std::isxdigit(static_cast<unsigned char>(v[i + 1])) &&
            std::isxdigit(static_cast<unsigned char>(v[i + 2]))) {
            out += static_cast<char>(std::stoi(v.substr(i + 1, 2), nullptr, 16));
            i += 2;
        } else {
            out += v[i];
        }
    }
    return out;
}

// "turn:user:password@host:port" -> the browser's RTCIceServer {urls, username, credential}.
json browser_ice_server(const std::string& url) {
    const auto colon = url.find(':');
    const std::string scheme = url.substr(0, colon), rest = colon == std::string::npos ? "" : url.substr(colon + 1);
    const auto at = rest.rfind('@');
    if (at == std::string::npos) return {{"urls", url}};
    const std::string cred = rest.substr(0, at), host = rest.substr(at + 1);
    const auto sep = cred.find(':');
    return {{"urls", scheme + ":" + host},
            {"username", percent_decoded(cred.substr(0, sep))},
            {"credential", sep == std::string::npos ? "" : percent_decoded(cred.substr(sep + 1))}};
}

// A Prometheus label value: backslash, quote and newline escaped.
std::string label(const std::string& v) {
    std::string out;
    for (char c : v) {
        if (c == '\\' || c == '"')
            out += '\\', out += c;
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

// What IT sees first: stale (not heard from), failing, never enrolled fully, fine, revoked.
std::string device_state(const Device& d, Seconds now) {
    if (d.kiosk.revoked) return "revoked";
    if (d.health.at == 0) return "never";
    if (now - d.health.at > kStaleAfter) return "stale";
    for (const auto* part : {&d.health.printer, &d.health.camera, &d.health.audio})
        if (*part == "failing" || *part == "missing") return "failing";
    return d.health.last_error.empty() ? "ok" : "failing";
}

int state_rank(const std::string& state) {
    return state == "stale" ? 0 : state == "failing" ? 1 : state == "never" ? 2 : state == "ok" ? 3 : 4;
}

std::int64_t id_of(const httplib::Request& req) {
    try {
        return std::stoll(req.matches[1]);
    } catch (...) {
        return -1;
    }
}

bool in_site(const User& u, std::int64_t site) {
    return std::find(u.sites.begin(), u.sites.end(), site) != u.sites.end();
}

}  // namespace ledsager::hub
