// The call's pictures, one job: the latest frames of a video call as textures on the canvas,
// and the hook the call screen uses to copy them straight to the renderer at their place in
// the draw order. Nothing of a call's pictures outlives it.
#pragma once

#include <array>

#include "core/call.hpp"
#include "platform/canvas.hpp"
#include "ui/screens.hpp"

namespace ledsager::app {

class CallPicture {
public:
    CallPicture() = default;
    CallPicture(const CallPicture&) = delete;
    CallPicture& operator=(const CallPicture&) = delete;
    ~CallPicture() { drop(); }

    // Before drawing (textures never change under a draw list that uses them): the call's
    // latest frames on `canvas`, or nothing at all when the call is not running.
    void update(core::CallLine& call, platform::Canvas& canvas);
    // The textures and frames go, and their memory back to the system (once, when a call ends).
    void drop();
    // New frames since the last update, or call events.
    bool has_news(core::CallLine& call) const { return call.has_news(remote_.frame.serial, self_.frame.serial); }

    // For one frame's drawing: the pictures, who is speaking, and the copy hook for `ui`'s
    // draw lists. region() is then the caseworker's picture (empty: no picture drawn).
    ui::CallView view(const core::CallLine& call, ui::Ui& ui, const platform::Canvas& canvas);
    const ui::Rect& region() const { return region_; }

private:
    // A picture copied straight to the renderer from inside the draw lists.
    struct Blit {
        const platform::Canvas* canvas;
        platform::TextureId texture;
        float x, y, w, h, u0, v0, u1, v1;
    };
    struct Picture {
        core::VideoFrame frame;
        platform::TextureId texture = nullptr;
        int width = 0, height = 0;
    };
    static void upload(Picture& p, platform::Canvas& canvas);

    Picture remote_, self_;
    std::array<Blit, 2> blits_{};
    int blit_count_ = 0;
    ui::Rect region_{};
};

}  // namespace ledsager::app
