#include "hub/bundles.hpp"

#include <unistd.h>

#include <ctime>

#include "common/bundle.hpp"
#include "common/content.hpp"

namespace ledsager::hub {

namespace fs = std::filesystem;

fs::path bundle_file(const fs::path& data_dir, std::int64_t version) {
    return data_dir / "bundles" / (std::to_string(version) + ".tar");
}

fs::path bundle_guides(const fs::path& data_dir, std::int64_t version) {
    return data_dir / "bundles" / (std::to_string(version) + ".d") / "guides";
}

bool publish_bundle(Store& store, const fs::path& data_dir, const fs::path& file,
                    const std::vector<std::string>& public_keys, Bundle& published, std::string& error) {
    common::BundleInfo info;
    if (!common::read_bundle_info(file, public_keys, info, error)) return false;
    if (auto latest = store.latest_bundle(); latest && latest->version >= info.version) {
        error = "version " + std::to_string(info.version) + " is not newer than the published v" +
                std::to_string(latest->version) + " (kiosks take only newer versions; build it again with --version " +
                std::to_string(latest->version + 1) + ")";
        return false;
    }
    if (!public_keys.empty()) {
        // Unpacked and checked as a kiosk would; the guides stay beside the bundle for the
        // consoles' titles.
        const fs::path unpacked = bundle_guides(data_dir, info.version).parent_path();
        std::error_code ec;
        fs::create_directories(unpacked.parent_path(), ec);
        fs::remove_all(unpacked, ec);
        if (!common::unpack_bundle(file, public_keys, unpacked, info, error)) return false;
        const auto set = common::load_content(unpacked / "guides");
        if (set.diagnostics.has_errors()) {
            error = "its guides have errors, kiosks would refuse it:";
            for (const auto& d : set.diagnostics.items)
                if (d.severity == common::Severity::Error)
                    error += "\n  " + d.format().substr(d.format().rfind("/guides/") == std::string::npos
                                                            ? 0
                                                            : d.format().rfind("/guides/") + 1);
            fs::remove_all(unpacked, ec);
            return false;
        }
    }
    if (auto latest = store.latest_bundle(); latest && latest->version >= info.version) {
        error = "version " + std::to_string(info.version) + " is not newer than the published v" +
                std::to_string(latest->version) + " (kiosks take only newer versions; build it again with --version " +
                std::to_string(latest->version + 1) + ")";
        return false;
    }
    std::error_code ec;
    fs::create_directories(data_dir / "bundles", ec);
    const fs::path target = bundle_file(data_dir, info.version), part = target.string() + ".part";
    fs::copy_file(file, part, fs::copy_options::overwrite_existing, ec);
    if (!ec) fs::rename(part, target, ec);
    if (ec) {
        fs::remove(part, ec);
        error = target.string() + ": cannot be written (" + ec.message() + ")";
        return false;
    }
    published = {info.version,
                 common::sha256_file(target),
                 info.key_id,
                 static_cast<std::int64_t>(fs::file_size(target, ec)),
                 static_cast<std::int64_t>(info.files.size()),
                 static_cast<Seconds>(std::time(nullptr))};
    if (!store.add_bundle(published)) {
        error = "version " + std::to_string(info.version) + " was published meanwhile";
        return false;
    }
    return true;
}

}  // namespace ledsager::hub
