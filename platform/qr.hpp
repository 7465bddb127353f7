// QR codes (libqrencode) for the queue number, so a citizen can take it along on a phone.
#pragma once

#include <string>
#include <vector>

namespace ledsager::platform {

struct QrCode {
    int size = 0;               // modules per side; 0 when encoding failed
    std::vector<bool> modules;  // row-major, true = dark
    bool dark(int x, int y) const { return modules[static_cast<size_t>(y) * size + x]; }
};

QrCode make_qr(const std::string& text);

}  // namespace ledsager::platform
