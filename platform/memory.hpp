// The kiosk's heap, held small: glibc's malloc raises its mmap threshold after the first
// large block is freed, so a 16 MB font atlas freed after a rebuild stays in the heap as
// free space the kernel cannot take back. The kiosk fixes the threshold at start-up and
// gives free heap pages back after the big moments (a font rebuild, the end of a call).
#pragma once

namespace ledsager::platform {

// Large blocks (256 KiB and more) always come from mmap and go back to the system when
// freed. Call once, first thing in main().
void keep_large_blocks_apart();
// Returns the heap's free pages to the system (malloc_trim). A few milliseconds at most;
// call after the big moments (a font rebuild, the end of a call), not every frame.
void give_back_free_memory();

}  // namespace ledsager::platform
