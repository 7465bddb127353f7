// speech_languages: for every language, espeak-ng turns a sample step into non-silent
// audio of plausible length in that language's voice; speed and volume change the sound;
// a language without a voice (Somali, Tigrinya) says so on screen in its own words and is
// read in the voice the citizen picks. In reading-aloud mode a first touch says an
// element and a second touch uses it.
#include <unistd.h>
#include <cmath>
#include <filesystem>
#include <fstream>

#include "common/languages.hpp"
#include "harness.hpp"
#include "platform/speech.hpp"
#include "temp_dir.hpp"

using namespace ledsager;

namespace {

struct Sound {
    double seconds = 0;
    double rms = 0;
};

Sound measure(const std::vector<std::int16_t>& pcm, int rate) {
    Sound s;
    s.seconds = static_cast<double>(pcm.size()) / rate;
    double sum = 0;
    for (auto v : pcm)
        sum += static_cast<double>(v) * v;
    s.rms = pcm.empty() ? 0 : std::sqrt(sum / pcm.size());
    return s;
}

int words(const std::string& s) {
    int n = 0;
    bool in = false;
    for (char c : s) {
        const bool space = c == ' ' || c == '\n';
        if (!space && !in) ++n;
        in = !space;
    }
    return n;
}

// `text` was said in one of the last few utterances (a part in another voice is its own).
bool said_lately(const test::Harness& h, const std::string& text) {
    const auto& said = h.said();
    for (size_t i = said.size(), n = 0; i > 0 && n < 4; --i, ++n)
        if (said[i - 1].find(text) != std::string::npos) return true;
    return false;
}

}  // namespace

TEST_CASE("each language's sample step is spoken: non-silent, plausible length; no voice takes the fallback") {
    std::string error;
    auto speech = platform::Speech::open(false, error);
    REQUIRE_MESSAGE(speech, error);
    const auto content = common::load_content(LEDSAGER_SOURCE_ASSETS "/guides");
    const common::Guide* guide = content.find("mitid-login");
    REQUIRE(guide);
    for (const auto& l : common::kLanguages) {
        const std::string code(l.code);
        INFO(code);
        const bool expected_voice = code != "so" && code != "ti";
        REQUIRE(speech->has_voice(code) == expected_voice);
        if (!expected_voice) continue;
        auto text = guide->text.find(code);
        REQUIRE(text != guide->text.end());
        const auto& step = text->second.steps.at(guide->steps.front().id);
        const std::string sample = step.title + "\n" + step.text;
        const Sound s = measure(speech->synthesize({sample, code, 150, 100, {}}), speech->sample_rate());
        const double per_word = s.seconds / words(sample);
        MESSAGE(code << ": " << words(sample) << " words, " << s.seconds << " s, rms " << s.rms);
        CHECK(s.rms > 300);  // not silence
        CHECK(per_word > 0.15);
        CHECK(per_word < 1.5);
    }
    // Speed and volume change what is heard.
    const std::string t = "Tryk på Næste for at fortsætte.";
    const Sound normal = measure(speech->synthesize({t, "da", 150, 100, {}}), speech->sample_rate());
    const Sound fast = measure(speech->synthesize({t, "da", 250, 100, {}}), speech->sample_rate());
    const Sound loud = measure(speech->synthesize({t, "da", 150, 180, {}}), speech->sample_rate());
    CHECK(fast.seconds < normal.seconds * 0.8);
    CHECK(loud.rms > normal.rms * 1.3);
}

TEST_CASE("a language without a voice: said on screen in its own words, read in the voice chosen") {
    core::KioskConfig config;
    config.offered = {"da", "en", "so", "ti"};
    for (const std::string code : {"so", "ti"}) {
        test::Harness h(config);
        h.enable_speech();
        h.tap("attract.start");
        h.tap("language." + code);
        h.tap("bar.read_aloud");
        REQUIRE(h.session().data().speech);
        REQUIRE(h.session().data().speech_dialog == core::SpeechDialog::NoVoice);
        // The notice in the citizen's language, the choice read in English and Danish.
        CHECK(h.shows(h.app().translator().tr(code, "speech.no_voice")));
        CHECK(h.app().translator().tr(code, "speech.no_voice") != h.app().translator().tr("en", "speech.no_voice"));
        bool english_notice = false;
        for (const auto& s : h.said())
            english_notice =
                english_notice || s.find(h.app().translator().tr("en", "speech.no_voice")) != std::string::npos;
        CHECK(english_notice);
        // Reading aloud: a first touch says the button, the second uses it.
        h.tap("speech.voice.da");
        CHECK(h.session().data().speech_dialog == core::SpeechDialog::NoVoice);
        CHECK(said_lately(h, "Læs op på dansk"));
        h.tap("speech.voice.da");
        CHECK(h.session().data().speech_dialog == core::SpeechDialog::None);
        CHECK(h.session().speech_language() == "da");
        // The screen in the citizen's language is now read in the Danish voice.
        h.tap("guide.mitid-login");
        h.tap("guide.mitid-login");
        CHECK(h.session().data().screen == core::Screen::Needs);
        CHECK(said_lately(h, h.app().content().find("mitid-login")->text.at(code).needs.front()));
    }
}

TEST_CASE("reading aloud: touch once to hear, again to use; speed and volume reset when the session ends") {
    core::KioskConfig config;
    test::Harness h(config);
    h.enable_speech();
    h.tap("attract.start");
    h.tap("language.en");
    h.tap("bar.read_aloud");
    REQUIRE(h.session().data().speech);
    CHECK(said_lately(h, "Reading aloud is on"));
    h.tap("guide.mitid-login");  // said, not opened
    CHECK(h.session().data().screen == core::Screen::Catalogue);
    CHECK(said_lately(h, "Touch again to choose"));
    bool said_tile = false;
    for (const auto& s : h.said())
        said_tile = said_tile || s.find("Log in with MitID") != std::string::npos;
    CHECK(said_tile);
    h.tap("guide.mitid-login");  // now opened
    CHECK(h.session().data().screen == core::Screen::Needs);
    // The new screen is read from the top.
    CHECK(said_lately(h, "What you need"));
    h.key(core::Key::Faster);
    h.key(core::Key::Quieter);
    CHECK(said_lately(h, "Volume 3 of 7"));
    CHECK(h.session().data().speech_rate == 1);
    // The timeout warning is heard as well as seen, after the longer limit for listeners.
    h.wait(static_cast<core::Millis>(config.inactivity_timeout_s) * 1000 + 2000);
    CHECK(!h.session().data().warning);
    h.wait(static_cast<core::Millis>(config.speech_inactivity_timeout_s - config.inactivity_timeout_s) * 1000);
    REQUIRE(h.session().data().warning);
    CHECK(said_lately(h, "Are you still there?"));
    h.wait(static_cast<core::Millis>(config.warning_countdown_s) * 1000 + 1000);
    CHECK(h.session().data().screen == core::Screen::Wiped);
    CHECK(!h.session().data().speech);
    CHECK(h.session().data().speech_rate == 0);
    CHECK(h.session().data().speech_volume == 0);
    CHECK(said_lately(h, "oplysninger"));  // the Danish notice, said once
    // Then nothing that was read during the session is kept.
    h.wait(static_cast<core::Millis>(config.wiped_notice_s) * 1000 + 1000);
    CHECK(h.session().data().screen == core::Screen::Attract);
    CHECK(h.said().empty());
}

TEST_CASE("a step may ship a recording: it is played instead of synthesis, and checked like the rest") {
    namespace fs = std::filesystem;
    const ledsager::test::TempDir dir_tmp("ledsager-audio");
    const std::filesystem::path& dir = dir_tmp.path;
    fs::copy(LEDSAGER_SOURCE_ASSETS "/guides/mitid-login", dir / "mitid-login");
    // A recording: 0.8 s of a 440 Hz tone, 16 kHz mono, 16 bit (a stand-in for a voice).
    {
        const int rate = 16000, n = rate * 8 / 10;
        std::vector<std::int16_t> pcm(n);
        for (int i = 0; i < n; ++i)
            pcm[i] = static_cast<std::int16_t>(8000 * std::sin(2 * 3.14159265 * 440 * i / rate));
        std::ofstream f(dir / "mitid-login" / "have-app.so.wav", std::ios::binary);
        auto u32 = [&](std::uint32_t v) { f.write(reinterpret_cast<const char*>(&v), 4); };
        auto u16 = [&](std::uint16_t v) { f.write(reinterpret_cast<const char*>(&v), 2); };
        f.write("RIFF", 4);
        u32(36 + n * 2);
        f.write("WAVEfmt ", 8);
        u32(16);
        u16(1);
        u16(1);
        u32(rate);
        u32(rate * 2);
        u16(2);
        u16(16);
        f.write("data", 4);
        u32(n * 2);
        f.write(reinterpret_cast<const char*>(pcm.data()), n * 2);
    }
    const fs::path so = dir / "mitid-login" / "so.toml";
    std::string text = test::read_file(so.string());
    const auto at = text.find("[step.have-app]\n");
    REQUIRE(at != std::string::npos);
    // A missing recording is an error naming the file and line; the real one loads.
    std::string broken = text;
    broken.insert(at + 16, "audio = \"nope.wav\"\n");
    std::ofstream(so) << broken;
    auto bad = common::load_content(dir);
    std::string report;
    for (const auto& d : bad.diagnostics.items)
        report += d.format() + "\n";
    CHECK(report.find("so.toml:") != std::string::npos);
    CHECK(report.find("recording not found: nope.wav") != std::string::npos);
    text.insert(at + 16, "audio = \"have-app.so.wav\"\n");
    std::ofstream(so) << text;

    core::KioskConfig config;
    config.offered = {"da", "en", "so"};
    test::Harness h(config, dir.string());
    h.enable_speech();
    h.tap("attract.start");
    h.tap("language.so");
    h.tap("bar.read_aloud");
    h.tap("speech.voice.en");
    h.tap("speech.voice.en");
    REQUIRE(h.session().speech_language() == "en");
    h.tap("guide.mitid-login");
    h.tap("guide.mitid-login");
    h.tap("needs.start");
    h.tap("needs.start");
    REQUIRE(h.session().data().step_id == "have-app");
    bool played = false, synthesised_title = false;
    const auto& st = h.app().content().find("mitid-login")->text.at("so").steps.at("have-app");
    for (const auto& s : h.said()) {
        played = played || s.find("[recording]") != std::string::npos;
        synthesised_title = synthesised_title || s.find(st.title) != std::string::npos;
    }
    CHECK(played);
    CHECK(!synthesised_title);  // the recording replaces the step's words
    // The recording itself reaches the sound: converted to the speech rate, same length.
    auto* speech = dynamic_cast<platform::Speech*>(h.app().speech());
    REQUIRE(speech);
    const auto pcm = speech->synthesize({"", "en", 150, 100, st.audio});
    const double seconds = static_cast<double>(pcm.size()) / speech->sample_rate();
    CHECK(seconds == doctest::Approx(0.8).epsilon(0.05));
    CHECK(measure(pcm, speech->sample_rate()).rms > 3000);
    fs::remove_all(dir);
}
