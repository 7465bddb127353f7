#include "hub/guard.hpp"

#include <algorithm>
#include <cmath>

namespace ledsager::hub {

void Throttle::prune(Clock::time_point now) {
    std::erase_if(entries_, [&](const auto& kv) {
        return now - kv.second.last > policy_.forget_after && now >= kv.second.next_allowed;
    });
    if (entries_.size() < policy_.max_keys) return;
    // Still full (a flood of distinct keys): drop the keys whose delays have run out, oldest
    // first, keeping those that are being held back right now.
    std::vector<std::pair<Clock::time_point, std::string>> idle;
    for (const auto& [k, e] : entries_)
        if (now >= e.next_allowed) idle.emplace_back(e.last, k);
    std::sort(idle.begin(), idle.end());
    for (std::size_t i = 0; i < idle.size() && entries_.size() >= policy_.max_keys; ++i)
        entries_.erase(idle[i].second);
    // Every key under a delay: the oldest goes (the map never grows past its bound).
    while (entries_.size() >= policy_.max_keys) {
        auto oldest = std::min_element(entries_.begin(), entries_.end(),
                                       [](const auto& a, const auto& b) { return a.second.last < b.second.last; });
        entries_.erase(oldest);
    }
}

std::int64_t Throttle::begin(const std::string& key) {
    std::lock_guard lock(mutex_);
    const auto now = now_();
    auto it = entries_.find(key);
    if (it == entries_.end()) {
        prune(now);
        it = entries_.emplace(key, Entry{}).first;
    }
    Entry& e = it->second;
    if (e.failures >= policy_.free_failures && now < e.next_allowed)
        return std::max<std::int64_t>(1, std::chrono::ceil<std::chrono::seconds>(e.next_allowed - now).count());
    ++e.failures;
    e.last = now;
    if (e.failures >= policy_.free_failures) {
        const int step = std::min(e.failures - policy_.free_failures, 30);
        const auto delay = std::min<std::chrono::seconds::rep>(policy_.first_delay.count() << std::min(step, 20),
                                                               policy_.max_delay.count());
        e.next_allowed = now + std::chrono::seconds(delay);
    }
    return 0;
}

void Throttle::succeeded(const std::string& key) {
    std::lock_guard lock(mutex_);
    entries_.erase(key);
}

void Throttle::forgive(const std::string& key) {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(key);
    if (it == entries_.end() || it->second.failures == 0) return;
    if (--it->second.failures < policy_.free_failures) it->second.next_allowed = {};
}

std::size_t Throttle::keys() {
    std::lock_guard lock(mutex_);
    return entries_.size();
}

bool Slots::acquire(std::chrono::milliseconds wait) {
    std::unique_lock lock(mutex_);
    if (!cv_.wait_for(lock, wait, [this] { return free_ > 0; })) return false;
    --free_;
    return true;
}

void Slots::release() {
    {
        std::lock_guard lock(mutex_);
        ++free_;
    }
    cv_.notify_one();
}

bool Rate::allow(const std::string& key) {
    std::lock_guard lock(mutex_);
    const auto now = now_();
    auto it = buckets_.find(key);
    if (it == buckets_.end()) {
        if (buckets_.size() >= max_keys_) {
            // Full buckets tell nothing: forget them first, then the longest untouched.
            std::erase_if(buckets_, [&](const auto& kv) {
                return kv.second.tokens + std::chrono::duration<double>(now - kv.second.at).count() * per_s_ >= burst_;
            });
            while (buckets_.size() >= max_keys_)
                buckets_.erase(std::min_element(buckets_.begin(), buckets_.end(), [](const auto& a, const auto& b) {
                    return a.second.at < b.second.at;
                }));
        }
        it = buckets_.emplace(key, Bucket{burst_, now}).first;
    }
    Bucket& b = it->second;
    b.tokens = std::min(burst_, b.tokens + std::chrono::duration<double>(now - b.at).count() * per_s_);
    b.at = now;
    if (b.tokens < 1.0) return false;
    b.tokens -= 1.0;
    return true;
}

bool Held::hold(const std::string& key) {
    std::lock_guard lock(mutex_);
    int& n = by_key_[key];
    if (n >= per_key_ || count_ >= total_) {
        if (n == 0) by_key_.erase(key);
        return false;
    }
    ++n;
    ++count_;
    return true;
}

void Held::release(const std::string& key) {
    std::lock_guard lock(mutex_);
    auto it = by_key_.find(key);
    if (it == by_key_.end()) return;
    --count_;
    if (--it->second == 0) by_key_.erase(it);
}

int Held::count() {
    std::lock_guard lock(mutex_);
    return count_;
}

}  // namespace ledsager::hub
