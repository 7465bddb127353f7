// i18n_catalogues: every interface key the code uses exists in every catalogue, the
// catalogues hold the same keys (no drift), no fuzzy entries ship, and each is valid for
// gettext's own msgfmt --check; every msgid has the same translator comment everywhere.
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "common/catalogue.hpp"
#include "core/i18n.hpp"
#include "harness.hpp"

namespace fs = std::filesystem;
using namespace ledsager::core;
using namespace ledsager::common;

namespace {

std::set<std::string> keys_used_by_code() {
    std::set<std::string> keys;
    // ui.t("key"), ui.t_n("key", n, …) and N_("key") (a key chosen at run time), as xgettext
    // would find them.
    const std::regex call(R"(\b(?:t|t_n|N_)\(\s*"([a-z_]+\.[a-z_.]+)\")");
    for (const auto& entry : fs::recursive_directory_iterator(LEDSAGER_SOURCE_DIR "/kiosk")) {
        if (entry.path().extension() != ".cpp") continue;
        const std::string text = ledsager::test::read_file(entry.path().string());
        for (std::sregex_iterator it(text.begin(), text.end(), call), end; it != end; ++it)
            keys.insert((*it)[1]);
    }
    for (const auto& c : kCategories)
        keys.insert("category." + std::string(c.id));
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
            CHECK_MESSAGE(!e.fuzzy, entry.path().string()
                                        << ":" << e.line << ": fuzzy entry '" << e.msgid << "' must not ship");
            CHECK_MESSAGE(!e.msgstr.empty(), entry.path().string()
                                                 << ":" << e.line << ": untranslated '" << e.msgid << "'");
            keys_by_lang[lang].insert(e.msgid);
        }
        for (const auto& k : used)
            CHECK_MESSAGE(keys_by_lang[lang].count(k), entry.path().string() << ": missing key '" << k << "'");
        for (const auto& k : keys_by_lang[lang])
            CHECK_MESSAGE(used.count(k), entry.path().string()
                                             << ": key '" << k << "' is not used by the code (drift)");
        const std::string cmd = "msgfmt --check -o /dev/null '" + entry.path().string() + "'";
        CHECK_MESSAGE(std::system(cmd.c_str()) == 0, cmd);
    }
    CHECK(keys_by_lang.count("en"));
    CHECK(keys_by_lang.count("da"));
}

// Every msgid carries a translator comment (#.) saying where it appears and how long it may
// be, the same comment in every catalogue; and every text, each plural form too, keeps to
// that length ("besides" a placeholder's value: the {…} are not counted).
TEST_CASE("translator comments on every msgid, alike in every catalogue, and texts within their length") {
    auto comments_of = [](const std::string& path) {
        std::map<std::string, std::string> out;
        std::istringstream in(ledsager::test::read_file(path));
        std::string line, comment;
        while (std::getline(in, line)) {
            if (line.rfind("#. ", 0) == 0)
                comment = line.substr(3);
            else if (line.rfind("msgid \"", 0) == 0 && line != "msgid \"\"") {
                out[line.substr(7, line.size() - 8)] = comment;
                comment.clear();
            } else if (line.empty())
                comment.clear();
        }
        return out;
    };
    auto utf8_length = [](const std::string& s) {
        size_t n = 0;
        for (unsigned char c : s)
            n += (c & 0xC0) != 0x80;
        return n;
    };
    const auto en = comments_of(LEDSAGER_SOURCE_PO "/en.po");
    REQUIRE(en.size() > 30);
    const std::regex limit(R"(at most (\d+) characters( besides)?)");
    const std::regex placeholder(R"(\{[a-z_]+\})");
    for (const auto& entry : fs::directory_iterator(LEDSAGER_SOURCE_PO)) {
        if (entry.path().extension() != ".po") continue;
        const std::string file = entry.path().string();
        const auto comments = comments_of(file);
        Diagnostics d;
        const auto parsed = parse_po_file(ledsager::test::read_file(file), file, d);
        for (const auto& e : parsed.entries) {
            const std::string& comment = comments.count(e.msgid) ? comments.at(e.msgid) : std::string();
            CHECK_MESSAGE(!comment.empty(), file << ":" << e.line << ": '" << e.msgid << "' has no #. comment");
            CHECK_MESSAGE(comment == (en.count(e.msgid) ? en.at(e.msgid) : ""),
                          file << ":" << e.line << ": '" << e.msgid << "': #. comment differs from po/en.po");
            std::smatch m;
            if (!std::regex_search(comment, m, limit)) {
                FAIL_CHECK(file << ":" << e.line << ": '" << e.msgid
                                << "': the #. comment gives no length (at most N characters)");
                continue;
            }
            const size_t max = std::stoul(m[1]);
            const bool besides = m[2].matched;
            std::vector<std::string> texts = e.plural() ? e.plurals : std::vector<std::string>{e.msgstr};
            for (const auto& text : texts) {
                const std::string counted = besides ? std::regex_replace(text, placeholder, "") : text;
                CHECK_MESSAGE(utf8_length(counted) <= max, file << ":" << e.line << ": '" << e.msgid << "' is "
                                                                << utf8_length(counted) << " characters, at most "
                                                                << max << ": " << text);
            }
        }
    }
}
