// --script FILE: a headless kiosk driven by a small script, on the real clock and the real
// hub client: for integration tests across programs (a browser test sees this kiosk's help
// requests arrive) and for demonstrations. One command a line:
//   tap ID            tap the element with this id (scrolling it into view)
//   expect TEXT       wait up to 10 s until TEXT is on screen; fail otherwise
//   content staged|served N [S]   wait up to S s (60) until a bundle of version N or newer
//                     waits for the session to end (staged), or is served
//   sleep MS          let MS milliseconds pass
//   screenshot FILE   write what is on screen to a PNG
// Lines starting with # are comments. Exit 0 when every line succeeded, 1 with the line.
#pragma once

#include <string>

#include "app/kiosk_app.hpp"
#include "platform/display.hpp"

namespace ledsager::app {

int run_script(KioskApp& app, const platform::Display& display, const std::string& file);

}  // namespace ledsager::app
