// A live video call with a remote caseworker: GStreamer's webrtcbin in the kiosk process
// (VP8 video, Opus audio, a data channel for real-time text), signaled through the hub's
// call mailbox. Nothing here is recorded or stored: frames go from the decoder to the
// screen and are dropped, text lives in the session.
//
// Threads: a signaling thread long-polls the hub for the caseworker's messages; a control
// thread owns the pipeline (build, tear down, rebuild on a lost connection); GStreamer's own
// threads deliver frames and send signaling messages through a small outbox thread. The UI
// thread only takes the latest frames and events, and never waits on any of them.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/call.hpp"
#include "core/call_quality.hpp"

namespace ledsager::platform {

struct VideoCallOptions {
    std::string base_url, token, ca_file;  // the hub, as for help requests
    std::string source = "camera";         // camera (v4l2 + the default microphone) | test (test pattern and tone)
    std::string camera_device = "/dev/video0";
    std::string speaker = "auto";  // auto (the default audio output) | none (decoded and measured, not played)
    bool echo_cancel = true;       // the speaker's sound taken out of the microphone's (webrtcdsp)
    int width = 640, height = 480, fps = 30;
    bool loopback = false;           // also offer 127.0.0.1 as a candidate (hub and caseworker on this machine)
    int min_port = 0, max_port = 0;  // the UDP ports media may use (0: any)
    int stall_ms = 4000;             // no media from the caseworker this long while connected = connection lost
};

using VideoFrame = core::VideoFrame;
using CallEvent = core::CallEvent;

struct CallStats {
    std::uint64_t remote_video_frames = 0;
    std::uint64_t remote_audio_buffers = 0;
    std::uint64_t audible_audio_buffers = 0;  // decoded audio above a quiet level
    std::uint64_t sent_texts = 0, received_texts = 0;
    std::int64_t answered_ms = 0;     // wall clock (ms since the epoch) of the caseworker's answer
    std::int64_t first_frame_ms = 0;  // wall clock of the first decoded remote frame
    int builds = 0;                   // media pipelines built (1 + reconnects)
    bool connected = false;
    bool audio_only = false;
    // The video sent, fitted to the path (core::SendQuality): what the encoder is set to now,
    // what the far side last reported, and how often the picture size changed.
    core::SendLevel send{};
    double fraction_lost = 0, rtt_ms = 0;
    int reports = 0, size_changes = 0;
    // The microphone's sound energy (sum of squared samples, full scale 1) before the echo
    // canceller and after it, over the call.
    double mic_energy_in = 0, mic_energy_out = 0;
};

class VideoCall final : public core::CallLine {
public:
    explicit VideoCall(VideoCallOptions options);
    ~VideoCall() override;
    VideoCall(const VideoCall&) = delete;
    VideoCall& operator=(const VideoCall&) = delete;

    // Whether GStreamer and its WebRTC elements are there (else calls are not offered).
    static bool available(std::string& why);
    // Whether a camera is there (else the call is audio only, and the citizen is told so first).
    bool camera_present() const override;

    // Starts listening for the caseworker's answer to help request `request_id`; the camera
    // and microphone start only after the answer.
    void start(std::int64_t request_id) override;
    // Ends the call and tells the caseworker (`tell`), or just ends it locally.
    void end(bool tell) override;
    bool running() const override { return request_id_ != 0; }
    std::int64_t request_id() const override { return request_id_; }

    void set_muted(bool muted) override;
    void set_camera_off(bool off) override;
    void send_text(const std::string& text) override;  // the citizen's whole current text

    std::vector<CallEvent> take_events() override;
    // Whether there are events, or frames newer than these serials (a redraw is due).
    bool has_news(std::uint64_t remote_serial, std::uint64_t self_serial) override;
    // Copies the latest frame into `out` when it is newer than out.serial.
    bool remote_frame(VideoFrame& out) override;
    bool self_frame(VideoFrame& out) override;                            // already mirrored, like a looking-glass
    float remote_level() const override { return remote_level_.load(); }  // 0..1, decays
    float self_level() const override { return self_level_.load(); }
    CallStats stats();
    // Called from other threads when something new is there to draw (events or frames).
    void set_wake(std::function<void()> wake) override;

    struct Media;  // the GStreamer side (video_call.cpp)

private:
    void poll_loop(std::int64_t id, std::uint64_t generation);
    void control_loop();
    void outbox_loop();
    void post_event(CallEvent e);
    void wake();

    friend struct Media;
    VideoCallOptions options_;
    std::atomic<std::int64_t> request_id_{0};
    std::atomic<std::uint64_t> generation_{0};
    std::atomic<int> polls_live_{0};  // signaling threads still running (detached when a call ends)

    std::mutex mutex_;  // guards everything below
    std::condition_variable cv_;
    std::vector<CallEvent> events_;
    std::function<void()> wake_;
    struct Outgoing {
        std::int64_t id;
        std::string body;
    };
    std::deque<Outgoing> outbox_;
    enum class Command { Build, Teardown, Restart, RemoteAnswer, RemoteCandidate };
    struct Pending {
        Command command;
        std::uint64_t generation;
        std::string sdp{};
        int mline = 0;
        std::int64_t request_id = 0;
    };
    std::deque<Pending> commands_;
    VideoFrame remote_, self_;
    CallStats stats_;
    std::string my_text_;
    std::vector<std::string> ice_servers_;
    std::string audio_sink_ = "fakesink sync=false";  // how the caseworker's voice is played
    bool stopping_ = false;
    bool muted_ = false, camera_off_ = false;

    std::atomic<float> remote_level_{0}, self_level_{0};
    std::unique_ptr<Media> media_;  // only the control thread touches it
    std::thread control_thread_, outbox_thread_;
};

}  // namespace ledsager::platform
