#include "app/hub_link.hpp"

#include <cstdio>

namespace ledsager::app {

void HubLink::set_wake(std::function<void()> wake) {
    if (channel_) channel_->set_wake(std::move(wake));
}

void HubLink::beat(core::Millis now, const common::Heartbeat& health) {
    if (!channel_) return;
    last_heartbeat_ms_ = now;
    core::HubCall call{core::HubCall::Kind::Heartbeat, {}, 0};
    call.health = health;
    channel_->submit(call);
}

void HubLink::submit(const core::HubCall& call) {
    if (channel_) channel_->submit(call);
}

HubLink::Replies HubLink::take_replies() {
    Replies out;
    if (!channel_) return out;
    for (auto& reply : channel_->take_replies()) {
        switch (reply.kind) {
            case core::HubCall::Kind::Heartbeat:
                out.heartbeats.push_back(std::move(reply));
                break;
            case core::HubCall::Kind::Usage:
                usage_in_flight_ = false;
                if (reply.ok || reply.http_status == 400) {
                    // Sent (or refused as malformed: never sent again, so it cannot block the rest).
                    if (!reply.ok) std::fprintf(stderr, "ledsager-kiosk: the hub refused a usage batch (400)\n");
                } else {
                    usage_.put_back(std::move(usage_sending_));  // the hub is away: later
                }
                usage_sending_.clear();
                break;
            case core::HubCall::Kind::Settings:
                settings_in_flight_ = false;
                if (reply.ok && !reply.settings_revision.empty())
                    pending_settings_.emplace(reply.settings_revision, reply.settings_body);
                break;
            default:
                out.session.push_back(std::move(reply));
        }
    }
    return out;
}

void HubLink::send_usage(core::Millis now) {
    if (!channel_ || usage_in_flight_ || usage_.buffered() == 0) return;
    if (usage_.buffered() < core::UsageRecorder::kBatch && now - usage_sent_ms_ < kUsageEveryMs) return;
    usage_sent_ms_ = now;
    usage_sending_ = usage_.take(core::UsageRecorder::kBatch);
    core::HubCall call{core::HubCall::Kind::Usage, {}, 0};
    call.usage = common::encode_usage(usage_sending_);
    channel_->submit(call);
    usage_in_flight_ = true;
}

void HubLink::want_settings(const std::string& revision, const std::string& applied, const std::string& refused) {
    if (!channel_ || revision.empty() || revision == applied || revision == refused || settings_in_flight_) return;
    if (pending_settings_ && pending_settings_->first == revision) return;
    channel_->submit({core::HubCall::Kind::Settings, {}, 0});
    settings_in_flight_ = true;
}

std::optional<std::pair<std::string, std::string>> HubLink::take_settings() {
    auto s = std::move(pending_settings_);
    pending_settings_.reset();
    return s;
}

}  // namespace ledsager::app
