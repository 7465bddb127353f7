// Insight figures (printed, not a test), against the real ledsager-hub binary on loopback:
//  1. events per second the hub ingests: kiosks' batches of 60 mixed events
//     (POST /api/v1/usage), 8 connections at once for a few seconds;
//  2. report time for a year of data from 200 kiosks at 20 sites (about 40 sessions a kiosk
//     a day, folded as the hub folds them: written straight into the store first), for the
//     guides, sites and gains reports, over all sites and over one.
// Usage: ledsager-insight-bench HUB_BINARY SOURCE_DIR [seconds]
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>
#include <vector>

#include "common/content.hpp"
#include "hub/auth.hpp"
#include "hub/insight.hpp"
#include "hub/store.hpp"

namespace fs = std::filesystem;
using json = nlohmann::json;
using Clock = std::chrono::steady_clock;
using namespace ledsager;

namespace {

double ms_since(Clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

pid_t start_hub(const char* bin, const fs::path& data, int port, const fs::path& src) {
    const pid_t pid = fork();
    if (pid == 0) {
        const std::string listen = "127.0.0.1:" + std::to_string(port), d = data.string(),
                          content = (src / "assets/guides").string();
        // The hub's capacity, not its per-kiosk limit (30 batches a minute): a limit far above it.
        execl(bin, bin, "--data", d.c_str(), "--listen", listen.c_str(), "--content", content.c_str(),
              "--usage-batches-per-minute", "1000000", static_cast<char*>(nullptr));
        _exit(127);
    }
    httplib::Client probe("127.0.0.1", port);
    for (int i = 0; i < 400 && !probe.Get("/healthz"); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(25));
    return pid;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 3) return std::fprintf(stderr, "usage: %s HUB_BINARY SOURCE_DIR [seconds]\n", argv[0]), 2;
    const fs::path src = argv[2];
    const int seconds = argc > 3 ? std::atoi(argv[3]) : 5;
    hub::init_crypto();
    const fs::path dir = fs::temp_directory_path() / ("ledsager-insight-bench-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    const auto content = common::load_content(src / "assets/guides");
    constexpr int kSites = 20, kPerSite = 10;
    std::vector<std::int64_t> sites;
    {
        hub::Store store(dir);
        for (int s = 0; s < kSites; ++s) {
            sites.push_back(store.add_site("site-" + std::to_string(s), "Site " + std::to_string(s), ""));
            for (int k = 0; k < kPerSite; ++k)
                store.add_kiosk(sites.back(), "kiosk-" + std::to_string(k), "Place",
                                hub::hash_token("token-" + std::to_string(s * kPerSite + k)));
        }
        store.add_user({0, "manager", "Maja Manager", "manager", hub::hash_password("manager-password"), "da", sites});
    }
    std::printf("ledsager insight figures (%u cores; the hub and the clients share them)\n",
                std::thread::hardware_concurrency());
    // 1. A year of folded data from 200 kiosks, written before the hub first runs: from then
    // on the months it reports are final and take no more counts (Store::raise_final_month).
    const auto t_fill = Clock::now();
    std::size_t rows = 0;
    {
        hub::Store store(dir);
        std::mt19937 rng(7);
        auto some = [&](int mean) { return std::poisson_distribution<int>(mean)(rng); };
        const std::time_t now = std::time(nullptr);
        const std::vector<std::string> langs{"da", "en", "ar", "uk", "tr"},
            modes{"read_aloud", "large_text", "high_contrast", "keypad"};
        for (int d = 364; d >= 0; --d) {
            const std::string day = common::iso_day(now - d * 86400LL);
            std::vector<hub::UsageCell> cells;
            for (int s = 0; s < kSites; ++s) {
                const auto site = sites[s];
                for (int k = 0; k < kPerSite; ++k)
                    cells.push_back({day, site, s * kPerSite + k + 1, "session", "", "", "", -1, some(40)});
                for (const auto& l : langs)
                    cells.push_back({day, site, 0, "session_lang", "", "", l, -1, some(80)});
                for (int h = 9; h < 19; ++h)
                    cells.push_back({day, site, 0, "session_hour", "", "", std::to_string(h), -1, some(40)});
                for (const auto& m : modes)
                    cells.push_back({day, site, 0, "session_mode", "", "", m, -1, some(20)});
                for (const auto& g : content.guides) {
                    cells.push_back({day, site, 0, "guide_start", g.id, "", "da", -1, some(30)});
                    cells.push_back({day, site, 0, "guide_start", g.id, "", "en", -1, some(8)});
                    cells.push_back({day, site, 0, "guide_done", g.id, "", "self", -1, some(22)});
                    cells.push_back({day, site, 0, "guide_done", g.id, "", "staff", -1, some(3)});
                    cells.push_back({day, site, 0, "helped", g.id, "", "yes", -1, some(15)});
                    cells.push_back({day, site, 0, "helped", g.id, "", "no", -1, some(4)});
                    for (const auto& st : g.steps) {
                        cells.push_back({day, site, 0, "step_reach", g.id, st.id, "", -1, some(30)});
                        for (int b = 3; b < 9; ++b)
                            cells.push_back({day, site, 0, "step_time", g.id, st.id, "", b, some(5)});
                        cells.push_back({day, site, 0, "guide_left", g.id, st.id, "", -1, some(1)});
                        cells.push_back({day, site, 0, "confusing", g.id, st.id, "", -1, some(1)});
                        cells.push_back({day, site, 0, "help_asked", g.id, st.id, "in_person", -1, some(1)});
                    }
                }
                for (const char* o : {"solved", "appointment", "referred", "left"})
                    cells.push_back({day, site, 0, "escalation", content.guides.front().id,
                                     content.guides.front().steps[0].id, std::string("in_person:") + o, -1, some(3)});
                for (int b = 5; b < 12; ++b)
                    cells.push_back({day, site, 0, "wait", "", "", "in_person", b, some(2)});
                cells.push_back({day, site, 0, "staff_seconds", "", "", "in_person", -1, some(3000)});
                for (int b = 9; b < 15; ++b)
                    cells.push_back({day, site, 0, "staff_time", "", "", "in_person", b, some(2)});
            }
            std::erase_if(cells, [](const hub::UsageCell& c) { return c.count == 0; });
            rows += cells.size();
            store.add_usage(cells);
        }
    }
    std::error_code ec;
    std::printf("%-34s %zu rows, %.0f MB on disk, written in %.0f s\n", "year_of_200_kiosks", rows,
                static_cast<double>(fs::file_size(dir / "hub.sqlite3", ec)) / 1e6, ms_since(t_fill) / 1000);
    const int port = 20000 + ::getpid() % 20000;
    pid_t pid = start_hub(argv[1], dir, port, src);

    // 2. Ingest.
    {
        const std::string today = common::iso_day(std::time(nullptr));
        json events = json::array();
        const auto& g = content.guides.front();
        for (int i = 0; i < 10; ++i) {
            events.push_back(
                {{"type", "session"}, {"day", today}, {"hour", 10}, {"lang", "da"}, {"modes", {"large_text"}}});
            events.push_back({{"type", "guide_start"}, {"day", today}, {"guide", g.id}, {"lang", "da"}});
            events.push_back({{"type", "step_view"},
                              {"day", today},
                              {"guide", g.id},
                              {"step", g.steps[0].id},
                              {"ms", 21000},
                              {"value", 1}});
            events.push_back({{"type", "step_view"},
                              {"day", today},
                              {"guide", g.id},
                              {"step", g.steps[1].id},
                              {"ms", 35000},
                              {"value", 1}});
            events.push_back({{"type", "guide_done"}, {"day", today}, {"guide", g.id}, {"kind", "self"}});
            events.push_back({{"type", "helped"}, {"day", today}, {"guide", g.id}, {"value", 1}});
        }
        const std::string batch = json{{"events", events}}.dump();
        std::atomic<long> batches{0}, errors{0};
        const auto end = Clock::now() + std::chrono::seconds(seconds);
        std::vector<std::thread> ts;
        for (int t = 0; t < 8; ++t)
            ts.emplace_back([&, t] {
                httplib::Client c("127.0.0.1", port);
                c.set_keep_alive(true);
                const httplib::Headers auth{{"Authorization", "Bearer token-" + std::to_string(t)}};
                while (Clock::now() < end) {
                    auto r = c.Post("/api/v1/usage", auth, batch, "application/json");
                    (r && r->status == 204 ? batches : errors)++;
                }
            });
        for (auto& t : ts)
            t.join();
        std::printf("%-34s %.0f events/s  (%ld batches of %zu, 8 connections, %d s, %ld errors; %zu bytes a batch)\n",
                    "usage_ingest", static_cast<double>(batches) * events.size() / seconds, batches.load(),
                    events.size(), seconds, errors.load(), batch.size());
    }
    // 3. Reports (the hub that ingested: a year's database under it).
    {
        httplib::Client c("127.0.0.1", port);
        c.set_read_timeout(300, 0);
        auto login =
            c.Post("/api/v1/auth/login", R"({"username":"manager","password":"manager-password"})", "application/json");
        const std::string cookie =
            login->get_header_value("Set-Cookie").substr(0, login->get_header_value("Set-Cookie").find(';'));
        const httplib::Headers h{{"Cookie", cookie}};
        const std::time_t now = std::time(nullptr);
        // Reports cover whole final months: the last twelve, and the last one.
        const std::string last = hub::last_final_month(now);
        const std::string first = hub::next_month(std::to_string(std::stoi(last.substr(0, 4)) - 1) + last.substr(4));
        const std::string year = "from=" + first + "-01&to=" + hub::last_day(last),
                          month = "from=" + last + "-01&to=" + hub::last_day(last);
        for (const auto& [name, q] :
             std::vector<std::pair<std::string, std::string>>{{"a year, all 20 sites", year},
                                                              {"a year, one site", year + "&site=site-3"},
                                                              {"a month, all sites", month}}) {
            for (const char* report : {"guides", "sites", "gains"}) {
                const auto t0 = Clock::now();
                auto r = c.Get("/api/v1/insight/" + std::string(report) + "?" + q, h);
                std::printf("report_%-27s %.0f ms  (%s; HTTP %d, %zu bytes)\n", report, ms_since(t0), name.c_str(),
                            r ? r->status : 0, r ? r->body.size() : 0);
            }
        }
    }
    kill(pid, SIGTERM);
    waitpid(pid, nullptr, 0);
    fs::remove_all(dir);
    return 0;
}
