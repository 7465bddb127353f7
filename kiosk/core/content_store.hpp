// Where a kiosk keeps the content bundles it was sent ([content] store_dir, by default
// /var/lib/ledsager/content), and which one it serves:
//
//   bundles/<version>/   an unpacked, verified bundle (never changed once there)
//   incoming/            downloads under way
//   state.json           current and previous (last good) version, whether the current one
//                        is still on trial, and versions refused for good
//
// A new bundle is staged (verified, unpacked, checked like --check-content) off the UI
// thread; the kiosk switches to it between sessions only. The new bundle is on trial until
// it has served kTrialMs: a kiosk that restarts kMaxTrialStarts times before that (it keeps
// crashing on it) goes back to the previous bundle and refuses the new one. At start-up the
// current bundle is verified again; if it fails, the previous one is served, and if that
// fails too, the guides installed with the package. state.json is replaced whole
// (write, fsync, rename), so a power cut leaves either the old state or the new one.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "common/bundle.hpp"
#include "common/content.hpp"

namespace ledsager::core {

struct ContentStoreState {
    std::int64_t current = 0;           // 0 = the installed guides
    std::int64_t previous = 0;          // the last good bundle before current (0 = none)
    bool trial = false;                 // current has not yet served kTrialMs
    int trial_starts = 0;               // starts of the kiosk while current was on trial
    std::vector<std::int64_t> refused;  // versions never to be tried again
};

class ContentStore {
public:
    static constexpr std::int64_t kTrialMs = 10 * 60 * 1000;  // a bundle is good after 10 minutes of serving
    static constexpr int kMaxTrialStarts = 3;                 // this many starts on trial: roll back

    ContentStore(std::filesystem::path root, std::vector<std::string> public_keys, common::ContentOptions options = {});

    // What the kiosk serves when it starts (see the file comment). `notes` says, in plain
    // technical words for the log and the heartbeat, any rollback or fallback that happened.
    struct Served {
        common::ContentSet content;
        std::filesystem::path guides;  // the folder served
        std::int64_t version = 0;      // 0 = the installed guides
        std::vector<std::string> notes;
    };
    Served load_at_start(const std::filesystem::path& installed_guides);

    // Verifies, unpacks and checks a downloaded bundle (thread-safe against the UI thread:
    // touches only bundles/<version>). On success `out` is the checked content, ready to
    // switch to. False with `error` when it must not be served; the bundle is then removed.
    bool stage(const std::filesystem::path& bundle, std::int64_t expected_version, common::ContentSet& out,
               std::string& error) const;

    // The kiosk now serves `version` (staged before): it goes on trial.
    void switched(std::int64_t version);
    // Called as the kiosk runs: after kTrialMs on the current bundle it is marked good.
    void tick(std::int64_t served_ms);
    void refuse(std::int64_t version);
    bool refused(std::int64_t version) const;
    // Worth downloading: newer than what is served and not refused.
    bool wanted(std::int64_t version) const { return version > state_.current && !refused(version); }

    const ContentStoreState& state() const { return state_; }
    const std::filesystem::path& root() const { return root_; }
    std::filesystem::path incoming() const { return root_ / "incoming"; }
    std::filesystem::path bundle_dir(std::int64_t version) const { return root_ / "bundles" / std::to_string(version); }
    // False (with `error`) when state.json could not be written; the kiosk keeps serving.
    const std::string& last_write_error() const { return write_error_; }

private:
    bool load_state();
    void save_state();
    bool check_dir(std::int64_t version, common::ContentSet& out, std::string& error) const;
    void prune();

    std::filesystem::path root_;
    std::vector<std::string> keys_;
    common::ContentOptions options_;
    ContentStoreState state_;
    std::string write_error_;
};

// "v7" for a bundle, "installed" for the guides that came with the package, and the short
// hash of what is served after it: what IT sees as the content version.
std::string content_version_label(std::int64_t version, const common::ContentSet& content);

}  // namespace ledsager::core
