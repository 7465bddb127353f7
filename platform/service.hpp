// Telling systemd how the program is doing (the sd_notify protocol, through libsystemd):
// READY=1 once serving, WATCHDOG=1 from the main loop while it keeps turning (a frozen
// loop stops the pings and systemd restarts the unit: WatchdogSec=), STOPPING=1 on the way
// out. Outside systemd (no NOTIFY_SOCKET) every call does nothing.
#pragma once

#include <cstdint>

namespace ledsager::platform {

class ServiceNotifier {
public:
    ServiceNotifier();
    void ready();
    // Call every turn of the main loop: pings the watchdog at half its interval.
    void alive(std::int64_t now_ms);
    void stopping();
    bool watchdog() const { return interval_ms_ > 0; }
    std::int64_t interval_ms() const { return interval_ms_; }

private:
    std::int64_t interval_ms_ = 0;  // systemd's WatchdogSec, in ms; 0 = no watchdog
    std::int64_t last_ping_ms_ = -1'000'000;
};

}  // namespace ledsager::platform
