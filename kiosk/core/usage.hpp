// Learning from use, anonymously: what happened in each citizen session, as a handful of
// events the hub folds into daily counts (hub/insight.cpp). Events carry ids from the
// content (guide, step), language codes, which accessibility modes were used and the hour
// of the day, and nothing else: never anything typed or said, no names, no numbers. The
// events of one session carry the session's key: a random number drawn when the session
// begins, derived from nothing, kept nowhere after the session's events are sent. The hub
// only adds it into the key sum beside each count it folds the event into (the cell key its
// reports round by, hub/insight.hpp), so cells that hold the same sessions round alike.
//
// The recorder watches the session (after each frame) and, when a session ends, queues its
// events in a bounded buffer in memory (lost on power-off by design); the app sends them in
// batches through the hub client.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "common/protocol.hpp"
#include "core/session.hpp"

namespace ledsager::core {

class UsageRecorder {
public:
    static constexpr std::size_t kMaxBuffered = 5000;  // beyond this the oldest are dropped
    static constexpr std::size_t kBatch = 60;          // events per batch (under the hub's 16 KiB body limit)

    // `now` is the monotonic clock (ms); `day` and `hour` the local date and hour now.
    // `keypad` = a key was used this frame.
    void observe(const SessionData& d, Millis now, const std::string& day, int hour, bool keypad);

    std::size_t buffered() const { return buffer_.size(); }
    std::size_t dropped() const { return dropped_; }
    // Up to `max` events, oldest first, removed from the buffer (put_back() on failure).
    std::vector<common::UsageEvent> take(std::size_t max);
    void put_back(std::vector<common::UsageEvent> events);

private:
    void begin(const SessionData& d, const std::string& day, int hour);
    void end_step(Millis now);
    void end_guide(const char* how);
    void finish();
    void push(common::UsageEvent e);

    bool in_session_ = false;
    // The session being watched (in memory only; gone when it ends).
    struct Current {
        std::string day, lang;
        int hour = 0;
        std::uint32_t key = 0;
        std::vector<std::string> modes;
        std::vector<common::UsageEvent> events;
        std::string guide, step;
        Millis step_since = 0;
        bool guide_done = false, asked_in_guide = false, helped_seen = false;
        std::string confusing_seen;
        std::vector<std::string> visited;  // steps of this guide seen already (a funnel counts each once)
        bool first_visit = false;
        Escalation::Phase phase = Escalation::Phase::None;
    } cur_;
    std::deque<common::UsageEvent> buffer_;
    std::size_t dropped_ = 0;
};

}  // namespace ledsager::core
