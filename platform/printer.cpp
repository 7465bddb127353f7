#include "platform/printer.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace ledsager::platform {

namespace {

std::string latin1(const std::string& utf8) {
    std::string out;
    for (size_t i = 0; i < utf8.size(); ++i) {
        const auto c = static_cast<unsigned char>(utf8[i]);
        if (c < 0x80) {
            out += static_cast<char>(c);
        } else if ((c & 0xE0) == 0xC0 && i + 1 < utf8.size()) {
            const unsigned cp = ((c & 0x1F) << 6) | (static_cast<unsigned char>(utf8[i + 1]) & 0x3F);
            out += cp <= 0xFF ? static_cast<char>(cp) : '?';
            ++i;
        } else {
            out += '?';
            while (i + 1 < utf8.size() && (static_cast<unsigned char>(utf8[i + 1]) & 0xC0) == 0x80)
                ++i;
        }
    }
    return out;
}

std::string gs_k(char fn, const std::string& data) {
    // GS ( k pL pH cn fn [data]: cn = 49 (QR code).
    const size_t len = data.size() + 2;
    std::string s = "\x1d(k";
    s += static_cast<char>(len & 0xFF);
    s += static_cast<char>((len >> 8) & 0xFF);
    s += '1';
    s += fn;
    return s + data;
}

}  // namespace

std::string escpos_ticket(const Ticket& t) {
    std::string b;
    b += "\x1b@";      // initialise
    b += "\x1bt\x10";  // code page 16: WPC1252 (Latin-1 letters at their places)
    b += "\x1b"
         "a\x01";                              // centre
    const std::string normal("\x1d!\x00", 3);  // character size 1x1
    b += normal;
    b += latin1(t.heading) + "\n";
    b += "\x1d!\x77";  // 8x width and height: the number fills the paper
    b += latin1(t.number) + "\n";
    b += normal;
    b += latin1(t.note) + "\n\n";
    // The number as a QR code: model 2, module size 6, error correction M, store, print.
    b += gs_k('A', std::string("2\0", 2));
    b += gs_k('C', "\x06");
    b += gs_k('E', "1");
    b += gs_k('P', "0" + t.number);
    b += gs_k('Q', "0");
    b += "\n" + latin1(t.place) + "\n\n\n";
    b += std::string("\x1dV\x42\x00", 4);  // feed and cut
    return b;
}

bool print_raw(const std::string& device, const std::string& bytes, std::string& error) {
    const int fd = ::open(device.c_str(), O_WRONLY | O_CLOEXEC | O_NOCTTY | O_APPEND);
    if (fd < 0) {
        error = "printer " + device + ": " + std::strerror(errno);
        return false;
    }
    size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            error = "printer " + device + ": " + std::strerror(errno);
            ::close(fd);
            return false;
        }
        done += static_cast<size_t>(n);
    }
    ::close(fd);
    return true;
}

}  // namespace ledsager::platform
