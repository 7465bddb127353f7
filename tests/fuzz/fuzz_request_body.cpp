// fuzz_request_parsers: the hub's request-body validation must answer every input (any
// bytes) with a verdict, never a crash, a hang or an exception. Built two ways:
//  - with clang and -DLEDSAGER_FUZZ=ON: a libFuzzer target (run it as long as you like);
//  - otherwise (CI): a bounded, deterministic driver over seeds and their mutations.
#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "hub/validate.hpp"

using namespace ledsager::hub;

namespace {
const std::vector<Field>& help_request_schema() {
    static const std::vector<Field> f{{"kind", Field::String, true, 16, {"in_person", "video"}},
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
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, size_t size) {
    const std::string body(reinterpret_cast<const char*>(data), size);
    nlohmann::json out;
    for (const auto* schema : {&help_request_schema(), &login_schema()}) {
        const ValidationError e = validate_body(body, *schema, out);
        if (e.message.empty() && !out.is_object()) __builtin_trap();  // "valid" must mean an object
    }
    return 0;
}

#ifndef LEDSAGER_LIBFUZZER
int main() {
    const std::vector<std::string> seeds{
        R"({"kind":"in_person","guide":"mitid-login","step":"user-id","step_number":3,"language":"da","needs":["interpreter"]})",
        R"({"username":"mette","password":"secret"})", "{}", "[]", "null", "\"x\"", "{\"kind\":", "{\"a\":[[[[[[[[[[1]]]]]]]]]]}",
        R"({"kind":"video","language":"da","step_number":1e309})", R"({"kind":"video","language":"da","step_number":18446744073709551615})",
        "{\"kind\":\"\\ud800\",\"language\":\"da\"}", std::string("{\"kind\":\"in_person\0\",\"language\":\"da\"}", 36)};
    const std::vector<std::string> tokens{"{", "}", "[", "]", ",", ":", "\"", "\\", "null", "true", "1e999", "-0", "\xff", "\xc3\xa6"};
    std::mt19937 rng(20261123);
    long runs = 0;
    for (const auto& s : seeds) LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()), ++runs;
    for (int i = 0; i < 50000; ++i) {
        std::string s = seeds[rng() % seeds.size()];
        for (int m = 1 + static_cast<int>(rng() % 4); m > 0; --m) {
            const size_t at = s.empty() ? 0 : rng() % s.size();
            switch (rng() % 4) {
                case 0: if (!s.empty()) s[at] = static_cast<char>(rng()); break;
                case 1: s.insert(at, tokens[rng() % tokens.size()]); break;
                case 2: s.erase(at, rng() % 8); break;
                default: s = s.substr(0, at); break;
            }
        }
        LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
        ++runs;
    }
    // A deeply nested document must not exhaust the stack.
    const std::string deep = std::string(100000, '[') + std::string(100000, ']');
    LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(deep.data()), deep.size());
    std::printf("fuzz_request_parsers: %ld inputs, no crash\n", runs + 1);
    return 0;
}
#endif
