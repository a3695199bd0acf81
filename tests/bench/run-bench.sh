#!/bin/bash
# make bench: speed and memory figures, each beside a baseline measured in
# the same run (these machines are noisy; ratios travel, absolutes do not).
# Prints a table; every timing is a median with its spread over many runs.
set -u
cd "$(dirname "$0")/../.."
TOP=$PWD
BIN=$TOP/build/bin TB=$TOP/build/tests BB=$TOP/build/bench
RUNS=${BENCH_RUNS:-30}
WORK=$(mktemp -d)
NS=
cleanup() {
    [ -n "$NS" ] && ip netns del "$NS" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT

command -v hyperfine >/dev/null || { echo "bench: hyperfine is not installed (ci/install-deps.sh)"; exit 1; }

. tests/bench/lib.bash

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
    "$BB/maxrss" "$BIN/solo5-hvt" "$TB/hello/hello.hvt" --solo5:quiet >/dev/null 2>"$WORK/rss"
    row "solo5-hvt hello peak RSS (512 MiB guest)" "$(sed -n 's/maxrss_kib=//p' "$WORK/rss") KiB" "" ""
    "$BB/maxrss" /bin/true 2>"$WORK/rss"
    row "/bin/true peak RSS (baseline)" "$(sed -n 's/maxrss_kib=//p' "$WORK/rss") KiB" "" ""

    echo
    echo "== hvt block I/O (64 MiB file, in-guest timing) =="
    truncate -s 64M "$WORK/disk.img"
    "$BIN/solo5-hvt" --block:storage="$WORK/disk.img" "$TB/benchblock/benchblock.hvt" --solo5:quiet >"$WORK/blk" 2>&1
    awk '/^benchblock: (write|read)/ { printf "%-44s %14s\n", $2 " in calls of " $3 " bytes", $5 " KiB/s" }' "$WORK/blk"
    one=$(awk '$2=="write" && $3<=4096 {print $5}' "$WORK/blk")
    multi=$(awk '$2=="write" && $3==1048576 {print $5}' "$WORK/blk")
    [ -n "$one" ] && [ -n "$multi" ] && echo "   multi-block (1 MiB) / one-block write throughput = $(ratio "$multi" "$one")x"

    echo
    echo "== hvt network (ping flood from the host, private namespace) =="
    if [ "$(id -u)" -eq 0 ] && [ -c /dev/net/tun ]; then
        netns_up
        COUNT=${BENCH_PINGS:-20000}
        # ping -f keeps one echo in flight (a latency figure); with a preload
        # several are in flight and the rings batch them (a throughput figure).
        for preload in 1 32; do
            ip netns exec "$NS" timeout 300 "$BIN/solo5-hvt" --net:service0=tap0 \
                "$TB/net/net.hvt" --solo5:quiet "limit=$((COUNT + 1))" >"$WORK/net" 2>&1 &
            upid=$!
            ip netns exec "$NS" ping -c 1 -W 5 10.0.0.2 >/dev/null 2>&1
            start=$(date +%s.%N)
            ip netns exec "$NS" ping -f -q -l "$preload" -c "$COUNT" 10.0.0.2 >"$WORK/ping" 2>&1
            end=$(date +%s.%N)
            wait $upid
            loss=$(grep -o '[0-9.]*% packet loss' "$WORK/ping")
            rtt=$(sed -n 's|.*= [0-9.]*/\([0-9.]*\)/.*|\1|p' "$WORK/ping")
            pps=$(python3 -c "print('%.0f' % ($COUNT / ($end - $start)))")
            row "ping -f -l $preload: echo replies per second" "$pps" "" "($COUNT pings, $loss, avg rtt ${rtt} ms)"
        done
        ip netns del "$NS"; NS=
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
