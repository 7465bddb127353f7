// The content studio's files: a change (draft) keeps its files as text in the store, a
// picture as "base64:" and its bytes; checks and previews write them over a scratch copy of
// the guides as published.
#pragma once

#include "common/diagnostics.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ledsager::hub::studio {

// Whether a draft may hold a file of this name: guide.toml or a kiosk language's <lang>.toml.
bool draft_file_name(const std::string& name);

// A folder of the hub's own for one check or one publication, gone when it goes out of scope.
struct Scratch {
    std::filesystem::path path;
    explicit Scratch(const std::filesystem::path& data_dir);
    ~Scratch();
    Scratch(const Scratch&) = delete;
    Scratch& operator=(const Scratch&) = delete;
};

bool is_picture_file(const std::string& name);
// A picture's bytes as a draft keeps them ("base64:…").
std::string stored_picture(std::string_view bytes);
// A draft's file as it is written into a guide folder.
std::string file_bytes(const std::string& stored);
// Writes a draft's files over the guide's folder in `guide_dir` (a copy of the published one).
void overlay(const std::filesystem::path& guide_dir, const nlohmann::json& files);
// A file's whole text; nullopt when it cannot be read (none there, or no folder given).
std::optional<std::string> read_text(const std::filesystem::path& file);
// The checks' problems as the studio shows them, files named as the guide's own.
nlohmann::json problems_json(const common::Diagnostics& diags);
// The answer to a save that was checked: `extra` with the count of errors, the problems and the
// steps' titles (what the page's list of problems needs) added.
nlohmann::json checked_answer(const common::Diagnostics& diags, const std::vector<std::string>& steps,
                              nlohmann::json extra = nlohmann::json::object());
// The kiosk languages' codes, as a field's allowed values.
std::vector<std::string> language_codes();

}  // namespace ledsager::hub::studio
