// Fleet figures for IT (printed, not a test), against the real ledsager-hub binary on loopback:
//  1. enrollment: one-time codes redeemed over HTTP (POST /api/v1/enroll), one at a time and
//     8 at once: time per enrollment;
//  2. 2,000 kiosks heartbeating every 30 s (66.7 a second, spread evenly over 30 s on 16
//     keep-alive connections): the hub's CPU (from /proc), latency, and memory;
//  3. a content bundle published -> every simulated kiosk updated: 50 kiosks heartbeat (every
//     2 s here instead of 30 s, to keep the run short), fetch the bundle, and verify, unpack
//     and check it with the kiosk's own code (core::ContentStore::stage); the time from
//     publishing until the last kiosk is ready, and each kiosk's download + verify time.
// Usage: ledsager-fleet-bench HUB_BINARY SOURCE_DIR
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>
#include <vector>

#include "common/bundle.hpp"
#include "core/content_store.hpp"
#include "hub/auth.hpp"
#include "hub/bundles.hpp"
#include "hub/store.hpp"

namespace fs = std::filesystem;
using json = nlohmann::json;
using Clock = std::chrono::steady_clock;
using namespace ledsager;

namespace {

long rss_kb(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
    return 0;
}

// CPU seconds (user + system) the process has used.
double cpu_s(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::istringstream rest(s.substr(s.rfind(')') + 2));
    std::string field;
    double ticks = 0;
    for (int i = 3; rest >> field; ++i)
        if (i == 14 || i == 15) ticks += std::stod(field);
    return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double ms_since(Clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

void print_dist(const char* name, std::vector<double> v, const char* note) {
    if (v.empty()) return (void)std::printf("%-34s no samples\n", name);
    std::sort(v.begin(), v.end());
    std::printf("%-34s p50=%.1f  p95=%.1f  max=%.1f ms  (%zu; %s)\n", name, v[v.size() / 2], v[v.size() * 95 / 100],
                v.back(), v.size(), note);
}

const std::string kBeat =
    R"({"version":"0.1.0","uptime_s":100,"content_version":"installed 10-abc","printer":"ok","camera":"ok","audio":"ok"})";

}  // namespace

int main(int argc, char** argv) {
    if (argc < 3) return std::fprintf(stderr, "usage: %s HUB_BINARY SOURCE_DIR\n", argv[0]), 2;
    const fs::path src = argv[2];
    hub::init_crypto();
    const fs::path dir = fs::temp_directory_path() / ("ledsager-fleet-bench-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    constexpr int kKiosks = 2000, kCodes = 300, kUpdaters = 50;
    std::vector<std::string> codes;
    {
        hub::Store store(dir / "hub");
        const auto site = store.add_site("bench", "Bench Library", "Counter 1");
        for (int i = 0; i < kKiosks; ++i)
            store.add_kiosk(site, "kiosk-" + std::to_string(i), "Place " + std::to_string(i),
                            hub::hash_token("token-" + std::to_string(i)));
        const auto now = static_cast<hub::Seconds>(std::time(nullptr));
        for (int i = 0; i < kCodes; ++i) {
            codes.push_back(hub::enrollment_code());
            store.add_enrollment_code(site, "kiosk-new-" + std::to_string(codes.size()), "New place",
                                      hub::hash_token(hub::normalize_code(codes.back())), now, now + 3600);
        }
    }
    const int port = 20000 + ::getpid() % 20000;
    const pid_t pid = fork();
    if (pid == 0) {
        const std::string listen = "127.0.0.1:" + std::to_string(port);
        const std::string data = (dir / "hub").string();
        execl(argv[1], argv[1], "--data", data.c_str(), "--listen", listen.c_str(), static_cast<char*>(nullptr));
        _exit(127);
    }
    httplib::Client probe("127.0.0.1", port);
    for (int i = 0; i < 200 && !probe.Get("/healthz"); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(25));
    std::printf("ledsager fleet figures (%u cores; the hub and the simulated kiosks share them)\n",
                std::thread::hardware_concurrency());

    // 1. Enrollment.
    {
        std::vector<double> one, eight;
        std::mutex m;
        int next = 0;
        for (; next < 100; ++next) {
            httplib::Client c("127.0.0.1", port);
            const auto t0 = Clock::now();
            auto r =
                c.Post("/api/v1/enroll", json{{"code", codes[next]}, {"name", "new-" + std::to_string(next)}}.dump(),
                       "application/json");
            if (r && r->status == 201) one.push_back(ms_since(t0));
        }
        std::vector<std::thread> ts;
        std::atomic<int> cursor{next};
        const auto t_all = Clock::now();
        for (int t = 0; t < 8; ++t)
            ts.emplace_back([&] {
                for (int i; (i = cursor++) < kCodes;) {
                    httplib::Client c("127.0.0.1", port);
                    const auto t0 = Clock::now();
                    auto r =
                        c.Post("/api/v1/enroll", json{{"code", codes[i]}, {"name", "new-" + std::to_string(i)}}.dump(),
                               "application/json");
                    if (r && r->status == 201) {
                        std::lock_guard lock(m);
                        eight.push_back(ms_since(t0));
                    }
                }
            });
        for (auto& t : ts)
            t.join();
        print_dist("enroll_one_at_a_time", one, "POST /api/v1/enroll, code checked and used in one transaction");
        print_dist("enroll_8_at_once", eight, "8 kiosks enrolling together");
        std::printf("%-34s %.0f per minute\n", "enrollments_8_at_once_rate",
                    eight.size() / (ms_since(t_all) / 60000.0));
    }

    // 2. 2,000 kiosks heartbeating every 30 s.
    {
        constexpr int kSeconds = 30, kConns = 16;
        std::vector<double> lat;
        std::mutex m;
        std::atomic<int> errors{0};
        const double cpu0 = cpu_s(pid);
        const auto t0 = Clock::now();
        std::vector<std::thread> ts;
        for (int t = 0; t < kConns; ++t)
            ts.emplace_back([&, t] {
                httplib::Client c("127.0.0.1", port);
                c.set_keep_alive(true);
                c.set_tcp_nodelay(true);
                std::vector<double> mine;
                for (int k = t; k < kKiosks; k += kConns) {
                    // Each kiosk at its own moment in the 30 s (as real kiosks, started at different times).
                    const auto due =
                        t0 + std::chrono::microseconds(static_cast<long long>(k) * kSeconds * 1'000'000 / kKiosks);
                    std::this_thread::sleep_until(due);
                    const auto s = Clock::now();
                    auto r = c.Post("/api/v1/heartbeat", {{"Authorization", "Bearer token-" + std::to_string(k)}},
                                    kBeat, "application/json");
                    if (!r || r->status != 200)
                        ++errors;
                    else
                        mine.push_back(ms_since(s));
                }
                std::lock_guard lock(m);
                lat.insert(lat.end(), mine.begin(), mine.end());
            });
        for (auto& t : ts)
            t.join();
        const double wall = ms_since(t0) / 1000.0, cpu = cpu_s(pid) - cpu0;
        std::printf("%-34s %d kiosks in %.1f s (%.1f per second), %d errors\n", "heartbeats_2000_kiosks", kKiosks, wall,
                    kKiosks / wall, errors.load());
        std::printf("%-34s %.1f %% of one core  (%.2f CPU s in %.1f s; %.0f us per heartbeat)\n", "hub_cpu_2000_kiosks",
                    100 * cpu / wall, cpu, wall, 1e6 * cpu / kKiosks);
        print_dist("heartbeat_latency", lat, "POST /api/v1/heartbeat, stored with synchronous=FULL");
        std::printf("%-34s %ld MB\n", "hub_rss_2000_kiosks", rss_kb(pid) / 1024);
    }

    // 3. Publish a bundle -> every simulated kiosk has verified and unpacked it.
    {
        const auto kp = common::make_content_key_pair();
        std::string error;
        if (!common::build_bundle(src / "assets/guides", 1, kp.secret_key, dir / "v1.tar", error))
            return std::fprintf(stderr, "bundle: %s\n", error.c_str()), 1;
        std::atomic<int> ready{0};
        std::vector<double> fetch_ms, done_ms;
        std::mutex m;
        Clock::time_point t_publish{};
        std::vector<std::thread> ts;
        for (int k = 0; k < kUpdaters; ++k)
            ts.emplace_back([&, k] {
                core::ContentStore store(dir / ("kiosk-" + std::to_string(k)), {kp.public_key});
                store.load_at_start(src / "assets/guides");
                httplib::Client c("127.0.0.1", port);
                const httplib::Headers auth{{"Authorization", "Bearer token-" + std::to_string(k)}};
                // Heartbeats every 2 s, each kiosk at its own moment.
                std::this_thread::sleep_for(std::chrono::milliseconds(k * 2000 / kUpdaters));
                for (int beat = 0; beat < 30; ++beat, std::this_thread::sleep_for(std::chrono::seconds(2))) {
                    auto r = c.Post("/api/v1/heartbeat", auth, kBeat, "application/json");
                    if (!r || r->status != 200) continue;
                    const auto j = json::parse(r->body);
                    if (!j["content"].is_object()) continue;
                    const auto t0 = Clock::now();
                    const auto version = j["content"]["version"].get<std::int64_t>();
                    auto b = c.Get("/api/v1/content/bundles/" + std::to_string(version), auth);
                    if (!b || b->status != 200) continue;
                    fs::create_directories(store.incoming());
                    const fs::path file = store.incoming() / "1.tar";
                    std::ofstream(file, std::ios::binary) << b->body;
                    common::ContentSet set;
                    std::string why;
                    if (!store.stage(file, version, set, why)) {
                        std::fprintf(stderr, "kiosk %d: %s\n", k, why.c_str());
                        return;
                    }
                    std::lock_guard lock(m);
                    fetch_ms.push_back(ms_since(t0));
                    done_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t_publish).count());
                    ++ready;
                    return;
                }
            });
        std::this_thread::sleep_for(std::chrono::seconds(3));
        {
            hub::Store store(dir / "hub");
            hub::Bundle b;
            {
                std::lock_guard lock(m);
                t_publish = Clock::now();
            }
            if (!hub::publish_bundle(store, dir / "hub", dir / "v1.tar", {kp.public_key}, b, error))
                std::fprintf(stderr, "publish: %s\n", error.c_str());
            std::printf("%-34s %.0f ms  (checks the signature and the guides first; %lld bytes, %lld files)\n",
                        "publish_bundle", ms_since(t_publish), static_cast<long long>(b.size),
                        static_cast<long long>(b.files));
        }
        for (auto& t : ts)
            t.join();
        print_dist("kiosk_fetch_verify_unpack", fetch_ms,
                   "download + signature + hashes + unpack + guide checks, 50 at once");
        std::printf(
            "%-34s %d of %d kiosks ready in %.1f s after publishing (heartbeat every 2 s here; with 30 s add up to 28 "
            "s)\n",
            "publish_to_all_updated", ready.load(), kUpdaters,
            done_ms.empty() ? 0 : *std::max_element(done_ms.begin(), done_ms.end()) / 1000);
    }

    kill(pid, SIGTERM);
    waitpid(pid, nullptr, 0);
    fs::remove_all(dir);
    return 0;
}
