// What the kiosk asks of reading aloud, whatever does it: platform::Speech (espeak-ng and
// an audio device) in the program, a fake in tests that need no sound.
#pragma once

#include <string>
#include <vector>

namespace ledsager::core {

struct SpeechRequest {
    std::string text;
    std::string lang;    // ISO 639-1 code of a voice the reader has
    int rate_wpm = 150;  // words per minute
    int volume = 100;    // espeak-ng's scale, 0..200
    std::string audio;   // a WAV file played instead of synthesising `text`
};

class Voice {
public:
    virtual ~Voice() = default;
    // Language codes (of the given ones) it has a voice for.
    virtual std::vector<std::string> voices_for(const std::vector<std::string>& langs) const = 0;
    // Says the parts one after another, cutting off anything still being said. Never waits.
    virtual void say(std::vector<SpeechRequest> parts) = 0;
    virtual void stop() = 0;
    // Called from the frame loop: a moment to rest the audio device when nothing is said.
    virtual void pause_when_idle() = 0;
};

}  // namespace ledsager::core
