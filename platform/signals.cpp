#include "platform/signals.hpp"

#include <SDL.h>
#include <atomic>
#include <csignal>

namespace ledsager::platform {
namespace {
std::atomic<bool> g_stop{false};  // written from the signal handler: must be a lock-free global
extern "C" void on_signal(int) { g_stop.store(true); }
}  // namespace

void install_stop_signals() {
    SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, nullptr);
    sigaction(SIGINT, &sa, nullptr);
}

bool stop_requested() { return g_stop.load(); }

}  // namespace ledsager::platform
