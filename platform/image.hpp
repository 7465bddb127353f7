// PNG illustrations as SDL textures, loaded once and kept.
#pragma once

#include <map>
#include <string>

struct SDL_Renderer;
struct SDL_Texture;

namespace ledsager::platform {

struct Texture {
    SDL_Texture* texture = nullptr;
    int width = 0, height = 0;
};

class ImageCache {
public:
    explicit ImageCache(SDL_Renderer* renderer) : renderer_(renderer) {}
    ~ImageCache();
    ImageCache(const ImageCache&) = delete;
    ImageCache& operator=(const ImageCache&) = delete;
    // Loads `path` on first use; an unreadable file gives an empty Texture (and is not retried).
    const Texture& get(const std::string& path);
    const Texture* find(const std::string& path) const;

private:
    SDL_Renderer* renderer_;
    std::map<std::string, Texture> cache_;
};

}  // namespace ledsager::platform
