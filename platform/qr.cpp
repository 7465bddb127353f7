#include "platform/qr.hpp"

#include <qrencode.h>

namespace ledsager::platform {

QrCode make_qr(const std::string& text) {
    QrCode out;
    QRcode* code = QRcode_encodeString8bit(text.c_str(), 0, QR_ECLEVEL_M);
    if (!code) return out;
    out.size = code->width;
    out.modules.resize(static_cast<size_t>(code->width) * code->width);
    for (size_t i = 0; i < out.modules.size(); ++i)
        out.modules[i] = code->data[i] & 1;
    QRcode_free(code);
    return out;
}

}  // namespace ledsager::platform
