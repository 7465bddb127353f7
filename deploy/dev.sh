#!/usr/bin/env bash
# Ledsager developer entry point. On a fresh Debian 12 machine, as root:
#   deploy/dev.sh run    install what is needed, build, start the kiosk on the demo content
#   deploy/dev.sh test   install what is needed, build, run every test (what CI runs)
# Also: deploy/dev.sh setup | build. Safe to run again: each step skips what is done.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
build_dir="${LEDSAGER_BUILD_DIR:-build}"
jobs="$(nproc 2>/dev/null || echo 2)"

# Debian packages the project builds, tests and runs with (nothing is downloaded at build time).
packages=(
  build-essential cmake ninja-build pkg-config gettext clang-format
  libsdl2-dev libimgui-dev libstb-dev libtomlplusplus-dev libcli11-dev doctest-dev
  libcpp-httplib-dev libsqlite3-dev libsodium-dev nlohmann-json3-dev libcurl4-openssl-dev libqrencode-dev libarchive-dev libpng-dev
  libespeak-ng-dev espeak-ng-data libharfbuzz-dev libfribidi-dev libfreetype-dev libharfbuzz-bin
  fonts-noto-core fonts-font-awesome
  libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev libgstreamer-plugins-bad1.0-dev
  gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad gstreamer1.0-nice
  iproute2 nftables util-linux libsystemd-dev systemd cage
  xvfb xauth xdotool procps curl openssl chromium file nginx faketime
  python3 librsvg2-bin fonts-dejavu-core
)

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

setup() {
  local missing=()
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "==> installing: ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  # Node and npm for the browser tests: machines of CI's kind ship their own (and Debian's npm
  # conflicts with it), a fresh Debian 12 gets Debian's.
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "==> installing: nodejs npm"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
  fi
  if [ ! -d tests/browser/node_modules ] || [ tests/browser/package-lock.json -nt tests/browser/node_modules ]; then
    echo "==> npm ci (tests/browser: playwright-core, axe-core)"
    (cd tests/browser && npm ci --no-audit --no-fund --silent && touch node_modules)
  fi
  # libimgui.a lacks the SDL_Renderer backend; Debian ships its source under /usr/share/doc,
  # which slim images strip. Then take it from the package itself into the build folder.
  backends=/usr/share/doc/libimgui-dev/examples/backends
  if [ ! -f "$backends/imgui_impl_sdlrenderer.cpp" ]; then
    local dir="$here/$build_dir/.imgui-backends"
    if [ ! -f "$dir/imgui_impl_sdlrenderer.cpp" ]; then
      echo "==> /usr/share/doc was stripped: unpacking imgui_impl_sdlrenderer.cpp from libimgui-dev"
      local tmp; tmp="$(mktemp -d)"
      (cd "$tmp" && apt-get download libimgui-dev >/dev/null && dpkg-deb -x libimgui-dev_*.deb x)
      mkdir -p "$dir"
      cp "$tmp"/x/usr/share/doc/libimgui-dev/examples/backends/imgui_impl_sdlrenderer.cpp "$dir/"
      rm -rf "$tmp"
    fi
    backends="$dir"
  fi
}

# Ninja, and unity builds (8 files compiled as one, so nlohmann/json, cpp-httplib and the
# standard headers are parsed once per batch, not once per file): a clean build of all
# three configurations takes about half as long. LEDSAGER_UNITY=OFF builds file by file
# (quicker to rebuild after editing one file).
configure() {
  local dir="$1"; shift
  # A tree configured earlier with another generator is configured afresh (objects rebuilt).
  if [ -f "$dir/CMakeCache.txt" ] && ! grep -q '^CMAKE_GENERATOR:INTERNAL=Ninja$' "$dir/CMakeCache.txt"; then
    rm -rf "$dir/CMakeCache.txt" "$dir/CMakeFiles"
  fi
  cmake -G Ninja -S . -B "$dir" -DCMAKE_UNITY_BUILD="${LEDSAGER_UNITY:-ON}" -DCMAKE_UNITY_BUILD_BATCH_SIZE=8 \
        -DLEDSAGER_WERROR="${LEDSAGER_WERROR:-OFF}" "$@" >/dev/null
}

build() {
  echo "==> building in $build_dir (${SECONDS} s since the start)"
  configure "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLEDSAGER_IMGUI_BACKENDS="$backends"
  cmake --build "$build_dir" -j"$jobs"
}

run_tests() {
  echo "==> tests (${SECONDS} s since the start)"
  ctest --test-dir "$build_dir" --output-on-failure -j"$jobs"
  # The core's unit tests again under AddressSanitizer and UndefinedBehaviorSanitizer.
  echo "==> unit tests under address/undefined sanitizers (${SECONDS} s since the start)"
  configure "$build_dir-sanitize" -DCMAKE_BUILD_TYPE=Debug -DLEDSAGER_SANITIZE=ON -DLEDSAGER_CORE_ONLY=ON
  cmake --build "$build_dir-sanitize" -j"$jobs"
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --test-dir "$build_dir-sanitize" --output-on-failure -j"$jobs"
  # The threaded parts (the hub's server, the kiosk's hub client, speech, the call's threads)
  # again under ThreadSanitizer: any report fails the run.
  echo "==> threaded parts under ThreadSanitizer (${SECONDS} s since the start)"
  # -O1 and line tables, as ThreadSanitizer's manual advises: reports keep file and line, the
  # build takes half the time of -O2 -g.
  configure "$build_dir-tsan" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLEDSAGER_TSAN=ON \
        -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" \
        -DLEDSAGER_IMGUI_BACKENDS="$backends"
  cmake --build "$build_dir-tsan" -j"$jobs" --target "${tsan_targets[@]}"
  TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$here/tests/tsan.supp" \
    ctest --test-dir "$build_dir-tsan" --output-on-failure -j"$jobs" -R "$tsan_tests"
  echo "==> all tests passed in ${SECONDS} s"
}
# What runs under ThreadSanitizer: the targets to build and the ctest names to run.
tsan_targets=(test_hub_api test_hub_security test_help_request_e2e test_content_update_e2e test_content_preview test_speech_languages test_call_screen_keypad)
tsan_tests='^(hub_api|security_.*|video_call_fallback|fleet_heartbeat|content_update_e2e|content_studio_publish|content_preview_bounds|remote_settings_e2e|usage_from_kiosk|speech_languages|call_screen_keypad)$'

run_kiosk() {
  local kiosk="$build_dir/kiosk/app/ledsager-kiosk" hub="$build_dir/hub/ledsager-hub"
  echo "==> demo content: $here/assets/guides"
  "$kiosk" --check-content assets/guides >/dev/null
  # The hub, with a demo site, kiosk token and staff login (printed by the hub itself).
  mkdir -p out
  local listen="${LEDSAGER_HUB_LISTEN:-127.0.0.1:8080}" demo_config=out/demo-kiosk.toml
  sed "s|http://127.0.0.1:8080|http://$listen|" config/demo.toml > "$demo_config"
  # The content studio's publishing key for the demo (made once), pinned by the demo kiosk: a
  # change approved on content.html reaches the kiosk from its next session.
  local key=out/demo-publishing.key public
  if [ ! -f "$key" ]; then
    public=$("$hub" --data out/hub-data content keygen --secret-key "$key" | tail -1)
    echo "$public" > out/demo-publishing.pub
  fi
  printf '\n[content]\npublic_keys = ["%s"]\nstore_dir = "%s"\n' "$(cat out/demo-publishing.pub)" "$here/out/kiosk-content" >> "$demo_config"
  "$hub" --data out/hub-data --listen "$listen" --demo --content-secret-key "$key" &
  hub_pid=$!  # global: the EXIT trap runs after this function returns
  shots_pid="" kiosk_pid="" xvfb_pid=""
  # Ctrl+C or SIGTERM stops everything this started: the hub, the kiosk, the screenshot
  # writer and the virtual display.
  trap 'kill $kiosk_pid $shots_pid $hub_pid $xvfb_pid 2>/dev/null; wait $kiosk_pid $shots_pid $hub_pid $xvfb_pid 2>/dev/null' EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  sleep 0.5
  echo "==> staff console: http://$listen/  (log in as demo / demo-password; API: hub/openapi.yaml)"
  echo "==> caseworker video calls: http://$listen/caseworker.html  (log in as demo-case / demo-password)"
  echo "==> guides (content studio): http://$listen/content.html  (demo-editor writes, demo-reviewer approves; demo-password)"
  # Everything runs in the background and the script waits: then Ctrl+C or SIGTERM reaches
  # the traps at once, and the EXIT trap stops each thing started here.
  if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
    echo "==> starting the kiosk in a window (${LEDSAGER_WINDOW:-1600x900}); stop both with Ctrl+C"
    "$kiosk" --windowed "${LEDSAGER_WINDOW:-1600x900}" --config "$demo_config" &
    kiosk_pid=$!
  else
    echo "==> no display here: the kiosk runs on a virtual display (Xvfb); meanwhile pictures of"
    echo "    every screen are written to out/screenshots (about two minutes). Ctrl+C stops it all."
    "$kiosk" --config "$demo_config" --screenshots out/screenshots --lang da,en &
    shots_pid=$!
    # Xvfb picks a free display and writes its number to out/xvfb-display.
    : > out/xvfb-display
    Xvfb -displayfd 1 -screen 0 1920x1080x24 -nolisten tcp > out/xvfb-display 2>/dev/null &
    xvfb_pid=$!
    for _ in $(seq 50); do [ -s out/xvfb-display ] && break; sleep 0.1; done
    [ -s out/xvfb-display ] || { echo "ledsager: Xvfb did not start" >&2; exit 1; }
    DISPLAY=":$(head -1 out/xvfb-display)" "$kiosk" --config "$demo_config" &
    kiosk_pid=$!
  fi
  wait "$kiosk_pid"
}

cmd="${1:-}"
case "$cmd" in
  setup) setup ;;
  build) setup; build ;;
  test) setup; build; run_tests ;;
  run) setup; build; run_kiosk ;;
  *) echo "usage: deploy/dev.sh run|test|setup|build" >&2; exit 2 ;;
esac
