#include "platform/service.hpp"

#include <systemd/sd-daemon.h>

namespace ledsager::platform {

ServiceNotifier::ServiceNotifier() {
    std::uint64_t usec = 0;
    if (sd_watchdog_enabled(0, &usec) > 0) interval_ms_ = static_cast<std::int64_t>(usec / 1000);
}

void ServiceNotifier::ready() {
    sd_notify(0, "READY=1\nSTATUS=Serving");
}

void ServiceNotifier::alive(std::int64_t now_ms) {
    if (interval_ms_ <= 0 || now_ms - last_ping_ms_ < interval_ms_ / 2) return;
    last_ping_ms_ = now_ms;
    sd_notify(0, "WATCHDOG=1");
}

void ServiceNotifier::stopping() {
    sd_notify(0, "STOPPING=1\nSTATUS=Stopping");
}

}  // namespace ledsager::platform
