#!/usr/bin/env bats
# virtio.bats: the self-test unikernels on the virtio target under QEMU,
# each run with pure emulation (TCG) and, where /dev/kvm is usable, with
# KVM, with the same expectations; the virtio-specific cases (legacy-only
# and modern-only transports, virtio-blk and virtio-scsi, several devices,
# devices the manifest does not use, ACPI power-off and the power button);
# and solo5-virtio-run's refusals of bad input. Network tests run in a
# namespace each test makes and deletes.

bats_require_minimum_version 1.5.0
load lib
load tools/selftest

RUN=$BIN/solo5-virtio-run

setup() {
    skip_unless_cmd qemu-system-x86_64 qemu-system-x86
    [ -x "$RUN" ] || { echo "$RUN is not built (run make)" >&2; return 1; }
    TARGET=virtio
    UT_OPTS=()
    UT_PID=
    NS=
    WORK=$BATS_TEST_TMPDIR
    # Every self-test runs under emulation, and under KVM when usable.
    # (SOLO5_TEST_HVS="qemu" narrows it, for quick runs while developing.)
    HVS=(qemu)
    if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
        HVS+=(kvm)
    fi
    if [ -n "${SOLO5_TEST_HVS:-}" ]; then
        read -r -a HVS <<<"$SOLO5_TEST_HVS"
    fi
    # What the exit test of the runner decodes; lets expect_fault name it.
    UT_HOST_FAULT='^solo5-virtio-run: '
}

teardown() {
    bg_cleanup
}

# run_ut NAME [ARGS...]: NAME under solo5-virtio-run -H $HV with UT_OPTS.
run_ut() {
    local name=$1
    shift
    echo "# under -H $HV: $name $*" >&2
    run timeout "${UT_TIMEOUT:-180}" "$RUN" -q -H "$HV" "${UT_OPTS[@]}" \
        "$(ut "$name")" "$@"
}

# ---------------------------------------------------------------- start-up

# bats test_tags=hvs
@test "hello: command line empty, joined by single spaces, long" {
    local long
    long=$(head -c 6000 /dev/zero | tr '\0' 'x')
    for HV in "${HVS[@]}"; do
        run_ut hello
        expect_success
        expect_line '^Hello, World$'
        expect_cmdline ''
        run_ut hello 'a  b' c '' d
        expect_success
        expect_cmdline 'a  b c  d'
        run_ut hello -- --help "$long"
        expect_success
        expect_cmdline "--help $long"
    done
}

# bats test_tags=hvs
@test "hello: a banner before and an exit line after; nothing on stderr" {
    for HV in "${HVS[@]}"; do
        run --separate-stderr timeout 180 "$RUN" -q -H "$HV" "$(ut hello)"
        expect_success
        [ "${lines[0]}" != "Hello, World" ] || { echo "no banner" >&2; false; }
        expect_line '^Solo5: bindings .* target virtio'
        [ "${lines[-1]}" = "Solo5: exit with status 0" ] ||
            { echo "last line: ${lines[-1]}" >&2; false; }
        [ -z "$stderr" ] || { echo "unexpected stderr: $stderr" >&2; false; }
    done
}

# bats test_tags=hvs
@test "virtio-boottime: the guest's own boot time is reported (a figure, not judged)" {
    for HV in "${HVS[@]}"; do
        run_ut virtio-boottime --solo5:quiet
        expect_success
        expect_line '^virtio-boottime: [0-9]+ us$'
        grep '^virtio-boottime:' <<<"$output" | sed "s/^/# -H $HV: /" >&3
    done
}

# bats test_tags=hvs
@test "quiet: --solo5:quiet leaves only the unikernel's output" {
    for HV in "${HVS[@]}"; do
        run_ut quiet --solo5:quiet a b
        expect_success
        [ "$output" = "$(printf "quiet: cmdline='a b'\nSUCCESS")" ] ||
            { echo "expected only the test's lines, got:" >&2; echo "$output" >&2; false; }
        run_ut quiet --solo5:bogus
        expect_no_verdict
        [ "$status" -ne 0 ] && [ "$status" -lt 128 ]
        expect_line 'bogus'
    done
}

# bats test_tags=hvs
@test "exitcode: the exit status passes through the runner" {
    local n
    for HV in "${HVS[@]}"; do
        for n in 0 1 42 126 128 200 255; do
            # Emulation boots fast: try everything there, a sample under KVM.
            [ "$HV" = kvm ] && [ "$n" != 0 ] && [ "$n" != 128 ] && [ "$n" != 255 ] && continue
            run_ut exitcode --solo5:quiet exit "$n"
            expect_status "$n"
            expect_line "^exitcode: ending with status $n via"
        done
        run_ut exitcode --solo5:quiet return 7
        expect_status 7
    done
}

# bats test_tags=hvs
@test "console: bytes pass unchanged through the UART, 0 to 255, small and large writes" {
    console_expected >"$WORK/expected"
    for HV in "${HVS[@]}"; do
        timeout 180 "$RUN" -q -H "$HV" "$(ut console)" --solo5:quiet >"$WORK/got"
        cmp "$WORK/expected" "$WORK/got" ||
            { echo "console output differs under -H $HV" >&2; false; }
    done
}

# ----------------------------------------------------------- memory, CPU

# bats test_tags=hvs
@test "memory: -m sets the heap, all of it is usable, and memory ends there" {
    local m h
    for HV in "${HVS[@]}"; do
        for m in 32 64; do
            UT_OPTS=(-m "$m")
            run_ut memory touch
            expect_success
            h=$(sed -n 's/^memory: heap \([0-9]*\) MiB$/\1/p' <<<"$output")
            [ -n "$h" ] && [ "$h" -ge $((m - 8)) ] && [ "$h" -lt "$m" ] ||
                { echo "-m $m gave a heap of '$h' MiB" >&2; false; }
        done
        UT_OPTS=(-m 32)
        run_ut memory beyond
        expect_fault
        expect_line '^memory: reading past the end of memory$'
    done
}

# bats test_tags=hvs
@test "globals, fpu, tls, notls: the application's memory and CPU state" {
    local t
    for HV in "${HVS[@]}"; do
        for t in globals fpu tls notls; do
            run_ut "$t"
            expect_success
        done
    done
}

# bats test_tags=hvs
@test "ssp: a smashed stack canary aborts" {
    for HV in "${HVS[@]}"; do
        run_ut ssp
        expect_abort 'stack'
        expect_line '^ssp: smashing the stack$'
    done
}

# bats test_tags=hvs
@test "zeropage: NULL reads, writes and calls fault" {
    local how
    for HV in "${HVS[@]}"; do
        for how in read write exec; do
            run_ut zeropage "$how"
            expect_abort 'page fault|#PF'
            expect_line "^zeropage: .* address 0$"
        done
    done
}

# bats test_tags=hvs
@test "wnox: code is not writable; data, rodata, BSS, heap, stack not executable" {
    local where
    for HV in "${HVS[@]}"; do
        run_ut wnox write-code
        expect_fault
        expect_line '^wnox: writing to code$'
        for where in data rodata bss heap stack; do
            run_ut wnox "exec-$where"
            expect_fault
            expect_line '^wnox: executing '
        done
    done
}

# bats test_tags=hvs
@test "exception: fatal exceptions abort, naming the trap" {
    for HV in "${HVS[@]}"; do
        check_exceptions
    done
}

# bats test_tags=hvs
@test "virtio-cpl0: IDT, GDT, TSS, page tables and CPL0 stack are out of the application's reach" {
    local what
    for HV in "${HVS[@]}"; do
        for what in idt gdt tss pagetables stack; do
            run_ut virtio-cpl0 --solo5:quiet "$what"
            expect_abort 'page fault|#PF'
            expect_line "^virtio-cpl0: writing the $what$"
        done
        run_ut virtio-cpl0 --solo5:quiet read
        expect_abort 'page fault|#PF'
        # The one-time CPL0 set-up cannot be asked for again.
        run_ut virtio-cpl0 --solo5:quiet setup
        expect_abort 'page fault|#PF'
        expect_line '^virtio-cpl0: writing the setup$'
        # Nor by clearing the flag that refuses it: that is CPL0 state.
        run_ut virtio-cpl0 --solo5:quiet resetup
        expect_abort 'page fault .*write access'
        expect_line '^virtio-cpl0: clearing the set-up flag$'
        expect_no_line '^virtio-cpl0: asking CPL0'
    done
}

# bats test_tags=hvs
@test "virtio-dma: no ring, port or register that aims a device's DMA is the application's" {
    local what mode other regs arg
    truncate -s 1M "$WORK/disk"
    UT_OPTS=(-d "$WORK/disk")
    for HV in "${HVS[@]}"; do
        run_ut virtio-dma --solo5:quiet rings
        expect_abort 'page fault|#PF'
        expect_line '^virtio-dma: writing the rings$'
        # Not even read; the used ring, on the slot's third page, is the
        # application's (the control).
        run_ut virtio-dma --solo5:quiet rings-read
        expect_abort 'page fault|#PF'
        expect_line '^virtio-dma: wrote the used ring$'
        expect_line '^virtio-dma: reading the rings$'
        run_ut virtio-dma --solo5:quiet pci
        expect_abort 'general protection|#GP'
        expect_line '^virtio-dma: writing the pci address port$'
        # Nor can CPL0 be asked to load page tables that map everything as
        # the sealed ones.
        run_ut virtio-dma --solo5:quiet seal
        expect_abort 'page fault|#PF'
        expect_line '^virtio-dma: writing the idt$'
        # A queue's address register: a legacy port, a modern device's
        # common configuration (the status byte), where the boot says. The
        # boots that say so also ask CPL0 to freeze a queue again (over
        # the IDT), then to push chains outside the queue's frozen shape.
        for mode in legacy modern; do
            other=modern
            [ "$mode" = modern ] && other=legacy
            export SOLO5_VIRTIO_QEMU_ARGS="-global virtio-blk-pci.disable-$other=on -global virtio-blk-pci.disable-$mode=off"
            if [ "$mode" = legacy ]; then
                run_ut virtio-dma freeze
                expect_line '^virtio-dma: freeze refused$'
            else
                run_ut virtio-dma push
                expect_line '^virtio-dma: pushes refused$'
            fi
            expect_success
            regs=$(sed -n "s/^Solo5: block 'storage': .*($mode).*, set-up registers at [A-Z/]* \(0x[0-9a-f]*\)\$/\1/p" <<<"$output")
            [ -n "$regs" ] || output_fails "no $mode set-up registers in the boot report"
            if [ "$mode" = legacy ]; then
                arg="port $(printf '0x%x' $((regs + 8)))"
                run_ut virtio-dma --solo5:quiet "$arg"
                expect_abort 'general protection|#GP'
            else
                arg="mmio $(printf '0x%x' $((regs + 20)))"
                run_ut virtio-dma --solo5:quiet "$arg"
                expect_abort 'page fault|#PF'
            fi
            expect_line "^virtio-dma: writing the $arg\$"
        done
        unset SOLO5_VIRTIO_QEMU_ARGS
    done
}

# cpl0_under_gdb UK ACTION: boots UK (virtio-idle, 1 s) under TCG with
# QEMU's gdb stub, stops it in cpl0_trap() at its first request after
# set-up (the wait), has gdb do ACTION there and lets it go on. $output is
# then the unikernel's, $status its runner's. The stub listens on a port
# of a network namespace of its own, so no port of the host's is taken.
cpl0_under_gdb() {
    local uk=$1 action=$2
    status=0
    # shellcheck disable=SC2016 # expanded by the inner shell
    unshare -n bash -c '
        ip link set lo up || exit 99
        SOLO5_VIRTIO_QEMU_ARGS="-S -gdb tcp:127.0.0.1:1234" \
            timeout 120 "$1" -q -H qemu "$2" 1 >"$4/out" 2>&1 &
        pid=$!
        timeout 120 gdb -batch -nx -ex "set pagination off" \
            -ex "target remote 127.0.0.1:1234" -ex "break *cpl0_trap" \
            -ex "ignore 1 1" -ex continue -ex "echo gdb: in cpl0_trap\\n" \
            -ex "$3" -ex delete -ex continue "$2" >"$4/gdb" 2>&1
        wait "$pid"' _ "$RUN" "$uk" "$action" "$WORK" || status=$?
    output=$(cat "$WORK/out")
    grep -q '^gdb: in cpl0_trap' "$WORK/gdb" ||
        output_fails "gdb did not stop in cpl0_trap: $(cat "$WORK/gdb")"
}

# With SMEP and SMAP (TCG's -cpu max has both), CPL0 faults on any user
# page. gdb stands in for a CPL0 bug: it sends CPL0 to run the
# application's code, or to take its trap frame from an application page.
@test "cpl0: with SMEP and SMAP, CPL0 can neither run nor read the application's pages" {
    skip_unless_cmd gdb gdb
    local uk main
    uk=$(ut virtio-idle)
    main=$(nm "$uk" | awk '$3 == "solo5_app_main" { print $1 }' | sed 's/^0*//')
    [ -n "$main" ]
    cpl0_under_gdb "$uk" 'set $pc = solo5_app_main'
    expect_abort "#PF .* at rip=0x$main: execute access to 0x$main "
    cpl0_under_gdb "$uk" 'set $rdi = solo5_app_main'
    # The frame's vector, 16 quadwords in, is the first thing read.
    expect_abort "#PF .*: read access to 0x$(printf '%x' $((0x$main + 0x80))) "
}

# bats test_tags=hvs
@test "unseal: the application can change no IDT gate, descriptor, TSS, page table or trap code" {
    local what
    for HV in "${HVS[@]}"; do
        run_ut unseal --solo5:quiet read
        expect_sealed read read
        for what in idt gdt tss pagetables trapcode gate; do
            run_ut unseal --solo5:quiet "$what"
            expect_sealed "$what" write
        done
        run_ut unseal --solo5:quiet int
        expect_abort '#GP|#UD'
        expect_no_line 'ESCAPED'
    done
}

# bats test_tags=hvs
@test "hostile: privileged instructions and stray ports from the application abort" {
    local how
    for HV in "${HVS[@]}"; do
        # (hostile's other attacks aim at hvt's fixed addresses.)
        for how in syscall int80 cr3 wrmsr hlt portout highmem; do
            run_ut hostile --solo5:quiet "$how"
            expect_abort
            expect_no_line 'ESCAPED'
        done
    done
}

# bats test_tags=hvs
@test "abort: solo5_abort() gives status 255 and an ABORT line" {
    for HV in "${HVS[@]}"; do
        run_ut abort
        expect_abort
        expect_line '^abort: calling solo5_abort\(\)$'
    done
}

# bats test_tags=hvs
@test "time: clocks, yield deadlines, wall clock near the host's" {
    for HV in "${HVS[@]}"; do
        # The host's time as the guest starts: firmware takes a while under KVM.
        check_time
    done
}

# ------------------------------------------------------------------ block

# bats test_tags=hvs
@test "block: virtio-blk, data in the backing file, read back on a second run" {
    for HV in "${HVS[@]}"; do
        rm -f "$WORK/disk"
        truncate -s 8M "$WORK/disk"
        UT_OPTS=(-d "$WORK/disk")
        run_ut block
        expect_success
        expect_line '^block: capacity=8388608 block_size=512$'
        check_block_markers "$WORK/disk" 512
        run_ut block
        expect_success
        check_block_markers "$WORK/disk" 512
        [ "$(stat -c %s "$WORK/disk")" -eq 8388608 ]
    done
}

# bats test_tags=hvs
@test "block: virtio-scsi disks are block devices" {
    for HV in "${HVS[@]}"; do
        rm -f "$WORK/disk"
        truncate -s 8M "$WORK/disk"
        UT_OPTS=(-s scsi -d "$WORK/disk")
        run_ut block
        expect_success
        expect_line '^block: capacity=8388608 block_size=512$'
        expect_line "^Solo5: block 'storage': virtio-scsi .* target 0 lun 0"
        check_block_markers "$WORK/disk" 512
    done
}

# bats test_tags=hvs
@test "block: a device smaller than the largest I/O, on blk and scsi" {
    local s
    for HV in "${HVS[@]}"; do
        for s in blk scsi; do
            rm -f "$WORK/disk"
            truncate -s 49152 "$WORK/disk"
            UT_OPTS=(-s "$s" -d "$WORK/disk")
            run_ut block
            expect_success
            check_block_markers "$WORK/disk" 512
        done
    done
}

# bats test_tags=hvs
@test "block: 4096-byte sectors on virtio-blk and virtio-scsi" {
    local s dev
    for HV in "${HVS[@]}"; do
        for s in blk scsi; do
            dev=virtio-blk-pci
            [ "$s" = scsi ] && dev=scsi-hd
            rm -f "$WORK/disk"
            truncate -s 8M "$WORK/disk"
            UT_OPTS=(-s "$s" -d "$WORK/disk")
            SOLO5_VIRTIO_QEMU_ARGS="-global $dev.logical_block_size=4096 -global $dev.physical_block_size=4096" \
                run_ut block
            expect_success
            expect_line '^block: capacity=8388608 block_size=4096$'
            check_block_markers "$WORK/disk" 4096
        done
    done
}

# block_on_new_disk REGEX: the block test, on a new 1 MiB $WORK/disk that
# UT_OPTS or SOLO5_VIRTIO_QEMU_ARGS attach, succeeds, reports its device
# in a line matching REGEX, and leaves its markers in the file.
block_on_new_disk() {
    rm -f "$WORK/disk"
    truncate -s 1M "$WORK/disk"
    run_ut block
    expect_success
    expect_line "$1"
    check_block_markers "$WORK/disk" 512
}

# bats test_tags=hvs
@test "q35: a disk behind a PCIe root port (modern-only) on a secondary bus" {
    for HV in "${HVS[@]}"; do
        SOLO5_VIRTIO_QEMU_ARGS="-M q35 -device pcie-root-port,id=rp1,bus=pcie.0,chassis=1,slot=1 -drive file=$WORK/disk,if=none,id=rd,format=raw -device virtio-blk-pci,drive=rd,bus=rp1" \
            block_on_new_disk "^Solo5: block 'storage': virtio-blk 01:00\\.0 \\(modern\\)"
    done
}

# bats test_tags=hvs
@test "pci: a disk at slot 5 behind a PCI-to-PCI bridge is found" {
    for HV in "${HVS[@]}"; do
        SOLO5_VIRTIO_QEMU_ARGS="-device pci-bridge,id=br1,chassis_nr=1 -drive file=$WORK/disk,if=none,id=bd,format=raw -device virtio-blk-pci,drive=bd,bus=br1,addr=5" \
            block_on_new_disk "^Solo5: block 'storage': virtio-blk 01:05\\.0 "
    done
}

# bats test_tags=hvs
@test "transports: legacy-only and modern-only virtio-blk devices both work" {
    local mode
    for HV in "${HVS[@]}"; do
        for mode in legacy modern; do
            local other=modern
            [ "$mode" = modern ] && other=legacy
            UT_OPTS=(-d "$WORK/disk")
            SOLO5_VIRTIO_QEMU_ARGS="-global virtio-blk-pci.disable-$other=on -global virtio-blk-pci.disable-$mode=off" \
                block_on_new_disk "^Solo5: block 'storage': virtio-blk .* \\($mode\\)"
        done
    done
}

# A legacy queue fixes its size; past 256 entries its descriptor table
# would not fit the pages only CPL0 writes (docs/security.md). The driver's
# choice, the same under any hypervisor: checked under the first.
@test "queues: a legacy queue of 512 entries is refused by name; a modern one is shrunk" {
    for HV in "${HVS[0]}"; do
        UT_OPTS=(-d "$WORK/disk")
        truncate -s 1M "$WORK/disk"
        SOLO5_VIRTIO_QEMU_ARGS="-global virtio-blk-pci.queue-size=512 -global virtio-blk-pci.disable-modern=on -global virtio-blk-pci.disable-legacy=off" \
            run_ut block
        expect_abort 'manifest entry without a device'
        expect_line '^Solo5: virtio: queue 0 of the device at [0-9a-f:.]* has 512 entries; at most 256 are supported$'
        SOLO5_VIRTIO_QEMU_ARGS="-global virtio-blk-pci.queue-size=512 -global virtio-blk-pci.disable-legacy=on" \
            block_on_new_disk "^Solo5: block 'storage': virtio-blk .* \\(modern\\)"
    done
}

# bats test_tags=hvs
@test "devices: a device the manifest does not use is reported and left alone" {
    for HV in "${HVS[@]}"; do
        truncate -s 1M "$WORK/unused"
        UT_OPTS=(-d "$WORK/unused")
        # An unconnected NIC too: reported, never sent anything.
        SOLO5_VIRTIO_QEMU_ARGS="-device virtio-net-pci" run_ut hello
        expect_success
        expect_line '^Solo5: virtio: virtio-blk .* not used by the manifest$'
        expect_line '^Solo5: virtio: virtio-net .* not used by the manifest$'
        [ -z "$(tr -d '\0' <"$WORK/unused")" ] || { echo "unused disk was written" >&2; false; }
    done
}

# bats test_tags=hvs
@test "devices: a manifest entry without a device aborts before the application" {
    for HV in "${HVS[@]}"; do
        run_ut block
        expect_abort 'without a device'
        expect_line "manifest entry 'storage' \\(BLOCK_BASIC\\) has no"
        expect_no_line '^block: '
    done
}

# --------------------------------------------------------------- network

# start_ut NAME [ARGS...]: NAME in the namespace in the background, output
# in $WORK/out; returns once it says "net: ready".
start_ut() {
    local name=$1
    shift
    echo "# under -H $HV: $name $*" >&2
    # Each run has a new random MAC: forget the last run's.
    in_ns ip neigh flush all
    # Not through in_ns: $UT_PID must be the process itself, so that a
    # kill reaches it (timeout passes it on to the runner, the runner to
    # QEMU).
    start_bg '^net: ready$' 600 ip netns exec "$NS" timeout "${UT_TIMEOUT:-600}" \
        "$RUN" -q -H "$HV" "${UT_OPTS[@]}" "$(ut "$name")" "$@"
}

# finish_ut: waits up to 30 s for the background unikernel to end, then
# stops it; sets $status and $output.
finish_ut() {
    finish_bg "$UT_PID" 30
    UT_PID=
}

# net_setup: skips without a tun device or ping; a fresh namespace; pings
# wait up to 120 s (QEMU under emulation answers slowly).
net_setup() {
    [ -c /dev/net/tun ] || skip "no /dev/net/tun"
    skip_unless_cmd ping iputils-ping
    netns_create
    PING_TIMEOUT=120
}

# bats test_tags=hvs
@test "net: answers ARP and ICMP echo, and a ping flood loses nothing" {
    net_setup
    netns_tap tap0 10.0.0.1/24
    UT_OPTS=(-n tap0)
    for HV in "${HVS[@]}"; do
        start_ut net limit=10004
        ping_ok 10.0.0.2 -c 4 -i 0.2 -W 5
        PING_TIMEOUT=300 ping_ok 10.0.0.2 -f -c 10000 -q
        finish_ut
        expect_success
        expect_line '^net: service0 handle=1 mac=02:.* mtu=1500 ip=10\.0\.0\.2$'
        expect_line '^net: answered 10004 echo requests$'
    done
}

# bats test_tags=hvs
@test "net: MTU 9000 from the device's MTU feature carries large frames" {
    net_setup
    netns_tap tap0 10.0.0.1/24 9000
    UT_OPTS=(-n tap0:9000)
    for HV in "${HVS[@]}"; do
        start_ut net limit=3 mtu=9000
        ping_ok 10.0.0.2 -c 3 -i 0.2 -W 5 -s 8972 -M do
        finish_ut
        expect_success
        expect_line '^net: service0 .* mtu=9000 '
    done
}

# bats test_tags=hvs
@test "net: legacy-only and modern-only virtio-net devices both work" {
    net_setup
    netns_tap tap0 10.0.0.1/24
    UT_OPTS=(-n tap0)
    local mode other
    for HV in "${HVS[@]}"; do
        for mode in legacy modern; do
            other=modern
            [ "$mode" = modern ] && other=legacy
            SOLO5_VIRTIO_QEMU_ARGS="-global virtio-net-pci.disable-$other=on -global virtio-net-pci.disable-$mode=off" \
                start_ut net limit=3
            grep -q "^Solo5: net 'service0': virtio-net .* ($mode)" "$WORK/out" ||
                { cat "$WORK/out" >&2; false; }
            ping_ok 10.0.0.2 -c 3 -i 0.2 -W 5
            finish_ut
            expect_success
        done
    done
}

# bats test_tags=hvs
@test "net2: two NICs at once, each answering on its own subnet" {
    net_setup
    netns_tap tap0 10.0.0.1/24
    netns_tap tap1 10.1.0.1/24
    UT_OPTS=(-n tap0 -n tap1)
    for HV in "${HVS[@]}"; do
        check_net2 1000
    done
}

# bats test_tags=hvs
@test "acquire: two disks and a NIC, bound in manifest order by type" {
    net_setup
    netns_tap tap0 10.0.0.1/24
    truncate -s 64K "$WORK/d0" "$WORK/d1"
    UT_OPTS=(-d "$WORK/d0" -n tap0 -d "$WORK/d1")
    for HV in "${HVS[@]}"; do
        run in_ns timeout 180 "$RUN" -q -H "$HV" "${UT_OPTS[@]}" "$(ut acquire)"
        expect_success
        # Both disks bound, the first one in PCI order to the first entry.
        local b0 b1
        b0=$(sed -n "s/^Solo5: block 'disk0': virtio-blk \\([0-9a-f:.]*\\) .*/\\1/p" <<<"$output")
        b1=$(sed -n "s/^Solo5: block 'disk1': virtio-blk \\([0-9a-f:.]*\\) .*/\\1/p" <<<"$output")
        [ -n "$b0" ] && [ -n "$b1" ] && [[ $b0 < $b1 ]] ||
            { echo "disk0 at '$b0', disk1 at '$b1'" >&2; echo "$output" >&2; false; }
    done
}

# bats test_tags=hvs
@test "maxdevices: 62 SCSI disks and a NIC at once" {
    net_setup
    netns_tap tap0 10.0.0.1/24
    local k opts=()
    for k in $(seq 0 61); do
        truncate -s $(( (k + 1) * 4096 )) "$WORK/disk$k"
        opts+=(-d "$WORK/disk$k")
    done
    UT_OPTS=(-s scsi "${opts[@]}" -n tap0)
    for HV in "${HVS[@]}"; do
        run in_ns timeout 300 "$RUN" -q -H "$HV" "${UT_OPTS[@]}" "$(ut maxdevices)"
        expect_success
        for k in $(seq 0 61); do
            [ "$(head -c 64 "$WORK/disk$k" | tr -d '\0')" = "maxdevices disk$k" ] ||
                { echo "disk$k does not hold its marker" >&2; false; }
        done
    done
}

# ------------------------------------------------------------ power-off

# bats test_tags=hvs
@test "power-off: without the debug-exit device, ACPI S5 ends QEMU" {
    for HV in "${HVS[@]}"; do
        local accel="-M pc,accel=tcg -cpu max"
        [ "$HV" = kvm ] && accel="-M pc,accel=kvm -cpu host,-arch-capabilities"
        # shellcheck disable=SC2086 # accel is a list of words
        run timeout 180 qemu-system-x86_64 -nodefaults -no-user-config -display none \
            -monitor none -serial stdio -m 256 $accel -kernel "$(ut exitcode)" \
            -append "exit 3"
        # QEMU ends by itself (status 0): the guest powered the machine off.
        expect_status 0
        expect_line '^exitcode: ending with status 3 via'
        expect_line '^Solo5: exit with status 3$'
    done
}

# bats test_tags=hvs
@test "power button: a waiting or busily yielding unikernel powers off when it is pressed" {
    skip_unless_cmd python3
    local sock=$WORK/mon mode
    for HV in "${HVS[@]}"; do
        for mode in waiting busy; do
            rm -f "$sock"
            SOLO5_VIRTIO_QEMU_ARGS="-monitor unix:$sock,server=on,wait=off" \
                start_bg "^idle: $mode\$" 600 \
                timeout 180 "$RUN" -q -H "$HV" "$(ut virtio-idle)" 120 "$mode"
            python3 - "$sock" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(b"system_powerdown\n")
# Stay until the monitor has taken the command (its next prompt).
got = b""
while got.count(b"(qemu)") < 2:
    d = s.recv(4096)
    if not d:
        break
    got += d
s.close()
PY
            # Well before the 120 s the guest would sleep.
            finish_ut
            expect_status 0
            expect_line '^Solo5: power button pressed, powering off$'
            expect_no_line 'deadline reached'
        done
    done
}

# bats test_tags=hvs
@test "signals: SIGTERM and ^C (SIGINT) stop the runner and QEMU" {
    local sig want
    for HV in "${HVS[@]}"; do
        for sig in TERM INT; do
            want=143
            [ "$sig" = INT ] && want=130
            # Job control, so the background runner does not ignore SIGINT.
            set -m
            start_bg '^idle: waiting$' 600 "$RUN" -q -H "$HV" "$(ut virtio-idle)" 120
            set +m
            kill -"$sig" "$UT_PID"
            local st=0
            wait "$UT_PID" || st=$?
            UT_PID=
            [ "$st" -eq "$want" ] || { echo "SIG$sig: status $st, want $want" >&2; cat "$WORK/out" >&2; false; }
            if pgrep -f "qemu-system-x86_64 .*$(ut virtio-idle)" >/dev/null; then
                echo "QEMU still running after SIG$sig" >&2
                return 1
            fi
        done
    done
}

# ------------------------------------------------------- runner refusals

# refused ARGS...: the runner refuses ARGS with one error line, status 1,
# and starts no QEMU (no console output).
refused() {
    run --separate-stderr "$RUN" "$@"
    expect_status 1
    [ -z "$output" ] || { echo "something ran: $output" >&2; return 1; }
    [ "${#stderr_lines[@]}" -eq 1 ] && [[ ${stderr_lines[0]} == "solo5-virtio-run: error: "* ]] ||
        { echo "expected one error line, got: $stderr" >&2; return 1; }
}

@test "runner: bad input gets one error line and status 1 before QEMU starts" {
    refused "$WORK/missing.virtio"
    refused
    refused -Z "$(ut hello)"
    refused -m
    refused -m 0 "$(ut hello)"
    refused -m lots "$(ut hello)"
    refused -H xen "$(ut hello)"
    refused -s nvme "$(ut hello)"
    refused -d "$WORK/missing.img" "$(ut hello)"
    refused -n solo5nosuchtap0 "$(ut hello)"
    refused -n lo "$(ut hello)"
    refused -n tap0:99999 "$(ut hello)"
    # A command line beyond the binding's limit is refused, not cut.
    refused "$(ut hello)" "$(head -c 9000 /dev/zero | tr '\0' x)"
    # Not a unikernel, and a unikernel for another target.
    echo 'not an ELF' >"$WORK/junk"
    refused "$WORK/junk"
    [ -f "$(TARGET=hvt ut hello)" ] || skip "hello.hvt not built"
    refused "$(TARGET=hvt ut hello)"
    expect_stderr_hvt
}

expect_stderr_hvt() {
    [[ ${stderr_lines[0]} == *"'hvt'"*"'virtio'"* ]] ||
        { echo "the error should name both targets: ${stderr_lines[0]}" >&2; return 1; }
}

# bats test_tags=hvs
@test "runner: a guest that resets (triple fault) is a failure, not status 0" {
    local entry
    # hello with a ud2 as its first instruction, before any IDT exists.
    cp "$(ut hello)" "$WORK/reset.virtio"
    entry=$(readelf -h "$WORK/reset.virtio" | awk '/Entry point/ {print $4}')
    printf '\x0f\x0b' | dd of="$WORK/reset.virtio" bs=1 seek=$((entry - 0x100000)) conv=notrunc 2>/dev/null
    for HV in "${HVS[@]}"; do
        run --separate-stderr timeout 180 "$RUN" -q -H "$HV" "$WORK/reset.virtio"
        expect_status 1
        [[ $stderr == "solo5-virtio-run: error: "*"without an exit status"* ]] ||
            { echo "stderr: $stderr" >&2; false; }
    done
}

@test "runner: -h prints the usage" {
    run "$RUN" -h
    expect_status 0
    expect_line '^usage: solo5-virtio-run '
}
