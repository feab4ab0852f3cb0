#!/usr/bin/env bash
# At rest, what crosses between hosts (issue 20): three ambassadors on the multi-host lab's hosts a, b and c (one
# cluster through the lab's Redis), N containers on host a, nothing changing; counts the bytes on each host's veth
# (the root end, galab-HOST: everything the host sends or receives, the cluster's calls, membership reads in Redis
# and probes included) over a window, with 25 containers on a and then with 100. Needs the lab up
# (tests/lab/multihost/lab.sh up && tests/lab/multihost/lab.sh load-images). Safe to re-run after a killed run.
#   bench/lab-rest-bytes.sh [--window SECONDS] [--settle SECONDS] [--few N] [--many N]
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
lab="$repo/tests/lab/multihost/lab.sh"
window=60 settle=45 few=25 many=100
while [ $# -gt 0 ]; do
  case $1 in
    --window) window=$2; shift 2 ;;
    --settle) settle=$2; shift 2 ;;
    --few) few=$2; shift 2 ;;
    --many) many=$2; shift 2 ;;
    *) echo "lab-rest-bytes: unknown option $1" >&2; exit 2 ;;
  esac
done
hosts=(a b c)
cluster=ga-rest-bytes
prefix=ga-rest
dll="$repo/src/GrandAmbassador/bin/Release/net10.0/grand-ambassador.dll"
pids=()

log() { printf 'lab-rest-bytes: %s\n' "$*" >&2; }

remove_containers() {
  local ids
  ids=$(bash "$lab" docker a ps -aq --filter "name=^$prefix-" 2>/dev/null || true)
  [ -z "$ids" ] || bash "$lab" docker a rm -f $ids >/dev/null 2>&1 || true
}

stop_ambassadors() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  # lab.sh exec runs the ambassador as a child in the host's namespaces: end those of this script's cluster too.
  pkill -f -- "--cluster-id $cluster " 2>/dev/null || true
  pids=()
}

cleanup() { stop_ambassadors; remove_containers; }
trap cleanup EXIT

bytes_of() { # the host's veth, both directions
  local dev=galab-$1
  echo $(( $(cat "/sys/class/net/$dev/statistics/rx_bytes") + $(cat "/sys/class/net/$dev/statistics/tx_bytes") ))
}

measure() { # prints "HOST BYTES_PER_SECOND" per host over the window
  local before=() after=() i
  for i in "${!hosts[@]}"; do before[i]=$(bytes_of "${hosts[i]}"); done
  sleep "$window"
  for i in "${!hosts[@]}"; do after[i]=$(bytes_of "${hosts[i]}"); done
  for i in "${!hosts[@]}"; do echo "${hosts[i]} $(( (after[i] - before[i]) / window ))"; done
}

run_containers() { # up to N containers named $prefix-K on host a
  local k
  for ((k = $(bash "$lab" docker a ps -q --filter "name=^$prefix-" | wc -l); k < $1; k++)); do
    bash "$lab" docker a run -d --name "$prefix-$k" ga-test/busybox:latest sleep 86400 >/dev/null
  done
}

bash "$lab" status >/dev/null 2>&1 || { log "the lab is not up: tests/lab/multihost/lab.sh up && tests/lab/multihost/lab.sh load-images"; exit 1; }
dotnet build "$repo/src/GrandAmbassador" -c Release --nologo -v quiet >/dev/null
cleanup
run_containers "$few"
for h in "${hosts[@]}"; do
  address=$(bash "$lab" ip "$h")
  # b and c front one of a's containers, as ambassadors do; the rest of a's containers are reported and not fronted.
  fronted=()
  [ "$h" = a ] || fronted=(--name "$prefix-0")
  bash "$lab" exec "$h" dotnet "$dll" --cluster redis://10.231.0.1:6390 --cluster-id "$cluster" --host-id "ga-host-$h" \
    --advertise "$address" --docker "unix:///run/ga-lab-$h/docker.sock" --http off "${fronted[@]}" \
    >"/tmp/$prefix-$h.log" 2>&1 &
  pids+=($!)
done

log "$few containers on a: settling ${settle} s, then counting ${window} s"
sleep "$settle"
mapfile -t first < <(measure)
run_containers "$many"
log "$many containers on a: settling ${settle} s, then counting ${window} s"
sleep "$settle"
mapfile -t second < <(measure)

echo "| host's veth, bytes/s at rest (rx + tx) | $few containers on a | $many containers on a | ratio |"
echo "|---|---:|---:|---:|"
total1=0 total2=0
for i in "${!hosts[@]}"; do
  read -r h b1 <<<"${first[i]}"
  read -r _ b2 <<<"${second[i]}"
  total1=$((total1 + b1)) total2=$((total2 + b2))
  echo "| $h | $b1 | $b2 | $(awk -v a="$b1" -v b="$b2" 'BEGIN { printf "%.2f", a ? b / a : 0 }') |"
done
echo "| all three | $total1 | $total2 | $(awk -v a="$total1" -v b="$total2" 'BEGIN { printf "%.2f", a ? b / a : 0 }') |"
