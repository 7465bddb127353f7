// A picture an editor sends is decoded apart from the hub: in a child process of its own,
// bounded in memory and time. A file crafted against the decoder can at worst end that
// child; the hub answers "cannot be drawn" and keeps serving.
#pragma once

#include <chrono>
#include <string_view>

#include "common/picture.hpp"

namespace ledsager::hub {

struct PictureLimits {
    std::chrono::milliseconds time{5000};
    std::size_t memory_bytes = 256u << 20;  // the child's address space
};

using PictureDecoder = common::PictureCheck (*)(std::string_view bytes);

// common::check_png (or `decode`, for tests) run in a forked child within `limits`.
common::PictureCheck check_picture_apart(std::string_view bytes, const PictureLimits& limits = {},
                                         PictureDecoder decode = common::check_png);

}  // namespace ledsager::hub
