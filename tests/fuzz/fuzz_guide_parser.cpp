// fuzz_guide_parser: the guide content reader (common/content.hpp, load_guide: toml++ and the
// checks of guide.toml and <language>.toml) must answer any file with a guide or with
// diagnostics, never a crash, a hang or an exception; a guide it accepts must hold together.
// Each input is fed twice, into copies of a real guide (assets/guides/mitid-login):
//  - as its guide.toml, beside its real da.toml and en.toml;
//  - as its da.toml, beside its real guide.toml and en.toml.
// Both folders also hold step.png and step.wav, so inputs naming them reach the image and
// recording checks. Corpus: tests/fuzz/corpus/guide_parser; driver: driver.hpp.
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "common/content.hpp"

namespace {
// A step id of 200,000 characters (std::regex overflowed the stack on it; too large for the corpus).
[[maybe_unused]] std::vector<std::string> long_ids() {
    std::ifstream in(std::string(LEDSAGER_SOURCE_ASSETS) + "/guides/mitid-login/guide.toml", std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    std::string guide = s.str();
    const std::string id = "id = \"need-mitid\"";
    if (guide.find(id) == std::string::npos) std::abort();
    guide.replace(guide.find(id), id.size(), "id = \"" + std::string(200000, 'a') + "\"");
    return {guide};
}
}  // namespace
#define LEDSAGER_FUZZ_EXTRA_INPUTS long_ids
#include "driver.hpp"

namespace fs = std::filesystem;
using namespace ledsager::common;

namespace {

constexpr const char* kGuideId = "mitid-login";

std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

void write(const fs::path& p, const std::string& bytes) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) std::abort();  // the scratch folder is gone: not the parser's fault, but stop
}

struct Scratch {
    fs::path root, as_guide, as_text;
    Scratch() {
        root = fs::temp_directory_path() / ("ledsager-fuzz-guide-" + std::to_string(::getpid()));
        as_guide = root / "a" / kGuideId;
        as_text = root / "b" / kGuideId;
        fs::remove_all(root);
        const fs::path real = fs::path(LEDSAGER_SOURCE_ASSETS) / "guides" / kGuideId;
        for (const auto& dir : {as_guide, as_text}) {
            fs::create_directories(dir);
            for (const char* f : {"guide.toml", "da.toml", "en.toml"})
                write(dir / f, read(real / f));
            write(dir / "step.png", std::string("\x89PNG\r\n\x1a\n", 8) + std::string(16, '\0'));
            write(dir / "step.wav", "RIFF\x24\0\0\0WAVE");
        }
    }
    ~Scratch() {
        std::error_code ec;
        fs::remove_all(root, ec);
    }
};

// A guide the loader accepted must be one the kiosk can walk: steps, a start, text in the
// required languages for every step, successors that exist.
void check_accepted(const Guide& g) {
    if (g.steps.empty() || g.id != kGuideId) std::abort();
    for (const char* lang : {"da", "en"}) {
        const auto it = g.text.find(lang);
        if (it == g.text.end()) std::abort();
        for (const auto& s : g.steps)
            if (!it->second.steps.count(s.id)) std::abort();
    }
    for (const auto& s : g.steps) {
        for (const auto& n : Guide::successors(s))
            if (n != kEndStep && !g.find_step(n)) std::abort();
        if (g.steps_to_end(s.id) < 1) std::abort();
    }
    if (g.main_path_length() < 1) std::abort();
}

void load(const fs::path& folder) {
    Guide guide;
    Diagnostics diags;
    const bool ok = load_guide(folder, ContentOptions{}, guide, diags);
    if (ok == diags.has_errors()) std::abort();  // accepted exactly when there is no error
    for (const auto& d : diags.items)
        (void)d.format();
    if (ok) check_accepted(guide);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, size_t size) {
    static Scratch scratch;
    const std::string input(reinterpret_cast<const char*>(data), size);
    write(scratch.as_guide / "guide.toml", input);
    load(scratch.as_guide);
    write(scratch.as_text / "da.toml", input);
    load(scratch.as_text);
    return 0;
}
