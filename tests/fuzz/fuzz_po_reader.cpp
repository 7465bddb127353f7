// fuzz_po_reader: the gettext catalogue reader (core/i18n.hpp: parse_po, and a Translator
// loaded from its entries) must answer any bytes with entries and diagnostics, never a crash,
// a hang or an exception. What it returns must hold together: every entry has a msgid and a
// line inside the text; every translated entry is found again by its key; filling in the
// placeholders of a translation terminates. Corpus: tests/fuzz/corpus/po_reader; driver: driver.hpp.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/i18n.hpp"
#include "driver.hpp"

using namespace ledsager::core;
using namespace ledsager::common;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    Diagnostics diags;
    // The whole file: entries and the Plural-Forms header, whose expression is evaluated.
    const PoFile file = parse_po_file(text, "fuzz.po", diags);
    const auto& entries = file.entries;
    const long lines = static_cast<long>(std::count(text.begin(), text.end(), '\n')) + 1;
    for (const auto& e : entries)
        if (e.msgid.empty() || e.line < 1 || e.line > lines) std::abort();
    for (const auto& d : diags.items)
        if (d.line < 1 || d.line > lines) std::abort();

    Translator t;
    t.add("xx", file);
    for (const auto& e : entries) {
        const Translation tr = t.lookup("xx", e.msgid);
        // (A plural entry is used only when it has every form its header asks for.)
        if (!e.plural() && !e.fuzzy && !e.msgstr.empty() && tr.lang != "xx") std::abort();
        for (long long n : {0LL, 1LL, 2LL, 11LL, 101LL, -1LL})
            (void)t.lookup_n("xx", e.msgid, n);
        // Interface strings fill in {n}, {total}, {name}; a value may itself look like one.
        (void)format(tr.text, {{"n", "{n}"}, {"total", ""}, {"name", e.msgid}});
    }
    (void)t.lookup("yy", "no.such.key");
    return 0;
}
