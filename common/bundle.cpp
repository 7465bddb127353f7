#include "common/bundle.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <sodium.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <ctime>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>

namespace ledsager::common {

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

constexpr const char* kManifest = "ledsager-bundle.json";
constexpr const char* kSignature = "ledsager-bundle.sig";
constexpr const char* kFormat = "ledsager-content-bundle";

bool ensure_sodium() {
    return sodium_init() >= 0;
}

std::string to_hex(const unsigned char* p, std::size_t n) {
    static const char* digits = "0123456789abcdef";
    std::string s;
    s.reserve(n * 2);
    for (std::size_t i = 0; i < n; ++i) {
        s += digits[p[i] >> 4];
        s += digits[p[i] & 15];
    }
    return s;
}

std::string to_base64(const unsigned char* p, std::size_t n) {
    std::string out(sodium_base64_encoded_len(n, sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(out.data(), out.size(), p, n, sodium_base64_VARIANT_ORIGINAL);
    out.resize(std::strlen(out.c_str()));
    return out;
}

bool from_base64(const std::string& text, std::vector<unsigned char>& out, std::size_t expected) {
    // Empty text (a .sig without a signature): no buffer to pass, and libsodium's is declared
    // never null (found by fuzz_bundle_reader under UndefinedBehaviorSanitizer).
    if (text.empty()) return out.clear(), expected == 0;
    out.assign(text.size(), 0);
    std::size_t len = 0;
    if (sodium_base642bin(out.data(), out.size(), text.data(), text.size(), " \n\r\t", &len, nullptr,
                          sodium_base64_VARIANT_ORIGINAL) != 0)
        return false;
    out.resize(len);
    return len == expected;
}

struct Sha256 {
    crypto_hash_sha256_state st;
    Sha256() { crypto_hash_sha256_init(&st); }
    void add(const void* p, std::size_t n) { crypto_hash_sha256_update(&st, static_cast<const unsigned char*>(p), n); }
    std::string hex() {
        unsigned char h[crypto_hash_sha256_BYTES];
        crypto_hash_sha256_final(&st, h);
        return to_hex(h, sizeof h);
    }
};

std::string utc_now() {
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

// A path a bundle may hold: under guides/, plain names of [A-Za-z0-9._-] (no "..", no
// hidden files, no absolute paths or backslashes), at most 8 levels.
bool safe_path(const std::string& p) {
    if (p.rfind("guides/", 0) != 0 || p.size() > 240 || p.back() == '/') return false;
    int parts = 0;
    std::size_t start = 0;
    while (start < p.size()) {
        std::size_t end = p.find('/', start);
        if (end == std::string::npos) end = p.size();
        const std::string part = p.substr(start, end - start);
        if (part.empty() || part[0] == '.') return false;
        for (unsigned char c : part)
            // ASCII by value, not std::isalnum: the answer must not depend on the locale (the
            // kiosk reads content while SDL briefly sets the user's locale on another thread).
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
                  c == '-'))
                return false;
        if (++parts > 8) return false;
        start = end + 1;
    }
    return true;
}

using ArchivePtr = std::unique_ptr<archive, void (*)(archive*)>;

void free_reader(archive* a) {
    archive_read_free(a);
}
void free_writer(archive* a) {
    archive_write_free(a);
}

// The manifest's fields, checked; `error` names what is wrong.
bool parse_manifest(const std::string& bytes, BundleInfo& info, std::string& error) {
    json m;
    try {
        m = json::parse(bytes);
    } catch (const json::exception&) {
        error = std::string(kManifest) + ": not valid JSON";
        return false;
    }
    if (!m.is_object() || m.value("format", "") != kFormat || !m.contains("format_version") ||
        m["format_version"] != 1) {
        error = std::string(kManifest) + ": not a Ledsager content bundle (format 1)";
        return false;
    }
    if (!m.contains("version") || !m["version"].is_number_integer() || m["version"].get<std::int64_t>() < 1) {
        error = std::string(kManifest) + ": version: must be a whole number from 1";
        return false;
    }
    info.version = m["version"];
    info.created = m.value("created", "");
    if (!m.contains("files") || !m["files"].is_array() || m["files"].empty() || m["files"].size() > kBundleMaxFiles) {
        error =
            std::string(kManifest) + ": files: must list between 1 and " + std::to_string(kBundleMaxFiles) + " files";
        return false;
    }
    std::set<std::string> seen;
    info.files.clear();
    info.bytes = 0;
    for (const auto& f : m["files"]) {
        BundleFile bf;
        if (!f.is_object() || !f.contains("path") || !f["path"].is_string() || !f.contains("size") ||
            !f["size"].is_number_unsigned() || !f.contains("sha256") || !f["sha256"].is_string()) {
            error = std::string(kManifest) + ": files: each needs path, size and sha256";
            return false;
        }
        bf.path = f["path"];
        bf.size = f["size"];
        bf.sha256 = f["sha256"];
        if (!safe_path(bf.path)) {
            error = std::string(kManifest) + ": files: '" + bf.path + "' is not a path a bundle may hold";
            return false;
        }
        if (!seen.insert(bf.path).second) {
            error = std::string(kManifest) + ": files: '" + bf.path + "' is listed twice";
            return false;
        }
        if (bf.size > kBundleMaxFileBytes || bf.sha256.size() != 64) {
            error = std::string(kManifest) + ": files: '" + bf.path + "' is too large or has no SHA-256";
            return false;
        }
        info.bytes += bf.size;
        info.files.push_back(std::move(bf));
    }
    if (info.bytes > kBundleMaxTotalBytes) {
        error = std::string(kManifest) + ": the files add up to more than " +
                std::to_string(kBundleMaxTotalBytes >> 20) + " MiB";
        return false;
    }
    return true;
}

// Checks `sig_bytes` (the .sig file) over `manifest` with one of the pinned keys.
bool check_signature(const std::string& manifest, const std::string& sig_bytes, const std::vector<std::string>& keys,
                     BundleInfo& info, std::string& error) {
    json s;
    try {
        s = json::parse(sig_bytes);
    } catch (const json::exception&) {
        error = std::string(kSignature) + ": not valid JSON";
        return false;
    }
    const std::string key_id = s.is_object() ? s.value("key_id", "") : "";
    const std::string signature = s.is_object() ? s.value("signature", "") : "";
    info.key_id = key_id;
    if (keys.empty()) return true;
    std::vector<unsigned char> sig;
    if (!from_base64(signature, sig, crypto_sign_BYTES)) {
        error = std::string(kSignature) + ": signature: not a base64 ed25519 signature";
        return false;
    }
    for (const auto& k : keys) {
        if (content_key_id(k) != key_id) continue;
        std::vector<unsigned char> pk;
        if (!from_base64(k, pk, crypto_sign_PUBLICKEYBYTES)) continue;
        if (crypto_sign_verify_detached(sig.data(), reinterpret_cast<const unsigned char*>(manifest.data()),
                                        manifest.size(), pk.data()) == 0)
            return true;
        error = "the signature does not match the manifest (signed by key " + key_id +
                "): the bundle was changed after signing";
        return false;
    }
    error = "signed by key '" + key_id + "', which this kiosk does not trust ([content] public_keys)";
    return false;
}

// Reads one entry's data whole (small files only: the manifest and the signature).
bool read_small(archive* a, archive_entry* e, std::string& out, std::string& error) {
    const la_int64_t size = archive_entry_size(e);
    if (size < 0 || size > (4 << 20)) {
        error = std::string(archive_entry_pathname(e)) + ": too large";
        return false;
    }
    out.resize(static_cast<std::size_t>(size));
    if (size > 0 && archive_read_data(a, out.data(), out.size()) != size) {
        error = std::string(archive_entry_pathname(e)) + ": cannot be read (" +
                (archive_error_string(a) ? archive_error_string(a) : "truncated") + ")";
        return false;
    }
    return true;
}

ArchivePtr open_reader(const fs::path& file, std::string& error) {
    ArchivePtr a(archive_read_new(), free_reader);
    archive_read_support_format_tar(a.get());
    archive_read_support_filter_gzip(a.get());
    if (archive_read_open_filename(a.get(), file.c_str(), 64 * 1024) != ARCHIVE_OK) {
        error = file.string() + ": cannot be opened as a bundle (" +
                (archive_error_string(a.get()) ? archive_error_string(a.get()) : "?") + ")";
        a.reset();
    }
    return a;
}

// Reads the manifest and signature, which must come first, in that order.
bool read_head(archive* a, const fs::path& file, const std::vector<std::string>& keys, BundleInfo& info,
               std::string& manifest, std::string& sig, std::string& error) {
    archive_entry* e = nullptr;
    for (const char* want : {kManifest, kSignature}) {
        if (archive_read_next_header(a, &e) != ARCHIVE_OK) {
            error = file.string() + ": not a bundle: it ends before " + want;
            return false;
        }
        if (std::string(archive_entry_pathname(e)) != want || archive_entry_filetype(e) != AE_IFREG) {
            error = file.string() + ": not a bundle: expected " + want + " next, found '" + archive_entry_pathname(e) +
                    "'" + (std::string(want) == kSignature ? " (an unsigned bundle?)" : "");
            return false;
        }
        if (!read_small(a, e, std::string(want) == kManifest ? manifest : sig, error)) return false;
    }
    // The signature first: nothing of an unsigned manifest is parsed.
    if (!check_signature(manifest, sig, keys, info, error)) return false;
    return parse_manifest(manifest, info, error);
}

bool write_entry(archive* a, const std::string& path, const std::string& data, std::string& error) {
    archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, path.c_str());
    archive_entry_set_size(e, static_cast<la_int64_t>(data.size()));
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_mtime(e, 0, 0);
    bool ok = archive_write_header(a, e) == ARCHIVE_OK &&
              (data.empty() || archive_write_data(a, data.data(), data.size()) == static_cast<la_ssize_t>(data.size()));
    if (!ok) error = path + ": " + (archive_error_string(a) ? archive_error_string(a) : "cannot be written");
    archive_entry_free(e);
    return ok;
}

std::string slurp(const fs::path& p, bool& ok) {
    std::ifstream in(p, std::ios::binary);
    std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    ok = static_cast<bool>(in) || in.eof();
    return s;
}

}  // namespace

ContentKeyPair make_content_key_pair() {
    ensure_sodium();
    unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
    crypto_sign_keypair(pk, sk);
    ContentKeyPair kp{to_base64(pk, sizeof pk), to_base64(sk, sizeof sk)};
    sodium_memzero(sk, sizeof sk);
    return kp;
}

std::string content_key_id(const std::string& public_key) {
    ensure_sodium();
    std::vector<unsigned char> pk;
    if (!from_base64(public_key, pk, crypto_sign_PUBLICKEYBYTES)) return {};
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, pk.data(), pk.size());
    return to_hex(h, 8);
}

std::string content_public_key(const std::string& secret_key) {
    ensure_sodium();
    std::vector<unsigned char> sk;
    if (!from_base64(secret_key, sk, crypto_sign_SECRETKEYBYTES)) return {};
    unsigned char pk[crypto_sign_PUBLICKEYBYTES];
    crypto_sign_ed25519_sk_to_pk(pk, sk.data());
    sodium_memzero(sk.data(), sk.size());
    return to_base64(pk, sizeof pk);
}

std::string sha256_file(const fs::path& file) {
    ensure_sodium();
    std::ifstream in(file, std::ios::binary);
    if (!in) return {};
    Sha256 h;
    std::vector<char> buf(64 * 1024);
    while (in) {
        in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
        if (in.gcount() > 0) h.add(buf.data(), static_cast<std::size_t>(in.gcount()));
    }
    return h.hex();
}

bool build_bundle(const fs::path& guides_dir, std::int64_t version, const std::string& secret_key, const fs::path& out,
                  std::string& error) {
    if (!ensure_sodium()) return error = "libsodium cannot start", false;
    std::vector<unsigned char> sk;
    if (!from_base64(secret_key, sk, crypto_sign_SECRETKEYBYTES))
        return error = "the secret key is not a base64 ed25519 secret key", false;
    if (version < 1) return error = "the version must be a whole number from 1", false;
    std::error_code ec;
    if (!fs::is_directory(guides_dir, ec)) return error = guides_dir.string() + ": not a folder", false;
    std::vector<std::pair<std::string, fs::path>> files;
    for (auto it = fs::recursive_directory_iterator(guides_dir, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
        const auto rel = "guides/" + fs::relative(it->path(), guides_dir, ec).generic_string();
        if (it->is_symlink()) return error = it->path().string() + ": a link: bundles hold plain files only", false;
        if (it->path().filename().string()[0] == '.') {
            if (it->is_directory()) it.disable_recursion_pending();
            continue;  // editors' hidden files (.DS_Store, .git) are not content
        }
        if (!it->is_regular_file()) continue;
        if (!safe_path(rel))
            return error = it->path().string() + ": a name a bundle may not hold (use letters, digits, . _ -)", false;
        files.emplace_back(rel, it->path());
    }
    if (ec) return error = guides_dir.string() + ": " + ec.message(), false;
    if (files.empty()) return error = guides_dir.string() + ": no files", false;
    std::sort(files.begin(), files.end());
    json manifest{{"format", kFormat}, {"format_version", 1}, {"version", version}, {"created", utc_now()}};
    json list = json::array();
    std::vector<std::string> contents;
    for (const auto& [rel, path] : files) {
        bool ok = false;
        std::string data = slurp(path, ok);
        if (!ok) return error = path.string() + ": cannot be read", false;
        if (data.size() > kBundleMaxFileBytes) return error = path.string() + ": larger than a bundle allows", false;
        Sha256 h;
        h.add(data.data(), data.size());
        list.push_back({{"path", rel}, {"size", data.size()}, {"sha256", h.hex()}});
        contents.push_back(std::move(data));
    }
    manifest["files"] = list;
    const std::string manifest_bytes = manifest.dump(1);
    unsigned char sig[crypto_sign_BYTES];
    crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char*>(manifest_bytes.data()),
                         manifest_bytes.size(), sk.data());
    unsigned char pk[crypto_sign_PUBLICKEYBYTES];
    crypto_sign_ed25519_sk_to_pk(pk, sk.data());
    sodium_memzero(sk.data(), sk.size());
    const std::string sig_bytes =
        json{{"key_id", content_key_id(to_base64(pk, sizeof pk))}, {"signature", to_base64(sig, sizeof sig)}}.dump();

    const fs::path tmp = out.string() + ".part";
    ArchivePtr a(archive_write_new(), free_writer);
    archive_write_set_format_pax_restricted(a.get());
    if (archive_write_open_filename(a.get(), tmp.c_str()) != ARCHIVE_OK)
        return error = tmp.string() + ": cannot be written (" +
                       (archive_error_string(a.get()) ? archive_error_string(a.get()) : "?") + ")",
               false;
    bool ok =
        write_entry(a.get(), kManifest, manifest_bytes, error) && write_entry(a.get(), kSignature, sig_bytes, error);
    for (std::size_t i = 0; ok && i < files.size(); ++i)
        ok = write_entry(a.get(), files[i].first, contents[i], error);
    if (ok && archive_write_close(a.get()) != ARCHIVE_OK) ok = (error = tmp.string() + ": cannot be finished", false);
    a.reset();
    if (ok) fs::rename(tmp, out, ec);
    if (ok && ec) ok = (error = out.string() + ": " + ec.message(), false);
    if (!ok) fs::remove(tmp, ec);
    return ok;
}

bool read_bundle_info(const fs::path& bundle, const std::vector<std::string>& public_keys, BundleInfo& info,
                      std::string& error) {
    if (!ensure_sodium()) return error = "libsodium cannot start", false;
    auto a = open_reader(bundle, error);
    if (!a) return false;
    std::string manifest, sig;
    return read_head(a.get(), bundle, public_keys, info, manifest, sig, error);
}

bool unpack_bundle(const fs::path& bundle, const std::vector<std::string>& public_keys, const fs::path& dest,
                   BundleInfo& info, std::string& error) {
    if (!ensure_sodium()) return error = "libsodium cannot start", false;
    if (public_keys.empty())
        return error = "no public key is pinned ([content] public_keys): a bundle cannot be trusted", false;
    auto a = open_reader(bundle, error);
    if (!a) return false;
    std::string manifest, sig;
    if (!read_head(a.get(), bundle, public_keys, info, manifest, sig, error)) return false;
    // Only now, with a manifest signed by a trusted key, is anything written.
    std::error_code ec;
    if (fs::exists(dest, ec)) return error = dest.string() + ": already there", false;
    fs::create_directories(dest / "guides", ec);
    if (ec) return error = dest.string() + ": " + ec.message(), false;
    auto fail = [&](std::string why) {
        error = std::move(why);
        std::error_code ignore;
        fs::remove_all(dest, ignore);
        return false;
    };
    std::map<std::string, const BundleFile*> wanted;
    for (const auto& f : info.files)
        wanted[f.path] = &f;
    std::set<std::string> done;
    archive_entry* e = nullptr;
    std::vector<char> buf(64 * 1024);
    int r;
    while ((r = archive_read_next_header(a.get(), &e)) == ARCHIVE_OK) {
        const std::string path = archive_entry_pathname(e);
        if (archive_entry_filetype(e) == AE_IFDIR) {
            if (path == "guides/" || (safe_path(path.substr(0, path.size() - 1)) && path.back() == '/')) continue;
            return fail("'" + path + "': a folder the manifest does not allow");
        }
        auto it = wanted.find(path);
        if (it == wanted.end()) return fail("'" + path + "': in the bundle but not in its signed manifest");
        if (archive_entry_filetype(e) != AE_IFREG) return fail("'" + path + "': not a plain file (links are refused)");
        if (!done.insert(path).second) return fail("'" + path + "': in the bundle twice");
        const BundleFile& f = *it->second;
        if (archive_entry_size_is_set(e) && static_cast<std::uint64_t>(archive_entry_size(e)) != f.size)
            return fail("'" + path + "': " + std::to_string(archive_entry_size(e)) + " bytes, the manifest says " +
                        std::to_string(f.size));
        const fs::path target = dest / path;
        fs::create_directories(target.parent_path(), ec);
        std::ofstream out(target, std::ios::binary | std::ios::trunc);
        if (!out) return fail(target.string() + ": cannot be written");
        Sha256 h;
        std::uint64_t got = 0;
        for (;;) {
            const la_ssize_t n = archive_read_data(a.get(), buf.data(), buf.size());
            if (n < 0)
                return fail("'" + path + "': cannot be read (" +
                            (archive_error_string(a.get()) ? archive_error_string(a.get()) : "?") + ")");
            if (n == 0) break;
            got += static_cast<std::uint64_t>(n);
            if (got > f.size) return fail("'" + path + "': longer than the manifest says");
            h.add(buf.data(), static_cast<std::size_t>(n));
            out.write(buf.data(), n);
        }
        out.close();
        if (!out) return fail(target.string() + ": cannot be written (disk full?)");
        if (got != f.size)
            return fail("'" + path + "': " + std::to_string(got) + " bytes, the manifest says " +
                        std::to_string(f.size));
        if (h.hex() != f.sha256)
            return fail("'" + path + "': its contents do not match the signed manifest (changed after signing)");
    }
    if (r != ARCHIVE_EOF)
        return fail(bundle.string() + ": damaged (" +
                    (archive_error_string(a.get()) ? archive_error_string(a.get()) : "?") + ")");
    for (const auto& f : info.files)
        if (!done.count(f.path)) return fail("'" + f.path + "': in the manifest but missing from the bundle");
    // The manifest and signature stay beside the guides, to check them again at start-up.
    for (const auto& [name, bytes] : {std::pair{kManifest, &manifest}, std::pair{kSignature, &sig}}) {
        std::ofstream out(dest / name, std::ios::binary | std::ios::trunc);
        out << *bytes;
        if (!out) return fail((dest / name).string() + ": cannot be written");
    }
    return true;
}

bool verify_unpacked(const fs::path& dir, const std::vector<std::string>& public_keys, BundleInfo& info,
                     std::string& error) {
    if (!ensure_sodium()) return error = "libsodium cannot start", false;
    if (public_keys.empty()) return error = "no public key is pinned ([content] public_keys)", false;
    bool ok1 = false, ok2 = false;
    const std::string manifest = slurp(dir / kManifest, ok1), sig = slurp(dir / kSignature, ok2);
    if (!ok1 || manifest.empty()) return error = (dir / kManifest).string() + ": missing", false;
    if (!ok2 || sig.empty()) return error = (dir / kSignature).string() + ": missing (unsigned)", false;
    if (!check_signature(manifest, sig, public_keys, info, error) || !parse_manifest(manifest, info, error))
        return false;
    std::map<std::string, const BundleFile*> wanted;
    for (const auto& f : info.files)
        wanted[f.path] = &f;
    std::error_code ec;
    std::size_t seen = 0;
    for (auto it = fs::recursive_directory_iterator(dir / "guides", ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (it->is_directory() && !it->is_symlink()) continue;
        const std::string rel = "guides/" + fs::relative(it->path(), dir / "guides", ec).generic_string();
        auto w = wanted.find(rel);
        if (w == wanted.end() || it->is_symlink() || !it->is_regular_file())
            return error = it->path().string() + ": not part of the signed bundle", false;
        if (fs::file_size(it->path(), ec) != w->second->size || sha256_file(it->path()) != w->second->sha256)
            return error = it->path().string() + ": changed since it was unpacked (does not match the signed manifest)",
                   false;
        ++seen;
    }
    if (ec) return error = (dir / "guides").string() + ": " + ec.message(), false;
    if (seen != info.files.size()) return error = dir.string() + ": files of the bundle are missing", false;
    return true;
}

}  // namespace ledsager::common
