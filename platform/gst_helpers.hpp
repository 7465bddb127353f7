// Small GStreamer helpers of the video call: clocks, ICE addresses, sound levels, stats fields,
// and a mend to webrtcbin 1.22's stats of paused streams. Only video_media.hpp includes this.
#pragma once

#include <gst/gst.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>

namespace ledsager::platform::media {

inline std::int64_t wall_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}
inline std::int64_t mono_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

// "stun:host:port" -> "stun://host:port" (webrtcbin's form); likewise turn with credentials.
inline std::string gst_ice_url(const std::string& url) {
    const auto colon = url.find(':');
    if (colon == std::string::npos) return url;
    return url.substr(0, colon) + "://" + url.substr(colon + 1);
}

inline float rms_s16(const GstBuffer* buffer) {
    GstMapInfo map;
    if (!gst_buffer_map(const_cast<GstBuffer*>(buffer), &map, GST_MAP_READ)) return 0;
    const auto* s = reinterpret_cast<const std::int16_t*>(map.data);
    const size_t n = map.size / 2;
    double sum = 0;
    for (size_t i = 0; i < n; ++i)
        sum += static_cast<double>(s[i]) * s[i];
    gst_buffer_unmap(const_cast<GstBuffer*>(buffer), &map);
    return n ? static_cast<float>(std::sqrt(sum / n) / 32768.0) : 0.0f;
}

inline void decay_to(std::atomic<float>& level, float value) {
    const float old = level.load();
    level.store(value > old ? value : old * 0.85f + value * 0.15f);
}

// A whole-number field of a stat, whichever integer type this GStreamer gives it; 0 if none.
inline std::int64_t number(const GstStructure* st, const char* field) {
    const GValue* v = gst_structure_get_value(st, field);
    if (!v) return 0;
    if (G_VALUE_HOLDS_INT(v)) return g_value_get_int(v);
    if (G_VALUE_HOLDS_UINT(v)) return g_value_get_uint(v);
    if (G_VALUE_HOLDS_INT64(v)) return g_value_get_int64(v);
    if (G_VALUE_HOLDS_UINT64(v)) return static_cast<std::int64_t>(g_value_get_uint64(v));
    return 0;
}

// webrtcbin 1.22 (gstwebrtcbin.c) forgets a stream's stats, the kiosk's own and the far
// side's reports on it, when its rtpbin says the stream's sender timed out: 5 s without RTP,
// as when the picture is paused for a weak line. It learns them again only when rtpsession
// makes the stream's source anew (on-new-sender-ssrc), which it does only for a source it
// removed: the source that is the session's "suggested" one is never removed, so its
// stats stayed away, after the picture came back, until some later pause (40 s and more
// in the tests), and the kiosk had no report on its picture to climb by. Its handler of
// on-sender-timeout is taken off: the stats stay while the source exists, and come back
// with a new one (webrtcbin's on-timeout and on-bye-ssrc handlers still forget a source
// that goes).
inline void keep_stats_of_paused_streams(GstElement* webrtc) {
    GstElement* rtpbin = gst_bin_get_by_name(GST_BIN(webrtc), "rtpbin");
    guint taken = 0;
    if (rtpbin) {
        const guint signal = g_signal_lookup("on-sender-timeout", G_OBJECT_TYPE(rtpbin));
        taken = g_signal_handlers_disconnect_matched(
            rtpbin, static_cast<GSignalMatchType>(G_SIGNAL_MATCH_ID | G_SIGNAL_MATCH_DATA), signal, 0, nullptr, nullptr,
            webrtc);
        gst_object_unref(rtpbin);
    }
    if (taken == 0)
        std::fprintf(stderr,
                     "ledsager-kiosk: call: webrtcbin's sender-timeout handler not found (a GStreamer other than "
                     "1.22?): after a pause the picture's reports may be missing for a while\n");
}

}  // namespace ledsager::platform::media
