// The content studio's previews: each step drawn by the kiosk's own renderer. The hub keeps
// one `ledsager-kiosk --preview-worker` (kiosk/app/preview.hpp) running as its own child,
// started at the first preview; fonts and catalogues stay loaded between previews.
//
// Bounds (docs/security.md): one picture is drawn at a time, in the order asked; at most
// kMaxWaiting requests wait, one per person (a person's newer request takes the place of
// their older one, which the page has given up on), and the rest are told the previewer is
// busy before anything is copied; a picture that takes longer than the time limit stops the
// worker (the next preview starts a new one); recent pictures are kept in a small cache so
// that stepping back and forth costs nothing.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <ctime>
#include <filesystem>
#include <functional>
#include <list>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>

namespace ledsager::hub {

struct PreviewRequest {
    std::string guide, screen = "step", step, lang = "da";
    int scale = 100;
    bool contrast = false;
    std::string key;        // what makes the picture differ (the guide's files and the fields above)
    std::int64_t user = 0;  // who asks: one place in the queue each
};

struct PreviewResult {
    std::string png;    // the picture, when drawn
    std::string error;  // else why not, in words for the editor
    // A check problem that kept it from being drawn, as JSON {file, line, code, args} ("" if none).
    std::string problem;
    // 200; 409 (a newer request of the same person took its place); 422 (the guide cannot be
    // drawn); 503 (busy, no renderer, or the hub is stopping); 504 (too long)
    int status = 200;
    bool cached = false;
    long long ms = 0;  // the worker's own time for the picture
};

class Previewer {
public:
    static constexpr size_t kMaxWaiting = 4;          // requests queued behind the one drawn
    static constexpr size_t kCacheEntries = 48;       // pictures kept
    static constexpr size_t kMaxPngBytes = 8u << 20;  // a bigger answer is refused

    // `kiosk`: the ledsager-kiosk program; empty or missing: previews are off. `scratch`: a
    // folder of the hub's own for the guide being drawn (emptied before and after each).
    // `time_limit`: per picture, the worker's start included; also the longest wait for one's turn.
    Previewer(std::filesystem::path kiosk, std::filesystem::path scratch,
              std::chrono::seconds time_limit = std::chrono::seconds(15));
    ~Previewer();
    Previewer(const Previewer&) = delete;
    Previewer& operator=(const Previewer&) = delete;

    bool available() const;
    // Writes the guide to draw into the folder given (a folder of guide folders); false and
    // why when it cannot. Called only once the request's turn has come.
    using FillGuides = std::function<bool(const std::filesystem::path& guides, std::string& error)>;
    PreviewResult render(const PreviewRequest& request, const FillGuides& fill);
    // The hub is stopping: waiting requests are answered, the worker is stopped, none is started.
    void shutdown();
    // The worker's process id (0: none running); for tests.
    pid_t worker_pid() const { return pid_; }

private:
    bool start(std::string& error);
    // Ends the worker; `unexpected`: it ended by itself, which the log hears with how.
    void stop(bool unexpected);
    // Sends one line and reads one line back within the deadline; false on timeout or end.
    bool exchange(const std::string& line, std::string& reply, std::chrono::steady_clock::time_point deadline,
                  bool& timed_out);
    PreviewResult draw(const PreviewRequest& request, const FillGuides& fill);
    std::string program_stamp() const;  // changes when the program is replaced (an upgrade)
    std::optional<std::string> cached_locked(const std::string& key);

    std::filesystem::path kiosk_, scratch_;
    std::chrono::seconds time_limit_;
    std::mutex mutex_;  // the queue and the cache
    std::condition_variable turn_;
    bool drawing_ = false, shutting_down_ = false;
    std::uint64_t next_ticket_ = 0;
    std::set<std::uint64_t> waiting_;                       // tickets, in the order asked
    std::map<std::int64_t, std::uint64_t> place_of_;        // person -> their waiting ticket
    std::set<std::uint64_t> replaced_;                      // tickets a newer one of the same person replaced
    std::list<std::pair<std::string, std::string>> cache_;  // key, png; newest first
    // The worker: touched only by the thread drawing (pid_ also by shutdown()).
    std::atomic<pid_t> pid_{0};
    int fd_ = -1;
    std::string pending_;  // read past the last reply
    std::string started_stamp_;
};

}  // namespace ledsager::hub
