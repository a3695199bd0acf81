#!/bin/bash
# make bench: speed and memory figures, each beside a baseline measured in
# the same run (these machines are noisy; ratios travel, absolutes do not).
# Prints a table; every timing is a median with its spread over many runs.
set -u
cd "$(dirname "$0")/../.."
RUNS=${BENCH_RUNS:-30}

command -v hyperfine >/dev/null || { echo "bench: hyperfine is not installed (ci/install-deps.sh)"; exit 1; }

. tests/bench/lib.bash
bench_start

# hvt_unmeasurable: why hvt cannot be measured here ("" when it can).
# Figures from KVM emulated by QEMU (the test VM) or from no KVM at all
# would be an emulator's speed, not the tender's.
hvt_unmeasurable() {
    if [ -n "${SOLO5_IN_TEST_VM:-}" ]; then
        echo "inside the test VM, where /dev/kvm is KVM on an SVM CPU emulated by QEMU/TCG"
    elif ! { [ -r /dev/kvm ] && [ -w /dev/kvm ]; }; then
        echo "this machine has no usable /dev/kvm"
    fi
}

# hvt_bench: the hvt sections.
hvt_bench() {
    echo "== hvt boot-to-exit (hello, --solo5:quiet, default 512 MiB) =="
    row "what" "median" "min..max" ""
    time_cmd "fork+exec /bin/true (baseline)" "$RUNS" /bin/true; base_true=$MEDIAN_MS
    time_cmd "minimal KVM guest: VM, vCPU, HLT (floor)" "$RUNS" "$BB/kvm_floor"; base_kvm=$MEDIAN_MS
    time_cmd "solo5-hvt hello" "$RUNS" "$BIN/solo5-hvt $TB/hello/hello.hvt --solo5:quiet"; hvt=$MEDIAN_MS
    # KVM's per-page metadata for the memory slot grows with guest memory.
    time_cmd "solo5-hvt --mem=32 hello" "$RUNS" "$BIN/solo5-hvt --mem=32 $TB/hello/hello.hvt --solo5:quiet"
    if [ -n "$hvt" ] && [ -n "$base_kvm" ]; then
        echo "   solo5-hvt hello - floor = $(python3 -c "print('%.3f' % ($hvt - $base_kvm))") ms;" \
             "hello / fork+exec = $(ratio "$hvt" "$base_true")x"
    fi

    echo
    echo "== tender memory =="
    rss_rows "solo5-hvt hello peak RSS (512 MiB guest)" "$BIN/solo5-hvt" "$TB/hello/hello.hvt" --solo5:quiet

    echo
    echo "== hvt block I/O (64 MiB file, in-guest timing) =="
    block_rows "$BIN/solo5-hvt" "$TB/benchblock/benchblock.hvt"

    echo
    echo "== hvt network (ping flood from the host, private namespace) =="
    if [ "$(id -u)" -eq 0 ] && [ -c /dev/net/tun ]; then
        flood_rows hvt "${BENCH_PINGS:-20000}" "$BIN/solo5-hvt" --net:service0=tap0 \
            "$TB/net/net.hvt" --solo5:quiet
    else
        echo "   SKIPPED: needs root and /dev/net/tun"
    fi
}

why=$(hvt_unmeasurable)
if [ -z "$why" ]; then
    hvt_bench
else
    echo "== hvt =="
    echo "   NOT MEASURED: $why."
    echo "   No hvt figures (boot-to-exit, memory, block, network) from this run;"
    echo "   run make bench on a machine with KVM for those."
fi

# Other parts of the tree add their own sections.
for extra in tests/bench/*-bench.sh; do
    [ "$extra" = "$0" ] || [ "$(basename "$extra")" = run-bench.sh ] && continue
    [ -x "$extra" ] || continue
    echo
    "$extra"
done
