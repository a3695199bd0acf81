#!/bin/bash
# make format-check: every tracked C file matches .clang-format. Prints
# the files that do not (fix with: clang-format -i FILE).
set -u
cd "$(dirname "$0")/.."
command -v clang-format >/dev/null ||
    { echo "format-check: clang-format is not installed (ci/install-deps.sh)" >&2; exit 1; }
bad=0
while IFS= read -r f; do
    if ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
        echo "format-check: $f does not match .clang-format"
        bad=1
    fi
done < <(git ls-files '*.c' '*.h')
exit $bad
