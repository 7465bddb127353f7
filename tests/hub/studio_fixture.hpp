// The content studio's tests share this: a real hub on loopback with an editor (emil), a
// second editor (ella) and a reviewer (rikke) beside the demo users, logged in as people.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <string>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "hub/auth.hpp"
#include "running_hub.hpp"

namespace ledsager::test::studio {

namespace fs = std::filesystem;
using json = nlohmann::json;

struct Person {
    httplib::Headers headers;
};

struct Studio {
    RunningHub hub;
    httplib::Client c;
    Studio(const fs::path& dir, const std::function<void(hub::HubOptions&)>& tune)
        : hub(dir, 0, true, LEDSAGER_SOURCE_ASSETS "/guides", tune), c("127.0.0.1", hub.port) {
        c.set_read_timeout(60, 0);
        auto& store = hub.server->store();
        store.add_user({0, "emil", "Emil Editor", "editor", hub::hash_password("emil-password"), "da,en", {1}});
        store.add_user({0, "ella", "Ella Editor", "editor", hub::hash_password("ella-password"), "da,en", {1}});
        store.add_user({0, "rikke", "Rikke Reviewer", "reviewer", hub::hash_password("rikke-password"), "da", {1}});
    }
    Person login(const std::string& user) {
        auto r = c.Post("/api/v1/auth/login", json{{"username", user}, {"password", user + "-password"}}.dump(),
                        "application/json");
        REQUIRE(r);
        REQUIRE(r->status == 200);
        const std::string cookie = r->get_header_value("Set-Cookie");
        return Person{{{"Cookie", cookie.substr(0, cookie.find(';'))},
                       {"X-CSRF-Token", json::parse(r->body)["csrf"].get<std::string>()}}};
    }
    httplib::Result post(const Person& p, const std::string& path, const json& body) {
        return c.Post(path, p.headers, body.dump(), "application/json");
    }
    std::string draft(const Person& p, const std::string& guide) {
        auto r = post(p, "/api/v1/content/drafts", {{"guide", guide}});
        REQUIRE(r);
        REQUIRE(r->status == 201);
        return "/api/v1/content/drafts/" + std::to_string(json::parse(r->body)["id"].get<std::int64_t>());
    }
};

// The first line of the hub's answer to `request` (headers only: a body announced, not sent).
inline std::string first_answer_line(int port, const std::string& request) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    std::string got;
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a) == 0 &&
        ::send(fd, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size())) {
        const timeval wait{10, 0};
        ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait);
        char buf[512];
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n > 0) got.assign(buf, static_cast<size_t>(n));
    }
    ::close(fd);
    return got.substr(0, got.find("\r\n"));
}

inline std::string error_of(const httplib::Result& r) {
    if (!r) return "(no answer)";
    const json j = json::parse(r->body, nullptr, false);
    return j.is_object() ? j.value("error", r->body) : r->body;
}

}  // namespace ledsager::test::studio
