#include "platform/memory.hpp"

#include <SDL.h>
#include <fcntl.h>
#include <imgui.h>
#include <malloc.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstring>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23  // Linux 5.14; Debian 12's headers may predate it
#endif

namespace ledsager::platform {

namespace {

// Every block starts with this header; the caller's bytes follow it, 16-byte aligned as
// malloc's. `mapped` is 0 for a block from malloc, else the length of its own mapping.
struct alignas(16) Header {
    std::size_t size;
    std::size_t mapped;
};
static_assert(sizeof(Header) == 16);

constexpr std::size_t kHuge = std::size_t{2} << 20;
// Larger than this is refused (the sums below cannot overflow).
constexpr std::size_t kLargest = std::size_t{1} << 40;
std::atomic<std::size_t> g_mapped{0};
// Huge pages only while the kiosk starts: later, with memory fragmented after days of use,
// the kernel may stop the program to compact memory for one ("defrag" = madvise).
std::atomic<bool> g_huge{true};

std::size_t page_size() {
    static const std::size_t size = [] {
        const long p = sysconf(_SC_PAGESIZE);
        return p > 0 ? static_cast<std::size_t>(p) : std::size_t{4096};
    }();
    return size;
}

std::size_t round_up(std::size_t n, std::size_t to) {
    return (n + to - 1) / to * to;
}

Header* header_of(void* p) {
    return static_cast<Header*>(p) - 1;
}

void* map_big(std::size_t size) {
    const std::size_t need = round_up(sizeof(Header) + size, page_size());
    // Mapped 2 MiB larger, then trimmed to start on a 2 MiB boundary: the kernel backs only
    // whole aligned 2 MiB ranges with huge pages.
    const std::size_t over = need + kHuge;
    void* raw = mmap(nullptr, over, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED) return nullptr;
    const auto base = reinterpret_cast<std::uintptr_t>(raw);
    const std::uintptr_t start = round_up(base, kHuge);
    if (start > base) munmap(raw, start - base);
    if (const std::uintptr_t end = start + need; end < base + over)
        munmap(reinterpret_cast<void*>(end), base + over - end);
    void* block = reinterpret_cast<void*>(start);
    if (g_huge) madvise(block, need, MADV_HUGEPAGE);  // refused where THP is off: plain pages then
    // All pages at once (one call, not a fault per page); older kernels fill them on first use.
    madvise(block, need, MADV_POPULATE_WRITE);
    auto* h = static_cast<Header*>(block);
    h->size = size;
    h->mapped = need;
    g_mapped += need;
    return h + 1;
}

}  // namespace

void* big_aware_alloc(std::size_t size, void*) {
    if (size > kLargest) return nullptr;
    if (size >= kBigBlock)
        if (void* p = map_big(size)) return p;
    auto* h = static_cast<Header*>(std::malloc(sizeof(Header) + size));
    if (!h) return nullptr;
    h->size = size;
    h->mapped = 0;
    return h + 1;
}

void big_aware_free(void* p, void*) {
    if (!p) return;
    Header* h = header_of(p);
    if (h->mapped == 0) {
        std::free(h);
        return;
    }
    g_mapped -= h->mapped;
    munmap(h, h->mapped);
}

void* big_aware_calloc(std::size_t n, std::size_t size) {
    if (size != 0 && n > kLargest / size) return nullptr;
    const std::size_t total = n * size;
    void* p = big_aware_alloc(total);
    // A mapping comes zeroed from the kernel.
    if (p && header_of(p)->mapped == 0) std::memset(p, 0, total);
    return p;
}

void* big_aware_realloc(void* p, std::size_t size) {
    if (!p) return big_aware_alloc(size);
    if (size > kLargest) return nullptr;
    Header* h = header_of(p);
    if (h->mapped != 0 && size >= kBigBlock) {
        // A mapping stays one: smaller within it, larger moved by the kernel (no copy).
        const std::size_t need = round_up(sizeof(Header) + size, page_size());
        if (need != h->mapped) {
            const std::size_t was = h->mapped;
            void* moved = mremap(h, was, need, MREMAP_MAYMOVE);
            if (moved == MAP_FAILED) return nullptr;
            g_mapped += need;
            g_mapped -= was;
            h = static_cast<Header*>(moved);
            h->mapped = need;
        }
        h->size = size;
        return h + 1;
    }
    if (h->mapped == 0 && size < kBigBlock) {
        auto* moved = static_cast<Header*>(std::realloc(h, sizeof(Header) + size));
        if (!moved) return nullptr;
        moved->size = size;
        return moved + 1;
    }
    void* q = big_aware_alloc(size);
    if (!q) return nullptr;
    std::memcpy(q, p, std::min(size, h->size));
    big_aware_free(p);
    return q;
}

void started() {
    g_huge = false;
}

std::size_t big_blocks_mapped() {
    return g_mapped.load();
}

void keep_large_blocks_apart() {
    mallopt(M_MMAP_THRESHOLD, 256 * 1024);  // setting it turns glibc's dynamic threshold off
    SDL_SetMemoryFunctions([](size_t size) { return big_aware_alloc(size); }, big_aware_calloc, big_aware_realloc,
                           [](void* p) { big_aware_free(p); });
    ImGui::SetAllocatorFunctions(big_aware_alloc, big_aware_free);
}

MappedFile::MappedFile(const std::string& path) {
    const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    struct stat st {};
    if (fstat(fd, &st) == 0 && st.st_size > 0) {
        const auto size = static_cast<std::size_t>(st.st_size);
        void* p = mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
        if (p != MAP_FAILED) {
            data_ = p;
            size_ = size;
            mapped_ = true;
        } else {
            // A file system that cannot map: read, as before.
            copy_.resize(size);
            std::size_t got = 0;
            while (got < size) {
                const ssize_t n = read(fd, copy_.data() + got, size - got);
                if (n <= 0) break;
                got += static_cast<std::size_t>(n);
            }
            if (got == size) {
                data_ = copy_.data();
                size_ = size;
            }
        }
    }
    close(fd);
}

MappedFile::~MappedFile() {
    if (mapped_) munmap(data_, size_);
}

void give_back_free_memory() {
    malloc_trim(0);
}

}  // namespace ledsager::platform
