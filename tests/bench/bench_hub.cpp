// Hub figures, printed (not a test): request -> shown on an open staff event stream
// (p50/p95), status-polling requests per second on loopback, and the hub's memory with
// 2,000 kiosks. Usage: ledsager-hub-bench HUB_BINARY [seconds]
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
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "hub/auth.hpp"
#include "hub/store.hpp"

namespace fs = std::filesystem;
using json = nlohmann::json;
using Clock = std::chrono::steady_clock;
using namespace ledsager::hub;
using namespace ledsager::common;

static long rss_kb(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
    return 0;
}

int main(int argc, char** argv) {
    if (argc < 2) return std::fprintf(stderr, "usage: %s HUB_BINARY [seconds]\n", argv[0]), 2;
    const int seconds = argc > 2 ? std::atoi(argv[2]) : 10;
    init_crypto();
    const fs::path dir = fs::temp_directory_path() / ("ledsager-hub-bench-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    constexpr int kKiosks = 2000;
    {
        Store store(dir);
        const auto site = store.add_site("bench", "Bench Library", "Counter 1");
        for (int i = 0; i < kKiosks; ++i)
            store.add_kiosk(site, "kiosk-" + std::to_string(i), "Place " + std::to_string(i),
                            hash_token("token-" + std::to_string(i)));
        store.add_user({0, "staff", "Staff Member", "staff", hash_password("staff-password"), "da,en", {site}});
    }
    const int port = 20000 + ::getpid() % 20000;
    const pid_t pid = fork();
    if (pid == 0) {
        const std::string listen = "127.0.0.1:" + std::to_string(port);
        execl(argv[1], argv[1], "--data", dir.c_str(), "--listen", listen.c_str(), static_cast<char*>(nullptr));
        _exit(127);
    }
    httplib::Client probe("127.0.0.1", port);
    for (int i = 0; i < 200 && !probe.Get("/healthz"); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(25));
    std::printf("ledsager-hub figures (%u cores, %d kiosks)\n", std::thread::hardware_concurrency(), kKiosks);
    std::printf("hub_rss_idle_2000_kiosks          %ld MB\n", rss_kb(pid) / 1024);

    // Staff console open on the live event stream.
    auto login =
        probe.Post("/api/v1/auth/login", R"({"username":"staff","password":"staff-password"})", "application/json");
    const std::string cookie =
        login->get_header_value("Set-Cookie").substr(0, login->get_header_value("Set-Cookie").find(';'));
    std::atomic<int> seen_upto{0};
    std::atomic<bool> stop{false};
    std::thread listener([&] {
        httplib::Client c("127.0.0.1", port);
        c.set_read_timeout(60, 0);
        std::string buf;
        c.Get("/api/v1/events", {{"Cookie", cookie}}, [&](const char* d, size_t n) {
            buf.append(d, n);
            for (size_t pos; (pos = buf.find("\n\n")) != std::string::npos; buf.erase(0, pos + 2)) {
                const std::string ev = buf.substr(0, pos);
                // The highest request number present tells which creations have been shown.
                for (size_t at = ev.find("\"number\":\"A-"); at != std::string::npos;
                     at = ev.find("\"number\":\"A-", at + 1))
                    seen_upto = std::max(seen_upto.load(), std::atoi(ev.c_str() + at + 12));
            }
            return !stop;
        });
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(300));

    // 1. A kiosk asks -> the request is on the staff's event stream.
    std::vector<double> latency;
    std::vector<std::int64_t> ids;
    for (int i = 0; i < 60; ++i) {
        httplib::Client k("127.0.0.1", port);
        const auto t0 = Clock::now();
        auto r =
            k.Post("/api/v1/help-requests", {{"Authorization", "Bearer token-" + std::to_string(i)}},
                   R"({"kind":"in_person","guide":"mitid-login","step":"user-id","step_number":3,"language":"da"})",
                   "application/json");
        if (!r || r->status != 201) continue;
        ids.push_back(json::parse(r->body)["id"].get<std::int64_t>());
        while (seen_upto < i + 1 && Clock::now() - t0 < std::chrono::seconds(2))
            std::this_thread::sleep_for(std::chrono::microseconds(200));
        latency.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    }
    std::sort(latency.begin(), latency.end());
    if (!latency.empty())
        std::printf("request_to_console_ms             p50=%.1f  p95=%.1f  (%zu requests; POST -> event received)\n",
                    latency[latency.size() / 2], latency[latency.size() * 95 / 100], latency.size());

    // 2. Status polling by many kiosks: 8 connections with keep-alive, as fast as they go.
    std::atomic<long> done{0}, errors{0};
    std::vector<std::thread> pollers;
    const auto end = Clock::now() + std::chrono::seconds(seconds);
    for (int t = 0; t < 8; ++t)
        pollers.emplace_back([&, t] {
            httplib::Client c("127.0.0.1", port);
            c.set_keep_alive(true);
            c.set_tcp_nodelay(true);
            for (int n = 0; Clock::now() < end; ++n) {
                const auto idx = static_cast<size_t>((t * 7 + n) % ids.size());
                auto r = c.Get("/api/v1/help-requests/" + std::to_string(ids[idx]),
                               {{"Authorization", "Bearer token-" + std::to_string(idx)}});
                (r && r->status == 200 ? done : errors)++;
            }
        });
    for (auto& p : pollers)
        p.join();
    std::printf("status_polls_per_s                %.0f  (8 keep-alive connections, %d s, %ld errors)\n",
                static_cast<double>(done) / seconds, seconds, errors.load());
    std::printf("hub_rss_after_load                %ld MB\n", rss_kb(pid) / 1024);

    stop = true;
    kill(pid, SIGTERM);
    waitpid(pid, nullptr, 0);
    listener.join();
    fs::remove_all(dir);
    return 0;
}
