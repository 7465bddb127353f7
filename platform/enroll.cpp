#include "platform/enroll.hpp"

#include "core/config.hpp"

#include <curl/curl.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <nlohmann/json.hpp>

namespace ledsager::platform {

namespace {

size_t collect(char* data, size_t size, size_t n, void* out) {
    static_cast<std::string*>(out)->append(data, size * n);
    return size * n;
}

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
    CURL* c = curl_easy_init();
    if (!c) {
        error = "cannot start libcurl";
        return false;
    }
    const std::string url = r.hub_url + "/api/v1/enroll";
    nlohmann::json request{{"code", r.code}};
    if (!r.name.empty()) request["name"] = r.name;  // only for codes made before IT named kiosks
    const std::string body = request.dump();
    std::string answer;
    curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 15L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &answer);
    if (!r.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, r.ca_file.c_str());
    const CURLcode rc = curl_easy_perform(c);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(headers);
    curl_easy_cleanup(c);
    if (rc != CURLE_OK) {
        error = "cannot reach the hub at " + r.hub_url + ": " + curl_easy_strerror(rc);
        return false;
    }
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
                       "# with `ledsager-hub kiosk revoke`.\n\n[hub]\nurl = " + quoted(r.hub_url) + "\ntoken = " +
                       quoted(j.value("token", "")) + "\n";
    if (!r.ca_file.empty()) toml += "ca_file = " + quoted(std::filesystem::absolute(r.ca_file).string()) + "\n";
    toml += "\n[site]\nname = " + quoted(site.value("name", "")) + "\nplace = " + quoted(kiosk.value("place", "")) + "\n";

    // Whole or not at all: a private temporary file beside the target, then rename.
    const std::filesystem::path out(r.out);
    std::error_code ec;
    if (out.has_parent_path()) std::filesystem::create_directories(out.parent_path(), ec);
    const std::string tmp = r.out + ".new";
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0 || ::fchmod(fd, 0600) != 0 || ::write(fd, toml.data(), toml.size()) != static_cast<ssize_t>(toml.size()) ||
        ::fsync(fd) != 0) {
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
