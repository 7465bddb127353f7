// A guide's text for translators: one language's text as a gettext PO file (each string with
// its source-language text, where it shows on screen, and "fuzzy" where the source changed
// since it was translated), and back: a PO file from Poedit or Weblate read into that
// language's file (<lang>.toml), written as the guides' own files are laid out.
#pragma once

#include <string>
#include <vector>

#include "common/diagnostics.hpp"
#include "common/guide.hpp"

namespace ledsager::common {

// One translatable string of a guide: its key (the PO msgctxt: "title", "needs.2",
// "step.user-id.text", "step.have-app.choices.app", "end.summary"), its text, and where
// a citizen sees it, for the translator.
struct TextField {
    std::string key, text, where;
    // The screen it is on: "" (the guide's tile), "needs", a step's id or "end"; and what it
    // is there: title, subtitle, need, text, choice, image_alt, end_title or end_summary.
    std::string screen, kind;
};

// Every string of `text`, in the order a citizen meets them (steps in `guide`'s order).
std::vector<TextField> text_fields(const Guide& guide, const GuideText& text);
// Sets one string by its key; false when the key is not one of `guide`'s.
bool set_text_field(const Guide& guide, GuideText& text, const std::string& key, const std::string& value);

// <lang>.toml for `text`: the keys the loader knows, in the guides' layout (the steps in
// `guide`'s order, multi-line texts as """ blocks), under a first comment line.
std::string write_language_toml(const Guide& guide, const GuideText& text, const std::string& comment);

// guide.toml as the content studio's structure form writes it. Notes are the editors' comment
// lines (what a source backs up, why a step is there): above the guide's keys, above each
// source and above each [[step]].
struct StructureNotes {
    std::string guide;
    std::vector<std::string> sources, steps;  // by index, as guide.sources and guide.steps
};
// The notes of the guide.toml `guide` was read from (by each source's and step's line).
// `unkept` gets the number of comment lines elsewhere, which the form does not keep.
StructureNotes structure_notes(const std::string& toml_text, const Guide& guide, int* unkept = nullptr);
// The file for `guide`: its id, category, icon, order, sources and steps, with `notes`.
std::string write_guide_toml(const Guide& guide, const StructureNotes& notes);
// For each line of a guide.toml `guide` was read from, the form field it holds: "category",
// "icon", "order", "sources.2", "steps.3" (its [[step]] line), "steps.3.next",
// "steps.3.choices.1", "steps.3.choices.1.next"; "" for none. Hand-written files too.
std::vector<std::string> structure_line_fields(const std::string& toml_text, const Guide& guide);

struct PoExport {
    std::string lang;         // the language translated into
    std::string source_lang;  // the language translated from
    const GuideText* source = nullptr;
    const GuideText* translation = nullptr;  // its text now (null: none yet)
    // The source as it was when `translation` was made (null: unknown). Strings whose source
    // differs from it come out fuzzy with the old source as gettext's previous msgid (#|);
    // with no old source and an outdated translation, every translated string is fuzzy.
    const GuideText* old_source = nullptr;
    std::string version;  // what it was exported from, for the translator ("v7", "installed")
    std::string today;    // ISO date of the export
};
std::string write_po(const Guide& guide, const PoExport& what);

struct PoImport {
    GuideText text;  // the language's text with the file's translations in it
    std::string lang;
    int applied = 0;        // strings taken from the file
    int fuzzy = 0;          // marked fuzzy in the file: not taken (the text before stays)
    int untranslated = 0;   // empty in the file: not taken
    int unknown = 0;        // keys the guide does not have (removed since the export): ignored
    bool complete = false;  // every string of the source translated and none fuzzy: stamped as current
};
// The language a PO file says it is in (its header's Language:, e.g. "ar" of "ar_DK"), or "".
std::string po_language(const std::string& po);
// The language it says it was translated from (X-Ledsager-Source-Language), or "".
std::string po_source_language(const std::string& po);

// Reads `po` (for `guide`, translated from `source`, a text of `source_lang`) over `existing`
// (the language's text now; null: none). Problems go to `diags` against `file_name` with
// their line; false when nothing can be taken (not PO, another guide, no language).
bool read_po(const Guide& guide, const std::string& source_lang, const GuideText& source, const GuideText* existing,
             const std::string& po, const std::string& file_name, PoImport& out, Diagnostics& diags);

}  // namespace ledsager::common
