// kiosk_big_blocks: the few blocks of megabytes the kiosk makes (the font atlas, its texture,
// a screen-sized surface) are mappings of their own, advised as huge pages and filled at
// once, and go back to the system when freed; the rest of SDL's and ImGui's blocks come from
// malloc. The atlas kept in the cache folder is read by mapping it (platform::MappedFile).
#include <SDL.h>
#include <imgui.h>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include "doctest/doctest.h"
#include "platform/memory.hpp"
#include "temp_dir.hpp"

using namespace ledsager;

namespace {

// Huge pages backing the mapping that holds `p`, from /proc/self/smaps (kB).
long huge_kb_at(const void* p) {
    const auto addr = reinterpret_cast<std::uintptr_t>(p);
    std::ifstream smaps("/proc/self/smaps");
    std::string line;
    bool inside = false;
    while (std::getline(smaps, line)) {
        std::uintptr_t lo = 0, hi = 0;
        char dash = 0;
        std::istringstream head(line);
        if (head >> std::hex >> lo >> dash >> hi && dash == '-') {
            inside = lo <= addr && addr < hi;
            continue;
        }
        if (inside && line.rfind("AnonHugePages:", 0) == 0) return std::stol(line.substr(14));
    }
    return -1;
}

bool huge_pages_offered() {
    std::ifstream f("/sys/kernel/mm/transparent_hugepage/enabled");
    std::string s;
    std::getline(f, s);
    return s.find("[never]") == std::string::npos && !s.empty();
}

}  // namespace

TEST_CASE("a block of megabytes is its own mapping, in huge pages, and goes back when freed") {
    const std::size_t before = platform::big_blocks_mapped();
    constexpr std::size_t kSize = 6u << 20;
    auto* p = static_cast<unsigned char*>(platform::big_aware_alloc(kSize));
    REQUIRE(p != nullptr);
    CHECK(reinterpret_cast<std::uintptr_t>(p) % 16 == 0);
    CHECK(platform::big_blocks_mapped() >= before + kSize);
    for (std::size_t i = 0; i < kSize; i += 4096)
        CHECK_MESSAGE(p[i] == 0, "a new mapping reads as zero");
    std::memset(p, 0xab, kSize);
    // The machines this runs on offer transparent huge pages on advice ("madvise") or always.
    // (A warning, not a failure: with memory fragmented the kernel falls back to plain pages.)
    if (huge_pages_offered()) WARN(huge_kb_at(p + (3u << 20)) >= 2048);
    // Larger and smaller again, still a mapping of its own: the bytes kept.
    p = static_cast<unsigned char*>(platform::big_aware_realloc(p, kSize * 2));
    REQUIRE(p != nullptr);
    CHECK(platform::big_blocks_mapped() >= before + 2 * kSize);
    CHECK(p[kSize - 1] == 0xab);
    p = static_cast<unsigned char*>(platform::big_aware_realloc(p, kSize));
    REQUIRE(p != nullptr);
    CHECK(platform::big_blocks_mapped() >= before + kSize);
    CHECK(platform::big_blocks_mapped() < before + kSize + (1u << 20));
    CHECK(p[kSize - 1] == 0xab);
    // Smaller: into malloc, the first bytes kept; larger again: a mapping, the bytes kept.
    p = static_cast<unsigned char*>(platform::big_aware_realloc(p, 100));
    REQUIRE(p != nullptr);
    CHECK(platform::big_blocks_mapped() == before);
    CHECK(p[0] == 0xab);
    CHECK(p[99] == 0xab);
    p = static_cast<unsigned char*>(platform::big_aware_realloc(p, kSize));
    REQUIRE(p != nullptr);
    CHECK(platform::big_blocks_mapped() >= before + kSize);
    CHECK(p[99] == 0xab);
    platform::big_aware_free(p);
    CHECK(platform::big_blocks_mapped() == before);
}

TEST_CASE("small blocks come from malloc; calloc's are zero") {
    const std::size_t before = platform::big_blocks_mapped();
    auto* small = static_cast<unsigned char*>(platform::big_aware_calloc(1000, 3));
    REQUIRE(small != nullptr);
    CHECK(platform::big_blocks_mapped() == before);
    bool zero = true;
    for (int i = 0; i < 3000; ++i)
        zero = zero && small[i] == 0;
    CHECK(zero);
    small = static_cast<unsigned char*>(platform::big_aware_realloc(small, 5000));
    CHECK(small != nullptr);
    platform::big_aware_free(small);
    platform::big_aware_free(nullptr);
    CHECK(platform::big_aware_calloc(SIZE_MAX / 2, 4) == nullptr);  // overflow refused
    CHECK(platform::big_aware_alloc(SIZE_MAX - 8) == nullptr);      // no sum that wraps
    void* q = platform::big_aware_alloc(10);
    CHECK(platform::big_aware_realloc(q, SIZE_MAX - 8) == nullptr);
    platform::big_aware_free(q);
}

TEST_CASE("SDL's surfaces and ImGui's atlas use it once the kiosk has set it up") {
    platform::keep_large_blocks_apart();
    const std::size_t before = platform::big_blocks_mapped();
    // A texture of the software renderer is such a surface: 1024 x 1024 x 4 bytes.
    SDL_Surface* s = SDL_CreateRGBSurfaceWithFormat(0, 1024, 1024, 32, SDL_PIXELFORMAT_ABGR8888);
    REQUIRE(s != nullptr);
    CHECK(platform::big_blocks_mapped() >= before + (4u << 20));
    SDL_FreeSurface(s);
    CHECK(platform::big_blocks_mapped() == before);

    ImGuiContext* ctx = ImGui::CreateContext();
    void* atlas = IM_ALLOC(3u << 20);
    CHECK(platform::big_blocks_mapped() >= before + (3u << 20));
    IM_FREE(atlas);
    ImGui::DestroyContext(ctx);
    CHECK(platform::big_blocks_mapped() == before);
}

TEST_CASE("a mapped file reads as the file; a missing one is not ok") {
    test::TempDir dir("ledsager-mapped");
    std::string text(3 * 4096 + 17, 'x');
    text[5000] = '\0';
    text.back() = 'z';
    {
        std::ofstream out(dir.path / "atlas", std::ios::binary);
        out.write(text.data(), static_cast<std::streamsize>(text.size()));
    }
    const platform::MappedFile f((dir.path / "atlas").string());
    REQUIRE(f.ok());
    CHECK(f.bytes() == text);
    const platform::MappedFile missing((dir.path / "none").string());
    CHECK_FALSE(missing.ok());
    CHECK(missing.bytes().empty());
}
