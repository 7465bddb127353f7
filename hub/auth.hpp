// Secrets: passwords hashed with argon2id (libsodium's crypto_pwhash_str), device tokens and
// session ids stored only as BLAKE2b hashes, random tokens from the OS (limits: hub/guard.hpp).
#pragma once

#include <string>

namespace ledsager::hub {

// Must be called once before anything else here; false when libsodium cannot start.
bool init_crypto();
std::string hash_password(const std::string& password);  // argon2id, "$argon2id$..."
bool verify_password(const std::string& hash, const std::string& password);
std::string hash_token(const std::string& token);  // hex BLAKE2b-256
std::string random_token(size_t bytes = 24);       // hex
// A one-time enrollment code people can read and type: XXXX-XXXX-XXXX from 31 letters and
// digits that cannot be mistaken for each other (about 59 bits).
std::string enrollment_code();
// The code as typed (any case, with or without dashes and spaces) in its one form.
std::string normalize_code(const std::string& typed);
bool equal_constant_time(const std::string& a, const std::string& b);

}  // namespace ledsager::hub
