// The kiosk's heap, held small and quick to fill: glibc's malloc raises its mmap threshold
// after the first large block is freed, so a 16 MB font atlas freed after a rebuild stays in
// the heap as free space the kernel cannot take back. The kiosk fixes the threshold at
// start-up and gives free heap pages back after the big moments (a font rebuild, the end of
// a call). The few blocks of megabytes (the font atlas, its texture, a screen-sized surface)
// are mapped in huge pages where the kernel offers them, filled in one step: page by page,
// the start's 15 MB of them cost ~4,000 page faults, a third of the time to the first frame.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ledsager::platform {

// Large blocks (256 KiB and more) always come from mmap and go back to the system when
// freed; SDL's and Dear ImGui's blocks of 2 MiB and more are mapped as described above.
// Call once, first thing in main(), before SDL or ImGui allocate anything.
void keep_large_blocks_apart();
// The first frame is drawn: blocks made from now on are not advised as huge pages (after days
// of use the kernel might stop the kiosk to compact memory for one); still filled at once.
void started();
// Returns the heap's free pages to the system (malloc_trim). A few milliseconds at most;
// call after the big moments (a font rebuild, the end of a call), not every frame.
void give_back_free_memory();

// The allocator behind keep_large_blocks_apart(), for Dear ImGui's SetAllocatorFunctions
// and for a test: blocks of kBigBlock bytes and more are their own mapping, advised as huge
// pages (until started()) and populated at once; smaller ones come from malloc. Either kind is freed by
// big_aware_free (never by free()).
inline constexpr std::size_t kBigBlock = std::size_t{2} << 20;
void* big_aware_alloc(std::size_t size, void* user_data = nullptr);
void big_aware_free(void* p, void* user_data = nullptr);
void* big_aware_calloc(std::size_t n, std::size_t size);
void* big_aware_realloc(void* p, std::size_t size);
// How many bytes of blocks made by big_aware_alloc are mapped now (for a test).
std::size_t big_blocks_mapped();

// A file read by mapping it, read-only, with all its pages at once: no copy of it on the
// heap and no page fault per 4 KiB. Empty (ok() false) when it cannot be opened or mapped.
class MappedFile {
public:
    explicit MappedFile(const std::string& path);
    ~MappedFile();
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;
    bool ok() const { return data_ != nullptr; }
    std::string_view bytes() const { return {static_cast<const char*>(data_), size_}; }

private:
    void* data_ = nullptr;
    std::size_t size_ = 0;
    bool mapped_ = false;
    std::string copy_;  // when the file could not be mapped
};

}  // namespace ledsager::platform
