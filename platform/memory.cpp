#include "platform/memory.hpp"

#include <malloc.h>

namespace ledsager::platform {

void keep_large_blocks_apart() {
    mallopt(M_MMAP_THRESHOLD, 256 * 1024);  // setting it turns glibc's dynamic threshold off
}

void give_back_free_memory() {
    malloc_trim(0);
}

}  // namespace ledsager::platform
