// Talks to ledsager-hub over HTTPS with libcurl, on its own thread: the UI never waits on
// the network. Calls go in with submit(); replies come back through take_replies(), and
// the optional wake callback lets the frame loop know at once. The kiosk sees it as a
// core::HubChannel.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/escalation.hpp"

namespace ledsager::platform {

struct HubClientOptions {
    std::string base_url;  // e.g. https://hub.example.dk
    std::string token;     // the kiosk's bearer token
    std::string ca_file;   // CA bundle to verify the hub's certificate; empty = system CAs
    int timeout_s = 5;
};

class HubClient final : public core::HubChannel {
public:
    explicit HubClient(HubClientOptions options);
    ~HubClient();
    HubClient(const HubClient&) = delete;
    HubClient& operator=(const HubClient&) = delete;

    void submit(const core::HubCall& call) override;
    std::vector<core::HubReply> take_replies() override;
    bool has_replies() override;
    void set_wake(std::function<void()> wake) override;

private:
    void run();
    core::HubReply perform(const core::HubCall& call);

    HubClientOptions options_;
    std::mutex mutex_;
    std::condition_variable cv_;
    std::deque<core::HubCall> calls_;
    std::vector<core::HubReply> replies_;
    std::function<void()> wake_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace ledsager::platform
