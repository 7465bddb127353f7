// rtl_text_direction: every interface string and every guide line of Arabic, Persian and
// Urdu is laid out as a right-to-left paragraph, also when it starts with a Latin word
// ("MitID", "borger.dk") or a {placeholder}, and its words come out in the order FriBidi
// gives for that line with a right-to-left base. The same line laid out by its first strong
// character (the old rule) must differ for at least one line of each language: that is what
// the test guards against.
#include <fribidi.h>
#include <imgui.h>

#include <regex>

#include "common/content.hpp"
#include "core/i18n.hpp"
#include "harness.hpp"
#include "ui/shaping.hpp"

using namespace ledsager;

namespace {

std::u32string decode(const std::string& s) {
    std::u32string out;
    for (size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        const int n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        char32_t cp = n == 1 ? c : n == 2 ? c & 0x1F : n == 3 ? c & 0x0F : c & 0x07;
        for (int k = 1; k < n && i + k < s.size(); ++k)
            cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
        out.push_back(cp);
        i += static_cast<size_t>(n);
    }
    return out;
}

std::string encode(const std::u32string& u) {
    std::string out;
    for (char32_t c : u) {
        if (c < 0x80) {
            out += static_cast<char>(c);
        } else if (c < 0x800) {
            out += static_cast<char>(0xC0 | (c >> 6));
            out += static_cast<char>(0x80 | (c & 0x3F));
        } else if (c < 0x10000) {
            out += static_cast<char>(0xE0 | (c >> 12));
            out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (c & 0x3F));
        } else {
            out += static_cast<char>(0xF0 | (c >> 18));
            out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
            out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (c & 0x3F));
        }
    }
    return out;
}

bool ignorable(char32_t c) {
    return (c >= 0x200B && c <= 0x200F) || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
}

// FriBidi's own visual order of one line, paragraph direction given: levels (rules P..I),
// reordering (L1, L2) and mirroring (L4), without Arabic shaping (the kiosk shapes with
// HarfBuzz, which does not move words).
std::string fribidi_visual(const std::string& line, bool rtl) {
    std::u32string u = decode(line);
    const auto n = static_cast<FriBidiStrIndex>(u.size());
    if (n == 0) return {};
    std::vector<FriBidiCharType> types(u.size());
    std::vector<FriBidiBracketType> brackets(u.size());
    std::vector<FriBidiLevel> levels(u.size());
    const auto* chars = reinterpret_cast<const FriBidiChar*>(u.data());
    fribidi_get_bidi_types(chars, n, types.data());
    fribidi_get_bracket_types(chars, n, types.data(), brackets.data());
    FriBidiParType dir = rtl ? FRIBIDI_PAR_RTL : FRIBIDI_PAR_LTR;
    REQUIRE(fribidi_get_par_embedding_levels_ex(types.data(), brackets.data(), n, &dir, levels.data()) != 0);
    std::u32string vis = u;
    for (size_t i = 0; i < vis.size(); ++i) {
        FriBidiChar m = 0;
        if (levels[i] % 2 == 1 && fribidi_get_mirror_char(vis[i], &m)) vis[i] = m;
    }
    REQUIRE(fribidi_reorder_line(0, types.data(), n, 0, dir, levels.data(), reinterpret_cast<FriBidiChar*>(vis.data()),
                                 nullptr) != 0);
    std::u32string out;
    for (char32_t c : vis)
        if (!ignorable(c)) out.push_back(c);
    return encode(out);
}

bool has_arabic_letter(const std::string& s) {
    for (char32_t c : decode(s)) {
        const FriBidiCharType t = fribidi_get_bidi_type(c);
        if (t == FRIBIDI_TYPE_RTL || t == FRIBIDI_TYPE_AL) return true;
    }
    return false;
}

bool starts_latin(const std::string& s) {
    for (char32_t c : decode(s)) {
        const FriBidiCharType t = fribidi_get_bidi_type(c);
        if (t == FRIBIDI_TYPE_LTR) return true;
        if (t == FRIBIDI_TYPE_RTL || t == FRIBIDI_TYPE_AL) return false;
    }
    return false;
}

// A placeholder becomes what the kiosk puts there: a number or a Latin name.
std::string fill(const std::string& s) {
    static const std::regex number(R"(\{(n|minutes|seconds|total|count|position|step|percent|size)\})");
    static const std::regex other(R"(\{[a-z_]+\})");
    return std::regex_replace(std::regex_replace(s, number, "12"), other, "Anna Jensen");
}

struct Text {
    std::string where;
    std::string text;
};

std::vector<Text> texts_of(const std::string& lang) {
    std::vector<Text> out;
    common::Diagnostics diags;
    core::Translator tr;
    tr.load_dir(LEDSAGER_SOURCE_PO, diags);
    const auto* catalog = tr.catalog(lang);
    REQUIRE_MESSAGE(catalog, "no po/" << lang << ".po");
    for (const auto& [key, text] : *catalog)
        out.push_back({"po/" + lang + ".po " + key, fill(text)});
    const common::ContentSet content = common::load_content(LEDSAGER_SOURCE_ASSETS "/guides");
    for (const auto& g : content.guides) {
        auto it = g.text.find(lang);
        if (it == g.text.end()) continue;
        const common::GuideText& t = it->second;
        const std::string at = g.id + "/" + lang + ".toml ";
        out.push_back({at + "title", t.title});
        out.push_back({at + "subtitle", t.subtitle});
        for (const auto& need : t.needs)
            out.push_back({at + "needs", need});
        for (const auto& [id, step] : t.steps) {
            out.push_back({at + id + ".title", step.title});
            out.push_back({at + id + ".text", step.text});
            out.push_back({at + id + ".image_alt", step.image_alt});
            for (const auto& [cid, label] : step.choices)
                out.push_back({at + id + ".choices." + cid, label});
        }
        out.push_back({at + "end.title", t.end_title});
        out.push_back({at + "end.summary", t.end_summary});
    }
    return out;
}

}  // namespace

TEST_CASE("Arabic, Persian and Urdu text is right to left, in FriBidi's word order, whatever it starts with") {
    ImGuiContext* ctx = ImGui::CreateContext();
    ImFont* font = ImGui::GetIO().Fonts->AddFontDefault();
    unsigned char* pixels = nullptr;
    int w = 0, h = 0;
    ImGui::GetIO().Fonts->GetTexDataAsAlpha8(&pixels, &w, &h);
    // Without the Arabic faces the shaper only orders: the words as they will stand.
    ui::Shaper shaper;
    for (const std::string lang : {"ar", "fa", "ur"}) {
        int paragraphs = 0, latin_first = 0, old_rule_wrong = 0;
        for (const auto& t : texts_of(lang)) {
            if (t.text.empty()) continue;
            const ui::Shaper::Block& block = shaper.layout(t.text, font, 0, true);
            size_t pos = 0;
            for (const auto& line : block.lines) {
                const size_t end = std::min(t.text.find('\n', pos), t.text.size());
                const std::string par = t.text.substr(pos, end - pos);
                pos = end + 1;
                if (!has_arabic_letter(par)) continue;  // a Danish button name on a line of its own
                ++paragraphs;
                INFO(t.where << ": " << par);
                CHECK(line.rtl);
                CHECK(line.visual == fribidi_visual(par, true));
                if (starts_latin(par)) {
                    ++latin_first;
                    old_rule_wrong += fribidi_visual(par, false) != fribidi_visual(par, true);
                }
            }
            CHECK(block.rtl == has_arabic_letter(t.text));
        }
        MESSAGE(lang << ": " << paragraphs << " paragraphs checked, " << latin_first << " start with a Latin word, "
                     << old_rule_wrong << " of them the first-strong rule laid out wrongly");
        CHECK(paragraphs > 200);
        CHECK(latin_first > 0);
        CHECK(old_rule_wrong > 0);
    }
    ImGui::DestroyContext(ctx);
}
