#include "common/picture.hpp"

#include <climits>
#include <regex>

#define STB_IMAGE_IMPLEMENTATION
#define STB_IMAGE_STATIC
#define STBI_ONLY_PNG
#define STBI_NO_STDIO
#include <stb/stb_image.h>

namespace ledsager::common {

PictureCheck check_png(std::string_view bytes) {
    PictureCheck out;
    static constexpr unsigned char kSignature[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    if (bytes.size() < sizeof kSignature ||
        bytes.compare(0, sizeof kSignature,
                      std::string_view(reinterpret_cast<const char*>(kSignature), sizeof kSignature)) != 0) {
        out.error = "not a PNG file";
        return out;
    }
    if (bytes.size() > INT_MAX) {
        out.error = "too large";
        return out;
    }
    const auto* data = reinterpret_cast<const stbi_uc*>(bytes.data());
    const int size = static_cast<int>(bytes.size());
    int w = 0, h = 0, n = 0;
    if (!stbi_info_from_memory(data, size, &w, &h, &n)) {
        out.error = "the PNG file cannot be read";
        return out;
    }
    if (w < kPictureMinSide || h < kPictureMinSide || w > kPictureMaxSide || h > kPictureMaxSide) {
        out.error = "the picture is " + std::to_string(w) + "×" + std::to_string(h) + " pixels: each side must be " +
                    std::to_string(kPictureMinSide) + " to " + std::to_string(kPictureMaxSide);
        return out;
    }
    stbi_uc* pixels = stbi_load_from_memory(data, size, &w, &h, &n, 4);
    if (!pixels) {
        out.error = std::string("the PNG file cannot be drawn (") + stbi_failure_reason() + ")";
        return out;
    }
    stbi_image_free(pixels);
    out.ok = true;
    out.width = w;
    out.height = h;
    return out;
}

bool picture_name(const std::string& name) {
    static const std::regex pattern(R"([a-z0-9][a-z0-9-]{0,39}(\.rtl)?(\.contrast)?\.png)");
    return std::regex_match(name, pattern);
}

}  // namespace ledsager::common
