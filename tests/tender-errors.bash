# tests/tender-errors.bash: the bad-input cases hvt-errors.bats and
# spt-errors.bats share, each written once against the suite's tender
# ($TENDER, $TARGET, chosen with tender_use). Load after lib; each suite
# still names every case in an @test line of its own. Every case expects
# one line "solo5-TARGET: error: ..." on stderr, status 1, nothing started
# and nothing left behind.

MANGLE=$TB/tools/elfmangle

# errors_setup TARGET: an empty directory to run in, a 1 MiB disk, no
# namespace yet.
errors_setup() {
    tender_use "$1"
    WORK=$BATS_TEST_TMPDIR
    NS=
    IN_NS=()
    mkdir -p "$WORK/cwd"
    truncate -s 1M "$WORK/disk"
}

# errors_teardown: removes the namespace and stops a lock holder left by a
# failed case.
errors_teardown() {
    netns_cleanup
    if [ -n "${HOLDER:-}" ]; then
        kill "$HOLDER" 2>/dev/null
        wait "$HOLDER" 2>/dev/null
    fi
    return 0
}

# hold_lock r|w: another process holds an OFD lock (shared or exclusive)
# on $WORK/disk, as a second tender or QEMU would, until release_lock.
hold_lock() {
    rm -f "$WORK/locked"
    python3 "$TOP/tests/tools/ofdlock.py" "$WORK/disk" "$1" "$WORK/locked" &
    HOLDER=$!
    local i
    for i in $(seq 100); do
        [ -e "$WORK/locked" ] && return 0
        sleep 0.1
    done
    echo "the lock holder did not start" >&2
    return 1
}

release_lock() {
    kill "$HOLDER"
    wait "$HOLDER" 2>/dev/null || true # killed: status 143
    HOLDER=
    return 0
}

# refuse [TENDER ARGS...]: the tender (inside the command prefix IN_NS, if
# set), run from an empty directory, exits 1 with exactly one error line
# on stderr, nothing on stdout (no guest ran), and creates no file there.
refuse() {
    cd "$WORK/cwd"
    run --separate-stderr "${IN_NS[@]}" timeout 30 "$TENDER" "$@"
    cd - >/dev/null
    if [ "$status" -ne 1 ]; then
        echo "expected status 1, got $status (124 = hang, >128 = signal)" >&2
        echo "--- stdout: $output" >&2
        echo "--- stderr: $stderr" >&2
        return 1
    fi
    if [ -n "$output" ]; then
        echo "expected nothing on stdout, got: $output" >&2
        return 1
    fi
    if [ "${#stderr_lines[@]}" -ne 1 ] || [[ ${stderr_lines[0]} != "solo5-$TARGET: error: "* ]]; then
        echo "expected one line 'solo5-$TARGET: error: ...', got:" >&2
        echo "$stderr" >&2
        return 1
    fi
    # Bad input is refused before solo5-hvt opens /dev/kvm, which is why
    # these suites run on machines without KVM; an error about KVM would
    # mean the input itself was never checked.
    if [[ ${stderr_lines[0]} == *"/dev/kvm"* ]]; then
        echo "the error is about KVM, not the input: ${stderr_lines[0]}" >&2
        return 1
    fi
    if [ -n "$(ls -A "$WORK/cwd")" ]; then
        echo "the tender left files behind: $(ls -A "$WORK/cwd")" >&2
        return 1
    fi
}

# error_says REGEX: the error line matches REGEX (extended, any case).
error_says() {
    grep -qiE -- "$1" <<<"$stderr" || {
        echo "expected the error to match: $1" >&2
        echo "got: $stderr" >&2
        return 1
    }
}

# refuse_elf VARIANT: the block test mangled by elfmangle VARIANT is
# refused (with its one device attached, so only the file is at fault).
refuse_elf() {
    [ -x "$MANGLE" ] || { echo "$MANGLE is not built" >&2; return 1; }
    "$MANGLE" "$1" "$(ut block)" "$WORK/bad.$TARGET"
    refuse --block:storage="$WORK/disk" -- "$WORK/bad.$TARGET"
}

# ------------------------------------------------------------------ cases
# One function a case, named tc_SECTION_WHAT after its @test line.

# elf: missing file
tc_elf_missing_file() {
    refuse -- "$WORK/nosuch.$TARGET"
    error_says "nosuch\\.$TARGET"
}

# elf: built for virtio (and TARGETS...): the error names both targets
tc_elf_other_targets() {
    refuse_elf abi-virtio
    error_says 'virtio'
    error_says "$TARGET"
    local t
    for t in "$@"; do
        if [ -f "$TB/hello/hello.$t" ]; then
            refuse -- "$TB/hello/hello.$t"
            error_says "$t"
            error_says "$TARGET"
        fi
    done
}

# options: --mem beyond what the layout can give names the limit:
# --mem=MIB is refused with an error matching REGEX.
tc_options_mem_beyond() {
    refuse --mem=99999999 -- "$(ut hello)"
    error_says "$2"
    refuse --mem="$1" -- "$(ut hello)"
    error_says "$2"
    refuse --mem=18446744073709551617 -- "$(ut hello)"
}

# elf: another ABI version: the error names both
tc_elf_abi_version() {
    refuse_elf abi-version
    error_says '99'
}

# elf: no ABI note: the words every reader (elftool, mkimage, both
# tenders) uses for it
tc_elf_abi_missing() {
    refuse_elf abi-missing
    error_says "bad\\.$TARGET: not a Solo5 unikernel: no Solo5 ABI note in a PT_NOTE segment\$"
}

# options: --help and --version succeed
tc_options_help_version() {
    run timeout 30 "$TENDER" --help
    expect_status 0
    expect_line '--mem'
    expect_line '--net:'
    expect_line '--block:'
    run timeout 30 "$TENDER" --version
    expect_status 0
    expect_line '[0-9]+\.[0-9]+'
}

# options: an unknown option
tc_options_unknown() {
    refuse --frobnicate -- "$(ut hello)"
    error_says 'frobnicate'
}

# options: no unikernel
tc_options_no_unikernel() {
    refuse
    refuse --mem=64
    refuse --mem=64 --
}

# options: bad --mem values
tc_options_bad_mem() {
    local v
    for v in 0 -1 junk '' 12abc 0x10; do
        refuse --mem="$v" -- "$(ut hello)"
    done
}

# options: a missing block file
tc_options_missing_block_file() {
    refuse --block:storage="$WORK/nosuch" -- "$(ut block)"
    error_says 'nosuch'
}

# options: malformed --block and --net options
tc_options_malformed_devices() {
    refuse --block:storage -- "$(ut block)"
    refuse --block:="$WORK/disk" -- "$(ut block)"
    refuse --block="$WORK/disk" -- "$(ut block)"
    refuse --net:service0 -- "$(ut net)"
}

# options: bad sector sizes
tc_options_bad_sector_sizes() {
    local v
    for v in 0 256 1000 3 junk ''; do
        refuse --block:storage="$WORK/disk" --block-sector-size:storage="$v" -- "$(ut block)"
    done
}

# options: a backing file that is not a whole number of sectors
tc_options_partial_sector() {
    truncate -s $((8 * 1048576 + 512)) "$WORK/odd"
    refuse --block:storage="$WORK/odd" --block-sector-size:storage=4096 -- "$(ut block)"
    error_says 'odd'
    truncate -s 1000 "$WORK/odd2"
    refuse --block:storage="$WORK/odd2" -- "$(ut block)"
}

# options: a backing file smaller than one sector
tc_options_tiny_backing_file() {
    truncate -s 256 "$WORK/small"
    refuse --block:storage="$WORK/small" -- "$(ut block)"
    truncate -s 2048 "$WORK/small2"
    refuse --block:storage="$WORK/small2" --block-sector-size:storage=4096 -- "$(ut block)"
}

# options: a bad MAC address
tc_options_bad_mac() {
    local mac
    # A real tap, in a namespace of our own, so only the MAC is at fault.
    netns_create
    netns_tap tap0 10.0.0.1/24
    IN_NS=(ip netns exec "$NS")
    for mac in junk 02:00:00:00:00 02:00:00:00:00:00:00 02-00-00-00-00-01 0g:00:00:00:00:01; do
        refuse --net:service0=tap0 --net-mac:service0="$mac" -- "$(ut net)"
    done
}

# options: a missing tap
tc_options_missing_tap() {
    # Inside a namespace of our own: a tender that wrongly created the tap
    # would do so there, never in the host's namespace.
    netns_create
    IN_NS=(ip netns exec "$NS")
    refuse --net:service0=nosuchtap0 -- "$(ut net)"
    error_says nosuchtap0
    if ip -n "$NS" link show nosuchtap0 >/dev/null 2>&1; then
        echo "the tender created the missing tap" >&2
        return 1
    fi
}

# manifest: an entry left unattached is named
tc_manifest_unattached() {
    refuse -- "$(ut block)"
    error_says 'storage'
}

# manifest: every unattached entry is listed
tc_manifest_all_unattached() {
    refuse --block:disk5="$WORK/disk" -- "$(ut maxdevices)"
    error_says 'disk0'
    error_says 'disk61'
    error_says 'net0'
}

# manifest: an option naming no entry
tc_manifest_unknown_name() {
    refuse --block:storage="$WORK/disk" --block:nosuch="$WORK/disk" -- "$(ut block)"
    error_says 'nosuch'
    refuse --block:storage="$WORK/disk" -- "$(ut hello)"
    error_says 'storage'
    refuse --block:storage="$WORK/disk" --block-sector-size:nosuch=4096 -- "$(ut block)"
    error_says 'nosuch'
    refuse --block:storage="$WORK/disk" --net-mac:nosuch=02:00:00:00:00:01 -- "$(ut block)"
    error_says 'nosuch'
}

# manifest: an option of the wrong type
tc_manifest_wrong_type() {
    refuse --block:service0="$WORK/disk" -- "$(ut net)"
    error_says 'service0'
    refuse --block:storage="$WORK/disk" --net-mac:storage=02:00:00:00:00:01 -- "$(ut block)"
    error_says 'storage'
}

# manifest: an entry attached twice
tc_manifest_attached_twice() {
    truncate -s 1M "$WORK/disk2"
    refuse --block:storage="$WORK/disk" --block:storage="$WORK/disk2" -- "$(ut block)"
    error_says 'storage'
    refuse --block:storage="$WORK/disk" --block-sector-size:storage=4096 \
        --block-sector-size:storage=512 -- "$(ut block)"
    error_says 'storage'
}

# block lock: a file another process has locked is refused, naming the lock
tc_block_lock() {
    hold_lock w
    refuse --block:storage="$WORK/disk" -- "$(ut block)"
    error_says "--block:storage=.*/disk: in use: another process holds a write \(exclusive\) lock"
    release_lock
    hold_lock r
    refuse --block:storage="$WORK/disk" -- "$(ut block)"
    error_says "in use: another process holds a read \(shared\) lock"
    release_lock
    # Free again: the tender goes past the lock (here or under KVM).
    run --separate-stderr timeout 60 "$TENDER" --block:storage="$WORK/disk" -- "$(ut block)"
    if grep -q 'in use' <<<"$stderr"; then
        echo "still refused after the holder went: $stderr" >&2
        return 1
    fi
}
