#include "platform/content_fetch.hpp"

#include <curl/curl.h>

#include <cstdio>
#include <filesystem>
#include <utility>

namespace ledsager::platform {

namespace fs = std::filesystem;

namespace {
size_t to_file(char* data, size_t size, size_t n, void* out) { return std::fwrite(data, size, n, static_cast<std::FILE*>(out)) * size; }
}  // namespace

ContentFetcher::ContentFetcher(HubClientOptions hub, const core::ContentStore& store) : hub_(std::move(hub)), store_(store) {
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

ContentFetcher::~ContentFetcher() {
    if (thread_.joinable()) thread_.join();
}

void ContentFetcher::set_wake(std::function<void()> wake) {
    std::lock_guard lock(mutex_);
    wake_ = std::move(wake);
}

void ContentFetcher::fetch(std::int64_t version, const std::string& sha256, std::int64_t size) {
    if (busy_) return;
    if (thread_.joinable()) thread_.join();
    busy_ = true;
    thread_ = std::thread([this, version, sha256, size] {
        auto r = run(version, sha256, size);
        std::function<void()> wake;
        {
            std::lock_guard lock(mutex_);
            result_ = std::move(r);
            wake = wake_;
        }
        busy_ = false;
        if (wake) wake();
    });
}

std::optional<ContentFetchResult> ContentFetcher::take() {
    std::lock_guard lock(mutex_);
    return std::exchange(result_, std::nullopt);
}

bool ContentFetcher::has_result() {
    std::lock_guard lock(mutex_);
    return result_.has_value();
}

ContentFetchResult ContentFetcher::run(std::int64_t version, const std::string& sha256, std::int64_t size) {
    ContentFetchResult r;
    r.version = version;
    r.retry = true;
    if (size <= 0 || static_cast<std::uint64_t>(size) > core::kBundleMaxTotalBytes + (16u << 20)) {
        r.retry = false;
        r.error = "the hub announced a bundle of " + std::to_string(size) + " bytes";
        return r;
    }
    std::error_code ec;
    fs::create_directories(store_.incoming(), ec);
    const fs::path file = store_.incoming() / (std::to_string(version) + ".tar");
    std::FILE* out = std::fopen(file.c_str(), "wb");
    if (!out) {
        r.error = file.string() + ": cannot be written";
        return r;
    }
    CURL* curl = curl_easy_init();
    const std::string url = hub_.base_url + "/api/v1/content/bundles/" + std::to_string(version);
    const std::string auth = "Authorization: Bearer " + hub_.token;
    curl_slist* headers = curl_slist_append(nullptr, auth.c_str());
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 600L);  // a slow library line, a large bundle: minutes are fine
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(size));
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, to_file);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, out);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
    if (!hub_.ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, hub_.ca_file.c_str());
    const CURLcode rc = curl_easy_perform(curl);
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    const bool written = std::fclose(out) == 0;
    auto done = [&](std::string error, bool retry) {
        fs::remove(file, ec);
        r.error = std::move(error);
        r.retry = retry;
        return r;
    };
    if (rc != CURLE_OK) return done("download of v" + std::to_string(version) + " failed: " + curl_easy_strerror(rc), true);
    if (status != 200) return done("download of v" + std::to_string(version) + ": the hub answered " + std::to_string(status), true);
    if (!written) return done(file.string() + ": cannot be written (disk full?)", true);
    // The hub's hash guards the transfer; the signature, checked next, guards the content.
    if (core::sha256_file(file) != sha256) return done("download of v" + std::to_string(version) + " arrived damaged (SHA-256 differs)", true);
    std::string error;
    core::ContentSet set;
    if (!store_.stage(file, version, set, error)) return done("content bundle v" + std::to_string(version) + " refused: " + error, false);
    fs::remove(file, ec);
    r.ok = true;
    r.retry = false;
    r.content = std::move(set);
    return r;
}

}  // namespace ledsager::platform
