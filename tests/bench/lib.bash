# tests/bench/lib.bash: what the bench scripts share: a table row, timing
# a command over repeated runs with hyperfine, ratios.

row() { printf '%-44s %14s %14s %s\n' "$@"; }

# time_cmd LABEL RUNS CMD...: median and spread (min..max) in ms over RUNS
# runs, no shell in between (hyperfine -N). A non-zero exit status is
# accepted (QEMU's debug-exit status is never 0). Sets MEDIAN_MS.
time_cmd() {
    local label=$1 runs=$2 json
    shift 2
    json=$(mktemp)
    if ! hyperfine -N -i -w 1 -r "$runs" --export-json "$json" "$*" >/dev/null 2>&1; then
        row "$label" "failed" "" ""
        MEDIAN_MS=
        rm -f "$json"
        return 1
    fi
    local min max sd
    read -r MEDIAN_MS min max sd < <(python3 -c '
import json,sys
r=json.load(open(sys.argv[1]))["results"][0]
print("%.3f %.3f %.3f %.3f"%(r["median"]*1e3,r["min"]*1e3,r["max"]*1e3,r["stddev"]*1e3))' "$json")
    rm -f "$json"
    row "$label" "${MEDIAN_MS} ms" "${min}..${max}" "(sd ${sd} ms, ${runs} runs)"
}

ratio() { python3 -c "print('%.2f' % ($1 / $2))"; }

# netns_up: a private namespace $NS with tap0 at 10.0.0.1/24 (the guest is
# 10.0.0.2); the caller deletes it.
netns_up() {
    NS=solo5bench-$$-$RANDOM
    ip netns add "$NS" && ip -n "$NS" link set lo up &&
        ip -n "$NS" tuntap add dev tap0 mode tap &&
        ip -n "$NS" addr add 10.0.0.1/24 dev tap0 && ip -n "$NS" link set tap0 up
}

# bench_start: what each bench script starts from, run from the top of the
# tree: $BIN, $TB, $BB (built tools, test unikernels, bench helpers), a
# scratch directory $WORK and no namespace $NS yet, both removed at exit.
bench_start() {
    BIN=$PWD/build/bin TB=$PWD/build/tests BB=$PWD/build/bench
    WORK=$(mktemp -d)
    NS=
    trap bench_cleanup EXIT
}

bench_cleanup() {
    [ -n "$NS" ] && ip netns del "$NS" 2>/dev/null
    rm -rf "$WORK"
}

# rss_rows LABEL CMD...: the peak RSS of CMD, then of /bin/true (baseline).
rss_rows() {
    local label=$1
    shift
    "$BB/maxrss" "$@" >/dev/null 2>"$WORK/rss"
    row "$label" "$(sed -n 's/maxrss_kib=//p' "$WORK/rss") KiB" "" ""
    "$BB/maxrss" /bin/true 2>"$WORK/rss"
    row "/bin/true peak RSS (baseline)" "$(sed -n 's/maxrss_kib=//p' "$WORK/rss") KiB" "" ""
}

# block_rows TENDER UNIKERNEL: the benchblock UNIKERNEL's in-guest write
# and read throughput on a 64 MiB file, and multi- against one-block.
block_rows() {
    local one multi
    truncate -s 64M "$WORK/disk.img"
    "$1" --block:storage="$WORK/disk.img" "$2" --solo5:quiet >"$WORK/blk" 2>&1
    awk '/^benchblock: (write|read)/ { printf "%-44s %14s\n", $2 " in calls of " $3 " bytes", $5 " KiB/s" }' "$WORK/blk"
    one=$(awk '$2=="write" && $3<=4096 {print $5}' "$WORK/blk")
    multi=$(awk '$2=="write" && $3==1048576 {print $5}' "$WORK/blk")
    [ -n "$one" ] && [ -n "$multi" ] && echo "   multi-block (1 MiB) / one-block write throughput = $(ratio "$multi" "$one")x"
    return 0
}

# flood_rows LABEL COUNT CMD...: in a fresh namespace (netns_up), CMD (a
# net unikernel on tap0, given limit=COUNT plus a margin) answers a ping
# flood of COUNT echoes, once with 1 in flight (ping -f: a latency figure)
# and once with 32 (the rings batch them: a throughput figure); a row each.
flood_rows() {
    local label=$1 count=$2 preload upid start end loss rtt pps
    shift 2
    netns_up || { echo "   SKIPPED: no namespace with a tap here"; return 0; }
    for preload in 1 32; do
        ip netns exec "$NS" timeout 300 "$@" "limit=$((count + 100))" >"$WORK/net" 2>&1 3>&- &
        upid=$!
        # Readiness pings count toward the limit, hence its margin; the
        # unikernel is stopped once the flood is done.
        for _ in $(seq 1 60); do
            ip netns exec "$NS" ping -c 1 -W 1 10.0.0.2 >/dev/null 2>&1 && break
        done
        start=$(date +%s.%N)
        ip netns exec "$NS" ping -f -q -l "$preload" -c "$count" 10.0.0.2 >"$WORK/ping" 2>&1
        end=$(date +%s.%N)
        kill "$upid" 2>/dev/null
        wait "$upid" 2>/dev/null
        loss=$(grep -o '[0-9.]*% packet loss' "$WORK/ping")
        rtt=$(sed -n 's|.*= [0-9.]*/\([0-9.]*\)/.*|\1|p' "$WORK/ping")
        pps=$(python3 -c "print('%.0f' % ($count / ($end - $start)))")
        row "$label ping -f -l $preload: replies per second" "$pps" "" "($count pings, $loss, avg rtt ${rtt} ms)"
    done
    ip netns del "$NS"
    NS=
}
