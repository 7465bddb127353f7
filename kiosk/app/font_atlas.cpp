#include "app/font_atlas.hpp"

#include <link.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <string_view>

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
    if (scale_ == need.scale && height_ == need.height && covers(need.lang, texts.config) &&
        !attract_too_big(need, texts.config)) {
        // A new screen's shaped glyphs go into the atlas's free room when they fit.
        if (!shaper_.dirty()) return true;
        if (texture_ && shaper_.add_new(*ImGui::GetIO().Fonts, [&](const ui::Shaper::Patch& p) {
                canvas.update_texture_alpha(texture_, p.alpha, p.w, p.h, p.x, p.y);
            })) {
            ++additions_;
            return true;
        }
    }
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
    // The attract screen's atlas at start-up (nothing shaped yet) may be in the cache folder.
    const bool cacheable =
        !cache_dir_.empty() && !cache_tried_ && lang_ == texts.config.default_language && !shaper_.shaped_any();
    cache_tried_ = cache_tried_ || cacheable;  // the first build only: never during a session
    const std::string key = cacheable ? cache_key(need) : std::string();
    if (!cacheable || !load_cached(key)) {
        if (!ui::build_fonts(*ImGui::GetIO().Fonts, files_, static_cast<float>(need.height), need.scale, glyphs_,
                             fonts_, error, &shaper_, title_glyphs_))
            return false;
        if (cacheable) save_cached(key);
    }
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

// Everything the atlas is built from: the program itself (a new build may bake differently),
// the font files, the size, the language and every character the atlas holds.
std::string FontAtlas::cache_key(const Need& need) const {
    std::string key = "ledsager font atlas; imgui " + std::to_string(IMGUI_VERSION_NUM);
    std::vector<std::string> libraries;
    auto file = [&](const std::filesystem::path& path) {
        std::error_code ec;
        const auto size = std::filesystem::file_size(path, ec);
        const auto time = std::filesystem::last_write_time(path, ec);
        key += "\n" + path.string() + " " + std::to_string(ec ? 0 : size) + " " +
               std::to_string(ec ? 0 : time.time_since_epoch().count());
    };
    file("/proc/self/exe");
    // The glyph rasteriser ImGui builds with (stb_truetype) is a library of its own in Debian.
    dl_iterate_phdr(
        [](dl_phdr_info* info, size_t, void* out) {
            if (info->dlpi_name && std::strstr(info->dlpi_name, "libstb"))
                static_cast<std::vector<std::string>*>(out)->push_back(info->dlpi_name);
            return 0;
        },
        &libraries);
    for (const auto& l : libraries)
        file(l);
    for (const auto* f : {&files_.regular, &files_.bold, &files_.icons, &files_.arabic_regular, &files_.arabic_bold,
                          &files_.ethiopic_regular, &files_.ethiopic_bold})
        if (!f->empty()) file(*f);
    key += "\nheight " + std::to_string(need.height) + " scale " + std::to_string(need.scale) + " lang " + lang_ +
           " shaping " + (shaper_.loaded() ? "yes" : "no") + "\nglyphs";
    for (const ImWchar c : glyphs_)
        key += " " + std::to_string(c);
    key += "\ntitle";
    for (const ImWchar c : title_glyphs_)
        key += " " + std::to_string(c);
    return key;
}

namespace {
std::filesystem::path cache_file(const std::filesystem::path& dir, const std::string& key) {
    char name[40];
    std::snprintf(name, sizeof name, "atlas-%016zx.bin", std::hash<std::string>{}(key));
    return dir / name;
}
constexpr std::uintmax_t kMaxAtlasFile = 64u << 20;  // a 16384 x 4096 atlas and its glyphs
std::uint64_t checksum(std::string_view bytes) {
    return std::hash<std::string_view>{}(bytes);
}
}  // namespace

bool FontAtlas::load_cached(const std::string& key) {
    namespace fs = std::filesystem;
    const fs::path path = cache_file(cache_dir_, key);
    std::error_code ec;
    const auto size = fs::file_size(path, ec);
    if (ec) return false;  // none yet: built, then saved
    // Taken aside while it is read: should reading it ever stop the program, the next start
    // does not find it again and builds the atlas (no start that fails over and over).
    const fs::path reading = path.string() + ".reading";
    fs::rename(path, reading, ec);
    if (ec) return false;
    // The file starts with the whole key it was saved for (its name is only a hash of it),
    // then a checksum of the atlas that follows.
    std::string error;
    auto take_up = [&] {
        if (size > kMaxAtlasFile) return "larger than any atlas";
        // Mapped, all its pages at once (the file is in the page cache since it was saved):
        // no copy, and no fault per page.
        const platform::MappedFile file(reading.string());
        if (!file.ok() || file.bytes().size() != size) return "cannot read it";
        const std::string_view bytes = file.bytes();
        const size_t head = key.size() + 1 + sizeof(std::uint64_t);
        if (bytes.size() < head || bytes.compare(0, key.size(), key) != 0 || bytes[key.size()] != '\0')
            return "saved for other fonts, texts or sizes";
        std::uint64_t sum = 0;
        std::memcpy(&sum, bytes.data() + key.size() + 1, sizeof sum);
        const std::string_view atlas = bytes.substr(head);
        if (sum != checksum(atlas)) return "damaged (its checksum does not match)";
        return ui::load_atlas(atlas, *ImGui::GetIO().Fonts, fonts_, shaper_, error) ? "" : "damaged";
    };
    const std::string why = take_up();
    if (why.empty()) {
        fs::rename(reading, path, ec);
        ++from_cache_;
        return true;
    }
    if (error.empty()) error = why;
    fs::remove(reading, ec);
    std::fprintf(stderr, "ledsager-kiosk: %s: %s: building the font atlas anew\n", path.c_str(), error.c_str());
    return false;
}

void FontAtlas::save_cached(const std::string& key) const {
    const std::string atlas = ui::save_atlas(*ImGui::GetIO().Fonts, fonts_, shaper_);
    if (atlas.empty()) return;
    std::error_code ec;
    std::filesystem::create_directories(cache_dir_, ec);
    std::filesystem::permissions(cache_dir_, std::filesystem::perms::owner_all, ec);  // the kiosk's own
    const std::filesystem::path path = cache_file(cache_dir_, key);
    const std::string tmp = path.string() + ".new";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        const std::uint64_t sum = checksum(atlas);
        out.write(key.data(), static_cast<std::streamsize>(key.size()));
        out.put('\0');
        out.write(reinterpret_cast<const char*>(&sum), sizeof sum);
        out.write(atlas.data(), static_cast<std::streamsize>(atlas.size()));
        if (!out.flush()) {
            std::fprintf(stderr, "ledsager-kiosk: cannot save the font atlas in %s (the next start builds it)\n",
                         cache_dir_.c_str());
            std::filesystem::remove(tmp, ec);
            return;
        }
    }
    std::filesystem::rename(tmp, path, ec);
    // One saved atlas: those for other fonts, texts or sizes go.
    for (const auto& e : std::filesystem::directory_iterator(cache_dir_, ec))
        if (e.path() != path && e.path().filename().string().rfind("atlas-", 0) == 0)
            std::filesystem::remove(e.path(), ec);
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
