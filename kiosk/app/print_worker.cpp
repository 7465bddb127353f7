#include "print_worker.hpp"

#include <mutex>
#include <thread>

#include "platform/printer.hpp"

namespace ledsager::app {

struct PrintWorker::State {
    mutable std::mutex mutex;
    bool busy = false;
    std::optional<Result> done;
    std::function<void()> wake;
};

PrintWorker::PrintWorker() : state_(std::make_shared<State>()) {}

PrintWorker::~PrintWorker() = default;

void PrintWorker::set_wake(std::function<void()> wake) {
    std::lock_guard lock(state_->mutex);
    state_->wake = std::move(wake);
}

bool PrintWorker::submit(const std::string& device, std::string bytes) {
    {
        std::lock_guard lock(state_->mutex);
        if (state_->busy) return false;
        state_->busy = true;
        state_->done.reset();
    }
    // The thread holds the state, not the worker: the kiosk may close while a write hangs.
    std::thread([state = state_, device, bytes = std::move(bytes)] {
        Result r;
        r.ok = platform::print_raw(device, bytes, r.error);
        std::function<void()> wake;
        {
            std::lock_guard lock(state->mutex);
            state->busy = false;
            state->done = std::move(r);
            wake = state->wake;
        }
        if (wake) wake();
    }).detach();
    return true;
}

std::optional<PrintWorker::Result> PrintWorker::take() {
    std::lock_guard lock(state_->mutex);
    auto r = std::move(state_->done);
    state_->done.reset();
    return r;
}

bool PrintWorker::busy() const {
    std::lock_guard lock(state_->mutex);
    return state_->busy;
}

}  // namespace ledsager::app
