// fuzz_request_parsers: the hub's request-body validation must answer every input (any
// bytes) with a verdict, never a crash, a hang or an exception. Three schemas (a help request,
// a login, a heartbeat) see each input. Corpus: tests/fuzz/corpus/request_parsers; driver: driver.hpp.
#include <cstdint>
#include <string>
#include <vector>

#include "common/validate.hpp"

namespace {
// A deeply nested document must not exhaust the stack (too large for the corpus).
[[maybe_unused]] std::vector<std::string> deep_documents() {
    return {std::string(100000, '[') + std::string(100000, ']'), "{\"a\":" + std::string(100000, '[')};
}
}  // namespace
#define LEDSAGER_FUZZ_EXTRA_INPUTS deep_documents
#include "driver.hpp"

using namespace ledsager::common;

namespace {
const std::vector<Field>& help_request_schema() {
    static const std::vector<Field> f{
        {"kind", Field::String, true, 16, {"in_person", "video"}},
        {"guide", Field::String, false, 64},
        {"step", Field::String, false, 64},
        {"step_number", Field::Integer, false},
        {"language", Field::String, true, 8},
        {"needs", Field::StringList, false, 6, {"read_aloud", "interpreter", "large_text"}}};
    return f;
}
const std::vector<Field>& login_schema() {
    static const std::vector<Field> f{{"username", Field::String, true, 64}, {"password", Field::String, true, 256}};
    return f;
}
// The heartbeat's kinds of field: a bounded integer, a choice, free text of a bounded length.
const std::vector<Field>& heartbeat_schema() {
    static const std::vector<Field> f{{"uptime_s", Field::Integer, true, 10 * 365 * 86400},
                                      {"printer", Field::String, true, 8, {"ok", "failing", "none"}},
                                      {"last_error", Field::String, false, 200}};
    return f;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, size_t size) {
    const std::string body(reinterpret_cast<const char*>(data), size);
    nlohmann::json out;
    for (const auto* schema : {&help_request_schema(), &login_schema(), &heartbeat_schema()}) {
        const ValidationError e = validate_body(body, *schema, out);
        if (e.message.empty() && !out.is_object()) __builtin_trap();  // "valid" must mean an object
    }
    return 0;
}
