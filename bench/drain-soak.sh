#!/usr/bin/env bash
# A soak of rolling redeploys with `drain`, under load, in the multi-host lab. Not CI: run by hand, as
# root, lab up:
#
#   flock /run/ga-multihost-use.lock bench/drain-soak.sh [N]      # N redeploys, default 50
#
# web moves a -> b -> a ... (published 18080, exits 0.5 s after SIGTERM); ambassadors on a and b
# (agents) and c (agent, fronting web); 4 clients in the root namespace send GET / to c, each on a new
# connection, back to back. Each redeploy: run the new web, wait until c routes to both, `drain` the
# old one from c (must exit 0), `docker stop` + `docker rm` it, wait until c routes to the new one.
# Prints "redeploys=N requests=R failed=F" and exits 1 when anything failed.
# GA_BENCH_DLL: the grand-ambassador.dll to run (default: this tree's Release build).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
lab=$repo/tests/lab/multihost/lab.sh
redeploys=${1:-50}
dll=${GA_BENCH_DLL:-$repo/src/GrandAmbassador/bin/Release/net10.0/grand-ambassador.dll}
id=ga-soak-$$
name=$id-web
redis=redis://10.231.0.1:6390
out=$(mktemp -d /tmp/ga-drain-soak.XXXXXX)
pids=()
workers=()

log() { printf 'drain-soak: %s\n' "$*" >&2; }
cleanup() {
  local pid
  touch "$out/stop"
  for pid in "${workers[@]}"; do wait "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  for h in a b; do bash "$lab" docker "$h" rm -f "$name" >/dev/null 2>&1 || true; done
}
trap cleanup EXIT

[ -f "$dll" ] || { log "no $dll: dotnet build Cluster.sln -c Release first"; exit 2; }
run_web() {
  bash "$lab" docker "$1" run -d --name "$name" --expose 8080 -p 18080:8080 ga-test/busybox:latest sh -c \
    "mkdir -p /tmp/w && echo ga-host-$1 > /tmp/w/index.html && trap 'sleep 0.5; exit 0' TERM; httpd -f -p 8080 -h /tmp/w & wait" >/dev/null
}
ambassador() {
  local h=$1; shift
  bash "$lab" exec "$h" dotnet "$dll" --cluster "$redis" --cluster-id "$id" --host-id "ga-host-$h" \
    --advertise "$(bash "$lab" ip "$h")" --docker "unix:///run/ga-lab-$h/docker.sock" --http off "$@" >"$out/$h.log" 2>&1 &
  pids+=($!)
}
# routes_to FROM HOST...: c's log, from line FROM on, routes the web port to exactly these hosts.
routes_to() {
  local from=$1 line h; shift
  line=$(tail -n +"$from" "$out/c.log" | grep -F "$name: 8080/tcp -> " | tail -n 1) || true
  [ -n "$line" ] || return 1
  for h in a b; do
    if [[ " $* " == *" $h "* ]]; then
      [[ $line == *"on ga-host-$h, "* ]] || return 1
    else
      [[ $line != *"on ga-host-$h, "* ]] || return 1
    fi
  done
}
wait_for() { # SECONDS WHAT CMD...
  local until=$((SECONDS + $1)) what=$2; shift 2
  until "$@"; do [ $SECONDS -lt $until ] || { log "timed out waiting for $what"; exit 1; }; sleep 0.05; done
}
# One client: GET / on a new connection, back to back; counts requests and failures.
client() {
  local i=$1 requests=0 failed=0 answer
  while [ ! -e "$out/stop" ]; do
    requests=$((requests + 1))
    answer=''
    if exec 3<>/dev/tcp/10.231.0.13/8080 2>/dev/null; then
      printf 'GET / HTTP/1.0\r\n\r\n' >&3 2>/dev/null || true
      answer=$(timeout 10 cat <&3 2>/dev/null | tail -n 1) || true
      exec 3<&- 3>&- 2>/dev/null || true
    fi
    if [[ $answer != ga-host-* ]]; then
      failed=$((failed + 1))
      echo "$(date -u +%T.%N) request failed (answer: '$answer')" >>"$out/failures"
    fi
  done
  echo "$requests $failed" >"$out/count.$i"
}

touch "$out/a.log" "$out/b.log" "$out/c.log"
run_web a
ambassador a; ambassador b; ambassador c --name "$name"
wait_for 60 "c routing to a" routes_to 1 a
for i in 1 2 3 4; do client "$i" & workers+=($!); done
log "$redeploys redeploys under load; logs in $out"
from=a to=b
for round in $(seq 1 "$redeploys"); do
  mark=$(($(wc -l <"$out/c.log") + 1))
  run_web "$to"
  wait_for 60 "c routing to a and b (round $round)" routes_to "$mark" a b
  # Marked before the drain: applying it already routes c to the new one alone, and stopping and
  # removing a drained container changes no route, so no line need follow the stop.
  mark=$(($(wc -l <"$out/c.log") + 1))
  if ! said=$(bash "$lab" exec c dotnet "$dll" drain "$name" --host "ga-host-$from" --cluster "$redis" --cluster-id "$id" --timeout 30 2>&1); then
    log "round $round: drain failed: $said"; exit 1
  fi
  echo "round $round: $said" >>"$out/drains"
  bash "$lab" docker "$from" stop -t 10 "$name" >/dev/null
  bash "$lab" docker "$from" rm "$name" >/dev/null
  wait_for 60 "c routing to $to alone (round $round)" routes_to "$mark" "$to"
  [ $((round % 10)) -ne 0 ] || log "$round redeploys done"
  tmp=$from from=$to to=$tmp
done
touch "$out/stop"
for pid in "${workers[@]}"; do wait "$pid"; done
workers=()
requests=0 failed=0
for i in 1 2 3 4; do read -r n f <"$out/count.$i"; requests=$((requests + n)) failed=$((failed + f)); done
[ ! -s "$out/failures" ] || head -n 20 "$out/failures" >&2
echo "redeploys=$redeploys requests=$requests failed=$failed ($(date -u +%FT%TZ); drains: $out/drains)"
[ "$failed" -eq 0 ]
