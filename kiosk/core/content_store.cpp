#include "core/content_store.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

namespace ledsager::core {

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

// The first few errors, with paths relative to the bundle (guides/<id>/guide.toml:12: …).
std::string first_errors(const common::Diagnostics& diags, const fs::path& base = {}) {
    std::string out;
    const std::string prefix = base.empty() ? "" : base.string() + "/";
    int n = 0;
    for (const auto& d : diags.items) {
        if (d.severity != common::Severity::Error) continue;
        if (n++ == 3) {
            out += " …";
            break;
        }
        std::string line = d.format();
        if (!prefix.empty() && line.rfind(prefix, 0) == 0) line = line.substr(prefix.size());
        out += (out.empty() ? "" : "; ") + line;
    }
    return out;
}

}  // namespace

ContentStore::ContentStore(fs::path root, std::vector<std::string> public_keys, common::ContentOptions options)
    : root_(std::move(root)), keys_(std::move(public_keys)), options_(std::move(options)) {}

bool ContentStore::load_state() {
    state_ = {};
    std::ifstream in(root_ / "state.json");
    if (!in) return true;  // a new kiosk: the installed guides
    try {
        const json j = json::parse(in);
        state_.current = j.value("current", std::int64_t{0});
        state_.previous = j.value("previous", std::int64_t{0});
        state_.trial = j.value("trial", false);
        state_.trial_starts = j.value("trial_starts", 0);
        if (j.contains("refused") && j["refused"].is_array())
            for (const auto& v : j["refused"])
                if (v.is_number_integer()) state_.refused.push_back(v);
        return true;
    } catch (const json::exception&) {
        state_ = {};
        return false;
    }
}

void ContentStore::save_state() {
    std::error_code ec;
    fs::create_directories(root_, ec);
    json j{{"current", state_.current},
           {"previous", state_.previous},
           {"trial", state_.trial},
           {"trial_starts", state_.trial_starts},
           {"refused", state_.refused}};
    const std::string text = j.dump(1) + "\n";
    const fs::path tmp = root_ / "state.json.part";
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    bool ok = fd >= 0 && ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
    if (fd >= 0) ::close(fd);
    if (ok) {
        fs::rename(tmp, root_ / "state.json", ec);
        ok = !ec;
    }
    write_error_ = ok ? "" : (root_ / "state.json").string() + ": cannot be written";
    if (!ok) fs::remove(tmp, ec);
}

bool ContentStore::check_dir(std::int64_t version, common::ContentSet& out, std::string& error) const {
    const fs::path dir = bundle_dir(version);
    common::BundleInfo info;
    if (!common::verify_unpacked(dir, keys_, info, error)) return false;
    if (info.version != version) return error = dir.string() + ": holds version " + std::to_string(info.version), false;
    out = common::load_content(dir / "guides", options_);
    if (out.diagnostics.has_errors()) return error = first_errors(out.diagnostics, dir), false;
    if (out.guides.empty()) return error = dir.string() + ": no guides", false;
    return true;
}

ContentStore::Served ContentStore::load_at_start(const fs::path& installed_guides) {
    Served s;
    if (!load_state()) s.notes.push_back((root_ / "state.json").string() + ": unreadable, started afresh");
    if (state_.current && state_.trial && ++state_.trial_starts >= kMaxTrialStarts) {
        s.notes.push_back(
            "content bundle v" + std::to_string(state_.current) + " was restarted " +
            std::to_string(state_.trial_starts) + " times before it had served 10 minutes: rolled back to " +
            (state_.previous ? "v" + std::to_string(state_.previous) : std::string("the installed guides")));
        refuse(state_.current);
        state_.current = state_.previous;
        state_.previous = 0;
        state_.trial = false;
        state_.trial_starts = 0;
    }
    for (std::int64_t candidate : {state_.current, state_.previous}) {
        if (candidate == 0) break;
        std::string error;
        if (check_dir(candidate, s.content, error)) {
            if (candidate != state_.current) {
                state_.previous = 0;
                state_.current = candidate;
                state_.trial = false;
                state_.trial_starts = 0;
            }
            s.guides = bundle_dir(candidate) / "guides";
            s.version = candidate;
            save_state();  // the start counted on trial, or a fallback taken
            return s;
        }
        // Damaged on disk (the bundle itself was checked when it came): removed, so that the
        // same version can come again, freshly verified.
        s.notes.push_back("content bundle v" + std::to_string(candidate) + " failed its check at start-up: " + error);
        std::error_code ec;
        fs::remove_all(bundle_dir(candidate), ec);
        if (candidate == state_.current) {
            state_.current = state_.previous;
            state_.previous = 0;
            state_.trial = false;
            state_.trial_starts = 0;
        } else {
            state_.previous = 0;
        }
    }
    state_.current = state_.previous = 0;
    state_.trial = false;
    state_.trial_starts = 0;
    save_state();
    s.content = common::load_content(installed_guides, options_);
    s.guides = installed_guides;
    s.version = 0;
    return s;
}

bool ContentStore::stage(const fs::path& bundle, std::int64_t expected_version, common::ContentSet& out,
                         std::string& error) const {
    const fs::path dest = bundle_dir(expected_version), part = dest.string() + ".part";
    std::error_code ec;
    fs::create_directories(dest.parent_path(), ec);
    fs::remove_all(part, ec);
    common::BundleInfo info;
    if (!common::unpack_bundle(bundle, keys_, part, info, error)) return false;
    auto fail = [&](std::string why) {
        error = std::move(why);
        std::error_code ignore;
        fs::remove_all(part, ignore);
        return false;
    };
    if (info.version != expected_version)
        return fail("the hub announced v" + std::to_string(expected_version) + " but the signed manifest says v" +
                    std::to_string(info.version));
    // The same checks as --check-content: a guide with an error refuses the whole bundle
    // (a citizen must never miss a guide because an update broke it).
    common::ContentSet set = common::load_content(part / "guides", options_);
    if (set.diagnostics.has_errors()) return fail("its guides have errors: " + first_errors(set.diagnostics, part));
    if (set.guides.empty()) return fail("it holds no guides");
    fs::remove_all(dest, ec);
    fs::rename(part, dest, ec);
    if (ec) return fail(dest.string() + ": " + ec.message());
    // Guides know their folder (images); they were loaded from the .part name.
    out = common::load_content(dest / "guides", options_);
    return true;
}

void ContentStore::switched(std::int64_t version) {
    if (version == state_.current) return;
    state_.previous = state_.current;
    state_.current = version;
    state_.trial = true;
    state_.trial_starts = 0;
    save_state();
    prune();
}

void ContentStore::tick(std::int64_t served_ms) {
    if (!state_.trial || served_ms < kTrialMs) return;
    state_.trial = false;
    state_.trial_starts = 0;
    save_state();
}

void ContentStore::refuse(std::int64_t version) {
    if (refused(version)) return;
    state_.refused.push_back(version);
    if (state_.refused.size() > 50) state_.refused.erase(state_.refused.begin());
    save_state();
}

bool ContentStore::refused(std::int64_t version) const {
    return std::find(state_.refused.begin(), state_.refused.end(), version) != state_.refused.end();
}

void ContentStore::prune() {
    std::error_code ec;
    for (auto it = fs::directory_iterator(root_ / "bundles", ec); !ec && it != fs::directory_iterator();
         it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name == std::to_string(state_.current) || name == std::to_string(state_.previous)) continue;
        std::error_code ignore;
        fs::remove_all(it->path(), ignore);
    }
    for (auto it = fs::directory_iterator(incoming(), ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
        std::error_code ignore;
        fs::remove_all(it->path(), ignore);
    }
}

std::string content_version_label(std::int64_t version, const common::ContentSet& content) {
    std::uint64_t fnv = 1469598103934665603ULL;
    auto mix = [&](const std::string& t) {
        for (unsigned char ch : t)
            fnv = (fnv ^ ch) * 1099511628211ULL;
    };
    for (const auto& g : content.guides) {
        mix(g.id);
        for (const auto& st : g.steps)
            mix(st.id);
        for (const auto& [code, text] : g.text)
            mix(code + text.title);
    }
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(fnv));
    return (version ? "v" + std::to_string(version) : std::string("installed")) + " " +
           std::to_string(content.guides.size()) + "-" + std::string(hex, 12);
}

}  // namespace ledsager::core
