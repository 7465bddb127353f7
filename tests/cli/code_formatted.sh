#!/usr/bin/env bash
# code_formatted: every C++ file of the project follows .clang-format (clang-format 14, as
# Debian 12 ships it). Format with: clang-format -i $(git ls-files '*.cpp' '*.hpp')
set -uo pipefail
src="$1"
cd "$src" || exit 1
command -v clang-format >/dev/null || { echo "FAIL: clang-format is not installed (deploy/dev.sh setup installs it)"; exit 1; }
mapfile -t files < <(find kiosk platform hub tests -name node_modules -prune -o \( -name '*.cpp' -o -name '*.hpp' \) -print | sort)
[ ${#files[@]} -gt 100 ] || { echo "FAIL: only ${#files[@]} C++ files found under $src"; exit 1; }
bad=()
for f in "${files[@]}"; do
  clang-format --dry-run --Werror "$f" >/dev/null 2>&1 || bad+=("$f")
done
if [ ${#bad[@]} -gt 0 ]; then
  echo "FAIL: ${#bad[@]} of ${#files[@]} files are not formatted (clang-format -i FILE):"
  printf '  %s\n' "${bad[@]}"
  exit 1
fi
echo "code_formatted: ${#files[@]} files follow .clang-format"
