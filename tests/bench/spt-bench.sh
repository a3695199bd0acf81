#!/bin/bash
# make bench, spt section: solo5-spt boot-to-exit beside fork+exec of
# /bin/true (and solo5-hvt where /dev/kvm exists) in the same run, tender
# peak RSS, block throughput with one-block and 1 MiB calls, and ping-flood
# rates with 1 and 32 echoes in flight through a tap in a private
# namespace.
set -u
cd "$(dirname "$0")/../.."
. tests/bench/lib.bash
bench_start
RUNS=${BENCH_RUNS:-30}

SPT=$BIN/solo5-spt
[ -x "$SPT" ] && [ -f "$TB/hello/hello.spt" ] ||
    { echo "spt-bench: build first (make)"; exit 1; }
command -v hyperfine >/dev/null || { echo "spt-bench: hyperfine is not installed"; exit 1; }

echo "== spt boot-to-exit (hello, --solo5:quiet, default 512 MiB heap) =="
row "what" "median" "min..max" ""
time_cmd "fork+exec /bin/true (baseline)" "$RUNS" /bin/true; base_true=$MEDIAN_MS
time_cmd "solo5-spt hello" "$RUNS" "$SPT $TB/hello/hello.spt --solo5:quiet"; spt=$MEDIAN_MS
time_cmd "solo5-spt --mem=2 hello" "$RUNS" "$SPT --mem=2 $TB/hello/hello.spt --solo5:quiet"
if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
    time_cmd "solo5-hvt hello (same run)" "$RUNS" "$BIN/solo5-hvt $TB/hello/hello.hvt --solo5:quiet"
    hvt=$MEDIAN_MS
    [ -n "$hvt" ] && [ -n "$spt" ] && echo "   spt hello / hvt hello = $(ratio "$spt" "$hvt")x"
else
    row "solo5-hvt hello" "SKIPPED" "" "(no usable /dev/kvm)"
fi
[ -n "$spt" ] && [ -n "$base_true" ] && echo "   spt hello / fork+exec = $(ratio "$spt" "$base_true")x"

# CPU time is steadier than wall time on a shared machine.
# cpu_ms LABEL CMD...: mean task-clock over RUNS runs (perf stat).
cpu_ms() {
    local label=$1 ms
    shift
    ms=$(perf stat -x, -e task-clock -r "$RUNS" "$@" 2>&1 >/dev/null |
        awk -F, '$3 == "task-clock" || $3 ~ /^task-clock/ {print $1}')
    row "$label" "${ms:-failed} ms" "" "(CPU, task-clock, mean of $RUNS)"
}
if command -v perf >/dev/null && perf stat -e task-clock true >/dev/null 2>&1; then
    cpu_ms "fork+exec /bin/true (baseline)" /bin/true
    cpu_ms "solo5-spt hello" "$SPT" "$TB/hello/hello.spt" --solo5:quiet
else
    row "CPU time" "SKIPPED" "" "(perf not usable)"
fi

echo
echo "== spt tender memory =="
rss_rows "solo5-spt hello peak RSS (512 MiB heap)" "$SPT" "$TB/hello/hello.spt" --solo5:quiet

echo
echo "== spt block I/O (64 MiB file, in-guest timing) =="
block_rows "$SPT" "$TB/benchblock/benchblock.spt"

echo
echo "== spt network (ping flood from the host, private namespace) =="
if [ "$(id -u)" -eq 0 ] && [ -c /dev/net/tun ] && command -v ping >/dev/null; then
    flood_rows spt "${BENCH_PINGS:-20000}" "$SPT" --net:service0=tap0 "$TB/net/net.spt" --solo5:quiet
else
    echo "   SKIPPED: needs root, /dev/net/tun and ping"
fi
