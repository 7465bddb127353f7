#include "app/content_updates.hpp"

#include <cstdio>

namespace ledsager::app {

void ContentUpdates::set_store(std::unique_ptr<core::ContentStore> store, std::int64_t served_version,
                               const common::ContentSet& served, const platform::HubClientOptions* hub) {
    fetcher_.reset();  // it refers to the store it was made with
    store_ = std::move(store);
    served_version_ = served_version;
    label_ = core::content_version_label(served_version_, served);
    if (store_ && hub) {
        fetcher_ = std::make_unique<platform::ContentFetcher>(*hub, *store_);
        if (wake_) fetcher_->set_wake(wake_);
    }
}

void ContentUpdates::set_wake(std::function<void()> wake) {
    wake_ = std::move(wake);
    if (fetcher_) fetcher_->set_wake(wake_);
}

void ContentUpdates::offered(const core::HubReply& reply, core::Millis now) {
    if (!fetcher_ || !reply.ok || reply.content_version <= 0) return;
    if (!store_->wanted(reply.content_version) || fetcher_->busy() || staged_ || now < retry_at_) return;
    fetcher_->fetch(reply.content_version, reply.content_sha256, reply.content_size);
}

bool ContentUpdates::has_news(bool idle) const {
    if (fetcher_ && !fetcher_->busy() && fetcher_->has_result()) return true;
    return staged_ && idle;
}

ContentUpdates::Outcome ContentUpdates::pump(core::Millis now, bool idle, common::ContentSet& content,
                                             std::string& last_error) {
    Outcome out;
    if (!store_) return out;
    if (served_since_ < 0) served_since_ = now;
    store_->tick(now - served_since_);
    if (auto r = fetcher_ ? fetcher_->take() : std::nullopt) {
        if (r->ok) {
            std::fprintf(stderr,
                         "ledsager-kiosk: content bundle v%lld verified (%zu guides): served from the next session\n",
                         static_cast<long long>(r->version), r->content.guides.size());
            staged_ = std::move(r->content);
            staged_version_ = r->version;
        } else {
            std::fprintf(stderr, "ledsager-kiosk: %s\n", r->error.c_str());
            last_error = r->error;
            if (r->retry)
                retry_at_ = now + kRetryMs;
            else
                store_->refuse(r->version);
            out.tell_hub = true;
        }
    }
    if (!staged_ || !idle) return out;
    content = std::move(*staged_);
    staged_.reset();
    store_->switched(staged_version_);
    if (last_error.rfind("content bundle", 0) == 0) last_error.clear();
    if (!store_->last_write_error().empty()) last_error = store_->last_write_error();
    served_version_ = staged_version_;
    served_since_ = now;
    label_ = core::content_version_label(served_version_, content);
    std::fprintf(stderr, "ledsager-kiosk: now serving content bundle v%lld (%s)\n",
                 static_cast<long long>(served_version_), label_.c_str());
    out.switched = out.tell_hub = true;
    return out;
}

}  // namespace ledsager::app
