// The font atlas, one job: the glyphs the citizen's language's screens can show, baked at the
// sizes for the display's height and the chosen text size, in one texture of the kiosk's own.
// Ten languages' scripts at 200 % would outgrow what the software renderer's textures hold,
// so the atlas is built per language (with English, Danish and the attract screen's language
// in every one) and rebuilt when the language, text size or height changes.
//
// The attract screen's atlas, the one every start builds first, is saved in a cache folder
// (when given one) and taken up from there at the next start instead of being built again:
// building it is most of the time to the first frame. It holds the glyphs of published
// texts only, never those of a citizen's language.
#pragma once

#include <imgui.h>
#include <filesystem>
#include <string>
#include <vector>

#include "common/content.hpp"
#include "core/config.hpp"
#include "core/i18n.hpp"
#include "platform/canvas.hpp"
#include "ui/fonts.hpp"
#include "ui/shaping.hpp"

namespace ledsager::app {

class FontAtlas {
public:
    FontAtlas() = default;
    FontAtlas(const FontAtlas&) = delete;
    FontAtlas& operator=(const FontAtlas&) = delete;

    // Finds the font files and loads Arabic shaping (without it Arabic, Farsi and Urdu show
    // '?', which is said once on stderr).
    void load();
    // The folder for the saved attract atlas (none: every start builds it).
    void set_cache_dir(std::filesystem::path dir) { cache_dir_ = std::move(dir); }

    // What the next frame draws: its language and text size, the display's height, and
    // whether it is the attract screen.
    struct Need {
        std::string lang;
        int scale = 100;
        int height = 0;
        bool attract = false;
    };
    struct Texts {
        const common::ContentSet& content;
        const core::Translator& translator;
        const core::KioskConfig& config;
    };
    // Builds the atlas for `need` unless the one there serves it. In the ImGui context that
    // draws with it, before the frame starts. False with `error`: the fonts there are stay,
    // and the same language, size and height are not tried again unless shaping needs new
    // glyphs or the attract screen's check asks for a smaller atlas; when no texture could be
    // made for it (no fonts left at all) the next call tries again.
    bool ensure(const Need& need, const Texts& texts, platform::Canvas& canvas, std::string& error);
    // The textures go (before the renderer does).
    void release();
    // The texts changed (new content or settings): the glyphs are gathered again.
    void texts_changed();

    const ui::Fonts& fonts() const { return fonts_; }
    ui::Shaper& shaper() { return shaper_; }
    const ui::Shaper& shaper() const { return shaper_; }
    int rebuilds() const { return rebuilds_; }
    // Times shaped glyphs were added to the atlas in place (no rebuild).
    int additions() const { return additions_; }
    // Times the atlas was taken up from the cache folder instead of built.
    int from_cache() const { return from_cache_; }
    int texture_px() const { return texture_w_ * texture_h_; }

private:
    bool covers(const std::string& lang, const core::KioskConfig& config) const;
    bool attract_too_big(const Need& need, const core::KioskConfig& config) const;
    bool build(const Need& need, const Texts& texts, platform::Canvas& canvas, std::string& error);
    std::string cache_key(const Need& need) const;
    bool load_cached(const std::string& key);
    void save_cached(const std::string& key) const;

    ui::Fonts fonts_;
    ui::FontFiles files_;
    ui::Shaper shaper_;
    ImVector<ImWchar> glyphs_, title_glyphs_;
    std::string lang_;  // whose glyphs are in the atlas
    int scale_ = 0, height_ = 0;
    platform::TextureId texture_ = nullptr;
    int texture_w_ = 0, texture_h_ = 0;
    int attract_px_ = 0, attract_scale_ = 0, attract_height_ = 0;  // the attract screen's own atlas, last built
    int rebuilds_ = 0, additions_ = 0, from_cache_ = 0;
    std::filesystem::path cache_dir_;
    bool cache_tried_ = false;
};

// Whether every atlas holds this language: English and Danish (the fallbacks) and the attract
// screen's language, so that going back to the attract screen needs no new atlas.
bool in_every_atlas(const std::string& code, const core::KioskConfig& config);

// Every string a screen may show, for baking the glyphs the atlas needs.
// With `lang`, only what that language's screens can show (its own texts, the English and
// Danish fallbacks, and every language's own name): the atlas is built per language.
std::vector<std::string> displayable_texts(const common::ContentSet& content, const core::Translator& tr,
                                           const core::KioskConfig& config, const std::string& lang = {});

}  // namespace ledsager::app
