#!/bin/bash
# make bench, spt section: solo5-spt boot-to-exit beside fork+exec of
# /bin/true (and solo5-hvt where /dev/kvm exists) in the same run, tender
# peak RSS, block throughput with one-block and 1 MiB calls, and ping-flood
# rates with 1 and 32 echoes in flight through a tap in a private
# namespace.
set -u
cd "$(dirname "$0")/../.."
. tests/bench/lib.bash
BIN=$PWD/build/bin TB=$PWD/build/tests BB=$PWD/build/bench
RUNS=${BENCH_RUNS:-30}
WORK=$(mktemp -d)
NS=
cleanup() {
    [ -n "$NS" ] && ip netns del "$NS" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT

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
"$BB/maxrss" "$SPT" "$TB/hello/hello.spt" --solo5:quiet >/dev/null 2>"$WORK/rss"
row "solo5-spt hello peak RSS (512 MiB heap)" "$(sed -n 's/maxrss_kib=//p' "$WORK/rss") KiB" "" ""
"$BB/maxrss" /bin/true 2>"$WORK/rss"
row "/bin/true peak RSS (baseline)" "$(sed -n 's/maxrss_kib=//p' "$WORK/rss") KiB" "" ""

echo
echo "== spt block I/O (64 MiB file, in-guest timing) =="
truncate -s 64M "$WORK/disk.img"
"$SPT" --block:storage="$WORK/disk.img" "$TB/benchblock/benchblock.spt" --solo5:quiet >"$WORK/blk" 2>&1
awk '/^benchblock: (write|read)/ { printf "%-44s %14s\n", $2 " in calls of " $3 " bytes", $5 " KiB/s" }' "$WORK/blk"
one=$(awk '$2=="write" && $3<=4096 {print $5}' "$WORK/blk")
multi=$(awk '$2=="write" && $3==1048576 {print $5}' "$WORK/blk")
[ -n "$one" ] && [ -n "$multi" ] && echo "   multi-block (1 MiB) / one-block write throughput = $(ratio "$multi" "$one")x"

echo
echo "== spt network (ping flood from the host, private namespace) =="
if [ "$(id -u)" -eq 0 ] && [ -c /dev/net/tun ] && command -v ping >/dev/null; then
    netns_up
    COUNT=${BENCH_PINGS:-20000}
    for preload in 1 32; do
        ip netns exec "$NS" timeout 300 "$SPT" --net:service0=tap0 \
            "$TB/net/net.spt" --solo5:quiet "limit=$((COUNT + 1))" >"$WORK/net" 2>&1 &
        upid=$!
        ip netns exec "$NS" ping -c 1 -W 5 10.0.0.2 >/dev/null 2>&1
        start=$(date +%s.%N)
        ip netns exec "$NS" ping -f -q -l "$preload" -c "$COUNT" 10.0.0.2 >"$WORK/ping" 2>&1
        end=$(date +%s.%N)
        kill "$upid" 2>/dev/null
        wait "$upid" 2>/dev/null
        loss=$(grep -o '[0-9.]*% packet loss' "$WORK/ping")
        rtt=$(sed -n 's|.*= [0-9.]*/\([0-9.]*\)/.*|\1|p' "$WORK/ping")
        pps=$(python3 -c "print('%.0f' % ($COUNT / ($end - $start)))")
        row "spt ping -f -l $preload: echo replies per second" "$pps" "" "($COUNT pings, $loss, avg rtt ${rtt} ms)"
    done
    ip netns del "$NS"; NS=
else
    echo "   SKIPPED: needs root, /dev/net/tun and ping"
fi
