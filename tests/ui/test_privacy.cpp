// privacy_session_memory: a citizen's session lives in memory only. A whole session
// through the real UI writes no file anywhere we can see (working folder, HOME, TMPDIR),
// and after the wipe nothing of it is left in the session or on screen.
#include <unistd.h>
#include <filesystem>
#include <set>

#include "harness.hpp"
#include "temp_dir.hpp"

namespace fs = std::filesystem;
using namespace ledsager;

namespace {
std::set<std::string> listing(const fs::path& dir) {
    std::set<std::string> out;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(dir, fs::directory_options::skip_permission_denied, ec);
         it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (ec) break;
        out.insert(it->path().string() + "@" +
                   std::to_string(fs::last_write_time(it->path(), ec).time_since_epoch().count()));
    }
    return out;
}
}  // namespace

TEST_CASE("a whole session writes nothing to disk and leaves nothing behind") {
    const test::TempDir home_tmp("ledsager-privacy");
    const fs::path& home = home_tmp.path;
    fs::create_directories(home / "tmp");
    setenv("HOME", home.c_str(), 1);
    setenv("TMPDIR", (home / "tmp").c_str(), 1);
    setenv("XDG_DATA_HOME", (home / "data").c_str(), 1);
    setenv("XDG_CONFIG_HOME", (home / "config").c_str(), 1);
    const fs::path old_cwd = fs::current_path();
    fs::current_path(home);
    const auto before = listing(home);
    {
        test::Harness h;
        h.tap("attract.start");
        h.tap("language.en");
        h.tap("bar.text_size");
        h.tap("guide.mitid-login");
        h.tap("needs.start");
        h.tap("step.choice.app");
        h.tap("step.yes");
        h.tap("step.no");
        h.tap("bar.help");
        CHECK(h.shows("Log in with MitID"));
        h.tap("help.back");
        h.tap("bar.end");
        const auto& d = h.session().data();
        CHECK(d.guide_id.empty());
        CHECK(d.step_id.empty());
        CHECK(d.history.empty());
        CHECK(d.help.guide_id.empty());
        CHECK(d.help.step_id.empty());
        CHECK(d.lang == h.app().config().default_language);
        CHECK(d.text_scale == 100);
        h.wait(9000);
        CHECK(d.screen == core::Screen::Attract);
        CHECK_FALSE(h.shows("MitID"));
        // Only anonymous counts outlive the session.
        CHECK(h.session().counts().sessions == 1);
    }
    CHECK(listing(home) == before);
    fs::current_path(old_cwd);
}
