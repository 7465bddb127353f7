// Queue-number tickets on an ESC/POS receipt printer (the kind most counters have): the
// number very large, a short line of text, and the number as a QR code. Nothing else is
// printed: no task, no language, no time.
#pragma once

#include <string>

namespace ledsager::platform {

struct Ticket {
    std::string heading;  // e.g. "Your number"
    std::string number;   // "A-042"
    std::string note;     // e.g. "Please wait. Staff will call your number."
    std::string place;    // the site's name
};

// The bytes to send. Text is converted from UTF-8 to the printer's Latin-1 code page
// (Danish letters print); characters outside it become '?'.
std::string escpos_ticket(const Ticket& ticket);

// Writes the bytes to the printer device (e.g. /dev/usb/lp0). False with `error` set when
// the device is missing or refuses the write.
bool print_raw(const std::string& device, const std::string& bytes, std::string& error);

}  // namespace ledsager::platform
