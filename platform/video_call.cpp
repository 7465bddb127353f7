#include "platform/video_call.hpp"

#include <curl/curl.h>
#include <gst/app/gstappsink.h>
#include <gst/gst.h>
#include <gst/sdp/sdp.h>
#define GST_USE_UNSTABLE_API
#include <gst/webrtc/webrtc.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <malloc.h>
#include <nlohmann/json.hpp>

namespace ledsager::platform {

using json = nlohmann::json;

namespace {

std::int64_t wall_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}
std::int64_t mono_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

size_t collect(char* data, size_t size, size_t n, void* out) {
    static_cast<std::string*>(out)->append(data, size * n);
    return size * n;
}

struct HttpResult {
    bool reachable = false;
    long status = 0;
    std::string body;
};

// One HTTP exchange with the hub. `abort` (may be null) is asked while waiting: true stops it.
HttpResult http(const VideoCallOptions& o, const std::string& method, const std::string& path, const std::string& body,
                long timeout_s, const std::function<bool()>& abort = {}) {
    HttpResult r;
    CURL* c = curl_easy_init();
    if (!c) return r;
    const std::string url = o.base_url + path;
    curl_slist* headers = nullptr;
    headers = curl_slist_append(headers, ("Authorization: Bearer " + o.token).c_str());
    headers = curl_slist_append(headers, "Content-Type: application/json");
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, timeout_s);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 5L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &r.body);
    if (!o.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, o.ca_file.c_str());
    if (method == "POST") {
        curl_easy_setopt(c, CURLOPT_POST, 1L);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.c_str());
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
    }
    if (abort) {
        curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
        curl_easy_setopt(c, CURLOPT_XFERINFODATA, &abort);
        curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, +[](void* p, curl_off_t, curl_off_t, curl_off_t, curl_off_t) -> int {
            return (*static_cast<const std::function<bool()>*>(p))() ? 1 : 0;
        });
    }
    if (curl_easy_perform(c) == CURLE_OK) {
        r.reachable = true;
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
    }
    curl_slist_free_all(headers);
    curl_easy_cleanup(c);
    return r;
}

// "stun:host:port" -> "stun://host:port" (webrtcbin's form); likewise turn with credentials.
std::string gst_ice_url(const std::string& url) {
    const auto colon = url.find(':');
    if (colon == std::string::npos) return url;
    return url.substr(0, colon) + "://" + url.substr(colon + 1);
}

float rms_s16(const GstBuffer* buffer) {
    GstMapInfo map;
    if (!gst_buffer_map(const_cast<GstBuffer*>(buffer), &map, GST_MAP_READ)) return 0;
    const auto* s = reinterpret_cast<const std::int16_t*>(map.data);
    const size_t n = map.size / 2;
    double sum = 0;
    for (size_t i = 0; i < n; ++i) sum += static_cast<double>(s[i]) * s[i];
    gst_buffer_unmap(const_cast<GstBuffer*>(buffer), &map);
    return n ? static_cast<float>(std::sqrt(sum / n) / 32768.0) : 0.0f;
}

void decay_to(std::atomic<float>& level, float value) {
    const float old = level.load();
    level.store(value > old ? value : old * 0.85f + value * 0.15f);
}

}  // namespace

// ---------------------------------------------------------------------------------------
// The GStreamer side of one media session (built after the answer, rebuilt on reconnect).
struct VideoCall::Media {
    VideoCall* owner = nullptr;
    std::uint64_t generation = 0;
    std::int64_t request_id = 0;
    GstElement* pipeline = nullptr;
    GstElement* webrtc = nullptr;
    GstElement* mic = nullptr;
    GObject* channel = nullptr;
    bool audio_only = false;
    bool remote_set = false;
    std::vector<std::pair<int, std::string>> held;  // candidates before the answer
    std::atomic<std::int64_t> last_media_ms{0};
    std::atomic<bool> got_media{false};
    std::atomic<bool> ice_failed{false};
    std::atomic<bool> camera_off{false};
    std::atomic<bool> resend{false};
    std::int64_t built_ms = 0;
    std::string sent_text;

    ~Media() {
        if (webrtc) g_signal_handlers_disconnect_by_data(webrtc, this);
        if (channel) {
            g_signal_handlers_disconnect_by_data(channel, this);
            g_object_unref(channel);
        }
        if (pipeline) {
            gst_element_set_state(pipeline, GST_STATE_NULL);
            gst_object_unref(pipeline);
        }
        if (webrtc) gst_object_unref(webrtc);
        if (mic) gst_object_unref(mic);
    }

    void send(json message) {
        std::lock_guard lock(owner->mutex_);
        owner->outbox_.push_back({request_id, message.dump()});
        owner->cv_.notify_all();
    }

    void send_text(const std::string& text) {
        if (!channel || text == sent_text) return;
        GstWebRTCDataChannelState state{};
        g_object_get(channel, "ready-state", &state, nullptr);
        if (state != GST_WEBRTC_DATA_CHANNEL_STATE_OPEN) return;
        const std::string msg = json{{"text", text}}.dump();
        g_signal_emit_by_name(channel, "send-string", msg.c_str());
        sent_text = text;
        std::lock_guard lock(owner->mutex_);
        ++owner->stats_.sent_texts;
    }

    void remote_media() {
        if (!current()) return;
        last_media_ms = mono_ms();
        if (!got_media.exchange(true)) {
            {
                std::lock_guard lock(owner->mutex_);
                owner->stats_.connected = true;
            }
            owner->post_event({CallEvent::Kind::Connected});
        }
    }

    static void on_offer_created(GstPromise* promise, gpointer data) {
        auto* m = static_cast<Media*>(data);
        const GstStructure* reply = gst_promise_get_reply(promise);
        GstWebRTCSessionDescription* offer = nullptr;
        if (reply) gst_structure_get(reply, "offer", GST_TYPE_WEBRTC_SESSION_DESCRIPTION, &offer, nullptr);
        gst_promise_unref(promise);
        if (!offer) {
            if (m->current()) m->owner->post_event({CallEvent::Kind::Failed, "no offer from webrtcbin"});
            return;
        }
        if (!m->current()) {  // torn down while the offer was being made
            gst_webrtc_session_description_free(offer);
            return;
        }
        GstPromise* local = gst_promise_new();
        g_signal_emit_by_name(m->webrtc, "set-local-description", offer, local);
        gst_promise_interrupt(local);
        gst_promise_unref(local);
        gchar* text = gst_sdp_message_as_text(offer->sdp);
        m->send({{"type", "offer"}, {"sdp", text}});
        g_free(text);
        gst_webrtc_session_description_free(offer);
    }

    static void on_negotiation_needed(GstElement* webrtc, gpointer data) {
        GstPromise* promise = gst_promise_new_with_change_func(on_offer_created, data, nullptr);
        g_signal_emit_by_name(webrtc, "create-offer", nullptr, promise);
    }

    static void on_ice_candidate(GstElement*, guint mline, gchar* candidate, gpointer data) {
        static_cast<Media*>(data)->send({{"type", "candidate"}, {"candidate", candidate}, {"mline", mline}});
    }

    static void on_ice_state(GObject* webrtc, GParamSpec*, gpointer data) {
        GstWebRTCICEConnectionState state{};
        g_object_get(webrtc, "ice-connection-state", &state, nullptr);
        if (state == GST_WEBRTC_ICE_CONNECTION_STATE_FAILED) static_cast<Media*>(data)->ice_failed = true;
    }

    bool current() const { return generation == owner->generation_.load(); }

    static GstFlowReturn on_remote_sample(GstAppSink* sink, gpointer data) {
        auto* m = static_cast<Media*>(data);
        GstSample* sample = gst_app_sink_pull_sample(sink);
        if (!sample) return GST_FLOW_OK;
        if (!m->current()) {  // a call being torn down: its pictures go nowhere
            gst_sample_unref(sample);
            return GST_FLOW_OK;
        }
        GstCaps* caps = gst_sample_get_caps(sample);
        const GstStructure* s = gst_caps_get_structure(caps, 0);
        int w = 0, h = 0;
        gst_structure_get_int(s, "width", &w);
        gst_structure_get_int(s, "height", &h);
        GstBuffer* buf = gst_sample_get_buffer(sample);
        GstMapInfo map;
        if (w > 0 && h > 0 && gst_buffer_map(buf, &map, GST_MAP_READ)) {
            const size_t need = static_cast<size_t>(w) * h * 4;
            if (map.size >= need) {
                std::lock_guard lock(m->owner->mutex_);
                auto& f = m->owner->remote_;
                f.width = w;
                f.height = h;
                f.rgba.assign(map.data, map.data + need);
                ++f.serial;
                ++m->owner->stats_.remote_video_frames;
                if (!m->owner->stats_.first_frame_ms) m->owner->stats_.first_frame_ms = wall_ms();
            }
            gst_buffer_unmap(buf, &map);
        }
        gst_sample_unref(sample);
        m->remote_media();
        m->owner->wake();
        return GST_FLOW_OK;
    }

    static GstFlowReturn on_self_sample(GstAppSink* sink, gpointer data) {
        auto* m = static_cast<Media*>(data);
        GstSample* sample = gst_app_sink_pull_sample(sink);
        if (!sample) return GST_FLOW_OK;
        if (!m->current()) {
            gst_sample_unref(sample);
            return GST_FLOW_OK;
        }
        const GstStructure* s = gst_caps_get_structure(gst_sample_get_caps(sample), 0);
        int w = 0, h = 0;
        gst_structure_get_int(s, "width", &w);
        gst_structure_get_int(s, "height", &h);
        GstBuffer* buf = gst_sample_get_buffer(sample);
        GstMapInfo map;
        if (w > 0 && h > 0 && gst_buffer_map(buf, &map, GST_MAP_READ)) {
            const size_t need = static_cast<size_t>(w) * h * 4;
            if (map.size >= need) {
                std::lock_guard lock(m->owner->mutex_);
                auto& f = m->owner->self_;
                f.width = w;
                f.height = h;
                f.rgba.assign(map.data, map.data + need);
                ++f.serial;
            }
            gst_buffer_unmap(buf, &map);
        }
        gst_sample_unref(sample);
        return GST_FLOW_OK;
    }

    static GstPadProbeReturn on_remote_audio(GstPad*, GstPadProbeInfo* info, gpointer data) {
        auto* m = static_cast<Media*>(data);
        const float rms = rms_s16(GST_PAD_PROBE_INFO_BUFFER(info));
        decay_to(m->owner->remote_level_, rms);
        {
            std::lock_guard lock(m->owner->mutex_);
            ++m->owner->stats_.remote_audio_buffers;
            if (rms > 0.003f) ++m->owner->stats_.audible_audio_buffers;
        }
        m->remote_media();
        return GST_PAD_PROBE_OK;
    }

    static GstPadProbeReturn on_mic(GstPad*, GstPadProbeInfo* info, gpointer data) {
        decay_to(static_cast<Media*>(data)->owner->self_level_, rms_s16(GST_PAD_PROBE_INFO_BUFFER(info)));
        return GST_PAD_PROBE_OK;
    }

    // Camera off: the picture leaves the kiosk as black frames (I420: Y 16, U and V 128).
    static GstPadProbeReturn on_outgoing_video(GstPad*, GstPadProbeInfo* info, gpointer data) {
        auto* m = static_cast<Media*>(data);
        if (!m->camera_off) return GST_PAD_PROBE_OK;
        GstBuffer* buf = gst_buffer_make_writable(GST_PAD_PROBE_INFO_BUFFER(info));
        GST_PAD_PROBE_INFO_DATA(info) = buf;
        GstMapInfo map;
        if (gst_buffer_map(buf, &map, GST_MAP_WRITE)) {
            const size_t luma = static_cast<size_t>(m->owner->options_.width) * m->owner->options_.height;
            std::memset(map.data, 16, std::min(luma, map.size));
            if (map.size > luma) std::memset(map.data + luma, 128, map.size - luma);
            gst_buffer_unmap(buf, &map);
        }
        return GST_PAD_PROBE_OK;
    }

    // Media from the caseworker: VP8 or Opus (what the offer allows), decoded by a chain
    // named here rather than found by autoplugging (fewer plugins loaded, less memory).
    static void on_incoming(GstElement*, GstPad* pad, gpointer data) {
        auto* m = static_cast<Media*>(data);
        if (GST_PAD_DIRECTION(pad) != GST_PAD_SRC) return;
        GstCaps* caps = gst_pad_get_current_caps(pad);
        if (!caps) caps = gst_pad_query_caps(pad, nullptr);
        const GstStructure* st = gst_caps_get_structure(caps, 0);
        const char* media = gst_structure_get_string(st, "media");
        const bool video = media && std::string(media) == "video";
        gst_caps_unref(caps);
        std::string desc;
        if (video) {
            desc = "queue max-size-buffers=4 leaky=downstream ! rtpvp8depay ! vp8dec ! videoconvert ! video/x-raw,format=RGBA ! "
                   "appsink name=remote sync=false max-buffers=1 drop=true";
        } else {
            desc = "queue ! rtpopusdepay ! opusdec ! audioconvert ! audioresample ! audio/x-raw,format=S16LE,channels=1,rate=48000 ! "
                   "identity name=heard ! ";
            desc += m->owner->audio_sink_;
        }
        GError* err = nullptr;
        GstElement* bin = gst_parse_bin_from_description(desc.c_str(), TRUE, &err);
        if (!bin) {
            m->owner->post_event({CallEvent::Kind::Failed, err ? err->message : "cannot build the decoder"});
            if (err) g_error_free(err);
            return;
        }
        gst_bin_add(GST_BIN(m->pipeline), bin);
        if (video) {
            GstElement* sink = gst_bin_get_by_name(GST_BIN(bin), "remote");
            GstAppSinkCallbacks cb{};
            cb.new_sample = on_remote_sample;
            gst_app_sink_set_callbacks(GST_APP_SINK(sink), &cb, m, nullptr);
            gst_object_unref(sink);
        } else {
            GstElement* heard = gst_bin_get_by_name(GST_BIN(bin), "heard");
            GstPad* src = gst_element_get_static_pad(heard, "src");
            gst_pad_add_probe(src, GST_PAD_PROBE_TYPE_BUFFER, on_remote_audio, m, nullptr);
            gst_object_unref(src);
            gst_object_unref(heard);
        }
        gst_element_sync_state_with_parent(bin);
        GstPad* sinkpad = gst_element_get_static_pad(bin, "sink");
        gst_pad_link(pad, sinkpad);
        gst_object_unref(sinkpad);
    }

    // The channel opened (again): the control thread sends the current text afresh.
    static void on_channel_open(GObject*, gpointer data) {
        auto* m = static_cast<Media*>(data);
        m->resend = true;
        std::lock_guard lock(m->owner->mutex_);
        m->owner->cv_.notify_all();
    }

    static void on_channel_message(GObject*, gchar* str, gpointer data) {
        auto* m = static_cast<Media*>(data);
        const json j = json::parse(str ? str : "", nullptr, false);
        if (!j.is_object() || !j.contains("text") || !j["text"].is_string()) return;
        std::string text = j["text"];
        if (text.size() > 2000) text.resize(2000);
        if (!m->current()) return;
        {
            std::lock_guard lock(m->owner->mutex_);
            ++m->owner->stats_.received_texts;
        }
        m->owner->post_event({CallEvent::Kind::RemoteText, text});
    }

    bool build(const std::vector<std::string>& ice_servers, std::string& error) {
        const auto& o = owner->options_;
        const std::string size = "width=" + std::to_string(o.width) + ",height=" + std::to_string(o.height);
        std::string video_src, audio_src;
        if (o.source == "test") {
            video_src = "videotestsrc is-live=true pattern=ball background-color=0xff4a7fb5";
            audio_src = "audiotestsrc is-live=true wave=sine freq=440 volume=0.3";
        } else {
            video_src = "v4l2src device=" + o.camera_device;
            audio_src = "autoaudiosrc";
        }
        std::string desc = "webrtcbin name=w bundle-policy=max-bundle latency=100 ";
        if (!audio_only) {
            desc += video_src + " ! videoconvert ! videoscale ! videorate ! video/x-raw," + size + ",framerate=" + std::to_string(o.fps) +
                    "/1 ! tee name=vt "
                    "vt. ! queue max-size-buffers=2 leaky=downstream ! videoconvert ! video/x-raw,format=I420 ! identity name=blank ! "
                    "vp8enc deadline=1 cpu-used=8 threads=2 lag-in-frames=0 target-bitrate=900000 keyframe-max-dist=60 error-resilient=partitions ! "
                    "rtpvp8pay pt=96 picture-id-mode=15-bit ! application/x-rtp,media=video,encoding-name=VP8,payload=96,clock-rate=90000 ! w. "
                    "vt. ! queue max-size-buffers=1 leaky=downstream ! videoscale ! videoflip method=horizontal-flip ! videoconvert ! "
                    "video/x-raw,format=RGBA,width=320,height=240 ! "
                    "appsink name=self sync=false max-buffers=1 drop=true ";
        }
        desc += audio_src + " ! audioconvert ! audioresample ! audio/x-raw,format=S16LE,channels=1,rate=48000 ! volume name=mic ! "
                            "opusenc audio-type=voice bitrate=32000 ! rtpopuspay pt=97 ! "
                            "application/x-rtp,media=audio,encoding-name=OPUS,payload=97,clock-rate=48000 ! w.";
        GError* err = nullptr;
        pipeline = gst_parse_launch(desc.c_str(), &err);
        if (!pipeline || err) {
            error = err ? err->message : "cannot build the call pipeline";
            if (err) g_error_free(err);
            return false;
        }
        webrtc = gst_bin_get_by_name(GST_BIN(pipeline), "w");
        mic = gst_bin_get_by_name(GST_BIN(pipeline), "mic");
        for (const auto& url : ice_servers) {
            if (url.rfind("stun:", 0) == 0) {
                g_object_set(webrtc, "stun-server", gst_ice_url(url).c_str(), nullptr);
            } else {
                gboolean ok = FALSE;
                g_signal_emit_by_name(webrtc, "add-turn-server", gst_ice_url(url).c_str(), &ok);
            }
        }
        if (o.loopback) {
            GObject* agent = nullptr;
            g_object_get(webrtc, "ice-agent", &agent, nullptr);
            if (agent) {
                gboolean ok = FALSE;
                g_signal_emit_by_name(agent, "add-local-ip-address", "127.0.0.1", &ok);
                g_object_unref(agent);
            }
        }
        g_signal_connect(webrtc, "on-negotiation-needed", G_CALLBACK(on_negotiation_needed), this);
        g_signal_connect(webrtc, "on-ice-candidate", G_CALLBACK(on_ice_candidate), this);
        g_signal_connect(webrtc, "pad-added", G_CALLBACK(on_incoming), this);
        g_signal_connect(webrtc, "notify::ice-connection-state", G_CALLBACK(on_ice_state), this);
        if (!audio_only) {
            GstElement* self = gst_bin_get_by_name(GST_BIN(pipeline), "self");
            GstAppSinkCallbacks cb{};
            cb.new_sample = on_self_sample;
            gst_app_sink_set_callbacks(GST_APP_SINK(self), &cb, this, nullptr);
            gst_object_unref(self);
            GstElement* blank = gst_bin_get_by_name(GST_BIN(pipeline), "blank");
            GstPad* pad = gst_element_get_static_pad(blank, "src");
            gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_BUFFER, on_outgoing_video, this, nullptr);
            gst_object_unref(pad);
            gst_object_unref(blank);
        }
        if (audio_only) {
            // No camera here, but the citizen still sees the caseworker: receive video only.
            GstCaps* caps = gst_caps_from_string("application/x-rtp,media=video,encoding-name=VP8,payload=96,clock-rate=90000");
            GstWebRTCRTPTransceiver* trans = nullptr;
            g_signal_emit_by_name(webrtc, "add-transceiver", GST_WEBRTC_RTP_TRANSCEIVER_DIRECTION_RECVONLY, caps, &trans);
            gst_caps_unref(caps);
            if (trans) gst_object_unref(trans);
        }
        GstPad* micpad = gst_element_get_static_pad(mic, "src");
        gst_pad_add_probe(micpad, GST_PAD_PROBE_TYPE_BUFFER, on_mic, this, nullptr);
        gst_object_unref(micpad);

        if (gst_element_set_state(pipeline, GST_STATE_READY) == GST_STATE_CHANGE_FAILURE) {
            error = "the call pipeline cannot start (camera or microphone busy or missing?)";
            return false;
        }
        g_signal_emit_by_name(webrtc, "create-data-channel", "rtt", nullptr, &channel);
        if (channel) {
            g_signal_connect(channel, "on-open", G_CALLBACK(on_channel_open), this);
            g_signal_connect(channel, "on-message-string", G_CALLBACK(on_channel_message), this);
        }
        if (gst_element_set_state(pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
            error = "the call pipeline cannot start (camera or microphone busy or missing?)";
            return false;
        }
        built_ms = mono_ms();
        return true;
    }

    void set_answer(const std::string& sdp_text) {
        GstSDPMessage* sdp = nullptr;
        if (gst_sdp_message_new_from_text(sdp_text.c_str(), &sdp) != GST_SDP_OK || !sdp) {
            owner->post_event({CallEvent::Kind::Failed, "unreadable answer from the caseworker"});
            return;
        }
        GstWebRTCSessionDescription* answer = gst_webrtc_session_description_new(GST_WEBRTC_SDP_TYPE_ANSWER, sdp);
        GstPromise* promise = gst_promise_new();
        g_signal_emit_by_name(webrtc, "set-remote-description", answer, promise);
        gst_promise_interrupt(promise);
        gst_promise_unref(promise);
        gst_webrtc_session_description_free(answer);
        remote_set = true;
        for (const auto& [mline, cand] : held) g_signal_emit_by_name(webrtc, "add-ice-candidate", mline, cand.c_str());
        held.clear();
    }

    void add_candidate(int mline, const std::string& candidate) {
        if (!remote_set) {
            held.emplace_back(mline, candidate);
            return;
        }
        g_signal_emit_by_name(webrtc, "add-ice-candidate", mline, candidate.c_str());
    }
};

// ---------------------------------------------------------------------------------------

bool VideoCall::available(std::string& why) {
    GError* err = nullptr;
    if (!gst_init_check(nullptr, nullptr, &err)) {
        why = err ? err->message : "GStreamer cannot start";
        if (err) g_error_free(err);
        return false;
    }
    for (const char* f : {"webrtcbin", "nicesrc", "dtlssrtpenc", "sctpenc", "vp8enc", "vp8dec", "rtpvp8pay", "opusenc", "opusdec",
                          "rtpopuspay", "rtpvp8depay", "rtpopusdepay", "appsink", "videotestsrc"}) {
        GstElementFactory* factory = gst_element_factory_find(f);
        if (!factory) {
            why = std::string("the GStreamer element '") + f + "' is missing (gstreamer1.0-plugins-bad, -good, -base, -nice)";
            return false;
        }
        gst_object_unref(factory);
    }
    return true;
}

VideoCall::VideoCall(VideoCallOptions options) : options_(std::move(options)) {
    gst_init(nullptr, nullptr);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    if (options_.speaker == "auto") {
        // Played through the default output when one opens; else measured but not played.
        if (GstElement* sink = gst_element_factory_make("autoaudiosink", nullptr)) {
            if (gst_element_set_state(sink, GST_STATE_READY) != GST_STATE_CHANGE_FAILURE) audio_sink_ = "autoaudiosink";
            else std::fprintf(stderr, "ledsager-kiosk: video calls: no audio output opens; the caseworker will not be heard\n");
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
    while (polls_live_ > 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    cv_.notify_all();
    control_thread_.join();
    outbox_thread_.join();
}

bool VideoCall::camera_present() const {
    if (options_.source == "test") return !options_.camera_device.empty();  // test: camera = "" plays a kiosk without one
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
        if (tell) outbox_.push_back({id, json{{"type", "hangup"}}.dump()});
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
    return !events_.empty() || (!remote_.rgba.empty() && remote_.serial != remote_serial) ||
           (!self_.rgba.empty() && self_.serial != self_serial);
}

bool VideoCall::remote_frame(VideoFrame& out) {
    std::lock_guard lock(mutex_);
    if (remote_.serial == out.serial || remote_.rgba.empty()) return false;
    out = remote_;
    return true;
}

bool VideoCall::self_frame(VideoFrame& out) {
    std::lock_guard lock(mutex_);
    if (self_.serial == out.serial || self_.rgba.empty()) return false;
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
        const HttpResult r = http(options_, "GET", path + "?after=" + std::to_string(after) + "&wait=20", "", 30, abort);
        if (generation_ != gen) return;
        if (!r.reachable || r.status >= 500 || r.status == 0) {
            // The hub is away: keep trying; media already flowing carries on meanwhile.
            failures = std::min(failures + 1, 5);
            std::unique_lock lock(mutex_);
            cv_.wait_for(lock, std::chrono::milliseconds(500 << failures), [&] { return generation_ != gen || stopping_; });
            continue;
        }
        if (r.status == 404 || r.status == 401) {
            std::lock_guard lock(mutex_);
            if (generation_ == gen) events_.push_back({CallEvent::Kind::RemoteHangup, "gone"});
            return;
        }
        if (r.status != 200) {  // refused (400, 403, 429, ...): never a tight loop
            failures = std::min(failures + 1, 5);
            std::unique_lock lock(mutex_);
            cv_.wait_for(lock, std::chrono::milliseconds(500 << failures), [&] { return generation_ != gen || stopping_; });
            continue;
        }
        failures = 0;
        const json j = json::parse(r.body, nullptr, false);
        if (!j.is_object()) continue;
        bool hung_up = false;
        for (const auto& m : j.value("messages", json::array())) {
            after = std::max<size_t>(after, m.value("seq", 0));
            const std::string type = m.value("type", "");
            std::lock_guard lock(mutex_);
            if (generation_ != gen) return;  // the call ended meanwhile: nothing of it may reach the next one
            if (type == "answered") {
                stats_.answered_ms = wall_ms();
                events_.push_back({CallEvent::Kind::Answered, m.value("name", "")});
                commands_.push_back({Command::Build, gen, {}, 0, id});
            } else if (type == "answer") {
                commands_.push_back({Command::RemoteAnswer, gen, m.value("sdp", "")});
            } else if (type == "candidate") {
                commands_.push_back({Command::RemoteCandidate, gen, m.value("candidate", ""), m.value("mline", 0)});
            } else if (type == "released") {
                events_.push_back({CallEvent::Kind::Released});
                commands_.push_back({Command::Teardown, gen});
            } else if (type == "hangup") {
                events_.push_back({CallEvent::Kind::RemoteHangup, m.value("reason", "caseworker")});
                commands_.push_back({Command::Teardown, gen});
                hung_up = true;
            }
            cv_.notify_all();
        }
        wake();
        if (hung_up) return;
        if (j.value("ended", false)) {
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
                teardown();
                const HttpResult r = http(options_, "GET", "/api/v1/calls/ice-servers", "", 3);
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
            const HttpResult r = http(options_, "POST", path, out.body, 5);
            if (r.reachable && r.status < 500) break;
            std::this_thread::sleep_for(std::chrono::milliseconds(300));
        }
    }
}

}  // namespace ledsager::platform
