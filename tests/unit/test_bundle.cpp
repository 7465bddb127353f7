// content_bundle_verify and content_rollback: signed content bundles (common/bundle.hpp) and
// the kiosk's store of them (core/content_store.hpp), on the real demo guides.
//  - a bundle signed with a pinned key unpacks, and its guides are the ones that were signed;
//  - changed after signing (a guide's text, the manifest's version), unsigned, signed by an
//    unknown key, with a path outside guides/, a link, or a file the manifest does not list:
//    refused before anything is served, the reason names the file;
//  - signed but broken guides are refused with the checker's file:line;
//  - the store switches, keeps the last good bundle, rolls back after repeated restarts on
//    trial, and serves the previous bundle when the current one is damaged on disk.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/bundle.hpp"
#include "core/content_store.hpp"
#include "temp_dir.hpp"

namespace fs = std::filesystem;
using namespace ledsager::core;
using namespace ledsager::common;

using ledsager::test::TempDir;

namespace {

std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

void write(const fs::path& p, const std::string& text) {
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary | std::ios::trunc) << text;
}

// A copy of the demo guides where the English MitID title says `title` (same length as the original).
fs::path guides_copy(const fs::path& dir, const std::string& title = "Log in with MitID") {
    const fs::path g = dir / "guides-src";
    fs::create_directories(dir);
    fs::copy(LEDSAGER_SOURCE_ASSETS "/guides", g, fs::copy_options::recursive);
    const fs::path en = g / "mitid-login" / "en.toml";
    std::string text = read(en);
    const auto at = text.find("title = \"Log in with MitID\"");
    REQUIRE(at != std::string::npos);
    text.replace(at, std::string("title = \"Log in with MitID\"").size(), "title = \"" + title + "\"");
    write(en, text);
    return g;
}

// Replaces the first occurrence of `from` in the file's bytes with `to` (same length).
bool patch(const fs::path& file, const std::string& from, const std::string& to) {
    std::string bytes = read(file);
    const auto at = bytes.find(from);
    if (at == std::string::npos || from.size() != to.size()) return false;
    bytes.replace(at, from.size(), to);
    write(file, bytes);
    return true;
}

const Guide* guide(const ContentSet& set, const std::string& id) {
    return set.find(id);
}

}  // namespace

TEST_CASE("a signed bundle unpacks to exactly the guides that were signed") {
    TempDir t;
    const auto kp = make_content_key_pair();
    CHECK(content_key_id(kp.public_key).size() == 16);
    CHECK(content_key_id("not a key").empty());
    CHECK(content_key_id("").empty());  // no null buffer to libsodium (UndefinedBehaviorSanitizer)
    const fs::path src = guides_copy(t.path, "Log in with MitID (new)");
    REQUIRE(load_content(src).guides.size() == load_content(LEDSAGER_SOURCE_ASSETS "/guides").guides.size());
    std::string error;
    REQUIRE_MESSAGE(build_bundle(src, 7, kp.secret_key, t.path / "b.tar", error), error);
    BundleInfo info;
    REQUIRE_MESSAGE(read_bundle_info(t.path / "b.tar", {kp.public_key}, info, error), error);
    CHECK(info.version == 7);
    CHECK(info.key_id == content_key_id(kp.public_key));
    CHECK(info.files.size() > 50);
    REQUIRE_MESSAGE(unpack_bundle(t.path / "b.tar", {kp.public_key}, t.path / "out", info, error), error);
    const auto set = load_content(t.path / "out" / "guides");
    CHECK_FALSE(set.diagnostics.has_errors());
    REQUIRE(guide(set, "mitid-login"));
    CHECK(guide(set, "mitid-login")->text.at("en").title == "Log in with MitID (new)");
    CHECK(read(t.path / "out/guides/mitid-login/da.toml") == read(src / "mitid-login/da.toml"));
    REQUIRE_MESSAGE(verify_unpacked(t.path / "out", {kp.public_key}, info, error), error);
    // Deterministic: the same folder and version make the same manifest (apart from its time).
    REQUIRE(build_bundle(src, 7, kp.secret_key, t.path / "b2.tar", error));
    CHECK(fs::file_size(t.path / "b.tar") == fs::file_size(t.path / "b2.tar"));
}

TEST_CASE("bundles changed after signing, unsigned or signed by another key are refused, and nothing is left behind") {
    TempDir t;
    const auto kp = make_content_key_pair(), other = make_content_key_pair();
    const fs::path src = guides_copy(t.path, "Log in with MitID here");
    std::string error;
    REQUIRE(build_bundle(src, 3, kp.secret_key, t.path / "good.tar", error));
    BundleInfo info;

    SUBCASE("a guide's text changed inside the bundle") {
        fs::copy_file(t.path / "good.tar", t.path / "bad.tar");
        REQUIRE(patch(t.path / "bad.tar", "Log in with MitID here", "Log in with MitID hare"));
        CHECK_FALSE(unpack_bundle(t.path / "bad.tar", {kp.public_key}, t.path / "out", info, error));
        INFO(error);
        CHECK(error.find("guides/mitid-login/en.toml") != std::string::npos);
        CHECK(error.find("do not match the signed manifest") != std::string::npos);
        CHECK_FALSE(fs::exists(t.path / "out"));
    }
    SUBCASE("the manifest's version changed") {
        fs::copy_file(t.path / "good.tar", t.path / "bad.tar");
        REQUIRE(patch(t.path / "bad.tar", "\"version\": 3", "\"version\": 9"));
        CHECK_FALSE(read_bundle_info(t.path / "bad.tar", {kp.public_key}, info, error));
        CHECK(error.find("signature does not match") != std::string::npos);
        CHECK_FALSE(unpack_bundle(t.path / "bad.tar", {kp.public_key}, t.path / "out", info, error));
        CHECK_FALSE(fs::exists(t.path / "out"));
    }
    SUBCASE("a manifest made unreadable after signing: refused by its signature before it is parsed") {
        fs::copy_file(t.path / "good.tar", t.path / "bad.tar");
        REQUIRE(patch(t.path / "bad.tar", "\"created\":", "\"created\"!"));
        CHECK_FALSE(read_bundle_info(t.path / "bad.tar", {kp.public_key}, info, error));
        CHECK_MESSAGE(error.find("signature does not match") != std::string::npos, error);
        CHECK(error.find("not valid JSON") == std::string::npos);
    }
    SUBCASE("signed by a key the kiosk does not trust") {
        REQUIRE(build_bundle(src, 3, other.secret_key, t.path / "other.tar", error));
        CHECK_FALSE(unpack_bundle(t.path / "other.tar", {kp.public_key}, t.path / "out", info, error));
        CHECK(error.find("does not trust") != std::string::npos);
        // Trusting both (a key being rotated) accepts it.
        CHECK(unpack_bundle(t.path / "other.tar", {kp.public_key, other.public_key}, t.path / "out", info, error));
    }
    SUBCASE("unsigned: the signature entry is missing") {
        // The manifest and the guides packed by hand with tar, without the signature.
        REQUIRE(unpack_bundle(t.path / "good.tar", {kp.public_key}, t.path / "x", info, error));
        const std::string cmd = "cd '" + (t.path / "x").string() + "' && tar cf ../bad.tar ledsager-bundle.json guides";
        REQUIRE(std::system(cmd.c_str()) == 0);
        CHECK_FALSE(unpack_bundle(t.path / "bad.tar", {kp.public_key}, t.path / "out", info, error));
        CHECK(error.find("unsigned") != std::string::npos);
        CHECK_FALSE(fs::exists(t.path / "out"));
    }
    SUBCASE("no key pinned: nothing is trusted") {
        CHECK_FALSE(unpack_bundle(t.path / "good.tar", {}, t.path / "out", info, error));
        CHECK(error.find("no public key") != std::string::npos);
    }
    SUBCASE("not a bundle at all") {
        write(t.path / "junk.tar", "this is not a tar file");
        CHECK_FALSE(unpack_bundle(t.path / "junk.tar", {kp.public_key}, t.path / "out", info, error));
        CHECK(error.find("junk.tar") != std::string::npos);
        write(t.path / "cut.tar", read(t.path / "good.tar").substr(0, 30000));
        CHECK_FALSE(unpack_bundle(t.path / "cut.tar", {kp.public_key}, t.path / "out", info, error));
        CHECK_FALSE(fs::exists(t.path / "out"));
    }
    SUBCASE("links and names outside guides/ are never signed") {
        fs::create_symlink("/etc/passwd", src / "mitid-login" / "passwd");
        CHECK_FALSE(build_bundle(src, 3, kp.secret_key, t.path / "link.tar", error));
        CHECK(error.find("link") != std::string::npos);
    }
    SUBCASE("an unpacked bundle changed on disk fails its check") {
        REQUIRE(unpack_bundle(t.path / "good.tar", {kp.public_key}, t.path / "out", info, error));
        write(t.path / "out/guides/mitid-login/en.toml", "changed");
        CHECK_FALSE(verify_unpacked(t.path / "out", {kp.public_key}, info, error));
        CHECK(error.find("en.toml") != std::string::npos);
        REQUIRE(build_bundle(src, 3, kp.secret_key, t.path / "good2.tar", error));
        REQUIRE(unpack_bundle(t.path / "good2.tar", {kp.public_key}, t.path / "out2", info, error));
        write(t.path / "out2/guides/extra.toml", "x");
        CHECK_FALSE(verify_unpacked(t.path / "out2", {kp.public_key}, info, error));
        CHECK(error.find("extra.toml") != std::string::npos);
    }
}

TEST_CASE("content_store: a signed bundle with broken guides is refused with the file and line") {
    TempDir t;
    const auto kp = make_content_key_pair();
    const fs::path src = guides_copy(t.path);
    write(src / "mitid-login" / "guide.toml", read(src / "mitid-login" / "guide.toml") + "\n[[step]\nid = \"broken\n");
    std::string error;
    REQUIRE(build_bundle(src, 2, kp.secret_key, t.path / "b.tar", error));  // signing does not check; the hub CLI does
    ContentStore store(t.path / "store", {kp.public_key});
    ContentSet set;
    CHECK_FALSE(store.stage(t.path / "b.tar", 2, set, error));
    CHECK(error.find("mitid-login/guide.toml:") != std::string::npos);
    CHECK_FALSE(fs::exists(store.bundle_dir(2)));
    // A bundle that says another version than the hub announced is refused too.
    const fs::path good = guides_copy(t.path / "g2");
    REQUIRE(build_bundle(good, 5, kp.secret_key, t.path / "five.tar", error));
    CHECK_FALSE(store.stage(t.path / "five.tar", 6, set, error));
    CHECK(error.find("v6") != std::string::npos);
}

TEST_CASE("content_store: switch, keep the last good bundle, roll back after restarts on trial") {
    TempDir t;
    const auto kp = make_content_key_pair();
    const fs::path installed = LEDSAGER_SOURCE_ASSETS "/guides";
    std::string error;
    const fs::path v1 = guides_copy(t.path / "1", "Log in with MitID (one)");
    const fs::path v2 = guides_copy(t.path / "2", "Log in with MitID (two)");
    REQUIRE(build_bundle(v1, 1, kp.secret_key, t.path / "1.tar", error));
    REQUIRE(build_bundle(v2, 2, kp.secret_key, t.path / "2.tar", error));
    const fs::path root = t.path / "store";
    auto title = [](const ContentSet& s) { return s.find("mitid-login")->text.at("en").title; };

    {
        ContentStore store(root, {kp.public_key});
        auto served = store.load_at_start(installed);
        CHECK(served.version == 0);
        CHECK(served.notes.empty());
        CHECK(title(served.content) == "Log in with MitID");
        CHECK(store.wanted(1));
        ContentSet set;
        REQUIRE_MESSAGE(store.stage(t.path / "1.tar", 1, set, error), error);
        CHECK(title(set) == "Log in with MitID (one)");
        store.switched(1);
        CHECK(store.state().trial);
        store.tick(ContentStore::kTrialMs);  // served ten minutes: good
        CHECK_FALSE(store.state().trial);
        CHECK_FALSE(store.wanted(1));
        REQUIRE(store.stage(t.path / "2.tar", 2, set, error));
        store.switched(2);
        CHECK(store.state().current == 2);
        CHECK(store.state().previous == 1);
    }
    SUBCASE("a restart keeps serving the new bundle") {
        ContentStore store(root, {kp.public_key});
        auto served = store.load_at_start(installed);
        CHECK(served.version == 2);
        CHECK(title(served.content) == "Log in with MitID (two)");
        CHECK(served.guides == store.bundle_dir(2) / "guides");
    }
    SUBCASE("the kiosk keeps restarting on the new bundle: back to the last good one, the new one refused") {
        for (int start = 1; start < ContentStore::kMaxTrialStarts; ++start) {
            ContentStore store(root, {kp.public_key});
            CHECK(store.load_at_start(installed).version == 2);
        }
        ContentStore store(root, {kp.public_key});
        auto served = store.load_at_start(installed);
        CHECK(served.version == 1);
        CHECK(title(served.content) == "Log in with MitID (one)");
        REQUIRE(served.notes.size() == 1);
        CHECK(served.notes[0].find("rolled back to v1") != std::string::npos);
        CHECK(store.refused(2));
        CHECK_FALSE(store.wanted(2));
        CHECK(store.wanted(3));
    }
    SUBCASE("the current bundle damaged on disk: the previous one serves, the damaged one may come again") {
        write(ContentStore(root, {kp.public_key}).bundle_dir(2) / "guides/mitid-login/en.toml", "title = \"x\"");
        ContentStore store(root, {kp.public_key});
        auto served = store.load_at_start(installed);
        CHECK(served.version == 1);
        REQUIRE_FALSE(served.notes.empty());
        CHECK(served.notes[0].find("en.toml") != std::string::npos);
        CHECK(store.wanted(2));
    }
    SUBCASE("both damaged, or the key no longer trusted: the installed guides serve") {
        const auto other = make_content_key_pair();
        ContentStore store(root, {other.public_key});
        auto served = store.load_at_start(installed);
        CHECK(served.version == 0);
        CHECK(title(served.content) == "Log in with MitID");
        CHECK(served.notes.size() == 2);
    }
    SUBCASE("a broken state file: started afresh on the installed guides") {
        write(root / "state.json", "{ not json");
        ContentStore store(root, {kp.public_key});
        auto served = store.load_at_start(installed);
        CHECK(served.version == 0);
        REQUIRE_FALSE(served.notes.empty());
        CHECK(served.notes[0].find("state.json") != std::string::npos);
    }
}
