#!/usr/bin/env bash
# What running grand-ambassador needs on a Debian machine, and nothing else: a Docker engine.
# Installs Debian's docker.io when dockerd is missing and starts dockerd when no engine answers.
# Idempotent. As root.
#   deploy/ensure-docker.sh
set -euo pipefail
log() { printf 'docker: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

if docker info >/dev/null 2>&1; then exit 0; fi
[ "$(id -u)" = 0 ] || die "no Docker engine answers, and only root can install or start one"

if ! command -v dockerd >/dev/null 2>&1; then
  log "installing docker.io (Debian's Docker Engine)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq docker.io >/dev/null
fi

logfile=${GA_DOCKERD_LOG:-/var/log/ga-dockerd.log}
touch "$logfile" 2>/dev/null || logfile=/tmp/ga-dockerd.log
# A dockerd killed with -9 leaves its pidfile; dockerd itself refuses to start only when that
# pid is still alive, so a live one that does not answer is stuck: say so rather than guess.
if [ -s /var/run/docker.pid ] && kill -0 "$(cat /var/run/docker.pid)" 2>/dev/null; then
  die "dockerd (pid $(cat /var/run/docker.pid)) runs but does not answer; see $logfile"
fi
# Under systemd the packaged unit is the way; elsewhere (a container, a minimal VM) start it directly.
if [ -d /run/systemd/system ] && systemctl start docker 2>/dev/null; then
  log "started docker.service"
else
  log "starting dockerd (log: $logfile)"
  setsid nohup dockerd >>"$logfile" 2>&1 </dev/null &
fi
deadline=$((SECONDS + 60))
until docker info >/dev/null 2>&1; do
  [ $SECONDS -lt $deadline ] || { tail -n 20 "$logfile" >&2; die "dockerd not ready after 60 s"; }
  sleep 0.5
done
log "engine is up"
