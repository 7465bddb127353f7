#include "common/validate.hpp"

#include <algorithm>

namespace ledsager::common {

using json = nlohmann::json;

bool is_content_id(const std::string& s) {
    if (s.empty() || s.size() > 64) return false;
    return std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
    });
}

std::string utf8_prefix(std::string_view s, size_t max) {
    if (s.size() <= max) return std::string(s);
    while (max > 0 && (static_cast<unsigned char>(s[max]) & 0xC0) == 0x80)
        --max;
    return std::string(s.substr(0, max));
}

ValidationError validate_body(const std::string& body, const std::vector<Field>& fields, json& out) {
    out = json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (out.is_discarded()) return {"malformed JSON", ""};
    if (!out.is_object()) return {"the body must be a JSON object", ""};
    for (auto it = out.begin(); it != out.end(); ++it) {
        const std::string& key = it.key();
        if (std::none_of(fields.begin(), fields.end(), [&key](const Field& f) { return key == f.name; }))
            return {"unknown field", key};
    }
    for (const auto& f : fields) {
        if (!out.contains(f.name)) {
            if (f.required) return {"missing field", f.name};
            continue;
        }
        const json& v = out[f.name];
        auto allowed = [&](const std::string& s) {
            return f.one_of.empty() || std::find(f.one_of.begin(), f.one_of.end(), s) != f.one_of.end();
        };
        std::string list;
        for (const auto& o : f.one_of)
            list += (list.empty() ? "" : ", ") + o;
        switch (f.type) {
            case Field::String:
                if (!v.is_string()) return {"must be a string", f.name};
                if (v.get_ref<const std::string&>().size() > f.max)
                    return {"longer than " + std::to_string(f.max) + " characters", f.name};
                if (!allowed(v.get_ref<const std::string&>())) return {"must be one of: " + list, f.name};
                break;
            case Field::Id:
                if (!v.is_string()) return {"must be a string", f.name};
                if (const auto& id = v.get_ref<const std::string&>(); !id.empty() && !is_content_id(id))
                    return {"must be an id from the content (1 to 64 of a-z, 0-9, - _ .)", f.name};
                break;
            case Field::Integer: {
                // Small counts (steps, lines) up to 1000; a field may allow more (max above 1000).
                const std::int64_t limit = f.max > 1000 ? static_cast<std::int64_t>(f.max) : 1000;
                if (!v.is_number_integer() || v.get<std::int64_t>() < 0 || v.get<std::int64_t>() > limit)
                    return {"must be a whole number from 0 to " + std::to_string(limit), f.name};
                break;
            }
            case Field::Boolean:
                if (!v.is_boolean()) return {"must be true or false", f.name};
                break;
            case Field::Object:
                if (!v.is_object()) return {"must be an object", f.name};
                break;
            case Field::TextMap:
                if (!v.is_object() || v.size() > f.max)
                    return {"must be an object of at most " + std::to_string(f.max) + " texts", f.name};
                for (const auto& [key, text] : v.items()) {
                    const bool key_ok =
                        !key.empty() && key.size() <= 160 && std::all_of(key.begin(), key.end(), [](char c) {
                            return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
                        });
                    if (!key_ok) return {"keys must be the guide's text keys, e.g. step.user-id.text", f.name};
                    if (!text.is_string()) return {"must be a string", std::string(f.name) + "." + key};
                    if (text.get_ref<const std::string&>().size() > 4000)
                        return {"longer than 4000 characters", std::string(f.name) + "." + key};
                }
                break;
            case Field::StringList:
                if (!v.is_array() || v.size() > f.max)
                    return {"must be a list of at most " + std::to_string(f.max) + " strings", f.name};
                for (const auto& item : v)
                    if (!item.is_string() || !allowed(item.get_ref<const std::string&>()))
                        return {"items must be one of: " + list, f.name};
                break;
        }
    }
    return {};
}

}  // namespace ledsager::common
