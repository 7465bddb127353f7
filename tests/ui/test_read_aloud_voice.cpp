// read_aloud_voice: what reading aloud hands to the reader (core::Voice), with a fake
// reader and no sound: the screen's words in the citizen's language, at the rate and
// volume they chose, stopped when they ask; a language with no voice is not read in it.
#include "harness.hpp"

using namespace ledsager;
using core::Key;

TEST_CASE("reading aloud hands the reader the screen's words, in the citizen's language, at their rate and volume") {
    test::Harness h;
    h.set_rasterize(false);
    test::FakeVoice* voice = h.use_fake_voice({"da", "en", "pl"});
    const auto& tr = h.app().translator();
    const auto& config = h.app().config();

    h.key(Key::ReadAloud);
    REQUIRE(h.session().data().speech);
    REQUIRE(!voice->said.empty());
    CHECK(voice->said.back().front().lang == "da");
    CHECK(voice->last_text().find(tr.tr("da", "attract.title")) != std::string::npos);
    CHECK(voice->said.back().front().rate_wpm == config.speech_rate_wpm);
    CHECK(voice->said.back().front().volume == config.speech_volume);

    h.key(Key::Enter);
    REQUIRE(h.session().data().screen == core::Screen::Language);
    h.tap("language.pl");  // with reading aloud on, the first touch says the button
    CHECK(voice->last_text().find("Polski") != std::string::npos);
    h.tap("language.pl");  // the second uses it
    REQUIRE(h.session().data().screen == core::Screen::Catalogue);
    CHECK(voice->said.back().front().lang == "pl");
    CHECK(voice->last_text().find(tr.tr("pl", "catalogue.heading")) != std::string::npos);

    // Faster and louder, then the screen again: the reader gets the new rate and volume.
    h.key(Key::Faster);
    h.key(Key::Louder);
    const size_t before = voice->said.size();
    h.key(Key::Repeat);
    REQUIRE(voice->said.size() > before);
    CHECK(voice->said.back().front().rate_wpm == config.speech_rate_wpm * 120 / 100);
    CHECK(voice->said.back().front().volume == std::min(config.speech_volume + 25, 200));
    CHECK(voice->last_text().find(tr.tr("pl", "catalogue.heading")) != std::string::npos);

    // Stop: the reader is told at once, and reading aloud stays on.
    const int stops = voice->stops;
    h.key(Key::StopSpeech);
    CHECK(voice->stops == stops + 1);
    CHECK(h.session().data().speech);
}

TEST_CASE("a language the reader has no voice for is not read in it; the kiosk offers Danish or English") {
    test::Harness h;
    h.set_rasterize(false);
    test::FakeVoice* voice = h.use_fake_voice({"da", "en"});
    h.key(Key::ReadAloud);
    h.key(Key::Enter);
    h.tap("language.pl");
    h.tap("language.pl");
    REQUIRE(h.session().data().speech_dialog == core::SpeechDialog::NoVoice);
    CHECK(h.shows(h.app().translator().tr("pl", "speech.no_voice")));
    h.tap("speech.voice.en");
    h.tap("speech.voice.en");
    CHECK(h.session().speech_language() == "en");
    REQUIRE(!voice->said.empty());
    CHECK(voice->said.back().front().lang == "en");
    for (const auto& said : voice->said)
        for (const auto& part : said)
            CHECK(part.lang != "pl");
}
