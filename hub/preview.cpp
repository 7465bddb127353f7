#include "hub/preview.hpp"

#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

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

void empty_folder(const fs::path& dir) {
    std::error_code ec;
    fs::remove_all(dir, ec);
}

}  // namespace

Previewer::Previewer(fs::path kiosk, fs::path scratch, std::chrono::seconds time_limit)
    : kiosk_(std::move(kiosk)), scratch_(std::move(scratch)), time_limit_(time_limit) {}

Previewer::~Previewer() {
    shutdown();
    stop(false);
}

bool Previewer::available() const {
    std::error_code ec;
    return !kiosk_.empty() && fs::is_regular_file(kiosk_, ec) && ::access(kiosk_.c_str(), X_OK) == 0;
}

std::string Previewer::program_stamp() const {
    struct stat st {};
    if (::stat(kiosk_.c_str(), &st) != 0) return {};
    return std::to_string(st.st_ino) + "." + std::to_string(st.st_mtim.tv_sec) + "." +
           std::to_string(st.st_mtim.tv_nsec);
}

std::optional<std::string> Previewer::cached_locked(const std::string& key) {
    for (auto it = cache_.begin(); it != cache_.end(); ++it)
        if (it->first == key) {
            cache_.splice(cache_.begin(), cache_, it);  // the newest now
            return it->second;
        }
    return std::nullopt;
}

void Previewer::shutdown() {
    {
        std::lock_guard lock(mutex_);
        shutting_down_ = true;
    }
    turn_.notify_all();
    // A picture being drawn ends now: its thread reads the end and starts no other worker.
    if (const pid_t pid = pid_.load(); pid > 0) ::kill(pid, SIGKILL);
}

bool Previewer::start(std::string& error) {
    int pair[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) {
        error = std::string("socketpair: ") + std::strerror(errno);
        return false;
    }
    // The worker's stdin and stdout are its end of the pair; it inherits no other descriptor
    // of the hub's (database, sockets of clients), the default signal handling and mask, and
    // of the environment only what locates and shapes its output.
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attr;
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attr);
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    int rc = posix_spawn_file_actions_adddup2(&actions, pair[1], STDIN_FILENO);
    if (!rc) rc = posix_spawn_file_actions_adddup2(&actions, pair[1], STDOUT_FILENO);
    if (!rc) rc = posix_spawn_file_actions_addclosefrom_np(&actions, STDERR_FILENO + 1);
    if (!rc) rc = posix_spawnattr_setsigmask(&attr, &none);
    if (!rc) rc = posix_spawnattr_setsigdefault(&attr, &all);
    if (!rc) rc = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    std::vector<std::string> env_strings;
    for (const char* name : {"PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "LEDSAGER_ASSETS", "LEDSAGER_PO",
                             "ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS", "TSAN_OPTIONS"})
        if (const char* v = std::getenv(name)) env_strings.push_back(std::string(name) + "=" + v);
    std::vector<char*> env;
    for (auto& e : env_strings)
        env.push_back(e.data());
    env.push_back(nullptr);
    const std::string program = kiosk_.string();
    char arg0[] = "ledsager-kiosk";
    char arg1[] = "--preview-worker";
    char* argv[] = {arg0, arg1, nullptr};
    pid_t pid = 0;
    if (!rc) rc = ::posix_spawn(&pid, program.c_str(), &actions, &attr, argv, env.data());
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    ::close(pair[1]);
    if (rc != 0) {
        ::close(pair[0]);
        error = "cannot start " + program + ": " + std::strerror(rc);
        return false;
    }
    started_stamp_ = program_stamp();
    fd_ = pair[0];
    pending_.clear();
    pid_ = pid;
    return true;
}

void Previewer::stop(bool unexpected) {
    const pid_t pid = pid_.exchange(0);
    if (pid <= 0) return;
    ::close(fd_);
    fd_ = -1;
    pending_.clear();
    // At the end of its input the worker ends; one that does not is stopped.
    int status = 0;
    pid_t got = 0;
    for (int i = 0; i < 50 && got == 0; ++i) {
        got = ::waitpid(pid, &status, WNOHANG);
        if (got == 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (got == 0) {
        ::kill(pid, SIGKILL);
        got = ::waitpid(pid, &status, 0);
    }
    if (unexpected && got == pid) {
        const std::string how = WIFSIGNALED(status) ? "signal " + std::to_string(WTERMSIG(status))
                                : WIFEXITED(status) ? "exit code " + std::to_string(WEXITSTATUS(status))
                                                    : "status " + std::to_string(status);
        std::fprintf(stderr, "ledsager-hub: previews: the renderer %s ended without an answer (%s)\n", kiosk_.c_str(),
                     how.c_str());
    }
}

bool Previewer::exchange(const std::string& line, std::string& reply, Clock::time_point deadline, bool& timed_out) {
    timed_out = false;
    for (size_t sent = 0; sent < line.size();) {
        const ssize_t n = ::send(fd_, line.data() + sent, line.size() - sent, MSG_NOSIGNAL);
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
        pollfd p{fd_, POLLIN, 0};
        const int r = ::poll(&p, 1, static_cast<int>(left));
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) return false;
        if (r == 0) continue;  // the deadline is checked above
        char buf[4096];
        const ssize_t n = ::read(fd_, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;  // the worker ended
        pending_.append(buf, static_cast<size_t>(n));
    }
}

PreviewResult Previewer::render(const PreviewRequest& request, const FillGuides& fill) {
    PreviewResult result;
    auto refuse = [&](int status, std::string why) {
        result.status = status;
        result.error = std::move(why);
        return result;
    };
    if (!available())
        return refuse(503, "previews are off on this hub: it needs the kiosk program (ledsager-kiosk) installed");
    const std::string key = program_stamp() + "|" + request.key;
    std::unique_lock lock(mutex_);
    if (shutting_down_) return refuse(503, "the hub is stopping");
    if (auto png = cached_locked(key)) {
        result.png = std::move(*png);
        result.cached = true;
        return result;
    }
    // One place per person: a newer request takes the place of their older one, still waiting.
    const std::uint64_t ticket = ++next_ticket_;
    if (auto it = place_of_.find(request.user); it != place_of_.end()) {
        replaced_.insert(it->second);
        waiting_.erase(it->second);
        it->second = ticket;
    } else if (drawing_ && waiting_.size() >= kMaxWaiting) {
        return refuse(503, "the previewer is busy: try again in a moment");
    } else {
        place_of_[request.user] = ticket;
    }
    waiting_.insert(ticket);
    turn_.notify_all();  // a replaced request leaves at once
    const bool turn = turn_.wait_for(lock, time_limit_, [&] {
        return shutting_down_ || replaced_.count(ticket) || (!drawing_ && *waiting_.begin() == ticket);
    });
    const bool replaced = replaced_.erase(ticket) > 0;
    if (!replaced) {
        waiting_.erase(ticket);
        if (auto it = place_of_.find(request.user); it != place_of_.end() && it->second == ticket) place_of_.erase(it);
    }
    if (replaced) return refuse(409, "a newer preview of yours took this one's place");
    if (!turn || shutting_down_) {
        turn_.notify_all();
        return refuse(503, shutting_down_ ? "the hub is stopping" : "the previewer is busy: try again in a moment");
    }
    if (auto png = cached_locked(key)) {  // drawn meanwhile for someone else
        turn_.notify_all();
        result.png = std::move(*png);
        result.cached = true;
        return result;
    }
    drawing_ = true;
    lock.unlock();
    // Whatever happens while drawing (an exception too), the next in line gets their turn.
    struct Turn {
        Previewer& p;
        ~Turn() {
            {
                std::lock_guard l(p.mutex_);
                p.drawing_ = false;
            }
            p.turn_.notify_all();
        }
    } done{*this};
    result = draw(request, fill);
    if (!result.png.empty()) {
        std::lock_guard l(mutex_);
        cache_.emplace_front(key, result.png);
        if (cache_.size() > kCacheEntries) cache_.pop_back();
    }
    return result;
}

PreviewResult Previewer::draw(const PreviewRequest& request, const FillGuides& fill) {
    PreviewResult result;
    const fs::path folder = scratch_ / "preview", guides = folder / "guides", out = folder / "preview.png";
    struct Clean {
        fs::path dir;
        ~Clean() { empty_folder(dir); }
    } clean{folder};
    empty_folder(folder);
    std::error_code ec;
    fs::create_directories(guides, ec);
    std::string error;
    if (ec || !fill(guides, error)) {
        std::fprintf(stderr, "ledsager-hub: previews: cannot prepare the guide: %s\n",
                     ec ? ec.message().c_str() : error.c_str());
        result.status = 503;
        result.error = "the preview cannot be prepared: the hub's log says why";
        return result;
    }
    // A replaced program (an upgrade) is started anew.
    if (pid_ > 0 && program_stamp() != started_stamp_) stop(false);
    const json line{{"guides", guides.string()},    {"guide", request.guide}, {"screen", request.screen},
                    {"step", request.step},         {"lang", request.lang},   {"scale", request.scale},
                    {"contrast", request.contrast}, {"out", out.string()}};
    const auto deadline = Clock::now() + time_limit_;
    std::string reply;
    bool timed_out = false, ok = false;
    // A worker that ended since the last picture is started anew once.
    for (int attempt = 0; attempt < 2 && !ok && !timed_out; ++attempt) {
        {
            std::lock_guard l(mutex_);
            if (shutting_down_) break;
        }
        if (pid_ == 0 && !start(error)) {
            std::fprintf(stderr, "ledsager-hub: previews: %s\n", error.c_str());
            break;
        }
        ok = exchange(line.dump() + "\n", reply, deadline, timed_out);
        if (!ok) {
            std::lock_guard l(mutex_);
            stop(!timed_out && !shutting_down_);  // a stopping hub killed it itself
        }
    }
    if (!ok) {
        if (timed_out) std::fprintf(stderr, "ledsager-hub: previews: the renderer took too long and was stopped\n");
        result.status = timed_out ? 504 : 503;
        result.error = timed_out ? "drawing the preview took too long: the next preview starts the previewer anew"
                                 : "the previewer stopped: the hub's log says why";
        return result;
    }
    // The reply is the worker's: read with care, whatever it holds.
    const json r = json::parse(reply, nullptr, false);
    const auto field = [&](const char* name) { return r.is_object() && r.contains(name) ? r[name] : json(); };
    if (field("ok").is_boolean() && field("ok").get<bool>()) {
        std::ifstream in(out, std::ios::binary);
        std::string png;
        char buf[65536];
        while (in && png.size() <= kMaxPngBytes) {
            in.read(buf, sizeof buf);
            png.append(buf, static_cast<size_t>(in.gcount()));
        }
        if (png.size() < 8 || png.size() > kMaxPngBytes || png.compare(1, 3, "PNG") != 0) {
            result.status = 503;
            result.error = "the previewer gave no picture";
            return result;
        }
        result.png = std::move(png);
        if (field("ms").is_number_integer()) result.ms = field("ms").get<long long>();
        return result;
    }
    result.status = 422;
    // The check problem, taken only in its known shape: a file name, a line, a code and values
    // that are all text (the worker is the hub's own, but what it read is an editor's).
    const json p = field("problem");
    if (p.is_object() && p.value("file", json()).is_string() && p.value("line", json()).is_number_integer() &&
        p.value("code", json()).is_string() && p.value("args", json()).is_object()) {
        json args = json::object();
        for (const auto& [k, v] : p["args"].items())
            if (v.is_string()) args[k] = v;
        result.problem = json{
            {"file", fs::path(p["file"].get<std::string>()).filename().string()},
            {"line", p["line"]},
            {"code", p["code"]},
            {"args", args}}.dump();
    }
    const json message = field("error");
    result.error = message.is_string() && !message.get<std::string>().empty()
                       ? without_folder(message.get<std::string>(), (guides / request.guide).string() + "/")
                       : "the preview cannot be drawn";
    return result;
}

}  // namespace ledsager::hub
