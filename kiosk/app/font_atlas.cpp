#include "app/font_atlas.hpp"

#include <cstdio>

#include "common/languages.hpp"
#include "platform/memory.hpp"

namespace ledsager::app {

bool in_every_atlas(const std::string& code, const core::KioskConfig& config) {
    return code == "en" || code == "da" || code == config.default_language;
}

std::vector<std::string> displayable_texts(const common::ContentSet& content, const core::Translator& tr,
                                           const core::KioskConfig& config, const std::string& lang) {
    std::vector<std::string> texts;
    auto wanted = [&](const std::string& code) { return lang.empty() || code == lang || in_every_atlas(code, config); };
    for (const auto& code : config.offered) {
        if (const auto* l = common::find_language(code)) texts.emplace_back(l->native_name);
        if (!wanted(code)) continue;
        if (const auto* cat = tr.catalog(code))
            for (const auto& [k, v] : *cat)
                texts.push_back(v);
        if (const auto* plurals = tr.plural_catalog(code))
            for (const auto& [k, forms] : *plurals)
                texts.insert(texts.end(), forms.begin(), forms.end());
        if (auto it = config.front_desk.find(code); it != config.front_desk.end()) texts.push_back(it->second);
    }
    for (const auto& g : content.guides)
        for (const auto& [code, t] : g.text) {
            if (!wanted(code)) continue;
            texts.push_back(t.title);
            texts.push_back(t.subtitle);
            texts.push_back(t.end_title);
            texts.push_back(t.end_summary);
            for (const auto& n : t.needs)
                texts.push_back(n);
            for (const auto& [id, s] : t.steps) {
                texts.push_back(s.title);
                texts.push_back(s.text);
                for (const auto& [cid, label] : s.choices)
                    texts.push_back(label);
            }
        }
    return texts;
}

void FontAtlas::load() {
    files_ = ui::find_font_files();
    std::string error;
    if (files_.arabic_regular.empty() || files_.arabic_bold.empty() ||
        !shaper_.load(files_.arabic_regular, files_.arabic_bold, files_.regular, error))
        std::fprintf(stderr, "ledsager-kiosk: Arabic script unavailable: %s\n",
                     error.empty() ? "Noto Sans Arabic UI not installed" : error.c_str());
}

bool FontAtlas::covers(const std::string& lang, const core::KioskConfig& config) const {
    return !lang_.empty() && !glyphs_.empty() && (lang == lang_ || in_every_atlas(lang, config));
}

bool FontAtlas::attract_too_big(const Need& need, const core::KioskConfig& config) const {
    // Back on the attract screen after a citizen's language, the atlas stays (the next
    // citizen often picks the same one) unless its texture is more than 4 MiB larger than
    // the attract screen's own.
    constexpr int kSlackPx = (4 << 20) / 4;
    if (!need.attract || lang_ == config.default_language) return false;
    return attract_scale_ != scale_ || attract_height_ != height_ || texture_px() > attract_px_ + kSlackPx;
}

bool FontAtlas::ensure(const Need& need, const Texts& texts, platform::Canvas& canvas, std::string& error) {
    if (scale_ == need.scale && height_ == need.height && covers(need.lang, texts.config) && !shaper_.dirty() &&
        !attract_too_big(need, texts.config))
        return true;
    if (build(need, texts, canvas, error)) return true;
    // Keep serving with the fonts there are; not tried again for the same need (see ensure's comment).
    scale_ = need.scale;
    height_ = need.height;
    lang_ = need.lang;
    return false;
}

bool FontAtlas::build(const Need& need, const Texts& texts, platform::Canvas& canvas, std::string& error) {
    if (lang_ != need.lang || glyphs_.empty()) {
        lang_ = need.lang;
        glyphs_ = ui::glyph_ranges(displayable_texts(texts.content, texts.translator, texts.config, lang_));
        title_glyphs_ =
            ui::glyph_ranges({texts.translator.tr(lang_, "attract.title"),
                              texts.translator.tr(texts.config.default_language, "attract.title"), "0123456789"},
                             false);
    }
    if (!ui::build_fonts(*ImGui::GetIO().Fonts, files_, static_cast<float>(need.height), need.scale, glyphs_, fonts_,
                         error, &shaper_, title_glyphs_))
        return false;
    // The font texture is the kiosk's own (not the backend's). An atlas of the same size is
    // written into it in place (SDL first draws what is queued with the old glyphs). One of
    // another size gets a new texture, and the old one goes first, so the two are never held
    // at once (at 200 % text a texture is 35 MB): nothing drawn with it is waiting (frames are
    // presented before the next one starts, and SDL_DestroyTexture draws what is queued with
    // a texture before it destroys it), and this frame is drawn with the new one.
    unsigned char* pixels = nullptr;
    int tw = 0, th = 0;
    ImGui::GetIO().Fonts->GetTexDataAsAlpha8(&pixels, &tw, &th);
    const bool new_size = !texture_ || tw != texture_w_ || th != texture_h_;
    if (new_size) {
        platform::Canvas::destroy_texture(texture_);
        std::string texture_error;
        texture_ = canvas.make_texture(tw, th, false, texture_error);
        if (!texture_) {
            ImGui::GetIO().Fonts->SetTexID(nullptr);
            ImGui::GetIO().Fonts->ClearTexData();
            texture_w_ = texture_h_ = 0;
            glyphs_.clear();  // no fonts left to serve with: the next frame tries again
            error = "cannot make the font texture (" + texture_error + ")";
            return false;
        }
        texture_w_ = tw;
        texture_h_ = th;
    }
    canvas.update_texture_alpha(texture_, pixels, tw, th);
    ImGui::GetIO().Fonts->SetTexID(texture_);
    ImGui::GetIO().Fonts->ClearTexData();  // the texture has the pixels now; keep no second copy
    scale_ = need.scale;
    height_ = need.height;
    if (lang_ == texts.config.default_language) {
        attract_px_ = tw * th;
        attract_scale_ = scale_;
        attract_height_ = height_;
    }
    ++rebuilds_;
    if (new_size) platform::give_back_free_memory();  // the old texture and what the build took
    return true;
}

void FontAtlas::release() {
    platform::Canvas::destroy_texture(texture_);
    texture_ = nullptr;
    texture_w_ = texture_h_ = 0;
    scale_ = height_ = 0;
}

void FontAtlas::texts_changed() {
    glyphs_.clear();  // the new texts' glyphs, at the next build
    lang_.clear();
}

}  // namespace ledsager::app
