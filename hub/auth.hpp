// Secrets: passwords hashed with argon2id (libsodium's crypto_pwhash_str), device tokens and
// session ids stored only as BLAKE2b hashes, random tokens from the OS, and a login rate limit.
#pragma once

#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <string>

namespace ledsager::hub {

// Must be called once before anything else here; false when libsodium cannot start.
bool init_crypto();
std::string hash_password(const std::string& password);  // argon2id, "$argon2id$..."
bool verify_password(const std::string& hash, const std::string& password);
std::string hash_token(const std::string& token);          // hex BLAKE2b-256
std::string random_token(size_t bytes = 24);                // hex
// A one-time enrollment code people can read and type: XXXX-XXXX-XXXX from 31 letters and
// digits that cannot be mistaken for each other (about 59 bits).
std::string enrollment_code();
// The code as typed (any case, with or without dashes and spaces) in its one form.
std::string normalize_code(const std::string& typed);
bool equal_constant_time(const std::string& a, const std::string& b);

// At most `max_failures` failed logins per key (user name, and separately address) within
// `window`; successful logins clear the key.
class LoginLimiter {
public:
    explicit LoginLimiter(int max_failures = 5, std::chrono::seconds window = std::chrono::minutes(5))
        : max_(max_failures), window_(window) {}
    bool allowed(const std::string& key);
    void failed(const std::string& key);
    void succeeded(const std::string& key);

private:
    std::mutex mutex_;
    int max_;
    std::chrono::seconds window_;
    std::map<std::string, std::deque<std::chrono::steady_clock::time_point>> failures_;
};

}  // namespace ledsager::hub
