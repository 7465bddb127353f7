#include "platform/content_fetch.hpp"

#include "platform/http.hpp"

#include <cstdio>
#include <filesystem>
#include <utility>

namespace ledsager::platform {

namespace fs = std::filesystem;

ContentFetcher::ContentFetcher(HubClientOptions hub, const core::ContentStore& store)
    : hub_(std::move(hub)), store_(store) {}

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
    if (size <= 0 || static_cast<std::uint64_t>(size) > common::kBundleMaxTotalBytes + (16u << 20)) {
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
    HttpRequest rq;
    rq.url = hub_.base_url + "/api/v1/content/bundles/" + std::to_string(version);
    rq.bearer = hub_.token;
    rq.ca_file = hub_.ca_file;
    rq.timeout_s = 600;  // a slow library line, a large bundle: minutes are fine
    rq.connect_timeout_s = 10;
    rq.to_file = out;
    rq.max_bytes = size;
    const HttpResponse answer = http_exchange(rq);
    const long status = answer.status;
    const bool written = std::fclose(out) == 0;
    auto done = [&](std::string error, bool retry) {
        fs::remove(file, ec);
        r.error = std::move(error);
        r.retry = retry;
        return r;
    };
    if (!answer.reachable) return done("download of v" + std::to_string(version) + " failed: " + answer.error, true);
    if (status != 200)
        return done("download of v" + std::to_string(version) + ": the hub answered " + std::to_string(status), true);
    if (!written) return done(file.string() + ": cannot be written (disk full?)", true);
    // The hub's hash guards the transfer; the signature, checked next, guards the content.
    if (common::sha256_file(file) != sha256)
        return done("download of v" + std::to_string(version) + " arrived damaged (SHA-256 differs)", true);
    std::string error;
    common::ContentSet set;
    if (!store_.stage(file, version, set, error))
        return done("content bundle v" + std::to_string(version) + " refused: " + error, false);
    fs::remove(file, ec);
    r.ok = true;
    r.retry = false;
    r.content = std::move(set);
    return r;
}

}  // namespace ledsager::platform
