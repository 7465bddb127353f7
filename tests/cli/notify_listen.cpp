// A stand-in for systemd's side of the sd_notify protocol, for tests: binds a Unix datagram
// socket at PATH and prints each message it receives as "MILLISECONDS MESSAGE" (one line per
// assignment), until killed. Usage: notify_listen PATH
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>

int main(int argc, char** argv) {
    if (argc != 2) return std::fprintf(stderr, "usage: notify_listen PATH\n"), 2;
    const int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, argv[1], sizeof addr.sun_path - 1);
    unlink(argv[1]);
    if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
        return std::perror("notify_listen"), 1;
    const auto start = std::chrono::steady_clock::now();
    char buf[4096];
    for (;;) {
        const ssize_t n = recv(fd, buf, sizeof buf - 1, 0);
        if (n <= 0) continue;
        const long long ms =
            std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
        std::string msg(buf, static_cast<size_t>(n));
        size_t pos = 0;
        while (pos < msg.size()) {
            const size_t nl = msg.find('\n', pos);
            const std::string line = msg.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
            if (!line.empty()) std::printf("%lld %s\n", ms, line.c_str());
            if (nl == std::string::npos) break;
            pos = nl + 1;
        }
        std::fflush(stdout);
    }
}
