// fuzz_bundle_reader: the signed content bundle reader (common/bundle.hpp), which the hub runs
// on uploaded bundles and every kiosk on downloaded ones, must refuse any bytes it cannot
// trust without a crash, a hang, an exception or a file written outside its destination.
// Each input is read three ways:
//  1. as it is: read_bundle_info with no key (the manifest shown by tools), then unpack_bundle
//     with the fuzz key pinned. The seed bundles are signed with that key, so mutations of
//     the guides' bytes and of the tar past the manifest get beyond the signature;
//  2. re-signed: when the input is a tar that starts with a manifest, the manifest is signed
//     again with the fuzz key and the tar rebuilt around it (the rest copied entry by entry),
//     so a mutated manifest (paths, sizes, hashes) is trusted and its files get unpacked;
//  3. after a successful unpack, verify_unpacked must accept what was written, and nothing
//     may exist in the scratch folder but the input and the destination; after a refusal,
//     the destination must be gone.
// Corpus: tests/fuzz/corpus/bundle_reader (made with `ledsager-hub content build`, see the
// README); driver: driver.hpp.
#include <archive.h>
#include <archive_entry.h>
#include <sodium.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "common/bundle.hpp"
#include "driver.hpp"

namespace fs = std::filesystem;
using namespace ledsager::common;

namespace {

// The fuzz key: tests/fuzz/bundle_reader.key (LEDSAGER_FUZZ_BUNDLE_KEY), a secret key in the
// open that signs nothing but the seed bundles.
struct Key {
    unsigned char pk[crypto_sign_PUBLICKEYBYTES];
    unsigned char sk[crypto_sign_SECRETKEYBYTES];
    std::string public_b64;
    Key() {
        if (sodium_init() < 0) std::abort();
        std::ifstream in(LEDSAGER_FUZZ_BUNDLE_KEY);
        std::string b64;
        std::getline(in, b64);
        size_t len = 0;
        if (sodium_base642bin(sk, sizeof sk, b64.data(), b64.size(), nullptr, &len, nullptr,
                              sodium_base64_VARIANT_ORIGINAL) != 0 ||
            len != sizeof sk) {
            std::fprintf(stderr, "%s: not a base64 ed25519 secret key\n", LEDSAGER_FUZZ_BUNDLE_KEY);
            std::abort();
        }
        crypto_sign_ed25519_sk_to_pk(pk, sk);
        public_b64 = base64(pk, sizeof pk);
    }
    static std::string base64(const unsigned char* p, size_t n) {
        std::string b64(sodium_base64_encoded_len(n, sodium_base64_VARIANT_ORIGINAL), '\0');
        sodium_bin2base64(b64.data(), b64.size(), p, n, sodium_base64_VARIANT_ORIGINAL);
        b64.resize(std::strlen(b64.c_str()));
        return b64;
    }
    std::string sign(const std::string& manifest) const {
        unsigned char sig[crypto_sign_BYTES];
        crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char*>(manifest.data()), manifest.size(),
                             sk);
        return "{\"key_id\":\"" + content_key_id(public_b64) + "\",\"signature\":\"" + base64(sig, sizeof sig) + "\"}";
    }
};

struct Scratch {
    fs::path root;
    Scratch() {
        root = fs::temp_directory_path() / ("ledsager-fuzz-bundle-" + std::to_string(::getpid()));
        fs::remove_all(root);
        fs::create_directories(root);
    }
    ~Scratch() {
        std::error_code ec;
        fs::remove_all(root, ec);
    }
};

void write(const fs::path& p, const std::string& bytes) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) std::abort();  // the scratch folder is gone: not the reader's fault, but stop
}

using Archive = std::unique_ptr<archive, int (*)(archive*)>;

// The input's tar with its manifest signed again by `key` (empty when the input is no tar or
// does not start with a manifest). The signature entry, if second, is replaced; every other
// entry is copied as it is, header and data.
std::string resign(const std::string& input, const Key& key) {
    Archive in(archive_read_new(), archive_read_free);
    archive_read_support_format_tar(in.get());
    archive_read_support_filter_gzip(in.get());
    if (archive_read_open_memory(in.get(), input.data(), input.size()) != ARCHIVE_OK) return {};
    archive_entry* e = nullptr;
    if (archive_read_next_header(in.get(), &e) != ARCHIVE_OK || !archive_entry_pathname(e) ||
        std::strcmp(archive_entry_pathname(e), "ledsager-bundle.json") != 0)
        return {};
    const la_int64_t msize = archive_entry_size(e);
    if (msize <= 0 || msize > (1 << 20)) return {};
    std::string manifest(static_cast<size_t>(msize), '\0');
    if (archive_read_data(in.get(), manifest.data(), manifest.size()) != msize) return {};

    std::vector<char> out(input.size() * 2 + (64 << 10));
    size_t used = 0;
    Archive w(archive_write_new(), archive_write_free);
    archive_write_set_format_pax_restricted(w.get());
    archive_write_set_bytes_in_last_block(w.get(), 1);
    if (archive_write_open_memory(w.get(), out.data(), out.size(), &used) != ARCHIVE_OK) return {};
    auto put = [&](const char* path, const std::string& data) {
        archive_entry* n = archive_entry_new();
        archive_entry_set_pathname(n, path);
        archive_entry_set_size(n, static_cast<la_int64_t>(data.size()));
        archive_entry_set_filetype(n, AE_IFREG);
        archive_entry_set_perm(n, 0644);
        const bool ok = archive_write_header(w.get(), n) == ARCHIVE_OK &&
                        archive_write_data(w.get(), data.data(), data.size()) == static_cast<la_ssize_t>(data.size());
        archive_entry_free(n);
        return ok;
    };
    if (!put("ledsager-bundle.json", manifest) || !put("ledsager-bundle.sig", key.sign(manifest))) return {};
    bool first = true;
    std::vector<char> buf(16 << 10);
    while (archive_read_next_header(in.get(), &e) == ARCHIVE_OK) {
        const char* path = archive_entry_pathname(e);
        if (first && path && std::strcmp(path, "ledsager-bundle.sig") == 0) {
            first = false;
            continue;
        }
        first = false;
        if (archive_write_header(w.get(), e) < ARCHIVE_WARN) return {};
        for (;;) {
            const la_ssize_t n = archive_read_data(in.get(), buf.data(), buf.size());
            if (n < 0) return {};
            if (n == 0) break;
            if (archive_write_data(w.get(), buf.data(), static_cast<size_t>(n)) < 0) return {};
        }
    }
    if (archive_write_close(w.get()) != ARCHIVE_OK) return {};
    return std::string(out.data(), used);
}

// Unpacks `bytes` with the fuzz key pinned and checks what is left on disk.
void unpack(const Scratch& s, const Key& key, const std::string& bytes) {
    const fs::path file = s.root / "in.tar", dest = s.root / "dest";
    write(file, bytes);
    BundleInfo info;
    std::string error;
    (void)read_bundle_info(file, {}, info, error);
    info = {};
    error.clear();
    const bool ok = unpack_bundle(file, {key.public_b64}, dest, info, error);
    if (!ok && (error.empty() || fs::exists(dest))) std::abort();  // refused: says why, leaves nothing
    if (ok) {
        BundleInfo again;
        if (!verify_unpacked(dest, {key.public_b64}, again, error) || again.files.size() != info.files.size())
            std::abort();
    }
    for (const auto& entry : fs::directory_iterator(s.root))  // nothing written beside it
        if (entry.path() != file && entry.path() != dest) std::abort();
    std::error_code ec;
    fs::remove_all(dest, ec);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, size_t size) {
    static const Key key;
    static const Scratch scratch;
    const std::string input(reinterpret_cast<const char*>(data), size);
    unpack(scratch, key, input);
    const std::string resigned = resign(input, key);
    if (!resigned.empty()) unpack(scratch, key, resigned);
    return 0;
}
