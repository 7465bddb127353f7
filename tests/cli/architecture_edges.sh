#!/usr/bin/env bash
# architecture_edges: the layers of docs/architecture.md hold in the source. What both programs
# share (common/) reaches for neither program's code nor any UI or network library; the hub
# uses the kiosk's core for nothing; the core reaches for no SDL, ImGui, libcurl, GStreamer or
# platform code; the screens include no platform header; only platform/ calls SDL, and only
# platform/http.cpp sets up libcurl.
set -uo pipefail
src="$1"
cd "$src" || exit 1
bad=0
check() {  # check WHAT PATTERN FILES…: no file may match
  local what="$1" pattern="$2"; shift 2
  local hits
  hits=$(grep -nE "$pattern" "$@" 2>/dev/null)
  if [ -n "$hits" ]; then echo "FAIL: $what:"; echo "$hits" | sed 's/^/  /'; bad=1; else echo "ok: $what"; fi
}
mapfile -t common < <(find common -name '*.[ch]pp')
mapfile -t hub < <(find hub -name '*.[ch]pp')
mapfile -t core < <(find kiosk/core -name '*.[ch]pp')
mapfile -t ui < <(find kiosk/ui -name '*.[ch]pp')
mapfile -t app < <(find kiosk/app hub -name '*.[ch]pp')
mapfile -t platform_but_http < <(find platform -name '*.[ch]pp' ! -name 'http.cpp')
[ ${#common[@]} -gt 10 ] && [ ${#hub[@]} -gt 10 ] && [ ${#core[@]} -gt 10 ] && [ ${#ui[@]} -gt 10 ] && [ ${#app[@]} -gt 5 ] || { echo "FAIL: source folders not found in $src"; exit 1; }
check "common/ includes neither program's code, no SDL, ImGui, HTTP library or GStreamer" \
  '#include *[<"](SDL|imgui|curl/|gst/|httplib|platform/|core/|ui/|app/|hub/)' "${common[@]}"
check "the hub uses nothing of the kiosk (its core, screens, app or platform)" \
  '#include *[<"](core/|ui/|app/|platform/|kiosk/)' "${hub[@]}"
check "core includes no SDL, ImGui, libcurl, GStreamer or platform header" \
  '#include *[<"](SDL|imgui|curl/|gst/|platform/|ui/|app/)' "${core[@]}"
check "screens include no platform or app header, no SDL, libcurl or GStreamer" \
  '#include *[<"](SDL|curl/|gst/|platform/|app/)' "${ui[@]}"
check "only platform/ calls SDL (the app and the hub do not)" \
  '#include *[<"]SDL|\bSDL_[A-Za-z]+\(' "${app[@]}" "${core[@]}" "${ui[@]}"
check "only platform/http.cpp sets up libcurl" \
  '#include *<curl/|curl_easy_' "${core[@]}" "${ui[@]}" "${app[@]}" "${platform_but_http[@]}"
exit $bad
