#include "app/screen_hours.hpp"

namespace ledsager::app {

void ScreenHours::configure(const std::string& opening_hours, bool screen_off_when_closed) {
    std::string error;
    if (!common::parse_opening_hours(opening_hours, hours_, error)) hours_ = {};
    screen_off_ = screen_off_when_closed;
}

bool ScreenHours::should_be_dark(core::Millis now, std::time_t wall, bool idle) const {
    return screen_off_ && !hours_.always && now >= woken_until_ && idle && !hours_.open_at(wall);
}

core::Millis ScreenHours::next_check(core::Millis now) const {
    if (hours_.always || !screen_off_) return -1;
    return woken_until_ > now ? woken_until_ : now + 60'000;
}

bool ScreenHours::set_dark(bool dark) {
    if (dark == dark_) return false;
    dark_ = dark;
    return true;
}

}  // namespace ledsager::app
