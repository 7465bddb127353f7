#include "platform/signals.hpp"

#include <SDL.h>
#include <atomic>
#include <csignal>

namespace ledsager::platform {
namespace {
std::atomic<bool> g_stop{false};  // written from the signal handler: must be a lock-free global
std::atomic<bool> g_restart{false};
extern "C" void on_signal(int) {
    g_stop.store(true);
}
extern "C" void on_restart(int) {
    g_restart.store(true);
}
}  // namespace

void install_stop_signals() {
    SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, nullptr);
    sigaction(SIGINT, &sa, nullptr);
    struct sigaction su {};
    su.sa_handler = on_restart;
    sigemptyset(&su.sa_mask);
    sigaction(SIGUSR1, &su, nullptr);
}

bool stop_requested() {
    return g_stop.load();
}
bool restart_requested() {
    return g_restart.load();
}

}  // namespace ledsager::platform
