#include "common/diagnostics.hpp"

#include <algorithm>

namespace ledsager::common {

std::string Diagnostic::format() const {
    std::string out = file;
    if (line > 0) out += ":" + std::to_string(line);
    out += severity == Severity::Error ? ": error: " : ": warning: ";
    out += message;
    return out;
}

bool Diagnostics::has_errors() const {
    return error_count() > 0;
}

size_t Diagnostics::error_count() const {
    return static_cast<size_t>(
        std::count_if(items.begin(), items.end(), [](const Diagnostic& d) { return d.severity == Severity::Error; }));
}

}  // namespace ledsager::common
