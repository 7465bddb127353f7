// A guide's picture as the content studio takes it in: a PNG a kiosk can draw. The file is
// decoded as the kiosk decodes it (stb_image), after its size is read from its header, so a
// file that claims a huge picture is refused before any memory is taken for it.
#pragma once

#include <string>
#include <string_view>

namespace ledsager::common {

struct PictureCheck {
    bool ok = false;
    int width = 0, height = 0;
    std::string error;  // why not, in words
};

inline constexpr int kPictureMinSide = 64;
inline constexpr int kPictureMaxSide = 2400;

PictureCheck check_png(std::string_view bytes);

// A picture's file name in a guide folder: 1 to 40 of a-z, 0-9 and '-' (not starting with
// '-'), then .png, or one of its drawn variants (.contrast.png, .rtl.png, .rtl.contrast.png).
bool picture_name(const std::string& name);

}  // namespace ledsager::common
