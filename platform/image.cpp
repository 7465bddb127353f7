#include "platform/image.hpp"

#include <SDL.h>

#define STB_IMAGE_IMPLEMENTATION
#define STB_IMAGE_STATIC
#define STBI_ONLY_PNG
#include <stb/stb_image.h>

namespace ledsager::platform {

ImageCache::~ImageCache() {
    for (auto& [path, t] : cache_)
        if (t.texture) SDL_DestroyTexture(t.texture);
}

const Texture& ImageCache::get(const std::string& path) {
    auto it = cache_.find(path);
    if (it != cache_.end()) return it->second;
    Texture t;
    int n = 0;
    if (unsigned char* pixels = stbi_load(path.c_str(), &t.width, &t.height, &n, 4)) {
        t.texture = SDL_CreateTexture(renderer_, SDL_PIXELFORMAT_ABGR8888, SDL_TEXTUREACCESS_STATIC, t.width, t.height);
        if (t.texture) {
            SDL_UpdateTexture(t.texture, nullptr, pixels, t.width * 4);
            SDL_SetTextureBlendMode(t.texture, SDL_BLENDMODE_BLEND);
            SDL_SetTextureScaleMode(t.texture,
                                    SDL_ScaleModeLinear);  // pictures are drawn larger or smaller than their pixels
        }
        stbi_image_free(pixels);
    }
    return cache_.emplace(path, t).first->second;
}

const Texture* ImageCache::find(const std::string& path) const {
    auto it = cache_.find(path);
    return it == cache_.end() || !it->second.texture ? nullptr : &it->second;
}

}  // namespace ledsager::platform
