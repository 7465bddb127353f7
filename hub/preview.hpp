// The content studio's previews: each step drawn by the kiosk's own renderer. The hub keeps
// one `ledsager-kiosk --preview-worker` (kiosk/app/preview.hpp) running as its own child,
// started at the first preview; fonts and catalogues stay loaded between previews.
//
// Bounds (docs/security.md): one picture is drawn at a time; at most kMaxWaiting requests
// wait for it and the rest are told the previewer is busy; a picture that takes longer than
// the time limit stops the worker (the next preview starts a new one); recent pictures are
// kept in a small cache so that stepping back and forth costs nothing.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

namespace ledsager::hub {

struct PreviewRequest {
    std::filesystem::path guides;  // a folder of guide folders
    std::string guide, screen = "step", step, lang = "da";
    int scale = 100;
    bool contrast = false;
    std::string key;  // what makes the picture differ (the guide's files and the fields above)
};

struct PreviewResult {
    std::string png;    // the picture, when drawn
    std::string error;  // else why not, in words for the editor
    int status = 200;   // 200, 422 (the guide cannot be drawn), 503 (busy, or no renderer), 504
    bool cached = false;
    long long ms = 0;  // the worker's own time for the picture
};

class Previewer {
public:
    static constexpr int kMaxWaiting = 4;             // requests queued behind the one drawn
    static constexpr size_t kCacheEntries = 48;       // pictures kept
    static constexpr size_t kMaxPngBytes = 8u << 20;  // a bigger answer is refused

    // `kiosk`: the ledsager-kiosk program; empty or missing: previews are off. `time_limit`:
    // per picture, the worker's start included; also the longest wait for one's turn.
    explicit Previewer(std::filesystem::path kiosk, std::chrono::seconds time_limit = std::chrono::seconds(15));
    ~Previewer();
    Previewer(const Previewer&) = delete;
    Previewer& operator=(const Previewer&) = delete;

    bool available() const;
    // A picture drawn earlier for the same key, if it is still kept.
    std::optional<std::string> cached(const std::string& key);
    const std::filesystem::path& program() const { return kiosk_; }
    // Draws one picture into `scratch` (a private folder of the hub's) and returns it.
    PreviewResult render(const PreviewRequest& request, const std::filesystem::path& scratch);
    // The worker's process id (0: none running); for tests.
    pid_t worker_pid();

private:
    bool start(std::string& error);
    void stop();
    // Sends one line and reads one line back within the deadline; false on timeout or end.
    bool exchange(const std::string& line, std::string& reply, std::chrono::steady_clock::time_point deadline,
                  bool& timed_out);

    std::filesystem::path kiosk_;
    std::chrono::seconds time_limit_;
    std::mutex mutex_;  // the worker and the cache
    std::condition_variable free_;
    bool drawing_ = false;
    int waiting_ = 0;
    pid_t pid_ = 0;
    int to_worker_ = -1, from_worker_ = -1;
    std::string pending_;                                   // read past the last reply
    std::list<std::pair<std::string, std::string>> cache_;  // key, png; newest first
};

}  // namespace ledsager::hub
