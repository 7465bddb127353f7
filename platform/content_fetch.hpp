// Fetches a content bundle from the hub in the background (libcurl, its own thread), then
// has the content store verify, unpack and check it (core::ContentStore::stage), still off
// the UI thread. The kiosk takes the result between frames and switches between sessions.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "core/content_store.hpp"
#include "platform/hub_client.hpp"

namespace ledsager::platform {

struct ContentFetchResult {
    std::int64_t version = 0;
    bool ok = false;
    // Not the bundle's fault (network, hub, disk): try again later. Otherwise the bundle
    // itself is bad (signature, hashes, guides) and is refused for good.
    bool retry = false;
    std::string error;
    common::ContentSet content;  // checked, ready to serve (ok only)
};

class ContentFetcher {
public:
    ContentFetcher(HubClientOptions hub, const core::ContentStore& store);
    ~ContentFetcher();
    ContentFetcher(const ContentFetcher&) = delete;
    ContentFetcher& operator=(const ContentFetcher&) = delete;

    // Starts fetching `version` (announced with its file's SHA-256 and size); ignored while busy.
    void fetch(std::int64_t version, const std::string& sha256, std::int64_t size);
    bool busy() const { return busy_; }
    std::optional<ContentFetchResult> take();
    bool has_result();
    void set_wake(std::function<void()> wake);

private:
    ContentFetchResult run(std::int64_t version, const std::string& sha256, std::int64_t size);

    HubClientOptions hub_;
    const core::ContentStore& store_;
    std::thread thread_;
    std::atomic<bool> busy_{false};
    std::mutex mutex_;
    std::optional<ContentFetchResult> result_;
    std::function<void()> wake_;
};

}  // namespace ledsager::platform
