// Signaling for live video calls: a mailbox per video help request, in memory only (what
// passes through it is session descriptions and network candidates, never media and never
// anything the citizen typed or said). Each side posts messages for the other and waits for
// the other side's messages with a long poll. Mailboxes end with the request and are
// forgotten a few minutes later.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/protocol.hpp"

namespace ledsager::hub {

enum class CallSide { Kiosk, Caseworker };

struct CallInfo {
    std::int64_t request_id = 0, site_id = 0, kiosk_id = 0;
    std::int64_t caseworker = 0;  // the user who answered; 0 = not answered yet
    bool ended = false;
};

class Calls {
public:
    static constexpr size_t kMaxMessages = 400;  // per side; a call needs a few dozen
    static constexpr int kMaxWaiters = 48;       // long polls held at once (the server has 128 threads)

    void open(std::int64_t request_id, std::int64_t site_id, std::int64_t kiosk_id, std::int64_t now_s);
    std::optional<CallInfo> info(std::int64_t request_id);
    // Sets the caseworker (first answer wins); false when already answered or unknown.
    bool answer(std::int64_t request_id, std::int64_t user_id);
    // Undoes answer() (the request could not be claimed after all).
    void unanswer(std::int64_t request_id, std::int64_t user_id);
    // The caseworker gave the call back to the queue: anyone may answer it again, and the
    // next caseworker starts with an empty mailbox (the kiosk makes a new offer).
    bool release(std::int64_t request_id);
    // Whether this user is in a call that has not ended (busy: not counted as available).
    bool busy(std::int64_t user_id);
    // Whether this kiosk has a call (waiting or answered) that has not ended.
    bool kiosk_in_call(std::int64_t kiosk_id);
    // Adds a message for `to`; false when the call is unknown, ended or full.
    bool post(std::int64_t request_id, CallSide to, common::CallMessage message);
    // Ends the call; the other side gets a hangup message (with `reason`) unless it already has one.
    void end(std::int64_t request_id, CallSide to_tell, const std::string& reason, std::int64_t now_s);
    // Messages for `side` after sequence number `after` (1-based), waiting up to `timeout`
    // for at least one. `ended` tells whether the call is over. For the caseworker's side,
    // `user` must still be the call's caseworker (a released caseworker reads nothing more).
    // One waiter per call and side: a new poll ends the one before. Beyond kMaxWaiters the
    // answer comes at once (the caller polls again), so long polls never hold every thread.
    std::vector<common::CallMessage> wait(std::int64_t request_id, CallSide side, std::int64_t user, size_t after,
                                          std::chrono::milliseconds timeout, bool& ended, bool& known);
    void forget_ended(std::int64_t before_s);
    void stop();
    size_t active();

private:
    struct Box {
        CallInfo info;
        std::vector<common::CallMessage> to_kiosk, to_caseworker;
        std::int64_t ended_at = 0;
        std::uint64_t waiter[2] = {0, 0};  // per side: the newest poll's ticket
    };
    std::mutex mutex_;
    std::condition_variable cv_;
    std::map<std::int64_t, Box> boxes_;
    bool stopping_ = false;
    int waiters_ = 0;
};

}  // namespace ledsager::hub
