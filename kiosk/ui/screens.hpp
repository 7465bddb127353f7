// The citizen's screens. Each screen is one draw function in screens/<name>.cpp that reads
// the session (through core views) and records what the citizen did as actions; the list
// of screens is kScreens in screens.cpp. No file or network I/O and no timers in here.
#pragma once

#include <functional>

#include "common/content.hpp"
#include "core/config.hpp"
#include "core/session.hpp"
#include "ui/ui.hpp"

namespace ledsager::ui {

struct ImageRef {
    ImTextureID texture = nullptr;
    int width = 0, height = 0;
};

struct QrView {
    int size = 0;                                // modules per side; 0 = none
    const std::vector<bool>* modules = nullptr;  // row-major, true = dark
};

// A call's pictures and who is speaking (textures made by the app from the call's frames).
struct CallView {
    ImageRef remote;  // the caseworker
    ImageRef self;    // the citizen's own picture
    bool remote_speaking = false, self_speaking = false;
    // Draws a picture straight into the screen rectangle (a plain scaled copy, far cheaper
    // than textured triangles in a software renderer), at this point of the draw order:
    // texture, screen rect, the part of the picture (u0, v0, u1, v1). The caseworker's picture
    // comes first (a picture-only frame redraws just its rectangle).
    std::function<void(ImTextureID, Rect, float, float, float, float)> blit;
};

struct ScreenContext {
    const core::Session& session;
    const common::ContentSet& content;
    const core::KioskConfig& config;
    core::Millis now = 0;
    // Ready textures for illustration paths (loaded by the app before drawing).
    std::function<ImageRef(const std::string& path)> image;
    // The queue number as a QR code (computed by the app when the number arrives).
    QrView qr{};
    CallView call{};
};

// Draws the current screen, the bottom bar and any dialog; actions go to ui.actions().
void draw_screen(Ui& ui, const ScreenContext& ctx);

// A key naming what is on screen; focus and scrolling reset when it changes.
std::string screen_key(const core::Session& session);

}  // namespace ledsager::ui
