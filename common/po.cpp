#include "common/po.hpp"

#include "common/validate.hpp"

#include <algorithm>
#include <cctype>
#include <limits>
#include <sstream>
#include <string_view>

namespace ledsager::common {
namespace {

// Decodes one quoted PO string ("..." with C escapes). Returns false on a syntax error.
bool unquote(const std::string& s, std::string& out) {
    size_t a = s.find('"');
    size_t b = s.rfind('"');
    if (a == std::string::npos || b == a) return false;
    if (s.find_first_not_of(" \t\r", b + 1) != std::string::npos) return false;
    for (size_t i = a + 1; i < b; ++i) {
        char c = s[i];
        if (c == '\\' && i + 1 < b) {
            char e = s[++i];
            switch (e) {
                case 'n':
                    out += '\n';
                    break;
                case 't':
                    out += '\t';
                    break;
                case '"':
                    out += '"';
                    break;
                case '\\':
                    out += '\\';
                    break;
                default:
                    out += e;
            }
        } else if (c == '"') {
            return false;
        } else {
            out += c;
        }
    }
    return true;
}

}  // namespace

// ---- plural rules

struct PluralRule::Node {
    enum class Op { Num, Var, Not, Mul, Div, Mod, Add, Sub, Lt, Gt, Le, Ge, Eq, Ne, And, Or, Cond } op = Op::Num;
    std::uint64_t value = 0;
    int a = -1, b = -1, c = -1;  // operands (indices into the node list)
    int depth = 1;               // height of this subtree
};

namespace {

using Node = PluralRule::Node;
using Op = PluralRule::Node::Op;

// Bounds on what a header may ask for: a hostile catalogue gets an error, never a crash.
constexpr size_t kMaxExpressionLength = 1000;
constexpr int kMaxDepth = 64;  // nesting while parsing, and height of the tree
constexpr size_t kMaxNodes = 500;
constexpr int kMaxPlurals = 6;  // CLDR's largest (Arabic) has 6

// Recursive descent over gettext's grammar (plural.y), lowest precedence first:
//   cond := or ('?' cond ':' cond)?      or := and ('||' and)*      and := eq ('&&' eq)*
//   eq := rel (('=='|'!=') rel)*         rel := add (('<'|'>'|'<='|'>=') add)*
//   add := mul (('+'|'-') mul)*          mul := unary (('*'|'/'|'%') unary)*
//   unary := '!' unary | 'n' | NUMBER | '(' cond ')'
class ExprParser {
public:
    ExprParser(const std::string& text, std::vector<Node>& nodes) : s_(text), nodes_(nodes) {}

    // The root's index, or -1 with error().
    int parse() {
        const int root = cond(0);
        if (root < 0) return -1;
        skip();
        if (pos_ != s_.size()) return fail("unexpected '" + s_.substr(pos_, 10) + "'");
        return root;
    }
    const std::string& error() const { return error_; }

private:
    int fail(std::string why) {
        if (error_.empty()) error_ = std::move(why);
        return -1;
    }
    void skip() {
        while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r'))
            ++pos_;
    }
    bool eat(std::string_view tok) {
        skip();
        if (s_.compare(pos_, tok.size(), tok) != 0) return false;
        // "<" must not take the first half of "<=", "!" not of "!=", "|" and "&" only doubled.
        if (tok.size() == 1 && pos_ + 1 < s_.size() && s_[pos_ + 1] == '=' &&
            (tok == "<" || tok == ">" || tok == "!" || tok == "="))
            return false;
        pos_ += tok.size();
        return true;
    }
    int make(Op op, int a = -1, int b = -1, int c = -1, std::uint64_t value = 0) {
        if (nodes_.size() >= kMaxNodes)
            return fail("expression too long (more than " + std::to_string(kMaxNodes) + " parts)");
        int depth = 1;
        for (int i : {a, b, c})
            if (i >= 0) depth = std::max(depth, nodes_[static_cast<size_t>(i)].depth + 1);
        if (depth > kMaxDepth)
            return fail("expression nested too deeply (more than " + std::to_string(kMaxDepth) + " levels)");
        nodes_.push_back({op, value, a, b, c, depth});
        return static_cast<int>(nodes_.size()) - 1;
    }
    int cond(int level) {
        if (level > kMaxDepth)
            return fail("expression nested too deeply (more than " + std::to_string(kMaxDepth) + " levels)");
        const int test = binary(0, level);
        if (test < 0) return -1;
        if (!eat("?")) return test;
        const int yes = cond(level + 1);
        if (yes < 0) return -1;
        if (!eat(":")) return fail("'?' without its ':'");
        const int no = cond(level + 1);
        if (no < 0) return -1;
        return make(Op::Cond, test, yes, no);
    }
    // Binary operators by precedence tier, each left-associative.
    int binary(int tier, int level) {
        static const std::vector<std::vector<std::pair<std::string_view, Op>>> tiers{
            {{"||", Op::Or}},
            {{"&&", Op::And}},
            {{"==", Op::Eq}, {"!=", Op::Ne}},
            {{"<=", Op::Le}, {">=", Op::Ge}, {"<", Op::Lt}, {">", Op::Gt}},
            {{"+", Op::Add}, {"-", Op::Sub}},
            {{"*", Op::Mul}, {"/", Op::Div}, {"%", Op::Mod}},
        };
        if (tier == static_cast<int>(tiers.size())) return unary(level);
        int left = binary(tier + 1, level);
        while (left >= 0) {
            bool matched = false;
            for (const auto& [tok, op] : tiers[static_cast<size_t>(tier)]) {
                if (!eat(tok)) continue;
                const int right = binary(tier + 1, level);
                if (right < 0) return -1;
                left = make(op, left, right);
                matched = true;
                break;
            }
            if (!matched) break;
        }
        return left;
    }
    int unary(int level) {
        if (level > kMaxDepth)
            return fail("expression nested too deeply (more than " + std::to_string(kMaxDepth) + " levels)");
        skip();
        if (eat("!")) {
            const int a = unary(level + 1);
            return a < 0 ? -1 : make(Op::Not, a);
        }
        if (eat("(")) {
            const int inner = cond(level + 1);
            if (inner < 0) return -1;
            if (!eat(")")) return fail("'(' without its ')'");
            return inner;
        }
        if (pos_ < s_.size() && s_[pos_] == 'n' &&
            (pos_ + 1 == s_.size() || !std::isalnum(static_cast<unsigned char>(s_[pos_ + 1])))) {
            ++pos_;
            return make(Op::Var);
        }
        if (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) {
            std::uint64_t v = 0;
            while (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) {
                const unsigned d = static_cast<unsigned>(s_[pos_] - '0');
                if (v > (std::numeric_limits<std::uint64_t>::max() - d) / 10) return fail("number too large");
                v = v * 10 + d;
                ++pos_;
            }
            return make(Op::Num, -1, -1, -1, v);
        }
        if (pos_ == s_.size()) return fail("expression ends too early");
        return fail("unexpected '" + s_.substr(pos_, 10) +
                    "' (only n, numbers, ! * / % + - < > <= >= == != && || ?: and brackets)");
    }

    const std::string& s_;
    std::vector<Node>& nodes_;
    size_t pos_ = 0;
    std::string error_;
};

// Evaluates node i; recursion is bounded by kMaxDepth (the tree's height).
std::optional<std::uint64_t> eval(const std::vector<Node>& nodes, int i, std::uint64_t n, std::string* error) {
    const Node& x = nodes[static_cast<size_t>(i)];
    switch (x.op) {
        case Op::Num:
            return x.value;
        case Op::Var:
            return n;
        case Op::Not: {
            auto a = eval(nodes, x.a, n, error);
            if (!a) return std::nullopt;
            return *a == 0 ? 1 : 0;
        }
        case Op::Cond: {
            auto t = eval(nodes, x.a, n, error);
            if (!t) return std::nullopt;
            return eval(nodes, *t ? x.b : x.c, n, error);
        }
        case Op::And: {  // short-circuit, as in C
            auto a = eval(nodes, x.a, n, error);
            if (!a) return std::nullopt;
            if (!*a) return 0;
            auto b = eval(nodes, x.b, n, error);
            if (!b) return std::nullopt;
            return *b ? 1 : 0;
        }
        case Op::Or: {
            auto a = eval(nodes, x.a, n, error);
            if (!a) return std::nullopt;
            if (*a) return 1;
            auto b = eval(nodes, x.b, n, error);
            if (!b) return std::nullopt;
            return *b ? 1 : 0;
        }
        default:
            break;
    }
    auto a = eval(nodes, x.a, n, error);
    if (!a) return std::nullopt;
    auto b = eval(nodes, x.b, n, error);
    if (!b) return std::nullopt;
    switch (x.op) {
        case Op::Mul:
            return *a * *b;  // unsigned: wraps, never undefined
        case Op::Add:
            return *a + *b;
        case Op::Sub:
            return *a - *b;
        case Op::Div:
        case Op::Mod:
            if (*b == 0) {
                if (error) *error = "division by zero for n = " + std::to_string(n);
                return std::nullopt;
            }
            return x.op == Op::Div ? *a / *b : *a % *b;
        case Op::Lt:
            return *a < *b ? 1 : 0;
        case Op::Gt:
            return *a > *b ? 1 : 0;
        case Op::Le:
            return *a <= *b ? 1 : 0;
        case Op::Ge:
            return *a >= *b ? 1 : 0;
        case Op::Eq:
            return *a == *b ? 1 : 0;
        case Op::Ne:
            return *a != *b ? 1 : 0;
        default:
            return std::nullopt;
    }
}

std::string trim(std::string_view s) {
    const size_t a = s.find_first_not_of(" \t\r\n");
    if (a == std::string_view::npos) return "";
    const size_t b = s.find_last_not_of(" \t\r\n");
    return std::string(s.substr(a, b - a + 1));
}

}  // namespace

PluralRule::PluralRule() : expr_("(n != 1)") {
    auto nodes = std::make_shared<std::vector<Node>>();
    nodes->push_back({Op::Var, 0, -1, -1, -1, 1});
    nodes->push_back({Op::Num, 1, -1, -1, -1, 1});
    nodes->push_back({Op::Ne, 0, 0, 1, -1, 2});
    nodes_ = std::move(nodes);
}

std::optional<PluralRule> PluralRule::parse(const std::string& value, std::string& error) {
    if (value.size() > kMaxExpressionLength) {
        error = "longer than " + std::to_string(kMaxExpressionLength) + " characters";
        return std::nullopt;
    }
    // "nplurals=N; plural=EXPR;" (EXPR cannot hold ';', so ';' separates the two).
    std::optional<int> nplurals;
    std::optional<std::string> expr;
    std::istringstream parts(value);
    std::string part;
    while (std::getline(parts, part, ';')) {
        if (trim(part).empty()) continue;
        const size_t eq = part.find('=');
        const std::string key = trim(std::string_view(part).substr(0, eq == std::string::npos ? part.size() : eq));
        const std::string val = eq == std::string::npos ? "" : trim(std::string_view(part).substr(eq + 1));
        if (key == "nplurals") {
            if (nplurals) {
                error = "nplurals given twice";
                return std::nullopt;
            }
            if (val.empty() || val.size() > 2 ||
                !std::all_of(val.begin(), val.end(), [](char c) { return c >= '0' && c <= '9'; })) {
                error = "nplurals must be a whole number, got '" + utf8_prefix(val, 20) + "'";
                return std::nullopt;
            }
            nplurals = std::stoi(val);
            if (*nplurals < 1 || *nplurals > kMaxPlurals) {
                error = "nplurals must be 1 to " + std::to_string(kMaxPlurals) + ", got " + val;
                return std::nullopt;
            }
        } else if (key == "plural") {
            if (expr) {
                error = "plural given twice";
                return std::nullopt;
            }
            if (val.empty()) {
                error = "plural= has no expression";
                return std::nullopt;
            }
            expr = val;
        } else {
            error = "expected 'nplurals=N; plural=EXPR;', found '" + utf8_prefix(trim(part), 30) + "'";
            return std::nullopt;
        }
    }
    if (!nplurals) {
        error = "nplurals=N is missing";
        return std::nullopt;
    }
    if (!expr) {
        error = "plural=EXPR is missing";
        return std::nullopt;
    }
    auto nodes = std::make_shared<std::vector<Node>>();
    ExprParser parser(*expr, *nodes);
    if (parser.parse() < 0) {
        error = "plural=" + utf8_prefix(*expr, 60) + ": " + parser.error();
        return std::nullopt;
    }
    PluralRule rule;
    rule.nplurals_ = *nplurals;
    rule.expr_ = *expr;
    rule.nodes_ = std::move(nodes);
    return rule;
}

std::optional<std::uint64_t> PluralRule::evaluate(std::uint64_t n, std::string* error) const {
    if (!nodes_ || nodes_->empty()) return std::nullopt;
    return eval(*nodes_, static_cast<int>(nodes_->size()) - 1, n, error);
}

std::optional<int> PluralRule::form(std::uint64_t n) const {
    const auto v = evaluate(n);
    if (!v || *v >= static_cast<std::uint64_t>(nplurals_)) return std::nullopt;
    return static_cast<int>(*v);
}

PoFile parse_po_file(const std::string& text, const std::string& file_name, Diagnostics& diags,
                     const PoOptions& options) {
    PoFile file;
    auto& entries = file.entries;
    PoEntry current;
    bool have_id = false, fuzzy_next = false, header_done = false;
    std::string* target = nullptr;
    // The header entry (msgid ""), with the file line each piece of its text starts on.
    std::string header;
    std::vector<std::pair<size_t, int>> header_lines;
    auto flush = [&] {
        if (have_id && current.msgid.empty() && !header_done) {
            header = current.msgstr;
            file.header = header;
            header_done = true;
        } else if (have_id && !current.msgid.empty()) {
            if (current.plural() && !current.plurals.empty()) current.msgstr = current.plurals[0];
            entries.push_back(current);
            header_done = true;
        }
        current = PoEntry{};
        have_id = false;
        target = nullptr;
    };
    auto append = [&](std::string_view quoted, int n, const char* what) {
        const bool in_header = target == &current.msgstr && have_id && current.msgid.empty() && !header_done;
        // Unquoted aside first: a broken string adds nothing (not even the part before the fault).
        std::string piece;
        if (!unquote(std::string(quoted), piece)) {
            diags.error(file_name, n, what);
            return;
        }
        if (in_header) header_lines.emplace_back(target->size(), n);
        *target += piece;
    };
    std::istringstream in(text);
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
        ++n;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        const size_t first = line.find_first_not_of(" \t");
        if (first == std::string::npos) {
            flush();
            continue;
        }
        std::string_view l(line.c_str() + first);
        if (l.rfind("#,", 0) == 0) {
            if (l.find("fuzzy") != std::string_view::npos) fuzzy_next = true;
            continue;
        }
        if (l[0] == '#') continue;
        if (l.rfind("msgctxt", 0) == 0) {
            if (!options.context) {
                diags.error(file_name, n, "msgctxt is not used by Ledsager: keys are unique without context");
                continue;
            }
            flush();  // the entry before, if no blank line came between
            target = &current.msgctxt;
            append(l.substr(7), n, "msgctxt must be followed by text in double quotes");
            continue;
        }
        if (l.rfind("msgid_plural", 0) == 0) {
            if (!have_id || current.msgid.empty()) {
                diags.error(file_name, n, "msgid_plural without a msgid before it");
                target = nullptr;
                continue;
            }
            target = &current.msgid_plural;
            append(l.substr(12), n, "msgid_plural must be followed by text in double quotes");
            if (current.msgid_plural.empty()) diags.error(file_name, n, "msgid_plural must not be empty");
            continue;
        }
        if (l.rfind("msgstr[", 0) == 0) {
            const size_t close = l.find(']');
            const std::string_view index =
                close == std::string_view::npos ? std::string_view{} : l.substr(7, close - 7);
            if (index.empty() || index.size() > 2 ||
                !std::all_of(index.begin(), index.end(), [](char c) { return c >= '0' && c <= '9'; })) {
                diags.error(file_name, n, "msgstr[N] needs a form number N (0, 1, 2, …)");
                target = nullptr;
                continue;
            }
            if (!have_id || !current.plural()) {
                diags.error(file_name, n,
                            "msgstr[" + std::string(index) +
                                "] belongs to a plural entry: msgid, msgid_plural, then msgstr[0], msgstr[1], …");
                target = nullptr;
                continue;
            }
            const size_t k = static_cast<size_t>(std::stoi(std::string(index)));
            if (k != current.plurals.size()) {
                diags.error(file_name, n,
                            "msgstr[" + std::to_string(k) + "] out of order: expected msgstr[" +
                                std::to_string(current.plurals.size()) + "]");
                target = nullptr;
                continue;
            }
            current.plurals.emplace_back();
            target = &current.plurals.back();
            append(l.substr(close + 1), n, "msgstr[N] must be followed by text in double quotes");
            continue;
        }
        if (l.rfind("msgid", 0) == 0) {
            // A context read just before belongs to this entry.
            std::string context = have_id ? std::string() : std::move(current.msgctxt);
            flush();
            current.msgctxt = std::move(context);
            current.line = n;
            current.fuzzy = fuzzy_next;
            fuzzy_next = false;
            have_id = true;
            target = &current.msgid;
            append(l.substr(5), n, "msgid must be followed by text in double quotes");
            continue;
        }
        if (l.rfind("msgstr", 0) == 0) {
            if (!have_id) {
                diags.error(file_name, n, "msgstr without a msgid before it");
                continue;
            }
            if (current.plural()) {
                diags.error(file_name, n, "a plural entry takes msgstr[0], msgstr[1], … not msgstr");
                target = nullptr;
                continue;
            }
            target = &current.msgstr;
            append(l.substr(6), n, "msgstr must be followed by text in double quotes");
            continue;
        }
        if (l[0] == '"' && target) {
            append(l, n, "broken quoted text");
            continue;
        }
        diags.error(file_name, n, "not PO syntax: '" + utf8_prefix(l, 40) + "'");
    }
    flush();

    // The header's Plural-Forms line, checked where it stands.
    int plural_line = 0;
    if (const size_t at = header.find("Plural-Forms:"); at != std::string::npos) {
        for (const auto& [offset, line_no] : header_lines)
            if (offset <= at) plural_line = line_no;
        const size_t eol = header.find('\n', at);
        const std::string value = header.substr(at + 13, eol == std::string::npos ? std::string::npos : eol - at - 13);
        std::string why;
        if (auto rule = PluralRule::parse(value, why)) {
            // Every form the rule picks must exist: try the counts a screen may show.
            for (std::uint64_t k = 0; k <= 1000 && why.empty(); ++k) {
                const auto v = rule->evaluate(k, &why);
                if (v && *v >= static_cast<std::uint64_t>(rule->nplurals()))
                    why = "plural=" + rule->expression() + " gives form " + std::to_string(*v) +
                          " for n = " + std::to_string(k) + ", but nplurals=" + std::to_string(rule->nplurals()) +
                          " (forms 0 to " + std::to_string(rule->nplurals() - 1) + ")";
            }
            if (why.empty()) {
                file.plural = *rule;
                file.has_plural_header = true;
            } else {
                diags.error(file_name, plural_line, "Plural-Forms: " + why);
            }
        } else {
            diags.error(file_name, plural_line, "Plural-Forms: " + why);
        }
    }
    // Plural entries against the header.
    for (const auto& e : entries) {
        if (!e.plural()) continue;
        const int np = file.plural.nplurals();
        if (!file.has_plural_header) {  // a broken header was reported above
            if (plural_line == 0)
                diags.error(
                    file_name, e.line,
                    "'" + e.msgid + "' has plural forms but the header has no Plural-Forms: nplurals=N; plural=EXPR;");
            continue;
        }
        if (e.plurals.size() > static_cast<size_t>(np))
            diags.error(file_name, e.line,
                        "'" + e.msgid + "' has " + std::to_string(e.plurals.size()) + " forms (msgstr[0] to msgstr[" +
                            std::to_string(e.plurals.size() - 1) + "]), but nplurals=" + std::to_string(np));
        const bool untranslated =
            std::all_of(e.plurals.begin(), e.plurals.end(), [](const std::string& f) { return f.empty(); });
        if (untranslated || e.fuzzy) continue;
        for (size_t k = 0; k < static_cast<size_t>(np); ++k)
            if (k >= e.plurals.size() || e.plurals[k].empty()) {
                diags.error(file_name, e.line,
                            "'" + e.msgid + "' lacks msgstr[" + std::to_string(k) + "] (nplurals=" +
                                std::to_string(np) + "): the entry is not used until every form is there");
                break;
            }
    }
    return file;
}

std::vector<PoEntry> parse_po(const std::string& text, const std::string& file_name, Diagnostics& diags) {
    return parse_po_file(text, file_name, diags).entries;
}

}  // namespace ledsager::common
