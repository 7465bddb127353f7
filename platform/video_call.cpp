#include "platform/video_call.hpp"
#include "platform/http.hpp"
#include "platform/quiet_stderr.hpp"
#include "platform/video_media.hpp"

#include <gst/app/gstappsink.h>
#include <gst/gst.h>
#include <gst/sdp/sdp.h>
#define GST_USE_UNSTABLE_API
#include <gst/webrtc/webrtc.h>

#include <malloc.h>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>

namespace ledsager::platform {

using json = nlohmann::json;

namespace {

// One HTTP exchange with the hub. `abort` (may be null) is asked while waiting: true stops it.
HttpResponse http(const VideoCallOptions& o, const std::string& method, const std::string& path,
                  const std::string& body, long timeout_s, const std::function<bool()>& abort = {}) {
    HttpRequest rq;
    rq.url = o.base_url + path;
    rq.post = method == "POST";
    rq.body = body;
    rq.bearer = o.token;
    rq.ca_file = o.ca_file;
    rq.timeout_s = timeout_s;
    rq.connect_timeout_s = 5;
    rq.abort = abort;
    return http_exchange(rq);
}

}  // namespace

// ---------------------------------------------------------------------------------------

bool VideoCall::available(std::string& why) {
    GError* err = nullptr;
    if (!gst_init_check(nullptr, nullptr, &err)) {
        why = err ? err->message : "GStreamer cannot start";
        if (err) g_error_free(err);
        return false;
    }
    for (const char* f : {"webrtcbin", "nicesrc", "dtlssrtpenc", "sctpenc", "vp8enc", "vp8dec", "rtpvp8pay", "opusenc",
                          "opusdec", "rtpopuspay", "rtpvp8depay", "rtpopusdepay", "appsink", "videotestsrc",
                          "audiomixer", "webrtcdsp", "webrtcechoprobe"}) {
        GstElementFactory* factory = gst_element_factory_find(f);
        if (!factory) {
            why = std::string("the GStreamer element '") + f +
                  "' is missing (gstreamer1.0-plugins-bad, -good, -base, -nice)";
            return false;
        }
        gst_object_unref(factory);
    }
    return true;
}

VideoCall::VideoCall(VideoCallOptions options) : options_(std::move(options)) {
    gst_init(nullptr, nullptr);
    if (options_.speaker == "auto") {
        // Played through the default output when one opens; else measured but not played.
        if (GstElement* sink = gst_element_factory_make("autoaudiosink", nullptr)) {
            bool opens = false;
            {
                QuietStderr quiet;  // the audio libraries' own complaints; one line of ours below
                opens = gst_element_set_state(sink, GST_STATE_READY) != GST_STATE_CHANGE_FAILURE;
            }
            if (opens)
                audio_sink_ = "autoaudiosink";
            else
                std::fprintf(stderr,
                             "ledsager-kiosk: video calls: no audio output opens; the caseworker will not be heard\n");
            gst_element_set_state(sink, GST_STATE_NULL);
            gst_object_unref(sink);
        }
    }
    control_thread_ = std::thread([this] { control_loop(); });
    outbox_thread_ = std::thread([this] { outbox_loop(); });
}

VideoCall::~VideoCall() {
    end(false);
    // The signaling threads see the new generation and stop: a long poll is cut short, and
    // every request is bounded by curl's timeouts (name lookup included), so this ends.
    while (polls_live_ > 0)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    cv_.notify_all();
    control_thread_.join();
    outbox_thread_.join();
}

bool VideoCall::camera_present() const {
    if (options_.source.rfind("test", 0) == 0)
        return !options_.camera_device.empty();  // test: camera = "" plays a kiosk without one
    std::error_code ec;
    return std::filesystem::exists(options_.camera_device, ec);
}

void VideoCall::start(std::int64_t request_id) {
    end(false);
    const std::uint64_t gen = ++generation_;
    {
        std::lock_guard lock(mutex_);
        stats_ = CallStats{};
        stats_.audio_only = !camera_present();
        remote_ = VideoFrame{};
        self_ = VideoFrame{};
        my_text_.clear();
        events_.clear();
        muted_ = camera_off_ = false;
    }
    remote_level_ = 0;
    self_level_ = 0;
    request_id_ = request_id;
    ++polls_live_;
    std::thread([this, request_id, gen] {
        poll_loop(request_id, gen);
        --polls_live_;
    }).detach();
}

void VideoCall::end(bool tell) {
    const std::int64_t id = request_id_.exchange(0);
    if (id == 0) return;
    const std::uint64_t gen = ++generation_;
    {
        std::lock_guard lock(mutex_);
        if (tell) outbox_.push_back({id, common::encode(common::call_message("hangup")).dump()});
        commands_.push_back({Command::Teardown, gen});
        my_text_.clear();
        remote_ = VideoFrame{};
        self_ = VideoFrame{};
    }
    cv_.notify_all();  // the signaling thread stops by itself; nothing here waits for it
}

void VideoCall::set_muted(bool muted) {
    std::lock_guard lock(mutex_);
    if (muted_ == muted) return;
    muted_ = muted;
    cv_.notify_all();
}

void VideoCall::set_camera_off(bool off) {
    std::lock_guard lock(mutex_);
    if (camera_off_ == off) return;
    camera_off_ = off;
    cv_.notify_all();
}

void VideoCall::send_text(const std::string& text) {
    std::lock_guard lock(mutex_);
    const std::string t = text.size() > 2000 ? text.substr(0, 2000) : text;
    if (t == my_text_) return;
    my_text_ = t;
    cv_.notify_all();
}

std::vector<CallEvent> VideoCall::take_events() {
    std::lock_guard lock(mutex_);
    return std::exchange(events_, {});
}

bool VideoCall::has_news(std::uint64_t remote_serial, std::uint64_t self_serial) {
    if (!running()) return false;
    std::lock_guard lock(mutex_);
    return !events_.empty() || (!remote_.i420.empty() && remote_.serial != remote_serial) ||
           (!self_.i420.empty() && self_.serial != self_serial);
}

bool VideoCall::remote_frame(VideoFrame& out) {
    std::lock_guard lock(mutex_);
    if (remote_.serial == out.serial || remote_.i420.empty()) return false;
    out = remote_;
    return true;
}

bool VideoCall::self_frame(VideoFrame& out) {
    std::lock_guard lock(mutex_);
    if (self_.serial == out.serial || self_.i420.empty()) return false;
    out = self_;
    return true;
}

CallStats VideoCall::stats() {
    std::lock_guard lock(mutex_);
    return stats_;
}

void VideoCall::set_wake(std::function<void()> wake) {
    std::lock_guard lock(mutex_);
    wake_ = std::move(wake);
}

void VideoCall::wake() {
    std::function<void()> w;
    {
        std::lock_guard lock(mutex_);
        w = wake_;
    }
    if (w) w();
}

void VideoCall::post_event(CallEvent e) {
    {
        std::lock_guard lock(mutex_);
        events_.push_back(std::move(e));
    }
    wake();
}

void VideoCall::poll_loop(std::int64_t id, std::uint64_t gen) {
    const std::function<bool()> abort = [this, gen] { return generation_ != gen; };
    size_t after = 0;
    int failures = 0;
    const std::string path = "/api/v1/calls/" + std::to_string(id) + "/messages";
    while (generation_ == gen) {
        const HttpResponse r =
            http(options_, "GET", path + "?after=" + std::to_string(after) + "&wait=20", "", 30, abort);
        if (generation_ != gen) return;
        if (!r.reachable || r.status >= 500 || r.status == 0) {
            // The hub is away: keep trying; media already flowing carries on meanwhile.
            failures = std::min(failures + 1, 5);
            std::unique_lock lock(mutex_);
            cv_.wait_for(lock, std::chrono::milliseconds(500 << failures),
                         [&] { return generation_ != gen || stopping_; });
            continue;
        }
        if (r.status == 404 || r.status == 401) {
            std::lock_guard lock(mutex_);
            if (generation_ == gen) events_.push_back({CallEvent::Kind::RemoteHangup, "gone"});
            return;
        }
        common::CallMessages answer;
        // Refused (400, 403, 429, ...), or a 200 that is not the hub's answer (a proxy's or a
        // captive portal's page): never a tight loop.
        if (r.status != 200 || !common::decode(r.body, answer)) {
            failures = std::min(failures + 1, 5);
            std::unique_lock lock(mutex_);
            cv_.wait_for(lock, std::chrono::milliseconds(500 << failures),
                         [&] { return generation_ != gen || stopping_; });
            continue;
        }
        failures = 0;
        bool hung_up = false;
        for (const auto& m : answer.messages) {
            after = std::max<size_t>(after, static_cast<size_t>(std::max<std::int64_t>(m.seq, 0)));
            const std::string& type = m.type;
            std::lock_guard lock(mutex_);
            if (generation_ != gen) return;  // the call ended meanwhile: nothing of it may reach the next one
            if (type == "answered") {
                stats_.answered_ms = wall_ms();
                events_.push_back({CallEvent::Kind::Answered, m.name});
                commands_.push_back({Command::Build, gen, {}, 0, id});
            } else if (type == "answer") {
                commands_.push_back({Command::RemoteAnswer, gen, m.sdp});
            } else if (type == "candidate") {
                commands_.push_back({Command::RemoteCandidate, gen, m.candidate, m.mline});
            } else if (type == "released") {
                events_.push_back({CallEvent::Kind::Released});
                commands_.push_back({Command::Teardown, gen});
            } else if (type == "hangup") {
                events_.push_back({CallEvent::Kind::RemoteHangup, m.reason.empty() ? "caseworker" : m.reason});
                commands_.push_back({Command::Teardown, gen});
                hung_up = true;
            }
            cv_.notify_all();
        }
        wake();
        if (hung_up) return;
        if (answer.ended) {
            {
                std::lock_guard lock(mutex_);
                if (generation_ != gen) return;
                events_.push_back({CallEvent::Kind::RemoteHangup, "ended"});
                commands_.push_back({Command::Teardown, gen});
                cv_.notify_all();
            }
            wake();
            return;
        }
    }
}

void VideoCall::control_loop() {
    bool applied_mute = false, applied_camera = false;
    std::int64_t restart_not_before = 0;
    for (;;) {
        std::deque<Pending> todo;
        bool muted = false, camera_off = false;
        std::string text;
        {
            std::unique_lock lock(mutex_);
            cv_.wait_for(lock, std::chrono::milliseconds(200), [this] { return stopping_ || !commands_.empty(); });
            if (stopping_) {
                auto last = std::move(media_);
                lock.unlock();
                last.reset();  // never under mutex_: GStreamer's threads may be waiting for it
                return;
            }
            todo.swap(commands_);
            muted = muted_;
            camera_off = camera_off_;
            text = my_text_;
        }
        const std::uint64_t gen = generation_;
        // Ends the media; nothing of the call's pictures stays behind.
        auto teardown = [this] {
            if (!media_) return;
            media_.reset();
            {
                std::lock_guard lock(mutex_);
                remote_ = VideoFrame{};
                self_ = VideoFrame{};
                stats_.connected = false;
            }
            malloc_trim(0);  // a call's buffers go back to the system, not just to the heap
        };
        for (auto& c : todo) {
            if (c.command == Command::Teardown) {
                teardown();
                continue;
            }
            if (c.generation != gen) continue;
            if (c.command == Command::Build || c.command == Command::Restart) {
                // A connection built again for the same call starts at the rate the path last
                // took (not above where a call starts), not as if the line were new.
                const double kept_rate =
                    media_ && media_->request_id == c.request_id && !media_->audio_only ? media_->quality.rate() : 0;
                teardown();
                const HttpResponse r = http(options_, "GET", "/api/v1/calls/ice-servers", "", 3);
                // The citizen may have ended the call meanwhile: then no camera turns on.
                if (generation_ != gen || request_id_ != c.request_id) continue;
                std::vector<std::string> servers;
                if (r.reachable && r.status == 200) {
                    const json j = json::parse(r.body, nullptr, false);
                    if (j.is_object())
                        for (const auto& s : j.value("ice_servers", json::array()))
                            if (s.is_string()) servers.push_back(s);
                }
                auto m = std::make_unique<Media>();
                m->owner = this;
                m->generation = gen;
                m->request_id = c.request_id;
                m->audio_only = !camera_present();
                if (kept_rate > 0) {
                    core::SendQuality::Limits limits;
                    limits.start_bps = static_cast<int>(std::clamp(kept_rate, static_cast<double>(limits.min_bps),
                                                                   static_cast<double>(limits.start_bps)));
                    m->quality = core::SendQuality(limits);
                    m->applied = m->quality.level();
                }
                std::string error;
                if (!m->build(servers, error)) {
                    std::fprintf(stderr, "ledsager-kiosk: video call: %s\n", error.c_str());
                    post_event({CallEvent::Kind::Failed, error});
                    continue;
                }
                media_ = std::move(m);
                applied_mute = applied_camera = false;
                std::lock_guard lock(mutex_);
                ++stats_.builds;
                stats_.connected = false;
            } else if (media_ && c.command == Command::RemoteAnswer) {
                media_->set_answer(c.sdp);
            } else if (media_ && c.command == Command::RemoteCandidate) {
                media_->add_candidate(c.mline, c.sdp);
            }
        }
        if (!media_) continue;
        if (muted != applied_mute || !media_->mic) {
            if (media_->mic) g_object_set(media_->mic, "mute", muted ? TRUE : FALSE, nullptr);
            applied_mute = muted;
        }
        if (camera_off != applied_camera) {
            media_->camera_off = camera_off;
            applied_camera = camera_off;
        }
        if (media_->resend.exchange(false)) media_->sent_text.clear();
        media_->send_text(text);
        media_->adapt(mono_ms());
        // A lost connection: nothing from the caseworker for a while, ICE failed, or it never
        // came up. Build afresh (a new offer; the caseworker's page answers it on its own).
        const std::int64_t now = mono_ms();
        const bool stalled = media_->got_media && now - media_->last_media_ms > options_.stall_ms;
        const bool never = !media_->got_media && now - media_->built_ms > 15000;
        if ((stalled || never || media_->ice_failed) && now >= restart_not_before) {
            if (media_->got_media) post_event({CallEvent::Kind::Disconnected});
            restart_not_before = now + 3000;
            const std::int64_t id = media_->request_id;
            teardown();
            std::lock_guard lock(mutex_);
            commands_.push_back({Command::Restart, gen, {}, 0, id});
        }
    }
}

void VideoCall::outbox_loop() {
    for (;;) {
        Outgoing out;
        {
            std::unique_lock lock(mutex_);
            cv_.wait(lock, [this] { return stopping_ || !outbox_.empty(); });
            if (outbox_.empty()) return;  // stopping, nothing left to say
            out = outbox_.front();
            outbox_.pop_front();
        }
        // Candidates and offers of a call that has ended are not worth sending; a hangup is.
        if (out.id != request_id_ && out.body.find("\"hangup\"") == std::string::npos) continue;
        const std::string path = "/api/v1/calls/" + std::to_string(out.id) + "/messages";
        for (int attempt = 0; attempt < 3; ++attempt) {
            const HttpResponse r = http(options_, "POST", path, out.body, 5);
            if (r.reachable && r.status < 500) break;
            std::this_thread::sleep_for(std::chrono::milliseconds(300));
        }
    }
}

}  // namespace ledsager::platform
