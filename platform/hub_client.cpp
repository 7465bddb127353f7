#include "platform/hub_client.hpp"

#include "platform/http.hpp"

#include <nlohmann/json.hpp>

namespace ledsager::platform {

using json = nlohmann::json;

namespace {
// What the citizen is on (guide and step ids), when they are in a guide.
void add_task(json& j, const core::HelpShare& share) {
    if (share.guide.empty()) return;
    j["guide"] = share.guide;
    j["step"] = share.step;
    j["step_number"] = share.step_number;
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
        case core::HubCall::Kind::Create: {
            url += "/api/v1/help-requests";
            json j{{"kind", call.share.kind}, {"language", call.share.language}, {"needs", call.share.needs}};
            add_task(j, call.share);
            body = j.dump();
            break;
        }
        case core::HubCall::Kind::Poll:
            url += "/api/v1/help-requests/" + std::to_string(call.id);
            post = false;
            break;
        case core::HubCall::Kind::Cancel:
            url += "/api/v1/help-requests/" + std::to_string(call.id) + "/cancel";
            break;
        case core::HubCall::Kind::Heartbeat: {
            url += "/api/v1/heartbeat";
            const auto& h = call.health;
            json j{{"version", h.version}, {"uptime_s", h.uptime_s}, {"content_version", h.content_version},
                   {"printer", h.printer}, {"camera", h.camera},     {"audio", h.audio},
                   {"screen", h.screen}};
            if (!h.last_error.empty()) j["last_error"] = h.last_error.substr(0, 200);
            body = j.dump();
            break;
        }
        case core::HubCall::Kind::Usage:
            url += "/api/v1/usage";
            body = call.usage;
            break;
        case core::HubCall::Kind::Settings:
            url += "/api/v1/kiosk/settings";
            post = false;
            break;
        case core::HubCall::Kind::Signal: {
            url += "/api/v1/signals";
            json j{{"reason", call.reason}, {"language", call.share.language}};
            add_task(j, call.share);
            body = j.dump();
            break;
        }
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
    try {
        const json j = json::parse(response);
        reply.id = j.value("id", std::int64_t{0});
        reply.number = j.value("number", "");
        reply.status = j.value("status", "");
        reply.claimed_by = j.value("claimed_by", "");
        reply.position = j.value("position", 0);
        reply.wait_s = j.value("estimated_wait_s", 0);
        if (j.contains("settings") && j["settings"].is_object() && j["settings"].contains("revision"))
            reply.settings_revision = j["settings"].value("revision", "");  // heartbeat
        if (call.kind == core::HubCall::Kind::Settings && j.contains("settings") && j.contains("revision")) {
            reply.settings_revision = j.value("revision", "");
            reply.settings_body = j["settings"].dump();
        }
        if (j.contains("content") && j["content"].is_object()) {
            const auto& c = j["content"];
            reply.content_version = c.value("version", std::int64_t{0});
            reply.content_sha256 = c.value("sha256", "");
            reply.content_size = c.value("size", std::int64_t{0});
        }
        reply.ok = true;
    } catch (const json::exception&) {
        reply.ok = false;  // a hub that answers nonsense counts as not answering properly
    }
    return reply;
}

}  // namespace ledsager::platform
