#include "hub/preview.hpp"

#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

extern char** environ;

namespace ledsager::hub {

namespace fs = std::filesystem;
using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

constexpr size_t kMaxReplyBytes = 64 * 1024;

// Messages name files as the guide's own (da.toml), never the hub's folders.
std::string without_folder(std::string message, const std::string& folder) {
    for (auto at = message.find(folder); at != std::string::npos; at = message.find(folder))
        message.erase(at, folder.size());
    return message;
}

}  // namespace

Previewer::Previewer(fs::path kiosk, std::chrono::seconds time_limit)
    : kiosk_(std::move(kiosk)), time_limit_(time_limit) {}

Previewer::~Previewer() {
    std::lock_guard lock(mutex_);
    stop();
}

bool Previewer::available() const {
    std::error_code ec;
    return !kiosk_.empty() && fs::is_regular_file(kiosk_, ec) && ::access(kiosk_.c_str(), X_OK) == 0;
}

std::optional<std::string> Previewer::cached(const std::string& key) {
    std::lock_guard lock(mutex_);
    for (auto it = cache_.begin(); it != cache_.end(); ++it)
        if (it->first == key) {
            cache_.splice(cache_.begin(), cache_, it);  // the newest now
            return it->second;
        }
    return std::nullopt;
}

pid_t Previewer::worker_pid() {
    std::lock_guard lock(mutex_);
    return drawing_ ? -1 : pid_;
}

bool Previewer::start(std::string& error) {
    int pair[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) {
        error = std::string("socketpair: ") + std::strerror(errno);
        return false;
    }
    // The worker's stdin and stdout are its end of the pair; it inherits no other descriptor
    // of the hub's (database, sockets of clients).
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, pair[1], STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&actions, pair[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclosefrom_np(&actions, STDERR_FILENO + 1);
    const std::string program = kiosk_.string();
    char arg0[] = "ledsager-kiosk";
    char arg1[] = "--preview-worker";
    char* argv[] = {arg0, arg1, nullptr};
    pid_t pid = 0;
    const int rc = ::posix_spawn(&pid, program.c_str(), &actions, nullptr, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(pair[1]);
    if (rc != 0) {
        ::close(pair[0]);
        error = "cannot start " + program + ": " + std::strerror(rc);
        return false;
    }
    pid_ = pid;
    to_worker_ = from_worker_ = pair[0];
    pending_.clear();
    return true;
}

void Previewer::stop() {
    if (pid_ <= 0) return;
    ::close(to_worker_);
    to_worker_ = from_worker_ = -1;
    // At the end of its input the worker ends; one that does not is stopped.
    int status = 0;
    bool gone = false;
    for (int i = 0; i < 50 && !gone; ++i) {
        gone = ::waitpid(pid_, &status, WNOHANG) == pid_;
        if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (!gone) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &status, 0);
    }
    pid_ = 0;
    pending_.clear();
}

bool Previewer::exchange(const std::string& line, std::string& reply, Clock::time_point deadline, bool& timed_out) {
    timed_out = false;
    for (size_t sent = 0; sent < line.size();) {
        const ssize_t n = ::send(to_worker_, line.data() + sent, line.size() - sent, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        sent += static_cast<size_t>(n);
    }
    for (;;) {
        if (auto nl = pending_.find('\n'); nl != std::string::npos) {
            reply = pending_.substr(0, nl);
            pending_.erase(0, nl + 1);
            return true;
        }
        if (pending_.size() > kMaxReplyBytes) return false;
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
        if (left <= 0) {
            timed_out = true;
            return false;
        }
        pollfd p{from_worker_, POLLIN, 0};
        const int r = ::poll(&p, 1, static_cast<int>(left));
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) return false;
        if (r == 0) continue;  // the deadline is checked above
        char buf[4096];
        const ssize_t n = ::read(from_worker_, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;  // the worker ended
        pending_.append(buf, static_cast<size_t>(n));
    }
}

PreviewResult Previewer::render(const PreviewRequest& request, const fs::path& scratch) {
    PreviewResult result;
    if (!available()) {
        result.status = 503;
        result.error = "previews are off on this hub: it needs the kiosk program (ledsager-kiosk) installed";
        return result;
    }
    {
        std::unique_lock lock(mutex_);
        auto cached = [&] {
            for (auto it = cache_.begin(); it != cache_.end(); ++it)
                if (it->first == request.key) {
                    cache_.splice(cache_.begin(), cache_, it);  // the newest now
                    result.png = it->second;
                    result.cached = true;
                    return true;
                }
            return false;
        };
        if (cached()) return result;
        if (drawing_ && waiting_ >= kMaxWaiting) {
            result.status = 503;
            result.error = "the previewer is busy: try again in a moment";
            return result;
        }
        ++waiting_;
        const bool turn = free_.wait_for(lock, time_limit_, [this] { return !drawing_; });
        --waiting_;
        if (!turn) {
            result.status = 503;
            result.error = "the previewer is busy: try again in a moment";
            return result;
        }
        if (cached()) return result;  // drawn meanwhile for someone else
        drawing_ = true;
    }
    // Only this thread touches the worker until drawing_ is cleared.
    const fs::path out = scratch / "preview.png";
    const json line{{"guides", request.guides.string()},
                    {"guide", request.guide},
                    {"screen", request.screen},
                    {"step", request.step},
                    {"lang", request.lang},
                    {"scale", request.scale},
                    {"contrast", request.contrast},
                    {"out", out.string()}};
    const auto deadline = Clock::now() + time_limit_;
    std::string reply, error;
    bool timed_out = false, ok = false;
    // A worker that ended since the last picture is started anew once.
    for (int attempt = 0; attempt < 2 && !ok && !timed_out; ++attempt) {
        if (pid_ == 0 && !start(error)) break;
        ok = exchange(line.dump() + "\n", reply, deadline, timed_out);
        if (!ok) stop();
    }
    if (!ok) {
        result.status = timed_out ? 504 : 503;
        result.error = timed_out       ? "drawing the preview took too long: the previewer was restarted"
                       : error.empty() ? "the previewer stopped: the hub's log says why"
                                       : error;
        std::fprintf(stderr, "ledsager-hub: previews: %s\n",
                     timed_out       ? "the renderer took too long and was stopped"
                     : error.empty() ? ("the renderer " + kiosk_.string() + " ended without an answer").c_str()
                                     : error.c_str());
    } else {
        const json r = json::parse(reply, nullptr, false);
        if (r.is_object() && r.value("ok", false)) {
            std::ifstream in(out, std::ios::binary);
            std::string png((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
            result.ms = r.value("ms", 0LL);
            if (png.size() < 8 || png.size() > kMaxPngBytes || png.compare(1, 3, "PNG") != 0) {
                result.status = 503;
                result.error = "the previewer gave no picture";
            } else {
                result.png = std::move(png);
            }
        } else {
            result.status = 422;
            const std::string message = r.is_object() ? r.value("error", std::string()) : std::string();
            result.error = message.empty() ? "the preview cannot be drawn"
                                           : without_folder(message, (request.guides / request.guide).string() + "/");
        }
    }
    std::lock_guard lock(mutex_);
    drawing_ = false;
    free_.notify_one();
    if (!result.png.empty()) {
        cache_.emplace_front(request.key, result.png);
        if (cache_.size() > kCacheEntries) cache_.pop_back();
    }
    return result;
}

}  // namespace ledsager::hub
