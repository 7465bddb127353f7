#include "platform/cache_folder.hpp"

#include <cstdlib>

namespace ledsager::platform {

namespace fs = std::filesystem;

fs::path cache_folder() {
    if (const char* dir = std::getenv("CACHE_DIRECTORY"); dir && *dir) return dir;
    if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) return fs::path(xdg) / "ledsager";
    if (const char* home = std::getenv("HOME"); home && *home) return fs::path(home) / ".cache" / "ledsager";
    return {};
}

fs::path runtime_folder() {
    if (const char* dir = std::getenv("RUNTIME_DIRECTORY"); dir && *dir) return dir;
    if (const char* xdg = std::getenv("XDG_RUNTIME_DIR"); xdg && *xdg) return fs::path(xdg) / "ledsager";
    return {};
}

void keep_compose_table(const fs::path& folder) {
    if (folder.empty() || std::getenv("XCOMPOSECACHE")) return;
    const fs::path compose = folder / "compose";
    std::error_code ec;
    fs::create_directories(compose, ec);
    if (ec) return;  // read from the system's file, as without a cache
    fs::permissions(folder, fs::perms::owner_all, ec);
    fs::permissions(compose, fs::perms::owner_all, ec);
    ::setenv("XCOMPOSECACHE", compose.c_str(), 0);
}

}  // namespace ledsager::platform
