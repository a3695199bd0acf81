#!/bin/bash
# ci/bats-lint.sh FILE...: finds negated commands that cannot fail a test.
#
# bats runs a test with `set -e`, and set -e ignores a pipeline that starts
# with `!`: a line `! grep -q x file` passes whatever grep says. Such a
# negation only counts as a check when its status is used: in `if`/`while`,
# with `run !`, or followed by `||` (`! cmd || { echo why; false; }`).
# Prints FILE:LINE: TEXT for each bare one and exits 1 if there is any.
set -u
[ $# -gt 0 ] || { echo "usage: $0 FILE..." >&2; exit 2; }
exec awk '
    # Comments say what they like; conditions use the status.
    /^[[:space:]]*#/ { next }
    /^[[:space:]]*(if|elif|while|until)[[:space:]]/ { next }
    # A negation at the start of a command: the start of the line, or
    # after ";", "&&", "{", "then", "do" or "else".
    /(^|;|&&|\{|[[:space:]]then|[[:space:]]do|[[:space:]]else)[[:space:]]*![[:space:]]/ {
        # Its status is used by a following "||" (maybe on the next line).
        if ($0 ~ /\|\|/)
            next
        print FILENAME ":" FNR ": " $0
        bad = 1
    }
    END { exit bad }
' "$@"
