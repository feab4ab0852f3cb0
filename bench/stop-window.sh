#!/usr/bin/env bash
# The stop window: from the engine's `kill` event of `docker stop` (its timeNano) to the moment every
# ambassador fronting the name has applied Stopping (its route line no longer lists the container),
# over N stops (default 100), in the multi-host lab. Not CI: run by hand, as root, lab up.
#
#   flock /run/ga-multihost-use.lock bench/stop-window.sh [N]
#
# Hosts: web on a and on b (published 18080); ambassadors on a (agent), b (agent, fronting web) and
# c (agent, fronting web). Each round stops a's web (it exits 0.3 s after SIGTERM), waits until b and c
# route to b alone, reads the kill event's time on a, and starts a's web again.
# GA_BENCH_DLL: the grand-ambassador.dll to measure (default: this tree's Release build).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
lab=$repo/tests/lab/multihost/lab.sh
rounds=${1:-100}
dll=${GA_BENCH_DLL:-$repo/src/GrandAmbassador/bin/Release/net10.0/grand-ambassador.dll}
id=ga-sw-$$
name=$id-web
out=$(mktemp -d /tmp/ga-stop-window.XXXXXX)
pids=()

log() { printf 'stop-window: %s\n' "$*" >&2; }
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  for h in a b; do bash "$lab" docker "$h" rm -f "$name" >/dev/null 2>&1 || true; done
}
trap cleanup EXIT

[ -f "$dll" ] || { log "no $dll: dotnet build Cluster.sln -c Release first"; exit 2; }
run_web() {
  bash "$lab" docker "$1" run -d --name "$name" --expose 8080 -p 18080:8080 ga-test/busybox:latest sh -c \
    "mkdir -p /tmp/w && echo $1 > /tmp/w/index.html && trap 'sleep 0.3; exit 0' TERM; httpd -f -p 8080 -h /tmp/w & wait" >/dev/null
}
ambassador() {
  local h=$1; shift
  bash "$lab" exec "$h" dotnet "$dll" --cluster redis://10.231.0.1:6390 --cluster-id "$id" --host-id "ga-host-$h" \
    --advertise "$(bash "$lab" ip "$h")" --docker "unix:///run/ga-lab-$h/docker.sock" --http off --log-level information "$@" >"$out/$h.log" 2>&1 &
  pids+=($!)
}
# The time (ms since the epoch) of the first route line of host H's log at or after line FROM that
# routes the web port without a's address; empty while there is none.
applied_at() {
  local line
  line=$(tail -n +"$2" "$out/$1.log" | grep -F "$name: 8080/tcp -> " | grep -vF "on ga-host-a, " | head -n 1) || true
  [ -n "$line" ] || return 0
  date -u -d "$(date -u +%F) ${line%% *}" +%s%3N
}
applied() { [ -n "$(applied_at "$1" "$2")" ]; }
both_applied() { applied b "$1" && applied c "$2"; }
both_route_both() { routes_both b "$1" && routes_both c "$2"; }
routes_both() { tail -n +"$2" "$out/$1.log" | grep -F "$name: 8080/tcp -> " | grep -F "on ga-host-a, " | grep -F "on ga-host-b, " >/dev/null; }
wait_for() { # SECONDS WHAT CMD...
  local until=$((SECONDS + $1)) what=$2; shift 2
  until "$@"; do [ $SECONDS -lt $until ] || { log "timed out waiting for $what"; exit 1; }; sleep 0.05; done
}

run_web a; run_web b
touch "$out/a.log" "$out/b.log" "$out/c.log"
ambassador a; ambassador b --name "$name"; ambassador c --name "$name"
wait_for 60 "b and c routing to a and b" both_route_both 1 1
log "$rounds stops; logs in $out"
: >"$out/windows"
for round in $(seq 1 "$rounds"); do
  from_b=$(($(wc -l <"$out/b.log") + 1)); from_c=$(($(wc -l <"$out/c.log") + 1))
  since=$(date -u +%s)
  bash "$lab" docker a stop -t 10 "$name" >/dev/null
  wait_for 30 "b and c applying the stop (round $round)" both_applied "$from_b" "$from_c"
  kill_ns=$(bash "$lab" docker a events --since "$since" --until "$(($(date -u +%s) + 1))" --filter "container=$name" --filter event=kill --format '{{.TimeNano}}' | tail -n 1)
  b_at=$(applied_at b "$from_b"); c_at=$(applied_at c "$from_c")
  last=$((b_at > c_at ? b_at : c_at))
  [ -n "$kill_ns" ] || { log "no kill event of $name on a in round $round"; exit 1; }
  echo $((last - kill_ns / 1000000)) >>"$out/windows"
  from_b=$(($(wc -l <"$out/b.log") + 1)); from_c=$(($(wc -l <"$out/c.log") + 1))
  bash "$lab" docker a start "$name" >/dev/null
  wait_for 30 "b and c routing to a again (round $round)" both_route_both "$from_b" "$from_c"
done
sort -n "$out/windows" >"$out/sorted"
n=$(wc -l <"$out/sorted")
p() { sed -n "$(( ($1 * n + 99) / 100 ))p" "$out/sorted"; }
echo "stops=$n kill-event-to-every-fronting-ambassador-applied: p50=$(p 50) ms p99=$(p 99) ms min=$(head -n1 "$out/sorted") ms max=$(tail -n1 "$out/sorted") ms ($(basename "$dll"), $(date -u +%FT%TZ))"
