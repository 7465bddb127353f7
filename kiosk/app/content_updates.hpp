// Content updates, one job: a newer signed bundle the hub offers is fetched and checked off
// the frame loop, kept waiting while a citizen uses the kiosk, and served from the next
// session (a citizen never sees a guide change under them). Without a store (no public key
// pinned) no bundle is ever taken.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "common/content.hpp"
#include "core/content_store.hpp"
#include "core/escalation.hpp"
#include "platform/content_fetch.hpp"

namespace ledsager::app {

class ContentUpdates {
public:
    // What is served at start: `served_version` from `store` (0 = the installed guides).
    // Bundles are fetched only with a hub (`hub` null: none).
    void set_store(std::unique_ptr<core::ContentStore> store, std::int64_t served_version,
                   const common::ContentSet& served, const platform::HubClientOptions* hub);
    // Called from the fetching thread when a bundle has been checked (the loop wakes up).
    void set_wake(std::function<void()> wake);

    const core::ContentStore* store() const { return store_.get(); }
    std::int64_t served_version() const { return served_version_; }
    // For IT: "installed" or the bundle's version, and a short hash of what is served.
    const std::string& label() const { return label_; }
    // A checked bundle waiting for the session to end (0 = none).
    std::int64_t staged_version() const { return staged_ ? staged_version_ : 0; }

    // A heartbeat's reply named the hub's current bundle: fetch it if it is wanted.
    void offered(const core::HubReply& reply, core::Millis now);
    // Whether pump() has something to do: a fetch finished, or a bundle waits and nobody is there.
    bool has_news(bool idle) const;

    struct Outcome {
        bool switched = false;  // `content` is the new bundle now: texts and pictures changed
        bool tell_hub = false;  // IT should hear of this now (a refused bundle, a new version)
    };
    // Takes a finished fetch (a failure goes to `last_error`, in technical words for IT; the
    // old content keeps serving) and, when `idle`, serves the waiting bundle as `content`.
    Outcome pump(core::Millis now, bool idle, common::ContentSet& content, std::string& last_error);

private:
    static constexpr core::Millis kRetryMs = 5 * 60 * 1000;  // a download that failed on the way

    std::unique_ptr<core::ContentStore> store_;
    std::unique_ptr<platform::ContentFetcher> fetcher_;
    std::function<void()> wake_;
    std::optional<common::ContentSet> staged_;
    std::int64_t staged_version_ = 0, served_version_ = 0;
    core::Millis served_since_ = -1, retry_at_ = 0;
    std::string label_;
};

}  // namespace ledsager::app
