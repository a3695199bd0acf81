#!/usr/bin/env bats
# Every C file in the tree follows the one .clang-format.

load lib

@test "format: every tracked C file matches .clang-format" {
    skip_unless_cmd clang-format
    run "$TOP/ci/format-check.sh"
    [ "$status" -eq 0 ] || { echo "$output" >&2; return 1; }
}
