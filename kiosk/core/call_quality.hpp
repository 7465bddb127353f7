// The video the kiosk sends in a call, fitted to the path to the caseworker. webrtcbin (1.22)
// has no congestion control of its own: it sends what the encoder makes. Once a second the
// call reads what the far side reports back (RTCP receiver reports: the share of packets lost
// and the round-trip time) and this decides the encoder's bitrate, picture size and frame rate,
// and when even the smallest picture does not fit, pauses the picture so that speech gets
// through. The rule is the loss-based half of Google Congestion Control (what browsers use,
// draft-ietf-rmcat-gcc-02, section 6), with a guard on a round-trip time that keeps growing (a
// queue filling on a slow line before it drops anything).
#pragma once

#include <cstdint>

#include "core/escalation.hpp"  // Millis

namespace ledsager::core {

// What the far side last reported about the video the kiosk sends.
struct PathReport {
    double fraction_lost = 0;  // 0..1, over the last report's interval
    double rtt_ms = 0;         // round-trip time; 0 when not known
    bool picture = true;       // about the picture (false: about the sound, for want of one)
    bool stalled = false;      // nothing arrived since the last report, though the kiosk sent
};

// What the encoder is set to.
struct SendLevel {
    int bitrate = 0;  // bit/s of video
    int width = 0, height = 0, fps = 0;
    bool video = true;  // false: the picture is paused, the sound goes on
    bool operator==(const SendLevel&) const = default;
};

class SendQuality {
public:
    struct Limits {
        int max_bps = 1'500'000;
        int min_bps = 150'000;
        int start_bps = 900'000;
    };
    SendQuality();
    explicit SendQuality(Limits limits);

    // One report from the far side (about once a second). Returns true when level() changed.
    bool report(const PathReport& r, Millis now);
    // Time passing with no new report. While the picture is sent, kSilentMs with nothing new
    // (after the far side has reported on it once) is taken as everything lost: a far side
    // that receives nothing has nothing new to report (a blackout, or a line so full that not
    // even its reports get through). While it is paused (the sound alone may be reported
    // seldom), the picture is tried again when its wait is over. Returns true when level()
    // changed.
    bool idle(Millis now);
    SendLevel level() const { return level_; }
    double rate() const { return rate_; }

    // Loss above this lowers the rate by half the loss; below kLossLow it grows 5 % a report.
    // Between the two GCC holds the rate (loss that may be the radio's, not the line's); here
    // the rate is first tried 10 % lower: when the loss goes, it was the line (the sound shares
    // its queue), and the rate stays below it; when it stays, the rate goes back and is held.
    static constexpr double kLossHigh = 0.10;
    static constexpr double kLossLow = 0.02;
    // A round-trip time this much above the least seen in the last 15-30 s, twice in a row: a
    // queue is filling, lower the rate. The least is forgotten window by window, so that a
    // path that changed (a new route, a relay) is measured afresh.
    static constexpr double kQueueMs = 100;
    static constexpr int kQueueReports = 2;
    static constexpr Millis kRttWindowMs = 15'000;
    // So many cuts in a row that leave the round-trip time up: it is the path's, not a queue.
    static constexpr int kQueueCutsMax = 4;
    // Sending, and no new report on the picture for this long: as if all were lost.
    static constexpr Millis kSilentMs = 3'000;
    // After the line showed its limit, the rate stays 5 % below where that was for this long
    // before it tries higher again.
    static constexpr Millis kCeilingMs = 10'000;
    // At the lowest rate, this many bad reports in a row pause the picture; this long after, it
    // is tried again at the lowest rate.
    // A try that fails (paused again soon after) doubles the wait, up to kPausedRetryMaxMs,
    // so that a line too slow for any picture is not disturbed by tries every few seconds.
    static constexpr int kBadToPause = 3;
    static constexpr Millis kPausedRetryMs = 15'000;
    static constexpr Millis kPausedRetryMaxMs = 60'000;
    // A pause by a report that says nothing arrived (stalled), or by no report at all; or
    // such a report on the sound while paused: a blackout of the whole line. A clean report
    // after it means the line is back, and the picture is tried again at once. (Not by loss
    // alone: a line that carries the sound but loses most of the picture is not dark.)
    // Reports in the first seconds after the picture comes back are not acted on.
    static constexpr Millis kResumeQuietMs = 3'000;

private:
    SendLevel level_for(double rate) const;
    bool judge(const PathReport& r, Millis now);
    bool retry_if_due(Millis now);
    double least_rtt(double rtt_ms, Millis now);

    void congested(double at, Millis now);

    Limits limits_;
    double rate_;
    double rtt_least_[2] = {0, 0};  // the least round-trip time in the last window, this one
    Millis rtt_window_at_ = -1;
    int high_rtt_ = 0;       // reports in a row with a round-trip time above the least
    Millis heard_at_ = -1;   // the last report, or the start (-1: not started)
    Millis judged_at_ = -1;  // the last report judged
    bool heard_ = false;     // a report on the picture since it began or came back
    double ceiling_ = 0;     // not above this until ceiling_until_ (0: none)
    Millis ceiling_until_ = 0;
    double tried_from_ = 0;  // the rate before a try 10 % lower (0: no try pending)
    Millis next_try_ = 0;
    int bad_at_floor_ = 0;
    bool paused_ = false;
    bool dark_while_paused_ = false;  // paused by a blackout, or the sound all lost since
    bool dark_resume_ = false;        // the last try came on the first clean report after one
    Millis paused_at_ = 0;
    Millis retry_wait_ = kPausedRetryMs;
    Millis resumed_at_ = -1;  // when the picture last came back after a pause
    SendLevel level_;
};

}  // namespace ledsager::core
