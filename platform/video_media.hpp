// The GStreamer side of a video call (VideoCall::Media: webrtcbin with camera, microphone,
// the caseworker's picture and sound); its helpers are in gst_helpers.hpp. Only
// video_call.cpp includes this.
#pragma once

#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <gst/gst.h>
#include <gst/sdp/sdp.h>
#include <gst/video/video.h>
#define GST_USE_UNSTABLE_API
#include <gst/webrtc/webrtc.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/protocol.hpp"
#include "platform/gst_helpers.hpp"
#include "platform/video_call.hpp"

namespace ledsager::platform {

using json = nlohmann::json;
using media::decay_to;
using media::gst_ice_url;
using media::keep_stats_of_paused_streams;
using media::mono_ms;
using media::number;
using media::rms_s16;
using media::wall_ms;

// The GStreamer side of one media session (built after the answer, rebuilt on reconnect).
struct VideoCall::Media {
    VideoCall* owner = nullptr;
    std::uint64_t generation = 0;
    std::int64_t request_id = 0;
    GstElement* pipeline = nullptr;
    GstElement* webrtc = nullptr;
    GstElement* room_mic = nullptr;  // test-echo: the microphone that hears the speaker
    GstElement* mic = nullptr;
    GObject* channel = nullptr;
    bool audio_only = false;
    bool remote_set = false;
    std::vector<std::pair<int, std::string>> held;  // candidates before the answer
    std::atomic<std::int64_t> last_media_ms{0};
    std::atomic<bool> got_media{false};
    std::atomic<bool> ice_failed{false};
    std::atomic<bool> camera_off{false};
    std::atomic<bool> video_paused{false};
    std::atomic<bool> resend{false};
    std::int64_t built_ms = 0;
    std::string sent_text;
    // The video sent, fitted to the path once a second (adapt()).
    core::SendQuality quality;
    core::SendLevel applied = quality.level();
    std::int64_t adapted_ms = 0;
    // Packets sent between two reports that say nothing arrived, before that counts as loss.
    static constexpr std::uint64_t kStalledPackets = 8;
    struct Counts {
        std::uint64_t sent = 0, lost = 0;  // packets, since the call's media began
        double rtt_s = 0;
        double fraction = 0;        // lost in the far side's last report's interval
        std::uint64_t highest = 0;  // the far side's highest sequence number received
        bool reported = false;      // the far side has reported on them

        // A report counts once: the same figures again are the old report's (the far side
        // reports about once a second on video, seldom on sound).
        bool is_new_after(const Counts& last) const {
            return reported && (lost != last.lost || rtt_s != last.rtt_s || highest != last.highest);
        }
        // A new report in which the far side received nothing since the last one, though the
        // kiosk sent kStalledPackets or more: all lost (its "fraction lost" says 0 of nothing
        // expected then).
        bool stalled_after(const Counts& last) const {
            return highest != 0 && highest == last.highest && sent >= last.sent + kStalledPackets;
        }
    };
    Counts last_report[2]{};  // at the last new report

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
        if (room_mic) gst_object_unref(room_mic);
    }

    void send(const common::CallMessage& message) {
        std::lock_guard lock(owner->mutex_);
        owner->outbox_.push_back({request_id, common::encode(message).dump()});
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
        m->send(common::call_message("offer", text));
        g_free(text);
        gst_webrtc_session_description_free(offer);
    }

    static void on_negotiation_needed(GstElement* webrtc, gpointer data) {
        GstPromise* promise = gst_promise_new_with_change_func(on_offer_created, data, nullptr);
        g_signal_emit_by_name(webrtc, "create-offer", nullptr, promise);
    }

    static void on_ice_candidate(GstElement*, guint mline, gchar* candidate, gpointer data) {
        static_cast<Media*>(data)->send(common::call_message("candidate", candidate, static_cast<int>(mline)));
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
        if (m->take_frame(sample, m->owner->remote_)) {
            std::lock_guard lock(m->owner->mutex_);
            ++m->owner->stats_.remote_video_frames;
            if (!m->owner->stats_.first_frame_ms) m->owner->stats_.first_frame_ms = wall_ms();
        }
        gst_sample_unref(sample);
        m->remote_media();
        m->owner->wake();
        return GST_FLOW_OK;
    }

    // Copies a sample's I420 picture into a frame of the call (under the call's lock), plane
    // by plane: a decoder's buffers may have wider rows (strides) than the picture.
    bool take_frame(GstSample* sample, VideoFrame& f) {
        GstVideoInfo info;
        if (!gst_video_info_from_caps(&info, gst_sample_get_caps(sample)) ||
            GST_VIDEO_INFO_FORMAT(&info) != GST_VIDEO_FORMAT_I420)
            return false;
        GstVideoFrame frame;
        if (!gst_video_frame_map(&frame, &info, gst_sample_get_buffer(sample), GST_MAP_READ)) return false;
        const int w = GST_VIDEO_INFO_WIDTH(&info), h = GST_VIDEO_INFO_HEIGHT(&info);
        {
            std::lock_guard lock(owner->mutex_);
            f.width = w;
            f.height = h;
            f.i420.resize(VideoFrame::i420_size(w, h));
            std::uint8_t* out = f.i420.data();
            for (int plane = 0; plane < 3; ++plane) {
                const int pw = plane == 0 ? w : (w + 1) / 2, ph = plane == 0 ? h : (h + 1) / 2;
                const auto* in = static_cast<const std::uint8_t*>(GST_VIDEO_FRAME_PLANE_DATA(&frame, plane));
                const int stride = GST_VIDEO_FRAME_PLANE_STRIDE(&frame, plane);
                for (int row = 0; row < ph; ++row, out += pw)
                    std::memcpy(out, in + static_cast<std::ptrdiff_t>(row) * stride, static_cast<size_t>(pw));
            }
            ++f.serial;
        }
        gst_video_frame_unmap(&frame);
        return true;
    }

    // test-echo: a buffer the speaker plays now goes into the microphone now, stamped with the
    // moment it is played (its running time plus the pipeline's latency), as a sound card
    // would stamp what its microphone hears.
    static GstFlowReturn on_room_sound(GstAppSink* sink, gpointer data) {
        auto* m = static_cast<Media*>(data);
        GstSample* sample = gst_app_sink_pull_sample(sink);
        if (!sample) return GST_FLOW_OK;
        GstBuffer* played = gst_sample_get_buffer(sample);
        const GstSegment* segment = gst_sample_get_segment(sample);
        if (m->room_mic && played && segment && GST_BUFFER_PTS_IS_VALID(played)) {
            // The latency the speaker (this sink, in time with the clock) plays with.
            GstClockTime latency = gst_base_sink_get_latency(GST_BASE_SINK(sink));
            if (!GST_CLOCK_TIME_IS_VALID(latency)) latency = 0;
            GstBuffer* heard = gst_buffer_copy(played);
            GST_BUFFER_PTS(heard) =
                gst_segment_to_running_time(segment, GST_FORMAT_TIME, GST_BUFFER_PTS(played)) + latency;
            GST_BUFFER_DTS(heard) = GST_CLOCK_TIME_NONE;
            gst_app_src_push_buffer(GST_APP_SRC(m->room_mic), heard);
        }
        gst_sample_unref(sample);
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
        m->take_frame(sample, m->owner->self_);
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

    // The microphone's sound, after the echo canceller (its level on the call screen) and
    // before it: its energy (sum of squared samples) adds up in the call's stats.
    static GstPadProbeReturn on_mic(GstPad*, GstPadProbeInfo* info, gpointer data) {
        auto* m = static_cast<Media*>(data);
        decay_to(m->owner->self_level_, m->add_energy(GST_PAD_PROBE_INFO_BUFFER(info), &CallStats::mic_energy_out));
        return GST_PAD_PROBE_OK;
    }
    static GstPadProbeReturn on_mic_raw(GstPad*, GstPadProbeInfo* info, gpointer data) {
        static_cast<Media*>(data)->add_energy(GST_PAD_PROBE_INFO_BUFFER(info), &CallStats::mic_energy_in);
        return GST_PAD_PROBE_OK;
    }
    float add_energy(const GstBuffer* buf, double CallStats::*total) {
        const float rms = rms_s16(buf);
        const double samples = static_cast<double>(gst_buffer_get_size(const_cast<GstBuffer*>(buf)) / 2);
        std::lock_guard lock(owner->mutex_);
        owner->stats_.*total += static_cast<double>(rms) * rms * samples;
        return rms;
    }

    // Camera off: the picture leaves the kiosk as black frames (I420: Y 16, U and V 128).
    // Paused for a weak line (adapt()): no picture reaches the encoder at all.
    static GstPadProbeReturn on_outgoing_video(GstPad* pad, GstPadProbeInfo* info, gpointer data) {
        auto* m = static_cast<Media*>(data);
        if (m->video_paused) return GST_PAD_PROBE_DROP;
        if (!m->camera_off) return GST_PAD_PROBE_OK;
        GstBuffer* buf = gst_buffer_make_writable(GST_PAD_PROBE_INFO_BUFFER(info));
        GST_PAD_PROBE_INFO_DATA(info) = buf;
        // The size sent now (the path may have made it smaller than the camera's).
        int w = m->owner->options_.width, h = m->owner->options_.height;
        if (GstCaps* caps = gst_pad_get_current_caps(pad)) {
            const GstStructure* st = gst_caps_get_structure(caps, 0);
            gst_structure_get_int(st, "width", &w);
            gst_structure_get_int(st, "height", &h);
            gst_caps_unref(caps);
        }
        GstMapInfo map;
        if (gst_buffer_map(buf, &map, GST_MAP_WRITE)) {
            const size_t luma = static_cast<size_t>(w) * static_cast<size_t>(h);
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
            desc =
                "queue max-size-buffers=4 leaky=downstream ! rtpvp8depay ! vp8dec ! videoconvert ! "
                "video/x-raw,format=I420 ! "
                "appsink name=remote sync=false max-buffers=1 drop=true";
        } else {
            desc =
                "queue ! rtpopusdepay ! opusdec ! audioconvert ! audioresample ! "
                "audio/x-raw,format=S16LE,channels=1,rate=48000 ! "
                "identity name=heard";
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
        if (!video) {
            // Played through the mixer (and so past the echo canceller's probe).
            GstElement* far = gst_bin_get_by_name(GST_BIN(m->pipeline), "far");
            GstPad* into = far ? gst_element_request_pad_simple(far, "sink_%u") : nullptr;
            GstPad* out = gst_element_get_static_pad(bin, "src");
            if (!into || gst_pad_link(out, into) != GST_PAD_LINK_OK)
                m->owner->post_event({CallEvent::Kind::Failed, "cannot play the caseworker's voice"});
            gst_object_unref(out);
            if (into) gst_object_unref(into);
            if (far) gst_object_unref(far);
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
        // Every sound at 48 kHz mono, as Opus and the echo canceller take it.
        const std::string pcm = "audio/x-raw,format=S16LE,channels=1,rate=48000";
        // The echo canceller's probe is found by its name, process-wide: one per pipeline.
        static std::atomic<int> pipelines{0};
        const std::string probe = "ledsager-echo-" + std::to_string(++pipelines);
        if (o.source.rfind("test", 0) == 0) {
            // test-busy: a moving zone plate, new detail in every frame, so that the encoder
            // needs as many bits as a camera's picture (network tests); test: a ball.
            video_src = o.source == "test-busy" ? "videotestsrc is-live=true pattern=zone-plate kx2=8 ky2=8 kt=1"
                                                : "videotestsrc is-live=true pattern=ball background-color=0xff4a7fb5";
            audio_src = "audiotestsrc is-live=true wave=sine freq=440 volume=0.3";
            // test-echo: the microphone hears only the speaker, half as loud, as a room
            // brings it back; with the echo canceller the caseworker hears (nearly) nothing.
            // What is played is taken at the moment it is played (an appsink in time with the
            // clock) and captured anew then (an appsrc that stamps it with that moment), as a
            // microphone would: on_room_sound().
            // (What is played begins as silence, so the microphone sends from the start.)
            if (o.source == "test-echo")
                audio_src = "appsrc name=room-mic is-live=true format=time caps=\"" + pcm +
                            ",layout=interleaved\" ! volume volume=0.5";
        } else {
            video_src = "v4l2src device=" + o.camera_device;
            audio_src = "autoaudiosrc";
        }
        std::string desc = "webrtcbin name=w bundle-policy=max-bundle latency=100 ";
        if (!audio_only) {
            desc += video_src + " ! videoconvert ! videoscale ! videorate ! video/x-raw," + size +
                    ",framerate=" + std::to_string(o.fps) +
                    "/1 ! tee name=vt "
                    // What is sent: sized, timed and its bitrate set by the path (adapt()); held
                    // back at "blank" when even the smallest picture does not fit.
                    "vt. ! queue max-size-buffers=2 leaky=downstream ! "
                    "videorate drop-only=true ! videoscale ! capsfilter name=sendsize caps=" +
                    send_caps(quality.level()) +
                    " ! videoconvert ! video/x-raw,format=I420 ! "
                    "identity name=blank ! "
                    "vp8enc name=enc deadline=1 cpu-used=8 threads=2 lag-in-frames=0 target-bitrate=" +
                    std::to_string(quality.level().bitrate) +
                    " keyframe-max-dist=60 "
                    "error-resilient=partitions ! "
                    "rtpvp8pay pt=96 picture-id-mode=15-bit ! "
                    "application/x-rtp,media=video,encoding-name=VP8,payload=96,clock-rate=90000 ! w. "
                    "vt. ! queue max-size-buffers=1 leaky=downstream ! videoscale ! video/x-raw,width=320,height=240 ! "
                    "videoflip method=horizontal-flip ! videoconvert ! video/x-raw,format=I420 ! "
                    "appsink name=self sync=false max-buffers=1 drop=true ";
        }
        // What the kiosk plays: the far side's voices (the caseworker's, joined when it comes:
        // on_incoming()), mixed over silence, through the echo canceller's probe to the speaker.
        desc += "audiotestsrc is-live=true wave=silence ! " + pcm +
                " ! queue ! audiomixer name=far latency=40000000 ! " + pcm + " ! webrtcechoprobe name=" + probe +
                " ! tee name=played ! queue ! " + owner->audio_sink_ + " ";
        if (o.source == "test-echo") desc += "played. ! queue ! appsink name=room sync=true max-buffers=50 drop=true ";
        // The microphone, with what the probe saw played taken out of it (the speaker and the
        // microphone are a hand's width apart on a kiosk). Noise suppression and gain control
        // stay off: they would work on the citizen's voice, which the caseworker must hear as
        // it is. The canceller lines the two up by their timestamps and the pipeline's latency
        // (its delay-agnostic mode did not cancel at all in video_call_e2e); its suppression of
        // what is left is "high", as speaker and microphone are this close.
        const std::string echo_cancel =
            o.echo_cancel
                ? "identity name=aecin ! webrtcdsp name=aec probe=" + probe +
                      " echo-cancel=true echo-suppression-level=high delay-agnostic=false extended-filter=true "
                      "noise-suppression=false gain-control=false "
                      "high-pass-filter=false ! "
                : "identity name=aecin ! ";
        desc += audio_src + " ! audioconvert ! audioresample ! " + pcm + " ! " + echo_cancel +
                "volume name=mic ! "
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
        if (!audio_only) keep_stats_of_paused_streams(webrtc);
        for (const auto& url : ice_servers) {
            if (url.rfind("stun:", 0) == 0) {
                g_object_set(webrtc, "stun-server", gst_ice_url(url).c_str(), nullptr);
            } else {
                gboolean ok = FALSE;
                g_signal_emit_by_name(webrtc, "add-turn-server", gst_ice_url(url).c_str(), &ok);
            }
        }
        if (GObject* agent = [&] {
                GObject* a = nullptr;
                g_object_get(webrtc, "ice-agent", &a, nullptr);
                return a;
            }()) {
            if (o.loopback) {
                gboolean ok = FALSE;
                g_signal_emit_by_name(agent, "add-local-ip-address", "127.0.0.1", &ok);
            }
            if (o.min_port > 0 && o.max_port >= o.min_port)
                g_object_set(agent, "min-rtp-port", static_cast<guint>(o.min_port), "max-rtp-port",
                             static_cast<guint>(o.max_port), nullptr);
            g_object_unref(agent);
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
            GstCaps* caps =
                gst_caps_from_string("application/x-rtp,media=video,encoding-name=VP8,payload=96,clock-rate=90000");
            GstWebRTCRTPTransceiver* trans = nullptr;
            g_signal_emit_by_name(webrtc, "add-transceiver", GST_WEBRTC_RTP_TRANSCEIVER_DIRECTION_RECVONLY, caps,
                                  &trans);
            gst_caps_unref(caps);
            if (trans) gst_object_unref(trans);
        }
        GstPad* micpad = gst_element_get_static_pad(mic, "src");
        gst_pad_add_probe(micpad, GST_PAD_PROBE_TYPE_BUFFER, on_mic, this, nullptr);
        gst_object_unref(micpad);
        if (GstElement* room = gst_bin_get_by_name(GST_BIN(pipeline), "room")) {
            room_mic = gst_bin_get_by_name(GST_BIN(pipeline), "room-mic");
            GstAppSinkCallbacks cb{};
            cb.new_sample = on_room_sound;
            gst_app_sink_set_callbacks(GST_APP_SINK(room), &cb, this, nullptr);
            gst_object_unref(room);
        }
        if (GstElement* aecin = gst_bin_get_by_name(GST_BIN(pipeline), "aecin")) {
            GstPad* raw = gst_element_get_static_pad(aecin, "src");
            gst_pad_add_probe(raw, GST_PAD_PROBE_TYPE_BUFFER, on_mic_raw, this, nullptr);
            gst_object_unref(raw);
            gst_object_unref(aecin);
        }

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

    static std::string send_caps(const core::SendLevel& l) {
        return "video/x-raw,width=" + std::to_string(l.width) + ",height=" + std::to_string(l.height) +
               ",framerate=" + std::to_string(l.fps) + "/1";
    }

    // What the caseworker's side last reported (RTCP receiver reports, as webrtcbin's stats):
    // the share of packets lost since the last look, and the round-trip time. On the video
    // while it is sent (`video`); on the sound while the picture is paused (so that the path is
    // still known). False when there is no new report.
    bool path_report(core::PathReport& out, bool video) {
        GstPromise* promise = gst_promise_new();
        g_signal_emit_by_name(webrtc, "get-stats", nullptr, promise);
        bool found = false;
        if (gst_promise_wait(promise) == GST_PROMISE_RESULT_REPLIED) {
            // Each stat is a structure under its id. A report (remote-inbound-rtp) names the
            // stream it is about by its local-id, the kiosk's outbound-rtp stat: video is the
            // stream on VP8's 90 kHz clock, sound on Opus's 48 kHz (in 1.22 "kind" and
            // "codec-id" name the same codec for every stream). The report's own nested stats
            // are the reporter's (the caseworker's stream, or a receive-only one without a
            // clock), so its clock says nothing about what it reports on.
            struct Sent {
                std::int64_t clock = 0;
                std::uint64_t packets = 0;
                std::uint64_t ssrc = 0;
            };
            struct Report {
                std::string about;  // the outbound stat's id
                Counts counts;
                std::uint64_t rb_ssrc = 0;  // whom the reporter's last report block was about
            };
            struct Look {
                const GstStructure* all;
                std::map<std::string, Sent> sent;
                std::vector<Report> reports;
            } look{gst_promise_get_reply(promise), {}, {}};
            gst_structure_foreach(
                look.all,
                [](GQuark, const GValue* v, gpointer data) -> gboolean {
                    auto* l = static_cast<Look*>(data);
                    if (!GST_VALUE_HOLDS_STRUCTURE(v)) return TRUE;
                    const GstStructure* st = gst_value_get_structure(v);
                    GstWebRTCStatsType type{};
                    if (!gst_structure_get(st, "type", GST_TYPE_WEBRTC_STATS_TYPE, &type, nullptr)) return TRUE;
                    const GValue* nested = gst_structure_get_value(st, "gst-rtpsource-stats");
                    const GstStructure* source =
                        nested && GST_VALUE_HOLDS_STRUCTURE(nested) ? gst_value_get_structure(nested) : nullptr;
                    const char* id = gst_structure_get_string(st, "id");
                    if (type == GST_WEBRTC_STATS_OUTBOUND_RTP && id) {
                        Sent& stream = l->sent[id];
                        stream.clock = source ? number(source, "clock-rate") : 0;
                        stream.packets =
                            static_cast<std::uint64_t>(std::max<std::int64_t>(number(st, "packets-sent"), 0));
                        stream.ssrc = static_cast<std::uint64_t>(std::max<std::int64_t>(number(st, "ssrc"), 0));
                    } else if (type == GST_WEBRTC_STATS_REMOTE_INBOUND_RTP &&
                               gst_structure_has_field(st, "packets-lost")) {
                        const char* about = gst_structure_get_string(st, "local-id");
                        if (!about) return TRUE;
                        Report r;
                        r.about = about;
                        r.counts.lost =
                            static_cast<std::uint64_t>(std::max<std::int64_t>(number(st, "packets-lost"), 0));
                        r.counts.reported = true;
                        gst_structure_get_double(st, "round-trip-time", &r.counts.rtt_s);
                        gst_structure_get_double(st, "fraction-lost", &r.counts.fraction);
                        if (source) {
                            r.rb_ssrc =
                                static_cast<std::uint64_t>(std::max<std::int64_t>(number(source, "rb-ssrc"), 0));
                            r.counts.highest = static_cast<std::uint64_t>(
                                std::max<std::int64_t>(number(source, "rb-exthighestseq"), 0));
                        }
                        l->reports.push_back(std::move(r));
                    }
                    return TRUE;
                },
                &look);
            Counts now[2]{};  // [0] sound, [1] video
            for (const auto& [id, sent] : look.sent)
                if (sent.clock == 90000 || sent.clock == 48000) now[sent.clock == 90000 ? 1 : 0].sent = sent.packets;
            for (const Report& r : look.reports) {
                const auto it = look.sent.find(r.about);
                if (it == look.sent.end() || (it->second.clock != 90000 && it->second.clock != 48000)) continue;
                // The highest sequence number only when the reporter's last block is about this
                // stream (GStreamer keeps one block per reporter).
                Counts c = r.counts;
                if (r.rb_ssrc != it->second.ssrc) c.highest = 0;
                c.sent = it->second.packets;
                now[it->second.clock == 90000 ? 1 : 0] = c;
            }
            // The picture's report while it is sent; else the sound's (while the picture is
            // paused, or while webrtcbin has no stats for the picture's stream, as after a long
            // pause it sometimes has none for a while): both cross the same path. Whether the
            // picture is sent is what the kiosk decided, not read from the counts: a paused
            // stream's stats go after a while, and come back counting from nothing.
            const int kind = video && now[1].reported ? 1 : 0;
            if (const Counts& n = now[kind]; n.is_new_after(last_report[kind])) {
                out.fraction_lost = std::clamp(n.fraction, 0.0, 1.0);
                out.rtt_ms = n.rtt_s * 1000;
                out.picture = kind == 1;
                if (n.stalled_after(last_report[kind])) {
                    out.fraction_lost = 1.0;
                    out.stalled = true;
                }
                last_report[kind] = n;
                found = true;
            }
        }
        gst_promise_unref(promise);
        return found;
    }
    // Once a second: the path's report to SendQuality, and what it decides to the encoder.
    void adapt(std::int64_t now) {
        if (audio_only || !got_media || now - adapted_ms < 1000) return;
        adapted_ms = now;
        core::PathReport report;
        const bool reported = path_report(report, applied.video);
        if (reported)
            quality.report(report, now);
        else if (!quality.idle(now))
            return;
        const core::SendLevel l = quality.level();
        const bool resized = l.width != applied.width || l.height != applied.height || l.fps != applied.fps;
        if (l.bitrate != applied.bitrate || (l.video && !applied.video))
            if (GstElement* enc = gst_bin_get_by_name(GST_BIN(pipeline), "enc")) {
                if (l.bitrate != applied.bitrate) g_object_set(enc, "target-bitrate", l.bitrate, nullptr);
                if (l.video && !applied.video) {
                    // Back from a pause: a key frame first, so the far side can draw at once.
                    GstPad* src = gst_element_get_static_pad(enc, "src");
                    gst_pad_send_event(src, gst_video_event_new_upstream_force_key_unit(GST_CLOCK_TIME_NONE, TRUE, 0));
                    gst_object_unref(src);
                }
                gst_object_unref(enc);
            }
        if (resized)
            if (GstElement* size = gst_bin_get_by_name(GST_BIN(pipeline), "sendsize")) {
                GstCaps* caps = gst_caps_from_string(send_caps(l).c_str());
                g_object_set(size, "caps", caps, nullptr);
                gst_caps_unref(caps);
                gst_object_unref(size);
            }
        video_paused = !l.video;
        applied = l;
        std::lock_guard lock(owner->mutex_);
        auto& st = owner->stats_;
        st.send = l;
        if (reported) {
            st.fraction_lost = report.fraction_lost;
            st.rtt_ms = report.rtt_ms;
            ++st.reports;
        }
        st.size_changes += resized ? 1 : 0;
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
        for (const auto& [mline, cand] : held)
            g_signal_emit_by_name(webrtc, "add-ice-candidate", mline, cand.c_str());
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

}  // namespace ledsager::platform
