// What the kiosk draws with: SDL's renderer, Dear ImGui's SDL renderer backend on it, and the
// textures the kiosk makes (its font atlas, a call's video frames). The app draws through
// this and never calls SDL itself.
#pragma once

#include <string>

struct SDL_Renderer;
struct ImDrawData;

namespace ledsager::platform {

using TextureId = void*;  // an SDL_Texture*, usable as Dear ImGui's ImTextureID

class Canvas {
public:
    // Starts ImGui's renderer backend on `renderer` (the ImGui context must be current).
    bool attach(SDL_Renderer* renderer, std::string& error);
    void detach();
    SDL_Renderer* renderer() const { return renderer_; }
    // SDL's software renderer (no GPU): the kiosk then redraws only what changed in a call.
    bool software() const { return software_; }

    // A texture for RGBA pixels; `streaming` for one replaced every frame (video).
    TextureId make_texture(int width, int height, bool streaming, std::string& error) const;
    void update_texture(TextureId texture, const unsigned char* rgba, int width) const;
    // Fills a texture from one byte of coverage per pixel (a font atlas), as white with that
    // alpha, a band of rows at a time: no copy of the whole picture at four bytes a pixel.
    // With `x`, `y`: only that rectangle of the texture (glyphs added to an atlas).
    void update_texture_alpha(TextureId texture, const unsigned char* alpha, int width, int height, int x = 0,
                              int y = 0) const;
    // A texture for a video picture in I420 (core::VideoFrame's layout), replaced every frame.
    // SDL turns it into colour where it is drawn: in the GPU's shader, or in the software
    // renderer as it copies.
    TextureId make_video_texture(int width, int height, std::string& error) const;
    void update_video_texture(TextureId texture, const unsigned char* i420, int width, int height) const;
    static void destroy_texture(TextureId& texture);  // and sets it to nullptr

    void new_frame();
    // Fills the whole target, or one rectangle of it, with a colour (0xRRGGBB).
    void clear(unsigned rgb) const;
    void fill(unsigned rgb, int x, int y, int w, int h) const;
    // Draws what ImGui made of the frame.
    void draw(ImDrawData* data) const;
    // Copies part of a texture (u, v in 0..1) to a rectangle as it is, without blending:
    // a call's picture, from inside a draw list.
    void copy(TextureId texture, float u0, float v0, float u1, float v1, float x, float y, float w, float h) const;

private:
    SDL_Renderer* renderer_ = nullptr;
    bool software_ = false;
};

}  // namespace ledsager::platform
