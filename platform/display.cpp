#include "platform/display.hpp"

#include <SDL.h>

#include <cerrno>
#include <csetjmp>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include <png.h>
#include <zlib.h>

namespace ledsager::platform {

namespace {

// libpng reports errors by longjmp: nothing here may live across it but its arguments.
bool write_png_rows(png_structp png, png_infop info, FILE* file, int width, int height, const unsigned char* rgba) {
    if (setjmp(png_jmpbuf(png)) != 0) return false;
    png_init_io(png, file);
    png_set_IHDR(png, info, static_cast<png_uint_32>(width), static_cast<png_uint_32>(height), 8, PNG_COLOR_TYPE_RGB,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_set_compression_level(png, 3);
    png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_SUB);
    png_write_info(png, info);
    png_set_filler(png, 0, PNG_FILLER_AFTER);  // the rows are RGBA; the file is RGB
    for (int y = 0; y < height; ++y)
        png_write_row(png, rgba + static_cast<size_t>(y) * static_cast<size_t>(width) * 4);
    png_write_end(png, info);
    return true;
}

}  // namespace

std::unique_ptr<Display> Display::open_window(int width, int height, bool fullscreen, std::string& error) {
    // Without this SDL loads Mesa (~95 MiB) even for a software renderer.
    SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
    SDL_SetHint(SDL_HINT_VIDEO_X11_NET_WM_BYPASS_COMPOSITOR, "0");
    if (SDL_InitSubSystem(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0) {
        error = std::string("cannot start the display: ") + SDL_GetError();
        return nullptr;
    }
    // With no display server to reach, SDL falls back to drawing into memory: a kiosk that
    // nobody can see must not report itself ready. Only when asked for by name (tests).
    if (const char* driver = SDL_GetCurrentVideoDriver();
        driver && (std::strcmp(driver, "offscreen") == 0 || std::strcmp(driver, "dummy") == 0)) {
        const char* asked = std::getenv("SDL_VIDEODRIVER");
        if (!asked || std::strcmp(asked, driver) != 0) {
            SDL_QuitSubSystem(SDL_INIT_VIDEO | SDL_INIT_EVENTS);
            error = "no display to show the kiosk on (check DISPLAY or WAYLAND_DISPLAY; SDL found only its " +
                    std::string(driver) + " driver)";
            return nullptr;
        }
    }
    std::unique_ptr<Display> d(new Display());
    Uint32 flags = SDL_WINDOW_ALLOW_HIGHDPI;
    if (fullscreen) {
        SDL_Rect bounds{0, 0, width, height};
        if (SDL_GetDisplayBounds(0, &bounds) == 0) {
            width = bounds.w;
            height = bounds.h;
        }
        flags |= SDL_WINDOW_BORDERLESS;
    }
    d->window_ = SDL_CreateWindow("Ledsager", fullscreen ? 0 : SDL_WINDOWPOS_CENTERED,
                                  fullscreen ? 0 : SDL_WINDOWPOS_CENTERED, width, height, flags);
    if (!d->window_) {
        error = std::string("cannot open a window: ") + SDL_GetError();
        return nullptr;
    }
    // The software renderer: a kiosk screen is flat and mostly still, and the GL drivers
    // would cost ~95 MiB of memory and ~80 ms of start-up. LEDSAGER_RENDER_DRIVER overrides.
    const char* driver = std::getenv("LEDSAGER_RENDER_DRIVER");
    SDL_SetHint(SDL_HINT_RENDER_DRIVER, driver && *driver ? driver : "software");
    d->renderer_ = SDL_CreateRenderer(d->window_, -1, 0);
    if (!d->renderer_) {
        error = std::string("cannot create a renderer: ") + SDL_GetError();
        return nullptr;
    }
    SDL_GetRendererOutputSize(d->renderer_, &d->width_, &d->height_);
    float ddpi = 0;
    if (SDL_GetDisplayDPI(0, &ddpi, nullptr, nullptr) == 0 && ddpi > 20) d->pixels_per_mm_ = ddpi / 25.4;
    return d;
}

std::unique_ptr<Display> Display::open_offscreen(int width, int height, std::string& error) {
    std::unique_ptr<Display> d(new Display());
    d->surface_ = SDL_CreateRGBSurfaceWithFormat(0, width, height, 32, SDL_PIXELFORMAT_ABGR8888);
    if (!d->surface_) {
        error = std::string("cannot create an offscreen surface: ") + SDL_GetError();
        return nullptr;
    }
    d->renderer_ = SDL_CreateSoftwareRenderer(d->surface_);
    if (!d->renderer_) {
        error = std::string("cannot create a software renderer: ") + SDL_GetError();
        return nullptr;
    }
    d->width_ = width;
    d->height_ = height;
    return d;
}

Display::~Display() {
    if (renderer_) SDL_DestroyRenderer(renderer_);
    if (window_) SDL_DestroyWindow(window_);
    if (surface_) SDL_FreeSurface(surface_);
}

void Display::present() {
    SDL_RenderPresent(renderer_);
}

std::vector<Display::Event> Display::wait_events(int timeout_ms, const KeyMap& keys) {
    std::vector<Event> out;
    SDL_Event ev;
    if (!SDL_WaitEventTimeout(&ev, timeout_ms)) return out;
    // Finger positions come in window units; the renderer may have more pixels (HiDPI).
    int ww = 0, wh = 0;
    if (window_) SDL_GetWindowSize(window_, &ww, &wh);
    const float pixel_scale = ww > 0 ? static_cast<float>(width_) / static_cast<float>(ww) : 1.0f;
    do {
        if (wake_event_ && ev.type == wake_event_) {
            out.push_back({Event::Kind::Woken});
            continue;
        }
        switch (ev.type) {
            case SDL_QUIT:
                break;
            case SDL_AUDIODEVICEADDED:
                if (!ev.adevice.iscapture) out.push_back({Event::Kind::AudioOutputAdded});
                break;
            case SDL_WINDOWEVENT:
                if (ev.window.event == SDL_WINDOWEVENT_SIZE_CHANGED) {
                    SDL_GetRendererOutputSize(renderer_, &width_, &height_);
                    out.push_back({Event::Kind::Resized});
                }
                out.push_back({Event::Kind::Exposed});
                break;
            default:
                if (auto in = translate(ev, width_, height_, pixel_scale, keys))
                    out.push_back({Event::Kind::Input, *in});
        }
    } while (SDL_PollEvent(&ev));
    return out;
}

std::function<void()> Display::waker() {
    if (!wake_event_) wake_event_ = SDL_RegisterEvents(1);
    return [type = wake_event_] {
        SDL_Event e{};
        e.type = type;
        SDL_PushEvent(&e);  // thread-safe
    };
}

void Display::show_cursor(bool visible) {
    SDL_ShowCursor(visible ? SDL_ENABLE : SDL_DISABLE);
}

void Display::allow_sleep(bool allowed) {
    if (allowed)
        SDL_EnableScreenSaver();
    else
        SDL_DisableScreenSaver();
}

std::vector<unsigned char> Display::read_pixels() const {
    std::vector<unsigned char> pixels(static_cast<size_t>(width_) * height_ * 4);
    if (SDL_RenderReadPixels(renderer_, nullptr, SDL_PIXELFORMAT_ABGR8888, pixels.data(), width_ * 4) != 0) return {};
    return pixels;
}

bool Display::save_png(const std::string& path, std::string& error) const {
    const std::vector<unsigned char> pixels = read_pixels();
    if (pixels.empty()) {
        error = std::string("cannot read pixels: ") + SDL_GetError();
        return false;
    }
    // libpng at zlib level 3 with the "Sub" filter, alpha dropped: a 1920x1080 screen in
    // 12-25 ms, where stb_image_write took ~100 ms (its deflate grows its buffers by
    // copying); the files are smaller too. Screenshots of every screen are mostly this.
    FILE* file = std::fopen(path.c_str(), "wb");
    if (!file) {
        error = "cannot write " + path + ": " + std::strerror(errno);
        return false;
    }
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
    png_infop info = png ? png_create_info_struct(png) : nullptr;
    const bool ok = png && info && write_png_rows(png, info, file, width_, height_, pixels.data());
    png_destroy_write_struct(&png, &info);
    if (std::fclose(file) != 0 || !ok) {
        error = "cannot write " + path;
        std::remove(path.c_str());
        return false;
    }
    return true;
}

unsigned long long Display::pixel_hash() const {
    const std::vector<unsigned char> pixels = read_pixels();
    if (pixels.empty()) return 0;
    unsigned long long h = 1469598103934665603ull;  // FNV-1a
    for (unsigned char c : pixels)
        h = (h ^ c) * 1099511628211ull;
    return h;
}

}  // namespace ledsager::platform
