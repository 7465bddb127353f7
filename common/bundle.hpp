// Signed content bundles: how guides travel from the content editors, through the hub, to
// every kiosk. A bundle is one tar file:
//
//   ledsager-bundle.json   the manifest: format, version (a whole number that only grows),
//                          when it was made, and every file's path, size and SHA-256
//   ledsager-bundle.sig    {"key_id", "signature"}: ed25519 (libsodium) over the manifest bytes
//   guides/<id>/...        the guide folders, exactly as assets/guides holds them
//
// A kiosk pins the public keys it trusts. Nothing of a bundle is written to disk before
// its manifest's signature has been checked; every file must then be in the manifest with
// its size and hash, and nothing else may be there (no links, no "..", no absolute paths).
// libarchive reads and writes the tar; nothing here throws.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace ledsager::common {

struct ContentKeyPair {
    std::string public_key;  // base64 of the 32-byte ed25519 public key (what kiosks pin)
    std::string secret_key;  // base64 of the 64-byte secret key (kept by whoever signs)
};

// A fresh key pair (libsodium must be initialised; sodium_init is called if not).
ContentKeyPair make_content_key_pair();
// A short, stable name for a public key: the first 16 hex digits of its SHA-256.
// Empty when `public_key` is not a valid base64 ed25519 key.
std::string content_key_id(const std::string& public_key);
// The public key of a secret key from make_content_key_pair; empty when it is not one.
std::string content_public_key(const std::string& secret_key);

struct BundleFile {
    std::string path;  // relative to the bundle, always under guides/
    std::uint64_t size = 0;
    std::string sha256;  // lower-case hex
};

struct BundleInfo {
    std::int64_t version = 0;
    std::string created;  // UTC, ISO 8601
    std::string key_id;
    std::vector<BundleFile> files;
    std::uint64_t bytes = 0;  // sum of the files' sizes
};

// Limits a bundle must keep (a bundle is refused past them, before anything is written).
constexpr std::uint64_t kBundleMaxFileBytes = 64ull << 20;
constexpr std::uint64_t kBundleMaxTotalBytes = 256ull << 20;
constexpr std::size_t kBundleMaxFiles = 20000;

// Builds a bundle of every regular file under `guides_dir` (the caller checks the content
// first). Deterministic: files sorted, fixed times and modes. False with `error` on failure.
bool build_bundle(const std::filesystem::path& guides_dir, std::int64_t version, const std::string& secret_key,
                  const std::filesystem::path& out, std::string& error);

// Reads a bundle's manifest and checks its signature against `public_keys` (any one of them;
// an empty list skips the signature check, for tools that only want to show the manifest).
bool read_bundle_info(const std::filesystem::path& bundle, const std::vector<std::string>& public_keys,
                      BundleInfo& info, std::string& error);

// Verifies and unpacks `bundle` into `dest` (which must not exist; it is made here and
// removed again on any failure). `dest` then holds guides/ plus the manifest and signature.
bool unpack_bundle(const std::filesystem::path& bundle, const std::vector<std::string>& public_keys,
                   const std::filesystem::path& dest, BundleInfo& info, std::string& error);

// Checks an unpacked bundle again (at start-up: the disk may have changed under it): the
// signature, every file's size and hash, and that nothing else is under guides/.
bool verify_unpacked(const std::filesystem::path& dir, const std::vector<std::string>& public_keys, BundleInfo& info,
                     std::string& error);

// SHA-256 of a file's bytes as lower-case hex ("" when it cannot be read).
std::string sha256_file(const std::filesystem::path& file);

}  // namespace ledsager::common
