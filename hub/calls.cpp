#include "hub/calls.hpp"

namespace ledsager::hub {

void Calls::open(std::int64_t request_id, std::int64_t site_id, std::int64_t kiosk_id, std::int64_t) {
    std::lock_guard lock(mutex_);
    Box& b = boxes_[request_id];
    b.info = {request_id, site_id, kiosk_id, 0, false};
}

std::optional<CallInfo> Calls::info(std::int64_t request_id) {
    std::lock_guard lock(mutex_);
    auto it = boxes_.find(request_id);
    if (it == boxes_.end()) return std::nullopt;
    return it->second.info;
}

bool Calls::answer(std::int64_t request_id, std::int64_t user_id) {
    std::lock_guard lock(mutex_);
    auto it = boxes_.find(request_id);
    if (it == boxes_.end() || it->second.info.ended || it->second.info.caseworker) return false;
    it->second.info.caseworker = user_id;
    return true;
}

void Calls::unanswer(std::int64_t request_id, std::int64_t user_id) {
    std::lock_guard lock(mutex_);
    auto it = boxes_.find(request_id);
    if (it != boxes_.end() && it->second.info.caseworker == user_id) it->second.info.caseworker = 0;
}

bool Calls::release(std::int64_t request_id) {
    {
        std::lock_guard lock(mutex_);
        auto it = boxes_.find(request_id);
        if (it == boxes_.end() || it->second.info.ended) return false;
        it->second.info.caseworker = 0;
        it->second.to_caseworker.clear();
        it->second.to_kiosk.push_back(
            common::call_message("released", {}, 0, static_cast<std::int64_t>(it->second.to_kiosk.size()) + 1));
    }
    cv_.notify_all();
    return true;
}

bool Calls::busy(std::int64_t user_id) {
    std::lock_guard lock(mutex_);
    for (const auto& [id, b] : boxes_)
        if (b.info.caseworker == user_id && !b.info.ended) return true;
    return false;
}

bool Calls::kiosk_in_call(std::int64_t kiosk_id) {
    std::lock_guard lock(mutex_);
    for (const auto& [id, b] : boxes_)
        if (b.info.kiosk_id == kiosk_id && !b.info.ended) return true;
    return false;
}

bool Calls::post(std::int64_t request_id, CallSide to, common::CallMessage message) {
    {
        std::lock_guard lock(mutex_);
        auto it = boxes_.find(request_id);
        if (it == boxes_.end() || it->second.info.ended) return false;
        auto& list = to == CallSide::Kiosk ? it->second.to_kiosk : it->second.to_caseworker;
        if (list.size() >= kMaxMessages) return false;
        message.seq = static_cast<std::int64_t>(list.size()) + 1;
        list.push_back(std::move(message));
    }
    cv_.notify_all();
    return true;
}

void Calls::end(std::int64_t request_id, CallSide to_tell, const std::string& reason, std::int64_t now_s) {
    {
        std::lock_guard lock(mutex_);
        auto it = boxes_.find(request_id);
        if (it == boxes_.end() || it->second.info.ended) return;
        auto& list = to_tell == CallSide::Kiosk ? it->second.to_kiosk : it->second.to_caseworker;
        list.push_back(common::call_message("hangup", reason, 0, static_cast<std::int64_t>(list.size()) + 1));
        it->second.info.ended = true;
        it->second.ended_at = now_s;
    }
    cv_.notify_all();
}

std::vector<common::CallMessage> Calls::wait(std::int64_t request_id, CallSide side, std::int64_t user, size_t after,
                                             std::chrono::milliseconds timeout, bool& ended, bool& known) {
    std::unique_lock lock(mutex_);
    std::vector<common::CallMessage> out;
    const int s = side == CallSide::Kiosk ? 0 : 1;
    auto mine = [&](const Box& b) { return side == CallSide::Kiosk || b.info.caseworker == user; };
    std::uint64_t ticket = 0;
    if (auto it = boxes_.find(request_id); it != boxes_.end()) ticket = ++it->second.waiter[s];
    cv_.notify_all();  // an older poll on this call and side ends now
    auto ready = [&] {
        auto it = boxes_.find(request_id);
        if (stopping_ || it == boxes_.end() || !mine(it->second) || it->second.waiter[s] != ticket) return true;
        const auto& list = side == CallSide::Kiosk ? it->second.to_kiosk : it->second.to_caseworker;
        return list.size() > after || it->second.info.ended;
    };
    if (waiters_ < kMaxWaiters) {
        ++waiters_;
        cv_.wait_for(lock, timeout, ready);
        --waiters_;
    }
    auto it = boxes_.find(request_id);
    known = it != boxes_.end() && mine(it->second);
    ended = !known || it->second.info.ended;
    if (!known) return out;
    const auto& list = side == CallSide::Kiosk ? it->second.to_kiosk : it->second.to_caseworker;
    for (size_t i = after; i < list.size(); ++i)
        out.push_back(list[i]);
    return out;
}

void Calls::forget_ended(std::int64_t before_s) {
    std::lock_guard lock(mutex_);
    std::erase_if(boxes_, [&](const auto& kv) { return kv.second.info.ended && kv.second.ended_at < before_s; });
}

void Calls::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    cv_.notify_all();
}

size_t Calls::active() {
    std::lock_guard lock(mutex_);
    size_t n = 0;
    for (const auto& [id, b] : boxes_)
        n += b.info.ended ? 0 : 1;
    return n;
}

}  // namespace ledsager::hub
