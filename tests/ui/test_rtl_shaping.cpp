// rtl_shaping_reference: a known Arabic and a known Farsi phrase, drawn the kiosk's way
// (FriBidi + HarfBuzz + FreeType glyphs in the ImGui atlas, drawn by ImGui's SDL renderer),
// match what HarfBuzz's own hb-view (Debian's libharfbuzz-bin) makes from the same font
// at the same size. The comparison works on ink: both pictures are cropped to their ink
// and compared pixel by pixel. Thresholds: ink boxes within 3 % in size, at least 80 %
// overlap of the inked pixels (intersection over union) and a mean coverage difference
// under 0.08. A wrongly shaped phrase (the letters unjoined, or the order reversed) must
// fail the same thresholds: the test proves that too.
#include <SDL.h>
#include <imgui.h>
#include <imgui_impl_sdlrenderer.h>
#include <stb/stb_image.h>

#include <unistd.h>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "harness.hpp"
#include "temp_dir.hpp"
#include "ui/fonts.hpp"
#include "ui/shaping.hpp"
#include "ui/theme.hpp"
#include "ui/ui.hpp"

using namespace ledsager;
namespace fs = std::filesystem;

namespace {

struct Ink {
    int w = 0, h = 0;
    std::vector<float> c;  // coverage 0..1, cropped to the ink
};

Ink load_ink(const std::string& path) {
    int w = 0, h = 0, n = 0;
    unsigned char* px = stbi_load(path.c_str(), &w, &h, &n, 4);
    REQUIRE_MESSAGE(px, "cannot read " << path);
    std::vector<float> cov(static_cast<size_t>(w) * h);
    int x0 = w, y0 = h, x1 = -1, y1 = -1;
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            const unsigned char* p = px + (static_cast<size_t>(y) * w + x) * 4;
            const float c = 1.0f - (0.299f * p[0] + 0.587f * p[1] + 0.114f * p[2]) / 255.0f;
            cov[static_cast<size_t>(y) * w + x] = c;
            if (c > 0.3f) x0 = std::min(x0, x), y0 = std::min(y0, y), x1 = std::max(x1, x), y1 = std::max(y1, y);
        }
    stbi_image_free(px);
    REQUIRE_MESSAGE(x1 >= 0, path << " has no ink");
    Ink ink;
    ink.w = x1 - x0 + 1;
    ink.h = y1 - y0 + 1;
    ink.c.resize(static_cast<size_t>(ink.w) * ink.h);
    for (int y = 0; y < ink.h; ++y)
        for (int x = 0; x < ink.w; ++x)
            ink.c[static_cast<size_t>(y) * ink.w + x] = cov[static_cast<size_t>(y + y0) * w + x + x0];
    return ink;
}

struct Diff {
    double size = 0, iou = 0, mean = 0;
    bool pass() const { return size <= 0.03 && iou >= 0.80 && mean <= 0.08; }
};

Diff compare_at(const Ink& a, const Ink& b, int sx, int sy);

// Rasterisers differ by a pixel here and there: the best of small shifts counts.
Diff compare(const Ink& a, const Ink& b) {
    Diff best;
    for (int sy = -2; sy <= 2; ++sy)
        for (int sx = -2; sx <= 2; ++sx) {
            const Diff d = compare_at(a, b, sx, sy);
            if (d.iou > best.iou) best = d;
        }
    return best;
}

Diff compare_at(const Ink& a, const Ink& b, int sx, int sy) {
    Diff d;
    d.size = std::max(std::abs(a.w - b.w) / static_cast<double>(std::max(a.w, b.w)),
                      std::abs(a.h - b.h) / static_cast<double>(std::max(a.h, b.h)));
    // Aligned at the right edge and the top: both phrases start at the right.
    const int w = std::max(a.w, b.w), h = std::max(a.h, b.h);
    double inter = 0, uni = 0, sum = 0;
    auto at = [](const Ink& i, int x, int y) {
        return (x >= 0 && y >= 0 && x < i.w && y < i.h) ? i.c[static_cast<size_t>(y) * i.w + x] : 0.0f;
    };
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            const float ca = at(a, x - (w - a.w), y), cb = at(b, x - (w - b.w) + sx, y + sy);
            const bool ia = ca > 0.5f, ib = cb > 0.5f;
            inter += ia && ib;
            uni += ia || ib;
            sum += std::abs(ca - cb);
        }
    d.iou = uni > 0 ? inter / uni : 0;
    d.mean = sum / (static_cast<double>(w) * h);
    return d;
}

// The phrase drawn by the kiosk's own text path, saved as PNG.
void kiosk_render(const std::string& phrase, const std::string& lang, const std::string& out, float& ppem) {
    std::string error;
    auto display = platform::Display::open_offscreen(1400, 240, error);
    REQUIRE_MESSAGE(display, error);
    ImGuiContext* ctx = ImGui::CreateContext();
    ImGui::GetIO().IniFilename = nullptr;
    REQUIRE(ImGui_ImplSDLRenderer_Init(display->renderer()));
    const ui::FontFiles files = ui::find_font_files();
    ui::Shaper shaper;
    REQUIRE_MESSAGE(shaper.load(files.arabic_regular, files.arabic_bold, files.regular, error), error);
    ui::Fonts fonts;
    const auto ranges = ui::glyph_ranges({phrase});
    ui::InputState state;
    ui::FrameInput input;
    core::Translator tr;
    for (int pass = 0; pass < 2; ++pass) {
        // Pass 1 registers the shaped glyphs; pass 2 draws them from the rebuilt atlas.
        ImGui_ImplSDLRenderer_DestroyFontsTexture();
        REQUIRE_MESSAGE(ui::build_fonts(*ImGui::GetIO().Fonts, files, 1080, 188, ranges, fonts, error, &shaper), error);
        ImGui_ImplSDLRenderer_CreateFontsTexture();
        ImGui::GetIO().DisplaySize = ImVec2(1400, 240);
        ImGui_ImplSDLRenderer_NewFrame();
        ImGui::NewFrame();
        ui::Ui ui(state, input, ui::default_palette(), fonts, tr, lang, 1400, 240, ImGui::GetBackgroundDrawList(),
                  &shaper);
        ui.label(phrase, 40, 60, fonts.regular, 0x000000);
        ImGui::Render();
        SDL_SetRenderDrawColor(display->renderer(), 255, 255, 255, 255);
        SDL_RenderClear(display->renderer());
        ImGui_ImplSDLRenderer_RenderDrawData(ImGui::GetDrawData());
        if (pass == 0) CHECK(shaper.dirty());
    }
    CHECK(!shaper.dirty());
    ppem = shaper.ppem(fonts.regular->FontSize);
    REQUIRE(display->save_png(out, error));
    ImGui_ImplSDLRenderer_Shutdown();
    ImGui::DestroyContext(ctx);
}

// The text goes in a file: hb-view converts a command-line argument from the locale's
// charset, which fails for Arabic under the C locale of a minimal Debian (no LANG set).
void hb_view(const std::string& font, int ppem, const std::string& text, const std::string& out) {
    const std::string text_file = out + ".txt";
    {
        std::ofstream f(text_file, std::ios::binary);
        f << text;
    }
    const std::string cmd = "hb-view --font-file='" + font + "' --font-size=" + std::to_string(ppem) +
                            " --margin=20 -O png -o '" + out + "' --text-file='" + text_file + "'";
    REQUIRE_MESSAGE(std::system(cmd.c_str()) == 0, cmd);
}

}  // namespace

TEST_CASE("Arabic and Farsi are shaped and ordered as HarfBuzz's hb-view draws them") {
    const ledsager::test::TempDir dir_tmp("ledsager-rtl");
    const std::filesystem::path& dir = dir_tmp.path;
    const ui::FontFiles files = ui::find_font_files();
    struct Case {
        std::string lang, phrase, wrong;  // wrong: the same letters unjoined and left to right
    };
    const std::vector<Case> cases{
        // "Press the green button to continue"
        {"ar", "اضغط على الزر الأخضر للمتابعة", "ا ض غ ط ع ل ى ا ل ز ر ا ل أ خ ض ر"},
        // "You can press the green button" (with a zero-width non-joiner and hamza above)
        {"fa", "می‌توانید دکمهٔ سبز را فشار دهید",
         "م ی ت و ا ن ی د د ک م ه س ب ز ر ا ف ش ا ر"},
    };
    for (const auto& c : cases) {
        INFO(c.lang << ": " << c.phrase);
        float ppem = 0;
        const std::string ours = (dir / (c.lang + "-kiosk.png")).string();
        kiosk_render(c.phrase, c.lang, ours, ppem);
        REQUIRE(std::abs(ppem - std::round(ppem)) < 0.05f);  // hb-view takes whole sizes
        const std::string ref = (dir / (c.lang + "-hb-view.png")).string();
        hb_view(files.arabic_regular, static_cast<int>(std::lround(ppem)), c.phrase, ref);
        const Diff d = compare(load_ink(ours), load_ink(ref));
        MESSAGE(c.lang << " at " << ppem << " px/em: size difference " << d.size << ", ink overlap " << d.iou
                       << ", mean difference " << d.mean);
        CHECK(d.pass());
        // The negative control: a wrongly shaped rendering is told apart.
        const std::string bad = (dir / (c.lang + "-wrong.png")).string();
        hb_view(files.arabic_regular, static_cast<int>(std::lround(ppem)), c.wrong, bad);
        const Diff w = compare(load_ink(ours), load_ink(bad));
        MESSAGE(c.lang << " against an unjoined rendering: size " << w.size << ", overlap " << w.iou << ", mean "
                       << w.mean);
        CHECK(!w.pass());
    }
    fs::remove_all(dir);
}
