// The kiosk's link to the hub, one job: what goes over the line and when. A heartbeat every
// 30 s (the device's state for IT, never anything about a citizen), the session's calls and
// their replies, anonymous usage in batches, and the kiosk's remote settings, fetched when
// a heartbeat says their revision changed. What the replies mean is decided elsewhere: the
// session takes its own, KioskApp applies settings and content between sessions.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/escalation.hpp"
#include "core/usage.hpp"

namespace ledsager::app {

class HubLink {
public:
    static constexpr core::Millis kHeartbeatMs = 30'000;
    static constexpr core::Millis kUsageEveryMs = 60'000;  // a part batch goes out at most once a minute

    // No channel: a kiosk without a hub (nothing is ever sent, usage is not even recorded).
    explicit HubLink(std::unique_ptr<core::HubChannel> channel = nullptr) : channel_(std::move(channel)) {}

    bool connected() const { return channel_ != nullptr; }
    void disconnect() { channel_.reset(); }
    void set_wake(std::function<void()> wake);

    // Heartbeats: due every kHeartbeatMs; beat_soon() makes the next one due at once (IT
    // should hear of a change now, not in 30 s).
    bool heartbeat_due(core::Millis now) const { return channel_ && now - last_heartbeat_ms_ >= kHeartbeatMs; }
    core::Millis next_heartbeat() const { return last_heartbeat_ms_ + kHeartbeatMs; }
    void beat(core::Millis now, const common::Heartbeat& health);
    void beat_soon(core::Millis now) { last_heartbeat_ms_ = now - kHeartbeatMs; }

    void submit(const core::HubCall& call);
    bool has_replies() const { return channel_ && channel_->has_replies(); }
    // The replies for the session and the heartbeats' replies; usage and settings replies
    // are dealt with here.
    struct Replies {
        std::vector<core::HubReply> session, heartbeats;
    };
    Replies take_replies();

    // What happened, anonymously (see core/usage.hpp); sent by send_usage().
    core::UsageRecorder& usage() { return usage_; }
    const core::UsageRecorder& usage() const { return usage_; }
    // One batch at a time: a full one at once, else what there is once a minute. A batch the
    // hub did not get goes back to the front; one it refused as malformed (400) is dropped.
    void send_usage(core::Millis now);

    // A heartbeat named `revision` as this kiosk's settings: fetch them unless they are the
    // ones applied or refused, asked for already or waiting to be applied.
    void want_settings(const std::string& revision, const std::string& applied, const std::string& refused);
    // Settings fetched (revision, JSON), to apply between sessions.
    bool settings_waiting() const { return pending_settings_.has_value(); }
    std::optional<std::pair<std::string, std::string>> take_settings();

private:
    std::unique_ptr<core::HubChannel> channel_;
    core::Millis last_heartbeat_ms_ = -kHeartbeatMs;
    core::UsageRecorder usage_;
    bool usage_in_flight_ = false;
    core::Millis usage_sent_ms_ = 0;
    std::vector<common::UsageEvent> usage_sending_;
    bool settings_in_flight_ = false;
    std::optional<std::pair<std::string, std::string>> pending_settings_;  // revision, JSON
};

}  // namespace ledsager::app
