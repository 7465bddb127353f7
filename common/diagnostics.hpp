// Problems found in content or configuration, reported as `path:line: error: message`
// (the format compilers use, so editors and CI can jump to the line).
#pragma once

#include <string>
#include <vector>

namespace ledsager::common {

enum class Severity { Warning, Error };

struct Diagnostic {
    std::string file;
    int line = 0;  // 1-based; 0 when the problem is about the whole file
    Severity severity = Severity::Error;
    std::string message;

    std::string format() const;
};

struct Diagnostics {
    std::vector<Diagnostic> items;

    void error(std::string file, int line, std::string message) {
        items.push_back({std::move(file), line, Severity::Error, std::move(message)});
    }
    void warning(std::string file, int line, std::string message) {
        items.push_back({std::move(file), line, Severity::Warning, std::move(message)});
    }
    bool has_errors() const;
    size_t error_count() const;
};

}  // namespace ledsager::common
