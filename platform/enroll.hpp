// Enrolling a new kiosk: a one-time code from IT is traded with the hub for this device's
// own token and site settings, written to the device file readable by the kiosk user only
// (0600, written whole or not at all).
#pragma once

#include <string>

namespace ledsager::platform {

struct EnrollRequest {
    std::string hub_url, code, name, ca_file;
    std::string out;  // the device file, e.g. /var/lib/ledsager/device.toml
};

// True when enrolled and the file is written (`name`: the name IT gave the kiosk); else
// `error` says why in plain words.
bool enroll(const EnrollRequest& request, std::string& name, std::string& error);

}  // namespace ledsager::platform
