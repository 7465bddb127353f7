// A reader that says nothing: it keeps what the kiosk asked it to say, for tests that need
// no espeak-ng and no sound device (core::Voice is the seam).
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "core/voice.hpp"

namespace ledsager::test {

class FakeVoice final : public core::Voice {
public:
    explicit FakeVoice(std::vector<std::string> langs) : langs_(std::move(langs)) {}
    std::vector<std::string> voices_for(const std::vector<std::string>& langs) const override {
        std::vector<std::string> out;
        for (const auto& l : langs)
            if (std::find(langs_.begin(), langs_.end(), l) != langs_.end()) out.push_back(l);
        return out;
    }
    void say(std::vector<core::SpeechRequest> parts) override { said.push_back(std::move(parts)); }
    void stop() override { ++stops; }
    void pause_when_idle() override {}

    // Everything said so far, one say() a row; the parts in order.
    std::vector<std::vector<core::SpeechRequest>> said;
    int stops = 0;

    // The texts of the latest say(), joined by spaces.
    std::string last_text() const {
        std::string out;
        if (said.empty()) return out;
        for (const auto& p : said.back())
            out += (out.empty() ? "" : " ") + p.text;
        return out;
    }

private:
    std::vector<std::string> langs_;
};

}  // namespace ledsager::test
