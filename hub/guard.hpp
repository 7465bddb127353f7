// The hub's own bounds on what one caller can cost it, each explicit and tested
// (tests/security): growing delays after failed attempts, a cap on concurrent costly work
// (argon2 password checks), a rate per key, and connections held open per key (event
// streams, long polls). Every map here is bounded: a flood of new keys cannot grow memory.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>

namespace ledsager::hub {

using Clock = std::chrono::steady_clock;

// Failed attempts per key (a user name, an address) with growing delays: the first
// `free_failures` attempts go through at once; after that each further attempt must wait
// `first_delay`, doubling up to `max_delay`. An attempt is counted BEFORE it is checked (as
// a failure until `succeeded`), so concurrent guesses cannot slip past the count. A key is
// forgotten `forget_after` after its last attempt; at most `max_keys` keys are kept.
class Throttle {
public:
    struct Policy {
        int free_failures = 5;
        std::chrono::seconds first_delay{2};
        std::chrono::seconds max_delay{900};
        std::chrono::seconds forget_after{3600};
        std::size_t max_keys = 10000;
    };
    explicit Throttle(Policy p, std::function<Clock::time_point()> now = Clock::now)
        : policy_(p), now_(std::move(now)) {}
    // 0: go ahead (the attempt is counted); otherwise the seconds to wait (nothing counted).
    std::int64_t begin(const std::string& key);
    void succeeded(const std::string& key);  // forgets the key's failures
    void forgive(const std::string& key);    // this one attempt was not a failure after all
    std::size_t keys();

private:
    struct Entry {
        int failures = 0;
        Clock::time_point next_allowed{}, last{};
    };
    void prune(Clock::time_point now);
    Policy policy_;
    std::function<Clock::time_point()> now_;
    std::mutex mutex_;
    std::map<std::string, Entry> entries_;
};

// At most `n` holders at once; others wait up to a deadline, then are refused.
class Slots {
public:
    explicit Slots(int n) : free_(n) {}
    bool acquire(std::chrono::milliseconds wait);
    void release();

private:
    std::mutex mutex_;
    std::condition_variable cv_;
    int free_;
};

// A token bucket per key: `per_minute` on average, bursts of `burst`; at most `max_keys` keys.
class Rate {
public:
    Rate(double per_minute, double burst, std::size_t max_keys = 10000,
         std::function<Clock::time_point()> now = Clock::now)
        : per_s_(per_minute / 60.0), burst_(burst), max_keys_(max_keys), now_(std::move(now)) {}
    bool allow(const std::string& key);

private:
    struct Bucket {
        double tokens = 0;
        Clock::time_point at{};
    };
    double per_s_, burst_;
    std::size_t max_keys_;
    std::function<Clock::time_point()> now_;
    std::mutex mutex_;
    std::map<std::string, Bucket> buckets_;
};

// Connections held open (event streams, long polls): at most `per_key` for one key and
// `total` over all keys. hold() false = refused; every true hold() is paired with release().
class Held {
public:
    Held(int per_key, int total) : per_key_(per_key), total_(total) {}
    bool hold(const std::string& key);
    void release(const std::string& key);
    int count();

private:
    std::mutex mutex_;
    int per_key_, total_, count_ = 0;
    std::map<std::string, int> by_key_;
};

}  // namespace ledsager::hub
