// SIGTERM/SIGINT end the kiosk cleanly (that is how systemd stops it). SDL's own handlers
// are disabled so that a signal is not mistaken for a window-close request.
#pragma once

namespace ledsager::platform {

void install_stop_signals();
bool stop_requested();

}  // namespace ledsager::platform
