#include "platform/http.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <mutex>

namespace ledsager::platform {

namespace {

size_t to_string(char* data, size_t size, size_t n, void* out) {
    static_cast<std::string*>(out)->append(data, size * n);
    return size * n;
}

size_t to_file(char* data, size_t size, size_t n, void* out) {
    return std::fwrite(data, size, n, static_cast<std::FILE*>(out)) * size;
}

int ask_abort(void* p, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    return (*static_cast<const std::function<bool()>*>(p))() ? 1 : 0;
}

}  // namespace

HttpResponse http_exchange(const HttpRequest& rq) {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    HttpResponse r;
    CURL* c = curl_easy_init();
    if (!c) {
        r.error = "cannot start libcurl";
        return r;
    }
    curl_slist* headers = nullptr;
    const std::string auth = "Authorization: Bearer " + rq.bearer;
    if (!rq.bearer.empty()) headers = curl_slist_append(headers, auth.c_str());
    if (rq.post) headers = curl_slist_append(headers, "Content-Type: application/json");
    curl_easy_setopt(c, CURLOPT_URL, rq.url.c_str());
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, rq.timeout_s);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, std::min(rq.connect_timeout_s, rq.timeout_s));
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    if (!rq.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, rq.ca_file.c_str());
    if (rq.to_file) {
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, to_file);
        curl_easy_setopt(c, CURLOPT_WRITEDATA, rq.to_file);
    } else {
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, to_string);
        curl_easy_setopt(c, CURLOPT_WRITEDATA, &r.body);
    }
    if (rq.max_bytes > 0) curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(rq.max_bytes));
    if (rq.post) {
        curl_easy_setopt(c, CURLOPT_POST, 1L);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, rq.body.c_str());
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(rq.body.size()));
    }
    if (rq.abort) {
        curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
        curl_easy_setopt(c, CURLOPT_XFERINFODATA, &rq.abort);
        curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, ask_abort);
    }
    const CURLcode rc = curl_easy_perform(c);
    if (rc == CURLE_OK) {
        r.reachable = true;
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
    } else {
        r.error = curl_easy_strerror(rc);
    }
    curl_slist_free_all(headers);
    curl_easy_cleanup(c);
    return r;
}

}  // namespace ledsager::platform
