// Reading aloud: espeak-ng synthesises on a worker thread of its own and the samples go
// to an SDL audio device through a small queue. The UI thread only hands over text; it
// never waits for speech. New speech cuts off old speech at once.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/voice.hpp"

namespace ledsager::platform {

using SpeechRequest = core::SpeechRequest;

class Speech final : public core::Voice {
public:
    // Starts espeak-ng. With `audio`, also opens the default SDL audio device (SDL's audio
    // subsystem is initialised here); without it, only synthesize() is useful (tests).
    // Returns null with `error` set when espeak-ng or the audio device cannot be opened.
    static std::unique_ptr<Speech> open(bool audio, std::string& error);
    ~Speech() override;
    Speech(const Speech&) = delete;
    Speech& operator=(const Speech&) = delete;

    // Language codes (of the given ones) that espeak-ng has a voice for.
    std::vector<std::string> voices_for(const std::vector<std::string>& langs) const override;
    bool has_voice(const std::string& lang) const;

    // Says the parts one after another (each in its own voice), cutting off anything still
    // being said.
    void say(std::vector<SpeechRequest> parts) override;
    // Stops speaking now.
    void stop() override;
    // True while samples are being made or played.
    bool speaking() const;
    // Pauses the audio device when nothing is being said (no audio thread work while the
    // kiosk is idle); say() starts it again. Call it from the frame loop.
    void pause_when_idle() override;

    // Synthesises to memory (mono, signed 16-bit at sample_rate()); does not play. Waits.
    std::vector<std::int16_t> synthesize(const SpeechRequest& request);
    int sample_rate() const;

    // For the benchmark: steady-clock nanoseconds when the audio device took the first
    // non-silent sample of the latest say(), or 0 when it has not yet.
    std::int64_t first_sample_ns() const;

    struct Impl;

private:
    explicit Speech(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace ledsager::platform
