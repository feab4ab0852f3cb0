#!/usr/bin/env bash
# One command for the relay benchmark: direct vs grand-ambassador vs HAProxy 2.6 and 3.2 (mode tcp) vs
# nginx 1.30 (stream) vs socat, against the same target containers on the local Docker engine, in one run.
#
#   sudo bench/run.sh                 # everything, 10 repetitions (~25 min): bench/RESULTS.md, results.json, README
#   bench/run.sh --quick              # an A/B during development: the redis row, 5 repetitions -> bench/out/QUICK.md
#   bench/run.sh --quick --only iperf --variant base=/tmp/base/grand-ambassador   # two builds, one run
#   bench/run.sh --only iperf,redis   # a subset of: iperf,redis,conns,memory,udp,follow,follow-multihost,relay
#   bench/run.sh --only follow,follow-multihost --merge   # re-measure some figures, keep the rest of results.json
#   bench/run.sh --only relay --merge  # the host relay vs the published path, multi-host lab, TLS (README: The host relay)
#   GA_BENCH_SKIP_SETUP=1 bench/run.sh  # skip package installs / image builds / publish (already done)
#
# As root on a fresh Debian 12 it installs what it needs (tests/lab/setup.sh: docker.io, dockerd,
# lab images; then haproxy iperf3 wrk redis-tools socat), builds ga-bench/iperf3 offline, finds or builds
# Debian sid's root for HAProxy 3.2 and nginx 1.30 (tests/lab/engines/root.sh, cached by content; the
# engines lab uses the same one), and publishes grand-ambassador (Release) to bench/out/publish.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)

log() { printf 'bench: %s\n' "$*" >&2; }

install_tools() {
  local wanted=(haproxy:haproxy iperf3:iperf3 wrk:wrk redis-tools:redis-benchmark socat:socat python3:python3)
  local missing=() pair
  for pair in "${wanted[@]}"; do
    command -v "${pair#*:}" >/dev/null 2>&1 || missing+=("${pair%%:*}")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
}

if [ -z "${GA_BENCH_SKIP_SETUP:-}" ]; then
  [ "$(id -u)" = 0 ] || { log "run as root (installs packages, starts dockerd, raises limits)"; exit 1; }
  "$repo/tests/lab/setup.sh"
  install_tools
  "$here/images/iperf3.sh"
  GA_BENCH_SID_ROOT=$("$repo/tests/lab/engines/root.sh" sid)
  log "publishing grand-ambassador (Release) to bench/out/publish"
  # The commit the binary is built from (others may commit while the bench runs): results.json names this one.
  mkdir -p "$here/out"
  { git -C "$repo" rev-parse --short HEAD
    [ -z "$(git -C "$repo" status --porcelain -- src)" ] || echo "(+ local changes in src/)"; } | paste -sd' ' \
    > "$here/out/publish-commit"
  dotnet publish "$repo/src/GrandAmbassador" -c Release -o "$here/out/publish" --nologo -v quiet >&2
fi

# 10,000 idle connections through a proxy take 20,000 descriptors in it, 10,000 in the client. Without
# CAP_SYS_RESOURCE the hard limit cannot be raised: then the memory test uses as many as fit (see RESULTS.md).
ulimit -Hn 65536 2>/dev/null || true
ulimit -n "$(ulimit -Hn)"
# Each memory repetition leaves ~10,000 relay->Redis connections in TIME_WAIT, all to one address; three relays
# in a row would run out of the 28k ephemeral ports. Let new outgoing connections reuse TIME_WAIT ports.
sysctl -qw net.ipv4.tcp_tw_reuse=1 2>/dev/null || log "could not set net.ipv4.tcp_tw_reuse=1; the memory test may run out of ports"

# follow-multihost and relay bring the shared multi-host lab (tests/lab/multihost) up and down themselves,
# holding /tmp/ga-lab.lock for just that part (bench.py).
if [ "$(id -u)" != 0 ]; then
  for arg in "$@"; do [ "$arg" = --quick ] && quick=1; done
  [ -n "${quick:-}" ] || log "not root: follow-multihost (the multi-host lab) will fail"
fi
# The newer peers run from sid's root (chroot); with the set-up skipped, the root already built is used.
export GA_BENCH_SID_ROOT=${GA_BENCH_SID_ROOT:-$(ls -d /var/lib/ga-engines/roots/sid-*/.ga-complete 2>/dev/null | head -n1 | xargs -r dirname)}
[ -n "$GA_BENCH_SID_ROOT" ] || log "no Debian sid root (tests/lab/engines/root.sh sid): HAProxy 3.2 and nginx 1.30 are left out"
python3 "$here/bench.py" "$@"
