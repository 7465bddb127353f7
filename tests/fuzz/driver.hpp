// The shared driver of the fuzz targets (tests/fuzz/README.md). A target defines
//   extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, size_t size)
// and includes this header. It then builds two ways:
//  - with clang and -DLEDSAGER_FUZZ=ON (LEDSAGER_LIBFUZZER defined): libFuzzer supplies main()
//    and searches for new inputs guided by coverage;
//  - otherwise (gcc, the normal and the sanitize builds): the main() below replays every file
//    of the corpus folders given, then a fixed number of deterministic pseudo-random mutations
//    of them (the same inputs on every run and machine), so the target runs in CI too.
//
//   fuzz_x [--runs N] [--dict FILE] [--timeout SECONDS] CORPUS_DIR_OR_FILE...
//
// The dictionary is libFuzzer's format (lines of "text" or name="text", \xNN escapes), the one
// the libFuzzer run gets with -dict=. An input that crashes, or runs longer than --timeout, is
// written to ./crash-<target> (or timeout-<target>) before the process dies, to be added to the
// corpus once the parser is fixed. A target may define LEDSAGER_FUZZ_EXTRA_INPUTS (a function
// returning std::vector<std::string>) before including this: large generated inputs that do not
// belong in a small corpus (a deeply nested document, say); they run after the corpus.
#pragma once

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, size_t size);

#ifndef LEDSAGER_LIBFUZZER

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/common_interface_defs.h>
#endif

namespace ledsager::fuzz {

// The input being run, for the crash and timeout handlers (async-signal-safe to write).
inline const std::string* g_current = nullptr;
inline char g_crash_file[256] = "crash-fuzz";
inline char g_timeout_file[256] = "timeout-fuzz";

inline void save_current(const char* file) {
    if (!g_current) return;
    const int fd = ::open(file, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) return;
    size_t done = 0;
    while (done < g_current->size()) {
        const ssize_t n = ::write(fd, g_current->data() + done, g_current->size() - done);
        if (n <= 0) break;
        done += static_cast<size_t>(n);
    }
    ::close(fd);
    const char msg[] = "\n==fuzz== the input that failed is in ./";
    [[maybe_unused]] ssize_t w = ::write(2, msg, sizeof msg - 1);
    w = ::write(2, file, std::strlen(file));
    w = ::write(2, "\n", 1);
}

inline void on_crash_signal(int sig) {
    save_current(g_crash_file);
    ::signal(sig, SIG_DFL);
    ::raise(sig);
}

inline void on_timeout(int) {
    const char msg[] = "==fuzz== an input ran longer than --timeout (a hang?)\n";
    [[maybe_unused]] ssize_t w = ::write(2, msg, sizeof msg - 1);
    save_current(g_timeout_file);
    ::_exit(70);
}

#if defined(__SANITIZE_ADDRESS__)
inline void on_sanitizer_death() {
    save_current(g_crash_file);
}
#endif

// Parses one dictionary file (libFuzzer/AFL format); exits on a line it cannot read.
inline std::vector<std::string> read_dict(const std::string& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        std::fprintf(stderr, "%s: cannot be read\n", file.c_str());
        std::exit(2);
    }
    std::vector<std::string> tokens;
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
        ++n;
        const size_t a = line.find('"');
        const size_t first = line.find_first_not_of(" \t\r");
        if (first == std::string::npos || line[first] == '#') continue;
        const size_t b = line.rfind('"');
        if (a == std::string::npos || b == a) {
            std::fprintf(stderr, "%s:%d: expected \"text\"\n", file.c_str(), n);
            std::exit(2);
        }
        std::string t;
        for (size_t i = a + 1; i < b; ++i) {
            if (line[i] == '\\' && i + 1 < b) {
                const char e = line[++i];
                if (e == 'x' && i + 2 < b) {
                    t += static_cast<char>(std::stoi(line.substr(i + 1, 2), nullptr, 16));
                    i += 2;
                } else {
                    t += e;
                }
            } else {
                t += line[i];
            }
        }
        tokens.push_back(t);
    }
    return tokens;
}

// One to four small changes, as libFuzzer's mutators make them: bytes changed, inserted or
// erased, a dictionary token or a piece of another input spliced in, a run repeated (long
// names, deep nesting), the end cut off.
inline std::string mutate(std::string s, const std::vector<std::string>& corpus, const std::vector<std::string>& tokens,
                          std::mt19937& rng) {
    static const char* interesting[] = {"0",     "-1",   "4294967296", "9223372036854775808",
                                        "1e999", "\xff", "\xc3\xa6",   "\0"};
    for (int m = 1 + static_cast<int>(rng() % 4); m > 0; --m) {
        const size_t at = s.empty() ? 0 : rng() % (s.size() + 1);
        switch (rng() % 9) {
            case 0:
                if (at < s.size()) s[at] = static_cast<char>(rng());
                break;
            case 1:
                if (at < s.size()) s[at] = static_cast<char>(s[at] ^ (1 << (rng() % 8)));
                break;
            case 2:
                s.insert(at, 1, static_cast<char>(rng()));
                break;
            case 3:
                s.erase(std::min(at, s.size()), 1 + rng() % 16);
                break;
            case 4:
                if (!tokens.empty()) s.insert(at, tokens[rng() % tokens.size()]);
                break;
            case 5: {
                const char* i = interesting[rng() % (sizeof interesting / sizeof *interesting)];
                s.insert(at, i, std::max<size_t>(1, std::strlen(i)));
                break;
            }
            case 6: {  // splice: a piece of another input
                const std::string& o = corpus[rng() % corpus.size()];
                if (o.empty()) break;
                const size_t from = rng() % o.size();
                s.insert(at, o.substr(from, 1 + rng() % 256));
                break;
            }
            case 7: {  // a run repeated: mostly a few times, now and then very many
                if (s.empty()) break;
                const size_t from = std::min(at, s.size() - 1);
                const std::string piece = s.substr(from, 1 + rng() % 8);
                const size_t times = rng() % 32 == 0 ? (1u << (10 + rng() % 8)) : 1 + rng() % 16;
                std::string run;
                for (size_t k = 0; k < times; ++k)
                    run += piece;
                s.insert(from, run);
                break;
            }
            default:
                s.resize(std::min(at, s.size()));
                break;
        }
    }
    return s;
}

inline int replay_main(int argc, char** argv) {
    const std::string name = std::filesystem::path(argv[0]).filename().string();
    std::snprintf(g_crash_file, sizeof g_crash_file, "crash-%s", name.c_str());
    std::snprintf(g_timeout_file, sizeof g_timeout_file, "timeout-%s", name.c_str());
    long runs = 2000;
    unsigned timeout = 20;
    std::vector<std::string> tokens;
    std::vector<std::filesystem::path> files;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--runs" && i + 1 < argc)
            runs = std::atol(argv[++i]);
        else if (a == "--timeout" && i + 1 < argc)
            timeout = static_cast<unsigned>(std::atoi(argv[++i]));
        else if (a == "--dict" && i + 1 < argc)
            tokens = read_dict(argv[++i]);
        else if (std::filesystem::is_directory(a))
            for (const auto& e : std::filesystem::directory_iterator(a)) {
                if (e.is_regular_file()) files.push_back(e.path());
            }
        else if (std::filesystem::is_regular_file(a))
            files.push_back(a);
        else
            return std::fprintf(
                       stderr,
                       "usage: %s [--runs N] [--dict FILE] [--timeout S] CORPUS...\n(%s: no such file or folder)\n",
                       name.c_str(), a.c_str()),
                   2;
    }
    std::sort(files.begin(), files.end());  // the same order everywhere: the mutations depend on it
    std::vector<std::string> corpus;
    for (const auto& f : files) {
        std::ifstream in(f, std::ios::binary);
        std::stringstream ss;
        ss << in.rdbuf();
        corpus.push_back(ss.str());
    }
    if (corpus.empty()) return std::fprintf(stderr, "%s: no corpus files given\n", name.c_str()), 2;

        // A crash saves its input first. Under AddressSanitizer, which reports faults itself (with
        // the stack), through its death callback; otherwise in a handler on a stack of its own, so
        // that a stack overflow (deep recursion in a parser) is caught too.
#if defined(__SANITIZE_ADDRESS__)
    __sanitizer_set_death_callback(on_sanitizer_death);
    const int signals[] = {SIGABRT};
#else
    static std::vector<char> alt_stack(1 << 16);
    stack_t ss{};
    ss.ss_sp = alt_stack.data();
    ss.ss_size = alt_stack.size();
    ::sigaltstack(&ss, nullptr);
    const int signals[] = {SIGSEGV, SIGABRT, SIGFPE, SIGILL, SIGBUS};
#endif
    struct sigaction sa {};
    sa.sa_handler = on_crash_signal;
    sa.sa_flags = SA_ONSTACK;
    for (int sig : signals)
        ::sigaction(sig, &sa, nullptr);
    ::signal(SIGALRM, on_timeout);
    double slowest = 0;
    std::string slowest_what;
    auto run = [&](const std::string& input, const std::string& what) {
        g_current = &input;
        ::alarm(timeout);
        const auto t0 = std::chrono::steady_clock::now();
        LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(input.data()), input.size());
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        ::alarm(0);
        if (s > slowest) slowest = s, slowest_what = what;
        g_current = nullptr;
    };
    const auto start = std::chrono::steady_clock::now();
    for (size_t i = 0; i < corpus.size(); ++i)
        run(corpus[i], files[i].filename().string());
    long extra = 0;
#ifdef LEDSAGER_FUZZ_EXTRA_INPUTS
    for (const auto& input : LEDSAGER_FUZZ_EXTRA_INPUTS())
        run(input, "extra input " + std::to_string(++extra));
#endif
    std::mt19937 rng(20261123);
    for (long i = 0; i < runs; ++i) {
        const size_t pick = rng() % corpus.size();
        run(mutate(corpus[pick], corpus, tokens, rng),
            "mutation " + std::to_string(i) + " of " + files[pick].filename().string());
    }
    const double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf(
        "%s: %zu corpus files, %ld extra inputs, %ld mutations: no crash or hang (%.1f s; slowest %.3f s: %s)\n",
        name.c_str(), corpus.size(), extra, runs, total, slowest, slowest_what.c_str());
    return 0;
}

}  // namespace ledsager::fuzz

int main(int argc, char** argv) {
    return ledsager::fuzz::replay_main(argc, argv);
}

#endif  // LEDSAGER_LIBFUZZER
