// The kiosk's cache folder: what a start computes that the next start can take up instead
// (the attract screen's font atlas, the keyboard's compose table). Nothing a citizen typed,
// said or chose is ever kept there (docs/security.md, "A stolen kiosk").
#pragma once

#include <filesystem>

namespace ledsager::platform {

// systemd's CacheDirectory= (CACHE_DIRECTORY), else $XDG_CACHE_HOME/ledsager, else
// ~/.cache/ledsager; empty when none of them is set (nothing is kept).
std::filesystem::path cache_folder();

// The kiosk's folder for this boot: systemd's RuntimeDirectory= (RUNTIME_DIRECTORY), else
// $XDG_RUNTIME_DIR/ledsager; empty when neither is set. A tmpfs: nothing there outlives a
// power-off, so nothing planted there follows a stolen or repaired kiosk.
std::filesystem::path runtime_folder();

// X11's input method reads the keyboard's compose table (about 500 KB of text for a UTF-8
// locale) at every start, 5-20 ms before the first frame. libX11 keeps it compiled in
// $XCOMPOSECACHE when that folder exists and belongs to the user (never for root), and checks
// only the compiled file's header: so it is kept in the runtime folder (`folder`/compose,
// 0700), made anew at each boot, never on disk. Sets XCOMPOSECACHE unless it is set already.
// Call before the display opens and before any other thread starts (it sets a variable of
// the environment).
void keep_compose_table(const std::filesystem::path& folder);

}  // namespace ledsager::platform
