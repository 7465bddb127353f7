// Request bodies: parsed as JSON and checked field by field against a schema (type, length,
// allowed values, no unknown fields). Never throws; the error names the field at fault.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace ledsager::common {

struct Field {
    // Id: a content id (guide, step) or "": free text could carry what a citizen typed.
    // TextMap: an object of at most `max` strings, each key a content key ("step.user-id.text",
    // up to 160 of a-z, 0-9, - _ .) and each value up to 4,000 characters.
    // Object: a JSON object whose parts the route checks itself (the studio's guide structure).
    enum Type { String, Integer, StringList, Id, Boolean, TextMap, Object };
    Field(const char* n, Type t, bool req, size_t m = 64, std::vector<std::string> allowed = {})
        : name(n), type(t), required(req), max(m), one_of(std::move(allowed)) {}
    const char* name;
    Type type;
    bool required;
    size_t max;                       // characters, list items, or (above 1000) an integer's largest value
    std::vector<std::string> one_of;  // allowed values (strings and list items)
};

// At most `max` bytes of `s`, cut at a character's start (UTF-8): quoted in a message, a
// prefix never ends inside a character (which JSON could not carry).
std::string utf8_prefix(std::string_view s, size_t max);

// A guide's or a step's id as the content has them: 1 to 64 of a-z, 0-9, '-', '_' and '.'.
bool is_content_id(const std::string& s);

struct ValidationError {
    std::string message;  // empty = valid
    std::string field;    // the field at fault, if one
};

ValidationError validate_body(const std::string& body, const std::vector<Field>& fields, nlohmann::json& out);

}  // namespace ledsager::common
