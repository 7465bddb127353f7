// Names of the icons guides and screens may use, and their code points in the icon font
// (Font Awesome 4.7 from Debian's fonts-font-awesome). Pure data: the UI draws them, the
// content checker validates names against this list.
#pragma once

#include <cstdint>
#include <string_view>

namespace ledsager::common {

struct IconDef {
    std::string_view name;
    char32_t codepoint;
};

inline constexpr IconDef kIcons[] = {
    {"phone", 0xf10b},         {"letter", 0xf003},       {"home", 0xf015},
    {"health", 0xf21e},        {"id-card", 0xf2c3},      {"car", 0xf1b9},
    {"work", 0xf0b1},          {"money", 0xf0d6},        {"tax", 0xf1ec},
    {"key", 0xf084},           {"doctor", 0xf0f0},       {"travel", 0xf072},
    {"touch", 0xf25a},         {"speaker", 0xf028},      {"text-size", 0xf034},
    {"globe", 0xf0ac},         {"contrast", 0xf042},     {"exit", 0xf08b},
    {"help", 0xf1cd},          {"back", 0xf060},         {"forward", 0xf061},
    {"check", 0xf00c},         {"cross", 0xf00d},        {"restart", 0xf021},
    {"question", 0xf059},      {"checkbox", 0xf046},     {"box", 0xf096},
    {"person", 0xf2be},        {"lock", 0xf023},         {"building", 0xf19c},
    {"document", 0xf0f6},      {"card", 0xf09d},         {"place", 0xf041},
    {"hourglass", 0xf252},     {"bin", 0xf014},          {"smile", 0xf118},
    {"thumbs-up", 0xf164},     {"thumbs-down", 0xf165},  {"chevron-left", 0xf053},
    {"chevron-right", 0xf054}, {"chevron-down", 0xf078}, {"chevron-up", 0xf077},
    {"volume-up", 0xf028},     {"volume-down", 0xf027},  {"volume-off", 0xf026},
    {"slower", 0xf04a},        {"faster", 0xf04e},       {"video", 0xf03d},
    {"microphone", 0xf130},    {"comment", 0xf075},      {"microphone-slash", 0xf131},
    {"eye-slash", 0xf070},     {"keyboard", 0xf11c},     {"call", 0xf095},
    {"circle", 0xf111},
};

// 0 when the name is unknown.
constexpr char32_t icon_codepoint(std::string_view name) {
    for (const auto& icon : kIcons)
        if (icon.name == name) return icon.codepoint;
    return 0;
}

}  // namespace ledsager::common
