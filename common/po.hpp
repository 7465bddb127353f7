// Reading gettext PO files: the kiosk's interface catalogues (po/<code>.po, kiosk/core/i18n.hpp)
// and the content studio's translations of a guide (hub/po_guides.hpp). Everything is bounded
// and every problem is recorded against the file with its line; nothing here throws on bad input.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/diagnostics.hpp"

namespace ledsager::common {

struct PoEntry {
    std::string msgid;
    std::string msgstr;                // a plural entry: msgstr[0]
    std::string msgid_plural;          // non-empty for a plural entry
    std::vector<std::string> plurals;  // msgstr[0..]; a form missing from the file is ""
    bool fuzzy = false;
    int line = 0;
    std::string msgctxt;  // with PoOptions::context only: the entry's context ("" = none)
    bool plural() const { return !msgid_plural.empty(); }
};

// A catalogue's plural rule: gettext's `nplurals=N; plural=EXPR;`, EXPR in the C subset
// gettext accepts (n, unsigned integer literals, ! * / % + - < > <= >= == != && || ?: and
// parentheses). Parsing is bounded (length, nesting depth, node count); evaluation never
// crashes: division or remainder by zero is an error, arithmetic wraps as unsigned.
class PluralRule {
public:
    PluralRule();  // gettext's default: nplurals=2; plural=(n != 1)
    // Parses a Plural-Forms value; on failure returns nullopt and says why in `error`.
    static std::optional<PluralRule> parse(const std::string& value, std::string& error);
    int nplurals() const { return nplurals_; }
    const std::string& expression() const { return expr_; }
    // The form index for n, or nullopt (with `error`) when EXPR divides by zero.
    std::optional<std::uint64_t> evaluate(std::uint64_t n, std::string* error = nullptr) const;
    // The form for n, checked against nplurals; nullopt when EXPR fails or goes out of range.
    std::optional<int> form(std::uint64_t n) const;

    struct Node;

private:
    int nplurals_ = 2;
    std::string expr_;
    std::shared_ptr<const std::vector<Node>> nodes_;  // the root is the last node
};

struct PoFile {
    std::vector<PoEntry> entries;  // without the header entry (msgid "")
    PluralRule plural;             // from the header; gettext's default when it has none
    bool has_plural_header = false;
    std::string header;  // the header entry's text ("Language: da\n..."), "" when there is none
};

struct PoOptions {
    // msgctxt is read (the studio's guide files key each string by it); without this it is an
    // error, as the kiosk's catalogues are keyed by msgid alone.
    bool context = false;
};

// Parses PO text. Syntax problems, a malformed Plural-Forms header and plural entries that
// do not match it are recorded against `file_name` with their line.
PoFile parse_po_file(const std::string& text, const std::string& file_name, Diagnostics& diags,
                     const PoOptions& options = {});
std::vector<PoEntry> parse_po(const std::string& text, const std::string& file_name, Diagnostics& diags);

}  // namespace ledsager::common
