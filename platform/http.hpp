// One HTTP exchange with the hub, made the same way by every part of the kiosk that talks to
// it (the hub link, enrollment, content downloads, a call's signaling): the hub's
// certificate verified (against the configured CA file when given), no signals, bounded in
// time. The one place the kiosk sets up libcurl.
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>

namespace ledsager::platform {

struct HttpRequest {
    std::string url;
    bool post = false;  // POST `body` as JSON; else GET
    std::string body;
    std::string bearer;   // the kiosk's token for "Authorization: Bearer …"; empty = none
    std::string ca_file;  // CA bundle for the hub's certificate; empty = the system's
    long timeout_s = 10;  // the whole exchange, name lookup included
    long connect_timeout_s = 3;
    std::FILE* to_file = nullptr;  // the answer's body is written here instead of to HttpResponse::body
    std::int64_t max_bytes = 0;    // > 0: a longer answer is refused (curl stops reading)
    std::function<bool()> abort;   // asked while waiting: true ends the exchange at once
};

struct HttpResponse {
    bool reachable = false;  // an HTTP answer arrived (any status)
    long status = 0;
    std::string body;
    std::string error;  // why not, in curl's words, when not reachable
};

HttpResponse http_exchange(const HttpRequest& request);

}  // namespace ledsager::platform
