// The languages Ledsager knows, with their names in their own script. Which of them a kiosk
// offers is configuration (config/kiosk.toml [languages] offered) limited to the languages
// that have an interface catalogue (po/<code>.po).
#pragma once

#include <string_view>

namespace ledsager::common {

struct LanguageDef {
    std::string_view code;         // ISO 639-1
    std::string_view native_name;  // the language's name in its own words
    std::string_view english_name;
    bool rtl;
};

inline constexpr LanguageDef kLanguages[] = {
    {"da", "Dansk", "Danish", false},         {"en", "English", "English", false}, {"ar", "العربية", "Arabic", true},
    {"uk", "Українська", "Ukrainian", false}, {"tr", "Türkçe", "Turkish", false},  {"pl", "Polski", "Polish", false},
    {"so", "Soomaali", "Somali", false},      {"ur", "اردو", "Urdu", true},        {"fa", "فارسی", "Farsi", true},
    {"ti", "ትግርኛ", "Tigrinya", false},
};

constexpr const LanguageDef* find_language(std::string_view code) {
    for (const auto& l : kLanguages)
        if (l.code == code) return &l;
    return nullptr;
}

}  // namespace ledsager::common
