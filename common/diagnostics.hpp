// Problems found in content or configuration, reported as `path:line: error: message`
// (the format compilers use, so editors and CI can jump to the line).
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace ledsager::common {

enum class Severity { Warning, Error };

// A problem's named values ("step" = "date", "target" = "mitid").
using DiagnosticArgs = std::vector<std::pair<std::string, std::string>>;

struct Diagnostic {
    std::string file;
    int line = 0;  // 1-based; 0 when the problem is about the whole file
    Severity severity = Severity::Error;
    std::string message;  // in English, for the command line and logs
    // What the problem is, for readers of other languages (the content studio words it in
    // Danish or English and groups it by step): a code such as "unknown_target", and its
    // values. Empty for problems not yet given one; `message` says it all.
    std::string code;
    DiagnosticArgs args;

    std::string format() const;
    Diagnostic& with(std::string c, DiagnosticArgs a = {}) {
        code = std::move(c);
        for (auto& v : a)
            args.push_back(std::move(v));
        return *this;
    }
};

struct Diagnostics {
    std::vector<Diagnostic> items;

    Diagnostic& error(std::string file, int line, std::string message) {
        return items.emplace_back(Diagnostic{std::move(file), line, Severity::Error, std::move(message), {}, {}});
    }
    Diagnostic& warning(std::string file, int line, std::string message) {
        return items.emplace_back(Diagnostic{std::move(file), line, Severity::Warning, std::move(message), {}, {}});
    }
    bool has_errors() const;
    size_t error_count() const;
};

}  // namespace ledsager::common
