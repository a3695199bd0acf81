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

row() { printf '%-44s %14s %14s %s\n' "$@"; }

# time_cmd LABEL CMD...: median and spread (min..max) in ms over $RUNS runs,
# no shell in between (hyperfine -N). Sets MEDIAN_MS.
time_cmd() {
    local label=$1
    shift
    hyperfine -N -w 3 -r "$RUNS" --export-json "$WORK/t.json" "$*" >/dev/null 2>&1 ||
        { row "$label" "failed" "" ""; MEDIAN_MS=; return 1; }
    read -r MEDIAN_MS min max sd < <(python3 -c '
import json,sys
r=json.load(open(sys.argv[1]))["results"][0]
print("%.3f %.3f %.3f %.3f"%(r["median"]*1e3,r["min"]*1e3,r["max"]*1e3,r["stddev"]*1e3))' "$WORK/t.json")
    row "$label" "${MEDIAN_MS} ms" "${min}..${max}" "(sd ${sd} ms, ${RUNS} runs)"
}

ratio() { python3 -c "print('%.2f' % ($1 / $2))"; }

echo "== hvt boot-to-exit (hello, --solo5:quiet, default 512 MiB) =="
row "what" "median" "min..max" ""
time_cmd "fork+exec /bin/true (baseline)" /bin/true; base_true=$MEDIAN_MS
time_cmd "minimal KVM guest: VM, vCPU, HLT (floor)" "$BB/kvm_floor"; base_kvm=$MEDIAN_MS
time_cmd "solo5-hvt hello" "$BIN/solo5-hvt $TB/hello/hello.hvt --solo5:quiet"; hvt=$MEDIAN_MS
# KVM's per-page metadata for the memory slot grows with guest memory.
time_cmd "solo5-hvt --mem=32 hello" "$BIN/solo5-hvt --mem=32 $TB/hello/hello.hvt --solo5:quiet"
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
    NS=solo5bench-$$
    ip netns add "$NS" && ip -n "$NS" link set lo up &&
        ip -n "$NS" tuntap add dev tap0 mode tap &&
        ip -n "$NS" addr add 10.0.0.1/24 dev tap0 && ip -n "$NS" link set tap0 up
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

# Other parts of the tree add their own sections.
for extra in tests/bench/*-bench.sh; do
    [ -x "$extra" ] || continue
    echo
    "$extra"
done
