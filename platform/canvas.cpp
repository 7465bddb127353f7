#include "platform/canvas.hpp"

#include <algorithm>
#include <vector>

#include <SDL.h>
#include <imgui.h>
#include <imgui_impl_sdlrenderer.h>

namespace ledsager::platform {

bool Canvas::attach(SDL_Renderer* renderer, std::string& error) {
    renderer_ = renderer;
    if (!ImGui_ImplSDLRenderer_Init(renderer)) {
        error = "cannot initialise the ImGui SDL renderer";
        return false;
    }
    // The backend makes its own objects now (its default font texture), so that it never
    // rebuilds the atlas behind the kiosk's back on the first frame.
    ImGui_ImplSDLRenderer_CreateDeviceObjects();
    SDL_RendererInfo info{};
    software_ = SDL_GetRendererInfo(renderer, &info) == 0 && (info.flags & SDL_RENDERER_SOFTWARE);
    return true;
}

void Canvas::detach() {
    if (!renderer_) return;
    ImGui_ImplSDLRenderer_Shutdown();
    renderer_ = nullptr;
}

TextureId Canvas::make_texture(int width, int height, bool streaming, std::string& error) const {
    SDL_Texture* t =
        SDL_CreateTexture(renderer_, SDL_PIXELFORMAT_ABGR8888,
                          streaming ? SDL_TEXTUREACCESS_STREAMING : SDL_TEXTUREACCESS_STATIC, width, height);
    if (!t) {
        error = SDL_GetError();
        return nullptr;
    }
    SDL_SetTextureBlendMode(t, SDL_BLENDMODE_BLEND);
    return t;
}

void Canvas::update_texture(TextureId texture, const unsigned char* rgba, int width) const {
    if (texture) SDL_UpdateTexture(static_cast<SDL_Texture*>(texture), nullptr, rgba, width * 4);
}

TextureId Canvas::make_video_texture(int width, int height, std::string& error) const {
    SDL_Texture* t = SDL_CreateTexture(renderer_, SDL_PIXELFORMAT_IYUV, SDL_TEXTUREACCESS_STREAMING, width, height);
    if (!t) error = SDL_GetError();
    return t;
}

void Canvas::update_video_texture(TextureId texture, const unsigned char* i420, int width, int height) const {
    if (!texture || width <= 0 || height <= 0) return;
    const int cw = (width + 1) / 2, ch = (height + 1) / 2;
    const unsigned char* y = i420;
    const unsigned char* u = y + static_cast<size_t>(width) * height;
    const unsigned char* v = u + static_cast<size_t>(cw) * ch;
    SDL_UpdateYUVTexture(static_cast<SDL_Texture*>(texture), nullptr, y, width, u, cw, v, cw);
}

void Canvas::update_texture_alpha(TextureId texture, const unsigned char* alpha, int width, int height, int x,
                                  int y) const {
    if (!texture || width <= 0) return;
    constexpr int kBand = 64;
    std::vector<Uint32> band(static_cast<size_t>(width) * kBand);
    for (int y0 = 0; y0 < height; y0 += kBand) {
        const int rows = std::min(kBand, height - y0);
        const unsigned char* src = alpha + static_cast<size_t>(y0) * width;
        const size_t n = static_cast<size_t>(rows) * width;
        // ABGR8888 is one 32-bit word per pixel with alpha in its top byte, as ImGui's RGBA32.
        for (size_t i = 0; i < n; ++i)
            band[i] = (static_cast<Uint32>(src[i]) << 24) | 0x00FFFFFFu;
        const SDL_Rect rect{x, y + y0, width, rows};
        SDL_UpdateTexture(static_cast<SDL_Texture*>(texture), &rect, band.data(), width * 4);
    }
}

void Canvas::destroy_texture(TextureId& texture) {
    if (texture) SDL_DestroyTexture(static_cast<SDL_Texture*>(texture));
    texture = nullptr;
}

void Canvas::new_frame() {
    ImGui_ImplSDLRenderer_NewFrame();
}

void Canvas::clear(unsigned rgb) const {
    SDL_SetRenderDrawColor(renderer_, (rgb >> 16) & 0xFF, (rgb >> 8) & 0xFF, rgb & 0xFF, 255);
    SDL_RenderSetClipRect(renderer_, nullptr);
    SDL_RenderClear(renderer_);
}

void Canvas::fill(unsigned rgb, int x, int y, int w, int h) const {
    SDL_SetRenderDrawColor(renderer_, (rgb >> 16) & 0xFF, (rgb >> 8) & 0xFF, rgb & 0xFF, 255);
    SDL_RenderSetClipRect(renderer_, nullptr);
    const SDL_Rect area{x, y, w, h};
    SDL_RenderFillRect(renderer_, &area);
}

void Canvas::draw(ImDrawData* data) const {
    ImGui_ImplSDLRenderer_RenderDrawData(data);
}

void Canvas::copy(TextureId texture, float u0, float v0, float u1, float v1, float x, float y, float w, float h) const {
    auto* t = static_cast<SDL_Texture*>(texture);
    int tw = 0, th = 0;
    SDL_QueryTexture(t, nullptr, nullptr, &tw, &th);
    const SDL_Rect src{static_cast<int>(u0 * tw), static_cast<int>(v0 * th), static_cast<int>((u1 - u0) * tw),
                       static_cast<int>((v1 - v0) * th)};
    const SDL_Rect dst{static_cast<int>(x), static_cast<int>(y), static_cast<int>(w), static_cast<int>(h)};
    SDL_RenderSetClipRect(renderer_, nullptr);
    SDL_SetTextureBlendMode(t, SDL_BLENDMODE_NONE);
    SDL_RenderCopy(renderer_, t, &src, &dst);
}

}  // namespace ledsager::platform
