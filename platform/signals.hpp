// SIGTERM/SIGINT end the kiosk cleanly (that is how systemd stops it). SDL's own handlers
// are disabled so that a signal is not mistaken for a window-close request.
#pragma once

namespace ledsager::platform {

void install_stop_signals();
bool stop_requested();
// SIGUSR1 (sent by the package's postinst after an upgrade): restart once no citizen is
// using the kiosk. The program exits 0 at the attract screen; systemd starts the new one.
bool restart_requested();

}  // namespace ledsager::platform
