#!/usr/bin/env bash
# Installs grand-ambassador from this directory (the package deploy/package.sh makes): the binary in
# PREFIX/bin, a systemd unit, an environment file for its options (kept when it exists), a system
# user, and PREFIX/lib/grand-ambassador/{uninstall.sh,manifest}: the manifest lists what this added,
# and uninstall.sh removes exactly that. Run it again to upgrade: a running service is restarted.
#   ./install.sh [--name NAME]... [--no-start] [--engine docker|podman] [--socket-group GROUP]
#   DESTDIR=/tmp/root ./install.sh     # stage into another root: no user made, nothing started
#   PREFIX=/opt/grand-ambassador ./install.sh   # default /usr/local
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
log() { printf 'install: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 2; }

destdir=${DESTDIR:-}
destdir=${destdir%/}
prefix=${PREFIX:-/usr/local}
bindir=$prefix/bin
libdir=$prefix/lib/grand-ambassador
confdir=/etc/grand-ambassador
unitdir=/etc/systemd/system
unit=grand-ambassador.service
user=grand-ambassador

names=() start=1 engine= socket_group=
while [ $# -gt 0 ]; do
  case $1 in
    --name) [ $# -ge 2 ] || die "--name needs a NAME"; names+=("$2"); shift 2 ;;
    --no-start) start=0; shift ;;
    --engine) [ $# -ge 2 ] || die "--engine needs docker or podman"; engine=$2; shift 2 ;;
    --socket-group) [ $# -ge 2 ] || die "--socket-group needs a GROUP"; socket_group=$2; shift 2 ;;
    -h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done
[ -n "$destdir" ] || [ "$(id -u)" = 0 ] || die "run as root (or give DESTDIR to stage into another root)"
[ -x "$here/grand-ambassador" ] || die "no grand-ambassador binary beside install.sh: run it from the package (deploy/package.sh)"

# The engine: Docker's socket when there is one, else Podman's (its API is Docker's).
if [ -z "$engine" ]; then
  if [ -S /var/run/docker.sock ] || [ ! -S /run/podman/podman.sock ]; then engine=docker; else engine=podman; fi
fi
case $engine in
  docker) engine_unit=docker.service socket=/var/run/docker.sock ;;
  podman) engine_unit=podman.socket socket=/run/podman/podman.sock ;;
  *) die "--engine: docker or podman, not $engine" ;;
esac
if [ -z "$socket_group" ]; then
  if [ -S "$socket" ]; then socket_group=$(stat -c %G "$socket"); else socket_group=docker; fi
fi

# What an earlier install added stays listed (an upgrade keeps the environment file it made).
manifest=$libdir/manifest
declare -A listed=()
entries=()
add() { [ -n "${listed[$1]:-}" ] || { listed[$1]=1; entries+=("$1"); }; }
if [ -f "$destdir$manifest" ]; then
  while IFS= read -r entry; do [ -n "$entry" ] && add "$entry"; done <"$destdir$manifest"
fi

# make_dir DIR: creates DIR and its missing parents, listing each one it created.
make_dir() {
  local path=$1 missing=()
  [ -z "$destdir" ] || mkdir -p "$destdir"
  while [ "$path" != / ] && [ ! -d "$destdir$path" ]; do missing=("$path" "${missing[@]}"); path=$(dirname "$path"); done
  for path in "${missing[@]}"; do mkdir -m 0755 "$destdir$path"; add "dir $path"; done
}
# put SOURCE TARGET MODE: installs a file (atomically: a running binary is replaced, not overwritten).
put() {
  make_dir "$(dirname "$2")"
  install -m "$3" "$1" "$destdir$2.new"
  mv -f "$destdir$2.new" "$destdir$2"
  add "file $2"
}

if [ -z "$destdir" ] && ! getent passwd "$user" >/dev/null; then
  useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$user"
  add "user $user"
  log "made the system user $user"
fi

put "$here/grand-ambassador" "$bindir/grand-ambassador" 0755
rendered=$(mktemp)
trap 'rm -f "$rendered"' EXIT
sed -e "s|@BINDIR@|$bindir|g" -e "s|@ENGINE_UNIT@|$engine_unit|g" -e "s|@SOCKET_GROUP@|$socket_group|g" \
  "$here/$unit" >"$rendered"
put "$rendered" "$unitdir/$unit" 0644
put "$here/uninstall.sh" "$libdir/uninstall.sh" 0755

env_file=$confdir/env
make_dir "$confdir"
if [ ! -e "$destdir$env_file" ]; then
  cp "$here/env" "$rendered"
  [ "$engine" = docker ] || printf 'GRAND_AMBASSADOR_DOCKER=unix://%s\n' "$socket" >>"$rendered"
  put "$rendered" "$env_file" 0640
  log "wrote $env_file"
else
  log "kept $env_file"
fi
if [ ${#names[@]} -gt 0 ]; then
  joined=$(IFS=,; echo "${names[*]}")
  sed -i '/^GRAND_AMBASSADOR_NAME=/d' "$destdir$env_file"
  printf 'GRAND_AMBASSADOR_NAME=%s\n' "$joined" >>"$destdir$env_file"
  log "fronting $joined ($env_file)"
fi
# The service reads its configuration directory as its own group (files you add there: mode 0640).
if [ -z "$destdir" ]; then chgrp "$user" "$confdir" "$env_file"; chmod 0750 "$confdir"; fi

make_dir "$libdir"
printf '%s\n' "${entries[@]}" >"$destdir$manifest.new"
mv -f "$destdir$manifest.new" "$destdir$manifest"
log "installed $bindir/grand-ambassador ($("$destdir$bindir/grand-ambassador" --version)), $unitdir/$unit (engine $engine_unit, socket group $socket_group)"

if [ -n "$destdir" ] || [ ! -d /run/systemd/system ]; then
  if [ -n "$destdir" ]; then why="staged in $destdir"; else why="systemd is not running"; fi
  log "not started ($why): start $bindir/grand-ambassador with the variables of $env_file"
elif [ "$start" = 1 ]; then
  systemctl daemon-reload
  systemctl enable --quiet "$unit"
  if systemctl is-active --quiet "$unit"; then systemctl restart "$unit"; log "restarted $unit"; else systemctl start "$unit"; log "started $unit"; fi
  log "log: journalctl -u $unit; uninstall: $libdir/uninstall.sh"
else
  systemctl daemon-reload
  log "installed, not started: systemctl enable --now $unit"
fi
