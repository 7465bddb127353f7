#include "app/call_picture.hpp"

#include <imgui.h>
#include <string>

#include "platform/memory.hpp"

namespace ledsager::app {

void CallPicture::upload(Picture& p, platform::Canvas& canvas) {
    const auto& f = p.frame;
    if (!canvas.renderer() || f.width <= 0 || f.height <= 0 ||
        f.i420.size() < core::VideoFrame::i420_size(f.width, f.height))
        return;
    if (!p.texture || p.width != f.width || p.height != f.height) {
        platform::Canvas::destroy_texture(p.texture);
        std::string error;
        p.texture = canvas.make_video_texture(f.width, f.height, error);
        p.width = f.width;
        p.height = f.height;
    }
    canvas.update_video_texture(p.texture, f.i420.data(), f.width, f.height);
}

void CallPicture::update(core::CallLine& call, platform::Canvas& canvas) {
    if (!call.running()) {
        drop();
        return;
    }
    if (call.remote_frame(remote_.frame)) upload(remote_, canvas);
    if (call.self_frame(self_.frame)) upload(self_, canvas);
}

void CallPicture::drop() {
    const bool had = remote_.texture || self_.texture || !remote_.frame.i420.empty() || !self_.frame.i420.empty();
    for (Picture* p : {&remote_, &self_}) {
        platform::Canvas::destroy_texture(p->texture);
        p->width = p->height = 0;
        p->frame = {};
    }
    if (had) platform::give_back_free_memory();
}

ui::CallView CallPicture::view(const core::CallLine& call, ui::Ui& ui, const platform::Canvas& canvas) {
    blit_count_ = 0;
    region_ = {};
    ui::CallView v;
    if (!call.running()) return v;
    v.blit = [this, &ui, &canvas](ImTextureID texture, ui::Rect r, float u0, float v0, float u1, float v1) {
        if (blit_count_ >= static_cast<int>(blits_.size())) return;
        Blit& b = blits_[blit_count_++];
        b = {&canvas, texture, r.x, r.y, r.w, r.h, u0, v0, u1, v1};
        if (blit_count_ == 1) region_ = r;  // the first is the caseworker's picture
        ui.draw()->AddCallback(
            [](const ImDrawList*, const ImDrawCmd* cmd) {
                const auto* p = static_cast<const Blit*>(cmd->UserCallbackData);
                p->canvas->copy(p->texture, p->u0, p->v0, p->u1, p->v1, p->x, p->y, p->w, p->h);
            },
            &b);
    };
    v.remote = {remote_.texture, remote_.width, remote_.height};
    v.self = {self_.texture, self_.width, self_.height};
    v.remote_speaking = call.remote_level() > 0.02f;
    v.self_speaking = call.self_level() > 0.02f;
    return v;
}

}  // namespace ledsager::app
