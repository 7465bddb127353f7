#include "core/call_quality.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <utility>

namespace ledsager::core {

namespace {

// Picture size and frame rate by the rate there is for them: fewer, smaller pictures keep each
// one sharp enough to read a face and a sign (VP8 at 150 kbit/s: 320x240 at 10 frames a
// second). A step up waits until the rate is 15 % past its threshold, so that a rate moving
// around one threshold does not change the size (each change costs a key frame) again and again.
struct Band {
    int min_bps, width, height, fps;
};
constexpr std::array<Band, 5> kBands{{
    {1'000'000, 640, 480, 30},
    {600'000, 640, 480, 20},
    {350'000, 480, 360, 15},
    {200'000, 320, 240, 12},
    {0, 320, 240, 10},
}};
constexpr double kUpMargin = 1.15;

size_t band_of(const SendLevel& l) {
    for (size_t i = 0; i < kBands.size(); ++i)
        if (kBands[i].width == l.width && kBands[i].height == l.height && kBands[i].fps == l.fps) return i;
    return kBands.size() - 1;
}

}  // namespace

SendQuality::SendQuality() : SendQuality(Limits{}) {}

SendQuality::SendQuality(Limits limits) : limits_(limits), rate_(limits.start_bps) {
    level_ = level_for(rate_);  // no band yet (width 0): the band the start rate reaches
}

SendLevel SendQuality::level_for(double rate) const {
    const size_t now = level_.width ? band_of(level_) : kBands.size();
    size_t pick = kBands.size() - 1;
    for (size_t i = 0; i < kBands.size(); ++i) {
        // Bands above the present one need the margin; the present one and those below do not.
        const double need = i < now && level_.width ? kBands[i].min_bps * kUpMargin : kBands[i].min_bps;
        if (rate >= need) {
            pick = i;
            break;
        }
    }
    const Band& b = kBands[pick];
    return {static_cast<int>(rate), b.width, b.height, b.fps, !paused_};
}

bool SendQuality::idle(Millis now) {
    if (heard_at_ < 0) heard_at_ = now;  // the call's first second
    if (paused_) return retry_if_due(now);
    // Only once the far side has reported on this picture (since it began or came back): its
    // first report may take a while, and is not a blackout.
    if (!heard_ || now - heard_at_ <= kSilentMs) return false;
    return judge({1.0, 0, true, true}, now);
}

// Paused: whatever the far side says of the sound alone, the picture is tried again at the
// lowest rate once its wait is over; a try that fails pauses it again (judge()).
bool SendQuality::retry_if_due(Millis now) {
    if (!paused_ || now - paused_at_ < retry_wait_) return false;
    paused_ = false;
    dark_while_paused_ = false;
    bad_at_floor_ = 0;
    high_rtt_ = 0;
    resumed_at_ = now;
    heard_at_ = now;
    heard_ = false;
    rate_ = limits_.min_bps;
    level_ = level_for(rate_);
    return true;
}

// The least round-trip time over the last one to two windows, with `rtt_ms` counted in.
double SendQuality::least_rtt(double rtt_ms, Millis now) {
    if (rtt_window_at_ < 0) rtt_window_at_ = now;
    if (now - rtt_window_at_ >= kRttWindowMs) {
        rtt_least_[0] = rtt_least_[1];
        rtt_least_[1] = 0;
        rtt_window_at_ = now;
    }
    if (rtt_ms > 0) rtt_least_[1] = rtt_least_[1] > 0 ? std::min(rtt_least_[1], rtt_ms) : rtt_ms;
    if (rtt_least_[0] > 0 && rtt_least_[1] > 0) return std::min(rtt_least_[0], rtt_least_[1]);
    return std::max(rtt_least_[0], rtt_least_[1]);
}

// The line showed its limit at rate `at`: stay below it for a while.
void SendQuality::congested(double at, Millis now) {
    ceiling_ = at * 0.95;
    ceiling_until_ = now + kCeilingMs;
}

bool SendQuality::report(const PathReport& r, Millis now) {
    // Silence is measured on the picture's own reports: the sound's come seldom.
    if (r.picture) {
        heard_at_ = now;
        heard_ = !paused_;
    }
    return judge(r, now);
}

bool SendQuality::judge(const PathReport& r, Millis now) {
    const SendLevel before = level_;
    const Millis judged_at = std::exchange(judged_at_, now);
    const double least = least_rtt(r.rtt_ms, now);
    high_rtt_ = r.rtt_ms > 0 && least > 0 && r.rtt_ms > least + kQueueMs ? high_rtt_ + 1 : 0;
    // Each slow report from the kQueueReports-th on is a queue, and cuts the rate (below).
    const int cuts_so_far = high_rtt_ - kQueueReports;
    if (cuts_so_far >= kQueueCutsMax) {
        // Cut after cut and the round-trip time stays up: not a queue of this call's making
        // (those drain when it sends less) but the path itself (a new route). Its time is the
        // least from now on.
        rtt_least_[0] = rtt_least_[1] = r.rtt_ms;
        high_rtt_ = 0;
    }
    const bool lossy = r.fraction_lost > kLossHigh;
    const bool queueing = high_rtt_ >= kQueueReports;
    const bool good = r.fraction_lost < kLossLow && high_rtt_ == 0;

    if (paused_) {
        // The sound's reports while the picture is paused. Paused by a blackout (or a report
        // since that says nothing arrived), then a clean report: the line came back, which
        // says more than any wait, and the picture is tried again now.
        if (r.stalled) {
            dark_while_paused_ = !dark_resume_;
        } else if (dark_while_paused_ && good) {
            paused_at_ = now - retry_wait_;
            dark_resume_ = true;
        }
        retry_if_due(now);
    } else if (resumed_at_ >= 0 && now - resumed_at_ < kResumeQuietMs) {
        // Just back from a pause: the far side's first reports still describe the line as it was.
    } else {
        if (tried_from_ > 0) {
            // The answer to a try 10 % lower: the loss went (the line's), or it stayed (held).
            if (good || lossy || queueing) congested(tried_from_, now);
            if (lossy)
                rate_ *= 1.0 - 0.5 * r.fraction_lost;
            else if (queueing)
                rate_ *= 0.85;
            else if (!good)
                rate_ = tried_from_;
            tried_from_ = 0;
            next_try_ = now + kCeilingMs;  // whatever the answer, not tried again at once
        } else if (lossy) {
            congested(rate_, now);
            rate_ *= 1.0 - 0.5 * r.fraction_lost;
        } else if (queueing) {
            congested(rate_, now);
            rate_ *= 0.85;
        } else if (good) {
            // 5 % a second since the last report (GCC's growth is per time, not per report: the
            // sound alone is reported every few seconds), at most 5 s of it.
            const double grow = std::pow(1.05, std::clamp(judged_at >= 0 ? (now - judged_at) / 1000.0 : 1.0, 1.0, 5.0));
            const double before_growth = rate_;
            rate_ *= grow;
            if (now < ceiling_until_) rate_ = std::min(rate_, std::max(ceiling_, before_growth));
        } else if (r.fraction_lost >= kLossLow && now >= next_try_) {
            tried_from_ = rate_;
            rate_ *= 0.9;
        }
        const bool at_floor = rate_ <= limits_.min_bps;
        rate_ = std::clamp(rate_, static_cast<double>(limits_.min_bps), static_cast<double>(limits_.max_bps));
        bad_at_floor_ = at_floor && (lossy || queueing) ? bad_at_floor_ + 1 : 0;
        if (bad_at_floor_ >= kBadToPause) {
            paused_ = true;
            paused_at_ = now;
            tried_from_ = 0;
            // Back to a pause soon after a try: the next try waits twice as long.
            const bool failed_try = resumed_at_ >= 0 && now - resumed_at_ < 3 * kPausedRetryMs;
            retry_wait_ = failed_try ? std::min(retry_wait_ * 2, kPausedRetryMaxMs) : kPausedRetryMs;
            // Paused by a blackout (nothing arrived: no report, or one that says all lost): the
            // first clean report on the sound says the line is back. Not after a try that such
            // a report brought and that failed: a line that carries the sound and loses every
            // picture would be tried every few seconds.
            dark_while_paused_ = r.stalled && !(failed_try && dark_resume_);
            if (!failed_try) dark_resume_ = false;  // the picture lasted: a try by darkness may come again
        }
    }
    level_ = level_for(rate_);
    return !(level_ == before);
}

}  // namespace ledsager::core
