#include "platform/http.hpp"

#include <curl/curl.h>
#include <dlfcn.h>

#include <algorithm>
#include <cstdio>
#include <string>

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

// libcurl is taken up at the first exchange, not at the program's start: with TLS, HTTP/2,
// Kerberos and LDAP it brings 25 libraries, about 10 ms of every start before the first
// frame (tests/bench/kiosk_bench.sh), and the first exchange comes after that frame. The
// functions have the types of curl.h's declarations (decltype); the values given to the
// variadic setopt and getinfo are not checked as curl's gcc macros would check them, so each
// must be the type curl's documentation names (long, a pointer, curl_off_t). libcurl.so.4 is
// the ABI Debian's libcurl4 keeps. When it cannot be loaded, the kiosk says so once and
// serves without the hub.
struct Curl {
    decltype(&curl_global_init) global_init = nullptr;
    decltype(&curl_easy_init) easy_init = nullptr;
    decltype(&curl_easy_setopt) setopt = nullptr;
    decltype(&curl_easy_perform) perform = nullptr;
    decltype(&curl_easy_getinfo) getinfo = nullptr;
    decltype(&curl_easy_strerror) strerror = nullptr;
    decltype(&curl_easy_cleanup) cleanup = nullptr;
    decltype(&curl_slist_append) slist_append = nullptr;
    decltype(&curl_slist_free_all) slist_free_all = nullptr;
    std::string error;  // why libcurl cannot be used; empty when it can
};

template <typename F>
bool take(void* lib, const char* name, F& f, std::string& error) {
    f = reinterpret_cast<F>(dlsym(lib, name));
    if (!f && error.empty()) error = std::string("libcurl.so.4 has no ") + name;
    return f != nullptr;
}

const Curl& curl() {
    static const Curl c = [] {
        Curl k;
        void* lib = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);  // never closed: used to the end
        if (!lib) {
            const char* why = dlerror();
            k.error = std::string("cannot load libcurl: ") + (why ? why : "libcurl.so.4 not found");
            return k;
        }
        take(lib, "curl_global_init", k.global_init, k.error);
        take(lib, "curl_easy_init", k.easy_init, k.error);
        take(lib, "curl_easy_setopt", k.setopt, k.error);
        take(lib, "curl_easy_perform", k.perform, k.error);
        take(lib, "curl_easy_getinfo", k.getinfo, k.error);
        take(lib, "curl_easy_strerror", k.strerror, k.error);
        take(lib, "curl_easy_cleanup", k.cleanup, k.error);
        take(lib, "curl_slist_append", k.slist_append, k.error);
        take(lib, "curl_slist_free_all", k.slist_free_all, k.error);
        if (k.error.empty() && k.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) k.error = "cannot start libcurl";
        if (!k.error.empty()) std::fprintf(stderr, "ledsager: %s: the hub cannot be reached\n", k.error.c_str());
        return k;
    }();  // thread-safe: the first caller loads, the others wait
    return c;
}

}  // namespace

HttpResponse http_exchange(const HttpRequest& rq) {
    HttpResponse r;
    const Curl& k = curl();
    if (!k.error.empty()) {
        r.error = k.error;
        return r;
    }
    CURL* c = k.easy_init();
    if (!c) {
        r.error = "cannot start libcurl";
        return r;
    }
    curl_slist* headers = nullptr;
    const std::string auth = "Authorization: Bearer " + rq.bearer;
    if (!rq.bearer.empty()) headers = k.slist_append(headers, auth.c_str());
    if (rq.post) headers = k.slist_append(headers, "Content-Type: application/json");
    k.setopt(c, CURLOPT_URL, rq.url.c_str());
    k.setopt(c, CURLOPT_HTTPHEADER, headers);
    k.setopt(c, CURLOPT_TIMEOUT, rq.timeout_s);
    k.setopt(c, CURLOPT_CONNECTTIMEOUT, std::min(rq.connect_timeout_s, rq.timeout_s));
    k.setopt(c, CURLOPT_NOSIGNAL, 1L);
    k.setopt(c, CURLOPT_TCP_NODELAY, 1L);
    k.setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
    k.setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    if (!rq.ca_file.empty()) k.setopt(c, CURLOPT_CAINFO, rq.ca_file.c_str());
    if (rq.to_file) {
        k.setopt(c, CURLOPT_WRITEFUNCTION, to_file);
        k.setopt(c, CURLOPT_WRITEDATA, rq.to_file);
    } else {
        k.setopt(c, CURLOPT_WRITEFUNCTION, to_string);
        k.setopt(c, CURLOPT_WRITEDATA, &r.body);
    }
    if (rq.max_bytes > 0) k.setopt(c, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(rq.max_bytes));
    if (rq.post) {
        k.setopt(c, CURLOPT_POST, 1L);
        k.setopt(c, CURLOPT_POSTFIELDS, rq.body.c_str());
        k.setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(rq.body.size()));
    }
    if (rq.abort) {
        k.setopt(c, CURLOPT_NOPROGRESS, 0L);
        k.setopt(c, CURLOPT_XFERINFODATA, &rq.abort);
        k.setopt(c, CURLOPT_XFERINFOFUNCTION, ask_abort);
    }
    const CURLcode rc = k.perform(c);
    if (rc == CURLE_OK) {
        r.reachable = true;
        k.getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
    } else {
        r.error = k.strerror(rc);
    }
    k.slist_free_all(headers);
    k.cleanup(c);
    return r;
}

}  // namespace ledsager::platform
