#include "hub/picture_check.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <string>

namespace ledsager::hub {

common::PictureCheck check_picture_apart(std::string_view bytes, const PictureLimits& limits, PictureDecoder decode) {
    common::PictureCheck out;
    out.error = "the PNG file cannot be drawn";
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return out;
    const pid_t pid = ::fork();
    if (pid < 0) {
        ::close(fds[0]);
        ::close(fds[1]);
        return out;
    }
    if (pid == 0) {
        // The child: only this thread, the hub's memory as it was (copied on write). It decodes,
        // writes one line ("ok W H" or "no <why>") and ends without running the hub's exit code.
        ::close(fds[0]);
        // Nothing of the hub's but the answer's pipe: no listening socket, no client's, no database.
        if (fds[1] > 3) ::close_range(3, static_cast<unsigned>(fds[1]) - 1, 0);
        ::close_range(static_cast<unsigned>(fds[1]) + 1, ~0U, 0);
        const rlimit memory{limits.memory_bytes, limits.memory_bytes};
        ::setrlimit(RLIMIT_AS, &memory);
        const auto seconds = static_cast<rlim_t>(limits.time.count() / 1000 + 1);
        const rlimit cpu{seconds, seconds};
        ::setrlimit(RLIMIT_CPU, &cpu);
        const common::PictureCheck r = decode(bytes);
        const std::string line =
            r.ok ? "ok " + std::to_string(r.width) + " " + std::to_string(r.height) : "no " + r.error.substr(0, 400);
        [[maybe_unused]] const auto n = ::write(fds[1], line.data(), line.size());
        ::_exit(0);
    }
    ::close(fds[1]);
    std::string got;
    const auto deadline = std::chrono::steady_clock::now() + limits.time;
    for (;;) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
        if (left <= 0) break;
        pollfd p{fds[0], POLLIN, 0};
        const int ready = ::poll(&p, 1, static_cast<int>(left));
        if (ready < 0 && errno == EINTR) continue;
        if (ready <= 0) break;
        char buf[512];
        const ssize_t n = ::read(fds[0], buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;  // the child is done (or gone)
        got.append(buf, static_cast<size_t>(n));
        if (got.size() > 1024) break;
    }
    ::close(fds[0]);
    ::kill(pid, SIGKILL);  // gone already, or over its time
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return out;  // crashed, killed or out of memory
    if (got.rfind("ok ", 0) == 0) {
        const auto space = got.find(' ', 3);
        if (space == std::string::npos) return out;
        out.ok = true;
        out.width = std::stoi(got.substr(3, space - 3));
        out.height = std::stoi(got.substr(space + 1));
        out.error.clear();
    } else if (got.rfind("no ", 0) == 0) {
        out.error = got.substr(3);
    }
    return out;
}

}  // namespace ledsager::hub
