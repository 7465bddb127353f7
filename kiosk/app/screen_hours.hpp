// The screen and the opening hours: outside them, with nobody at the kiosk, the screen is dark
// and the display may sleep; a touch or a key wakes it for a minute (that touch only wakes
// it); a session keeps it lit. KioskApp asks each frame and draws black while it is dark.
#pragma once

#include <ctime>
#include <string>

#include "common/remote_settings.hpp"
#include "core/session.hpp"

namespace ledsager::app {

class ScreenHours {
public:
    static constexpr core::Millis kWokenMs = 60'000;  // a touch lights a closed kiosk this long

    // From the kiosk's settings (the text was checked when they were read: a bad one is "always open").
    void configure(const std::string& opening_hours, bool screen_off_when_closed);
    // Whether the screen should be dark at `now` (monotonic) and `wall` (local clock), when
    // nobody is using the kiosk (`idle`).
    bool should_be_dark(core::Millis now, std::time_t wall, bool idle) const;
    // When to look at the clock again (once a minute; when a woken screen may go dark), or -1.
    core::Millis next_check(core::Millis now) const;
    void wake(core::Millis now) { woken_until_ = now + kWokenMs; }
    bool woken(core::Millis now) const { return woken_until_ > now; }
    // Records whether the screen is dark now; true when that changed.
    bool set_dark(bool dark);
    bool dark() const { return dark_; }

private:
    common::OpeningHours hours_;
    bool screen_off_ = false;
    bool dark_ = false;
    core::Millis woken_until_ = 0;
};

}  // namespace ledsager::app
