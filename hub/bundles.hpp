// Publishing signed content bundles on the hub (see common/bundle.hpp for the format).
// The hub keeps every published version as DATA/bundles/<version>.tar and tells kiosks the
// newest in its answer to their heartbeat; kiosks verify the signature themselves.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "hub/store.hpp"

namespace ledsager::hub {

// Checks `file` and publishes it: the manifest must be readable and its version newer than
// every published one. With `public_keys`, the signature is checked too and the bundle is
// unpacked into a temporary folder and its guides checked as --check-content does, so a
// bundle no kiosk would accept is refused here already. False with `error` otherwise.
bool publish_bundle(Store& store, const std::filesystem::path& data_dir, const std::filesystem::path& file,
                    const std::vector<std::string>& public_keys, Bundle& published, std::string& error);

std::filesystem::path bundle_file(const std::filesystem::path& data_dir, std::int64_t version);
// The checked guides of a bundle published with public keys (the consoles take titles from them).
std::filesystem::path bundle_guides(const std::filesystem::path& data_dir, std::int64_t version);

}  // namespace ledsager::hub
