// --preview-worker: the content studio's previews, drawn by the kiosk's own renderer (its
// fonts, shaping, right-to-left mirroring, text sizes and themes), offscreen. The hub starts
// one worker and keeps it: fonts and catalogues are read once, so a preview after an edit
// costs one guide's checks, two frames and a PNG.
//
// One request per line on stdin, as JSON:
//   {"guides": DIR, "guide": ID, "screen": "step"|"needs"|"end", "step": ID,
//    "lang": "da", "scale": 100|200, "contrast": false, "out": FILE}
// DIR is a folder of guide folders (the hub's scratch copy of one guide with a draft over it).
// One line per request on stdout: {"ok": true, "ms": N} when FILE was written, else
// {"error": "..."} in words an editor can act on. The worker ends at the end of its input.
#pragma once

#include <cstdio>
#include <istream>
#include <string>

#include "app/kiosk_app.hpp"
#include "platform/display.hpp"

namespace ledsager::app {

// Handles one request line; returns the reply line (without its newline).
std::string preview_one(KioskApp& app, const platform::Display& display, const std::string& request);

// Reads requests from `in` until it ends, answering each on `out`. Returns 0.
int run_preview_worker(KioskApp& app, const platform::Display& display, std::istream& in, std::FILE* out);

}  // namespace ledsager::app
