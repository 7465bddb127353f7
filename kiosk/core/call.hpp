// What the kiosk asks of a video call, whatever makes it: platform::VideoCall (GStreamer's
// webrtcbin, signaled through the hub) in the program, a fake in tests that need neither
// GStreamer nor a caseworker.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/escalation.hpp"

namespace ledsager::core {

// A picture as the VP8 decoder makes it (I420): the Y plane (width × height), then the U
// and V planes ((width+1)/2 × (height+1)/2 each), tightly packed. A third of RGBA's size,
// and turned into colour only where it is drawn (by the GPU, on a real kiosk).
struct VideoFrame {
    int width = 0, height = 0;
    std::vector<std::uint8_t> i420;
    std::uint64_t serial = 0;

    static std::size_t i420_size(int width, int height) {
        const std::size_t cw = static_cast<std::size_t>(width + 1) / 2, ch = static_cast<std::size_t>(height + 1) / 2;
        return static_cast<std::size_t>(width) * height + 2 * cw * ch;
    }
};

struct CallEvent {
    enum class Kind {
        Answered,      // text = the caseworker's first name
        Connected,     // media from the caseworker arrives
        Disconnected,  // the connection was lost; reconnecting on its own
        RemoteHangup,  // text = reason: caseworker | resolved | ...
        Released,      // the caseworker gave the call back to the queue
        RemoteText,    // text = the caseworker's whole current real-time text
        Failed,        // text = what went wrong (the pipeline could not start)
    } kind;
    std::string text{};
};

class CallLine {
public:
    virtual ~CallLine() = default;
    // Whether a camera is there (else the call is audio only, and the citizen is told so first).
    virtual bool camera_present() const = 0;
    // Starts listening for the caseworker's answer to help request `request_id`.
    virtual void start(std::int64_t request_id) = 0;
    // Ends the call and tells the caseworker (`tell`), or just ends it locally.
    virtual void end(bool tell) = 0;
    virtual bool running() const = 0;
    virtual std::int64_t request_id() const = 0;
    virtual void set_muted(bool muted) = 0;
    virtual void set_camera_off(bool off) = 0;
    virtual void send_text(const std::string& text) = 0;  // the citizen's whole current text
    virtual std::vector<CallEvent> take_events() = 0;
    // Whether there are events, or frames newer than these serials (a redraw is due).
    virtual bool has_news(std::uint64_t remote_serial, std::uint64_t self_serial) = 0;
    // Copies the latest frame into `out` when it is newer than out.serial.
    virtual bool remote_frame(VideoFrame& out) = 0;
    virtual bool self_frame(VideoFrame& out) = 0;
    virtual float remote_level() const = 0;  // 0..1, decays
    virtual float self_level() const = 0;
    // Called from other threads when something new is there to draw.
    virtual void set_wake(std::function<void()> wake) = 0;
};

class Session;

// The call follows the session, at least once a frame (again after the citizen's actions):
// the line's events go to the session, the line is started for the help request the
// session's call belongs to and ended when that is over, and mute, camera and the citizen's
// text reach it. Returns why the line failed, in technical words for IT (never about the
// citizen), or "".
std::string follow_session(CallLine& call, Session& session, Millis now);

}  // namespace ledsager::core
