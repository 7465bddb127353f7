// Life situations the task catalogue is grouped by. Their titles are interface strings
// (po/<lang>.po, key "category.<id>"); guides name one of these ids in `category`.
#pragma once

#include <string_view>

namespace ledsager::common {

struct CategoryDef {
    std::string_view id;
    std::string_view icon;
};

inline constexpr CategoryDef kCategories[] = {
    {"login", "key"},       // MitID and logging in
    {"post", "letter"},     // letters from public authorities
    {"home", "home"},       // moving, housing
    {"health", "health"},   // health card, doctor
    {"travel", "id-card"},  // passport, driving licence
    {"work", "work"},       // jobs, unemployment
    {"money", "money"},     // pension, benefits, tax
};

constexpr bool is_category(std::string_view id) {
    for (const auto& c : kCategories)
        if (c.id == id) return true;
    return false;
}

constexpr int category_rank(std::string_view id) {
    int i = 0;
    for (const auto& c : kCategories) {
        if (c.id == id) return i;
        ++i;
    }
    return i;
}

}  // namespace ledsager::common
