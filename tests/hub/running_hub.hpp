// A real ledsager-hub (the same Hub object the program runs) serving on loopback in a thread
// of the test, for the cross-program tests. With `seed`, an empty database first gets the
// test site "main" (Main Library) with kiosk "kiosk-1" (token "kiosk-token") and the staff
// login mette / mette-password.
#pragma once

#include <doctest/doctest.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <thread>

#include "hub/auth.hpp"
#include "hub/server.hpp"

namespace ledsager::test {

struct RunningHub {
    std::filesystem::path dir;
    int port = 0;
    std::unique_ptr<hub::Hub> server;
    std::thread thread;

    explicit RunningHub(std::filesystem::path data, int fixed_port = 0, bool seed = true,
                        std::filesystem::path content_dir = {}, const std::function<void(hub::HubOptions&)>& tune = {})
        : dir(std::move(data)) {
        hub::HubOptions o;
        o.data_dir = dir;
        o.port = fixed_port;
        o.content_dir = std::move(content_dir);
        if (tune) tune(o);
        server = std::make_unique<hub::Hub>(o);
        if (seed && server->store().sites().empty()) {
            const auto site = server->store().add_site("main", "Main Library", "Counter 3");
            server->store().add_kiosk(site, "kiosk-1", "By the entrance", hub::hash_token("kiosk-token"));
            server->store().add_user(
                {0, "mette", "Mette Jensen", "staff", hub::hash_password("mette-password"), "da,en", {site}});
        }
        std::string error;
        port = server->bind(error);
        REQUIRE_MESSAGE(port > 0, error);
        thread = std::thread([this] { server->run(); });
        REQUIRE(server->wait_until_running());
    }
    ~RunningHub() {
        server->stop();
        thread.join();
    }
    RunningHub(const RunningHub&) = delete;
    RunningHub& operator=(const RunningHub&) = delete;
};

}  // namespace ledsager::test
