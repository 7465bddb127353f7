#include "platform/hub_client.hpp"

#include "platform/http.hpp"

#include "common/protocol.hpp"

namespace ledsager::platform {

namespace {
// Where the citizen is (guide and step ids, when they are in a guide) and their language.
common::Place place_of(const core::HelpShare& share) {
    return {share.guide, share.step, share.step_number, share.language};
}
}  // namespace

HubClient::HubClient(HubClientOptions options) : options_(std::move(options)) {
    thread_ = std::thread([this] { run(); });
}

HubClient::~HubClient() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    cv_.notify_all();
    thread_.join();
}

void HubClient::submit(const core::HubCall& call) {
    {
        std::lock_guard lock(mutex_);
        calls_.push_back(call);
    }
    cv_.notify_all();
}

std::vector<core::HubReply> HubClient::take_replies() {
    std::lock_guard lock(mutex_);
    return std::exchange(replies_, {});
}

bool HubClient::has_replies() {
    std::lock_guard lock(mutex_);
    return !replies_.empty();
}

void HubClient::set_wake(std::function<void()> wake) {
    std::lock_guard lock(mutex_);
    wake_ = std::move(wake);
}

void HubClient::run() {
    for (;;) {
        core::HubCall call;
        {
            std::unique_lock lock(mutex_);
            cv_.wait(lock, [this] { return stopping_ || !calls_.empty(); });
            if (stopping_) return;
            call = calls_.front();
            calls_.pop_front();
        }
        core::HubReply reply = perform(call);
        std::function<void()> wake;
        {
            std::lock_guard lock(mutex_);
            replies_.push_back(std::move(reply));
            wake = wake_;
        }
        if (wake) wake();
    }
}

core::HubReply HubClient::perform(const core::HubCall& call) {
    core::HubReply reply;
    reply.kind = call.kind;
    std::string url = options_.base_url, body;
    bool post = true;
    switch (call.kind) {
        case core::HubCall::Kind::Create:
            url += "/api/v1/help-requests";
            body = common::encode(common::HelpRequestMessage{call.share.kind, call.share.needs, place_of(call.share)});
            break;
        case core::HubCall::Kind::Poll:
            url += "/api/v1/help-requests/" + std::to_string(call.id);
            post = false;
            break;
        case core::HubCall::Kind::Cancel:
            url += "/api/v1/help-requests/" + std::to_string(call.id) + "/cancel";
            break;
        case core::HubCall::Kind::Heartbeat:
            url += "/api/v1/heartbeat";
            body = common::encode(call.health);
            break;
        case core::HubCall::Kind::Usage:
            url += "/api/v1/usage";
            body = call.usage;
            break;
        case core::HubCall::Kind::Settings:
            url += "/api/v1/kiosk/settings";
            post = false;
            break;
        case core::HubCall::Kind::Signal:
            url += "/api/v1/signals";
            body = common::encode(common::SignalMessage{call.reason, place_of(call.share)});
            break;
    }
    HttpRequest rq;
    rq.url = url;
    rq.post = post;
    rq.body = body;
    rq.bearer = options_.token;
    rq.ca_file = options_.ca_file;
    rq.timeout_s = options_.timeout_s;
    rq.connect_timeout_s = 3;
    const HttpResponse answer = http_exchange(rq);
    const std::string& response = answer.body;
    const long status = answer.status;
    reply.reachable = answer.reachable;
    reply.http_status = static_cast<int>(status);
    if (!reply.reachable || status < 200 || status >= 300) return reply;
    if (status == 204) {
        reply.ok = true;  // done, nothing to say
        return reply;
    }
    // A hub that answers nonsense counts as not answering properly (ok stays false).
    switch (call.kind) {
        case core::HubCall::Kind::Create:
        case core::HubCall::Kind::Poll:
        case core::HubCall::Kind::Cancel: {
            common::HelpRequestStatus r;
            if (!(reply.ok = common::decode(response, r))) break;
            reply.id = r.id;
            reply.number = r.number;
            reply.status = r.status;
            reply.claimed_by = r.claimed_by;
            reply.position = r.position;
            reply.wait_s = static_cast<int>(r.estimated_wait_s);
            break;
        }
        case core::HubCall::Kind::Heartbeat: {
            common::HeartbeatAnswer r;
            if (!(reply.ok = common::decode(response, r))) break;
            reply.settings_revision = r.settings_revision;
            if (r.content) {
                reply.content_version = r.content->version;
                reply.content_sha256 = r.content->sha256;
                reply.content_size = r.content->size;
            }
            break;
        }
        case core::HubCall::Kind::Settings: {
            common::SettingsAnswer r;
            if (!(reply.ok = common::decode(response, r))) break;
            reply.settings_revision = r.revision;
            reply.settings_body = r.settings;
            break;
        }
        case core::HubCall::Kind::Usage:
        case core::HubCall::Kind::Signal:
            break;  // the hub answers these with 204 (above): any other answer is not the hub's, the batch is kept
    }
    return reply;
}

}  // namespace ledsager::platform
