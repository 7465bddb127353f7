// i18n_catalogues: every interface key the code uses exists in every catalogue, the
// catalogues hold the same keys (no drift), no fuzzy entries ship, and each is valid for
// gettext's own msgfmt --check.
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "core/catalogue.hpp"
#include "core/i18n.hpp"
#include "harness.hpp"

namespace fs = std::filesystem;
using namespace ledsager::core;

namespace {

std::set<std::string> keys_used_by_code() {
    std::set<std::string> keys;
    // ui.t("key"), ui.t_n("key", n, …) and N_("key") (a key chosen at run time), as xgettext
    // would find them.
    const std::regex call(R"(\b(?:t|t_n|N_)\(\s*"([a-z_]+\.[a-z_.]+)\")");
    for (const auto& entry : fs::recursive_directory_iterator(LEDSAGER_SOURCE_DIR "/kiosk")) {
        if (entry.path().extension() != ".cpp") continue;
        const std::string text = ledsager::test::read_file(entry.path().string());
        for (std::sregex_iterator it(text.begin(), text.end(), call), end; it != end; ++it) keys.insert((*it)[1]);
    }
    for (const auto& c : kCategories) keys.insert("category." + std::string(c.id));
    return keys;
}
}  // namespace

TEST_CASE("code and catalogues agree; nothing fuzzy; msgfmt accepts them") {
    const auto used = keys_used_by_code();
    REQUIRE(used.size() > 30);
    std::map<std::string, std::set<std::string>> keys_by_lang;
    for (const auto& entry : fs::directory_iterator(LEDSAGER_SOURCE_PO)) {
        if (entry.path().extension() != ".po") continue;
        const std::string lang = entry.path().stem().string();
        Diagnostics d;
        const auto entries = parse_po(ledsager::test::read_file(entry.path().string()), entry.path().string(), d);
        CHECK(d.items.empty());
        for (const auto& e : entries) {
            CHECK_MESSAGE(!e.fuzzy, entry.path().string() << ":" << e.line << ": fuzzy entry '" << e.msgid << "' must not ship");
            CHECK_MESSAGE(!e.msgstr.empty(), entry.path().string() << ":" << e.line << ": untranslated '" << e.msgid << "'");
            keys_by_lang[lang].insert(e.msgid);
        }
        for (const auto& k : used) CHECK_MESSAGE(keys_by_lang[lang].count(k), entry.path().string() << ": missing key '" << k << "'");
        for (const auto& k : keys_by_lang[lang])
            CHECK_MESSAGE(used.count(k), entry.path().string() << ": key '" << k << "' is not used by the code (drift)");
        const std::string cmd = "msgfmt --check -o /dev/null '" + entry.path().string() + "'";
        CHECK_MESSAGE(std::system(cmd.c_str()) == 0, cmd);
    }
    CHECK(keys_by_lang.count("en"));
    CHECK(keys_by_lang.count("da"));
}
