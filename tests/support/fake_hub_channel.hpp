// A hub channel with no network and no thread: what the kiosk submits is kept, and replies
// are whatever the test (or its `answer`) puts in `replies`. core::HubChannel is the seam.
#pragma once

#include <deque>
#include <functional>
#include <vector>

#include "core/escalation.hpp"

namespace ledsager::test {

struct FakeHubChannel final : core::HubChannel {
    std::vector<core::HubCall> sent;
    std::deque<core::HubReply> replies;
    int wakes_set = 0;
    // Called for each call submitted, to reply at once when a test wants it to.
    std::function<void(const core::HubCall&, std::deque<core::HubReply>&)> answer;

    void submit(const core::HubCall& call) override {
        sent.push_back(call);
        if (answer) answer(call, replies);
    }
    std::vector<core::HubReply> take_replies() override {
        std::vector<core::HubReply> out(replies.begin(), replies.end());
        replies.clear();
        return out;
    }
    bool has_replies() override { return !replies.empty(); }
    void set_wake(std::function<void()> wake) override { wakes_set += wake ? 1 : 0; }
};

}  // namespace ledsager::test
