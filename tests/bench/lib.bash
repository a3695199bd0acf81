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
