#!/usr/bin/env bats
# unit.bats: runs each cmocka unit test program (tests/unit/test_*.c), one
# test each.

load lib

UNIT=$TOP/build/tests/unit

run_unit() {
    [ -x "$UNIT/$1" ] || { echo "$UNIT/$1 is not built (make $UNIT/$1)" >&2; return 1; }
    run "$UNIT/$1"
    expect_status 0
}

@test "unit: JSON manifest parser and writer (test_mft_json)" {
    run_unit test_mft_json
}

@test "unit: binary manifest validation (test_mft_check)" {
    run_unit test_mft_check
}

@test "unit: ELF note reader on hand-made ELF files (test_elfnote)" {
    run_unit test_elfnote
}

@test "unit: the tender's ELF loader on hand-made ELF files (test_elf_load)" {
    run_unit test_elf_load
}

@test "unit: hypercalls: the guest address check (test_hvt_gpa)" {
    run_unit test_hvt_gpa
}

@test "unit: hypercalls: block I/O and its argument checks (test_hvt_block)" {
    run_unit test_hvt_block
}

@test "unit: hypercalls: network rings, hostile indices and lengths (test_hvt_net)" {
    run_unit test_hvt_net
}

@test "unit: hypercalls: console, clock, poll, halt (test_hvt_core)" {
    run_unit test_hvt_core
}

@test "unit: every test program in tests/unit is run by this suite" {
    for src in "$TOP"/tests/unit/test_*.c; do
        name=$(basename "$src" .c)
        grep -q "run_unit $name\$" "$BATS_TEST_FILENAME" || {
            echo "tests/unit/$name.c has no test in unit.bats: add one calling run_unit $name" >&2
            return 1
        }
    done
}
