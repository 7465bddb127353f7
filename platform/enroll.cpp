#include "platform/enroll.hpp"

#include "core/config.hpp"
#include "platform/http.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <nlohmann/json.hpp>

namespace ledsager::platform {

namespace {

// A TOML basic string: quotes and backslashes escaped, no control characters.
std::string quoted(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        if (static_cast<unsigned char>(c) >= 0x20) out += c;
    }
    return out + "\"";
}

}  // namespace

bool enroll(const EnrollRequest& r, std::string& name, std::string& error) {
    if (!core::hub_url_allowed(r.hub_url)) {
        error = "--hub: expected https://HOST (plain http:// only for a hub on this machine; got '" + r.hub_url + "')";
        return false;
    }
    nlohmann::json request{{"code", r.code}};
    if (!r.name.empty()) request["name"] = r.name;  // only for codes made before IT named kiosks
    HttpRequest rq;
    rq.url = r.hub_url + "/api/v1/enroll";
    rq.post = true;
    rq.body = request.dump();
    rq.ca_file = r.ca_file;
    rq.timeout_s = 15;
    rq.connect_timeout_s = 10;
    const HttpResponse reply = http_exchange(rq);
    if (!reply.reachable) {
        error = "cannot reach the hub at " + r.hub_url + ": " + reply.error;
        return false;
    }
    const std::string& answer = reply.body;
    const long status = reply.status;
    const auto j = nlohmann::json::parse(answer, nullptr, false);
    if (status != 201 || !j.is_object() || !j.contains("token")) {
        const std::string why = j.is_object() ? j.value("error", "") : "";
        error = "the hub refused the code (HTTP " + std::to_string(status) + ")" + (why.empty() ? "" : ": " + why);
        return false;
    }
    const auto site = j.value("site", nlohmann::json::object());
    const auto kiosk = j.value("kiosk", nlohmann::json::object());
    name = kiosk.value("name", r.name);
    char when[32];
    const std::time_t now = std::time(nullptr);
    std::strftime(when, sizeof when, "%Y-%m-%d %H:%M UTC", std::gmtime(&now));
    std::string toml = "# This kiosk's own credential, written by `ledsager-kiosk enroll` on " + std::string(when) +
                       ".\n# Readable by the kiosk user only (0600). Read after --config; revoke on the hub\n"
                       "# with `ledsager-hub kiosk revoke`.\n\n[hub]\nurl = " +
                       quoted(r.hub_url) + "\ntoken = " + quoted(j.value("token", "")) + "\n";
    if (!r.ca_file.empty()) toml += "ca_file = " + quoted(std::filesystem::absolute(r.ca_file).string()) + "\n";
    toml +=
        "\n[site]\nname = " + quoted(site.value("name", "")) + "\nplace = " + quoted(kiosk.value("place", "")) + "\n";

    // Whole or not at all: a private temporary file beside the target, then rename.
    const std::filesystem::path out(r.out);
    std::error_code ec;
    if (out.has_parent_path()) std::filesystem::create_directories(out.parent_path(), ec);
    const std::string tmp = r.out + ".new";
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0 || ::fchmod(fd, 0600) != 0 ||
        ::write(fd, toml.data(), toml.size()) != static_cast<ssize_t>(toml.size()) || ::fsync(fd) != 0) {
        if (fd >= 0) ::close(fd);
        ::unlink(tmp.c_str());
        error = "cannot write " + r.out + " (the token was issued: revoke it on the hub and enroll again)";
        return false;
    }
    ::close(fd);
    if (::rename(tmp.c_str(), r.out.c_str()) != 0) {
        ::unlink(tmp.c_str());
        error = "cannot write " + r.out + " (the token was issued: revoke it on the hub and enroll again)";
        return false;
    }
    return true;
}

}  // namespace ledsager::platform
