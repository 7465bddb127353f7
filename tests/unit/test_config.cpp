// Configuration: defaults, the shipped file, and bad values named by file, line and key.
#include <doctest/doctest.h>

#include <unistd.h>
#include <filesystem>
#include <fstream>

#include "core/config.hpp"
#include "temp_dir.hpp"

using namespace ledsager::core;
using namespace ledsager::common;
namespace fs = std::filesystem;

namespace {
std::string load_text(const std::string& toml, KioskConfig& c, bool& ok) {
    const ledsager::test::TempDir tmp("ledsager-config");
    const fs::path p = tmp.path / "kiosk.toml";
    tmp.write("kiosk.toml", toml);
    Diagnostics d;
    ok = load_config(p, c, d);
    std::string out;
    for (const auto& i : d.items)
        out += i.format().substr(p.string().size()) + "\n";
    return out;
}
}  // namespace

TEST_CASE("the shipped config/kiosk.toml loads and equals the documented defaults") {
    KioskConfig c;
    Diagnostics d;
    CHECK(load_config(LEDSAGER_SOURCE_CONFIG "/kiosk.toml", c, d));
    CHECK(d.items.empty());
    KioskConfig defaults;
    CHECK(c.inactivity_timeout_s == defaults.inactivity_timeout_s);
    CHECK(c.warning_countdown_s == defaults.warning_countdown_s);
    CHECK(c.offered == defaults.offered);
    CHECK(c.default_language == defaults.default_language);
    CHECK(c.keys == defaults.keys);  // the documented key map is the built-in one
    CHECK(c.speech_inactivity_timeout_s == defaults.speech_inactivity_timeout_s);
    CHECK(c.content_public_keys.empty());  // no updates until IT pins a key
    CHECK(c.content_store_dir == defaults.content_store_dir);
}

TEST_CASE("the keypad map: one action replaced, the others kept; bad entries named") {
    KioskConfig c;
    bool ok = false;
    CHECK(load_text("[keys]\nhelp = \"F12\"\nread_aloud = [\"F2\", \"Keypad 1\"]\n", c, ok).empty());
    CHECK(ok);
    CHECK(c.keys["help"] == std::vector<std::string>{"F12"});
    CHECK(c.keys["read_aloud"] == std::vector<std::string>{"F2", "Keypad 1"});
    CHECK(c.keys["enter"] == KioskConfig::default_keys()["enter"]);
    KioskConfig bad;
    const std::string out = load_text("[keys]\nfly = [\"F9\"]\nup = 3\n", bad, ok);
    CHECK(!ok);
    CHECK(out.find(":2: error: keys.fly: unknown keypad action") != std::string::npos);
    CHECK(out.find(":3: error: keys.up: must be a key name in quotes or a list of them") != std::string::npos);
}

TEST_CASE("values are read") {
    KioskConfig c;
    bool ok = false;
    auto msg = load_text(
        "[session]\ninactivity_timeout_s = 300\n[languages]\noffered = [\"en\", \"da\"]\ndefault = \"en\"\n"
        "[site]\nname = \"Hovedbiblioteket\"\nfront_desk.da = \"Skranke 3\"\n",
        c, ok);
    CHECK_MESSAGE(ok, msg);
    CHECK(c.inactivity_timeout_s == 300);
    CHECK(c.default_language == "en");
    CHECK(c.site_name == "Hovedbiblioteket");
    CHECK(c.front_desk["da"] == "Skranke 3");
}

TEST_CASE("bad values name the line and key") {
    KioskConfig c;
    bool ok = true;
    std::string toml, expect;
    SUBCASE("out of range") {
        toml = "[session]\ninactivity_timeout_s = 5\n";
        expect = ":2: error: session.inactivity_timeout_s: must be between 30 and 3600 (got 5)";
    }
    SUBCASE("wrong type") {
        toml = "[session]\nwarning_countdown_s = \"thirty\"\n";
        expect = ":2: error: session.warning_countdown_s: must be a whole number";
    }
    SUBCASE("unknown key") {
        toml = "[session]\ninactivity_timeout = 60\n";
        expect = ":2: error: session.inactivity_timeout: unknown setting";
    }
    SUBCASE("text scale") {
        toml = "[display]\ntext_scale = 120\n";
        expect = ":2: error: display.text_scale: must be 100, 150 or 200";
    }
    SUBCASE("unknown language") {
        toml = "[languages]\noffered = [\"da\", \"klingon\"]\n";
        expect = ":2: error: languages.offered: 'klingon' is not a language Ledsager knows";
    }
    SUBCASE("default not offered") {
        toml = "[languages]\noffered = [\"da\"]\ndefault = \"en\"\n";
        expect = ":3: error: languages.default: 'en' must be one of languages.offered";
    }
    SUBCASE("a content key that is not a key") {
        toml = "[content]\npublic_keys = [\n  \"abc\",\n]\n";
        expect = ":3: error: content.public_keys: not an ed25519 public key in base64";
    }
    SUBCASE("broken TOML") {
        toml = "[session\n";
        expect = ":1: error: not valid TOML";
    }
    auto msg = load_text(toml, c, ok);
    CHECK_FALSE(ok);
    CHECK_MESSAGE(msg.find(expect) != std::string::npos, msg);
}

TEST_CASE("a kiosk speaks plain http only to a hub on its own machine") {
    for (const char* ok : {"https://hub.kommune.dk", "https://10.0.0.5:8443", "http://127.0.0.1:8080",
                           "http://127.5.6.7", "http://localhost:8080/", "http://[::1]:8080"})
        CHECK_MESSAGE(hub_url_allowed(ok), ok);
    for (const char* bad :
         {"http://hub.kommune.dk", "http://10.0.0.5:8080", "http://127.0.0.1.evil.dk", "http://localhost.evil.dk",
          "http://128.0.0.1", "http://[::2]:80", "http://localhost:1@hub.example.dk", "http://[::1]:1@evil.dk",
          "http://127.0.0.1@evil.dk", "ftp://hub", "https://", "hub.kommune.dk", "http://127.0.0.256"})
        CHECK_FALSE_MESSAGE(hub_url_allowed(bad), bad);
    KioskConfig c;
    bool ok = true;
    const std::string out = load_text("[hub]\nurl = \"http://hub.kommune.dk\"\ntoken = \"t\"\n", c, ok);
    CHECK_FALSE(ok);
    CHECK(out.find(":2: error: hub.url: must start with https://") != std::string::npos);
}
