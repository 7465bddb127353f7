// language_fallback: a language with only part of the interface translated and no guide
// text falls back to English, then Danish, and says so on screen; nothing shows a raw key.
#include <unistd.h>
#include <filesystem>
#include <fstream>

#include "harness.hpp"
#include "temp_dir.hpp"

namespace fs = std::filesystem;
using namespace ledsager;

TEST_CASE("a partly translated language: interface falls back per string, guides visibly") {
    const ledsager::test::TempDir po_tmp("ledsager-po");
    const std::filesystem::path& po = po_tmp.path;
    fs::copy_file(LEDSAGER_SOURCE_PO "/da.po", po / "da.po");
    fs::copy_file(LEDSAGER_SOURCE_PO "/en.po", po / "en.po");
    // Somali with two strings only; "bar.end" is missing from English too, to reach Danish.
    std::ofstream(po / "so.po")
        << "msgid \"catalogue.heading\"\nmsgstr \"Caawimaad noocee ah ayaad u baahan tahay?\"\n\n"
           "msgid \"step.next\"\nmsgstr \"Sii wad\"\n";
    {
        std::string text = test::read_file((po / "en.po").string());
        const auto at = text.find("msgid \"bar.end\"");
        REQUIRE(at != std::string::npos);
        text.erase(at, text.find("\n\n", at) - at);
        std::ofstream(po / "en.po") << text;
    }
    core::KioskConfig config;
    config.offered = {"da", "en", "so"};
    {
        test::Harness h(config, LEDSAGER_SOURCE_ASSETS "/guides", po.string());
        h.tap("attract.start");
        CHECK(h.shows("Soomaali"));  // each language named in its own words
        h.tap("language.so");
        INFO(h.screen_text());
        CHECK(h.shows("Caawimaad noocee ah ayaad u baahan tahay?"));  // Somali where there is Somali
        CHECK(h.find("bar.text_size")->label == "Text size");         // English next
        CHECK(h.find("bar.end")->label == "Afslut");                  // Danish last
        for (const auto& e : h.elements())
            CHECK_MESSAGE(e.label.find("bar.") != 0, "raw key on screen: " << e.label);
        h.tap("guide.folkepension");
        h.tap("needs.start");
        // The guide has no Somali text: it is shown in English, and the screen says so.
        CHECK(h.shows("See when you can get the state pension"));
        CHECK(h.shows("This guide is not yet in your language. It is shown in English."));
    }
    fs::remove_all(po);
}
