// language_fallback: a language with only part of the interface translated and no guide
// text falls back to English, then Danish, and says so on screen; nothing shows a raw key.
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "harness.hpp"

namespace fs = std::filesystem;
using namespace ledsager;

TEST_CASE("a partly translated language: interface falls back per string, guides visibly") {
    const fs::path po = fs::temp_directory_path() / ("ledsager-po-" + std::to_string(::getpid()));
    fs::create_directories(po);
    fs::copy_file(LEDSAGER_SOURCE_PO "/da.po", po / "da.po");
    fs::copy_file(LEDSAGER_SOURCE_PO "/en.po", po / "en.po");
    // Polish with two strings only; "bar.end" is missing from English too, to reach Danish.
    std::ofstream(po / "pl.po") << "msgid \"catalogue.heading\"\nmsgstr \"W czym potrzebujesz pomocy?\"\n\n"
                                   "msgid \"step.next\"\nmsgstr \"Dalej\"\n";
    {
        std::string text = test::read_file((po / "en.po").string());
        const auto at = text.find("msgid \"bar.end\"");
        REQUIRE(at != std::string::npos);
        text.erase(at, text.find("\n\n", at) - at);
        std::ofstream(po / "en.po") << text;
    }
    core::KioskConfig config;
    config.offered = {"da", "en", "pl"};
    {
        test::Harness h(config, LEDSAGER_SOURCE_ASSETS "/guides", po.string());
        h.tap("attract.start");
        CHECK(h.shows("Polski"));  // each language named in its own words
        h.tap("language.pl");
        INFO(h.screen_text());
        CHECK(h.shows("W czym potrzebujesz pomocy?"));  // Polish where there is Polish
        CHECK(h.find("bar.text_size")->label == "Text size");  // English next
        CHECK(h.find("bar.end")->label == "Afslut");            // Danish last
        for (const auto& e : h.elements()) CHECK_MESSAGE(e.label.find("bar.") != 0, "raw key on screen: " << e.label);
        h.tap("guide.mitid-login");
        h.tap("needs.start");
        // The guide has no Polish text: it is shown in English, and the screen says so.
        CHECK(h.shows("Do you have the MitID app?"));
        CHECK(h.shows("This guide is not yet in your language. It is shown in English."));
    }
    fs::remove_all(po);
}
