#!/usr/bin/env bash
# Removes exactly what install.sh added, as its manifest (beside this script) lists it: stops and
# disables the service, removes the files, the system user it made and the directories it made
# (each only when empty: files you added stay, and it says so). Then itself and the manifest.
#   PREFIX/lib/grand-ambassador/uninstall.sh [--keep-config]   # keeps /etc/grand-ambassador/env
#   DESTDIR=/tmp/root /tmp/root/usr/local/lib/grand-ambassador/uninstall.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
log() { printf 'uninstall: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 2; }

destdir=${DESTDIR:-}
destdir=${destdir%/}
keep_config=0
case ${1:-} in
  '') ;;
  --keep-config) keep_config=1 ;;
  -h|--help) sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) die "unknown option $1 (see --help)" ;;
esac
manifest=$here/manifest
[ -f "$manifest" ] || die "no manifest beside $0: nothing to remove"
[ -n "$destdir" ] || [ "$(id -u)" = 0 ] || die "run as root"
unit=grand-ambassador.service

if [ -z "$destdir" ] && [ -d /run/systemd/system ] && grep -qx "file /etc/systemd/system/$unit" "$manifest"; then
  systemctl disable --now --quiet "$unit" || true
fi

mapfile -t entries <"$manifest"
# Files first (this script among them: bash has it open), then users, then directories deepest
# first (the manifest lists each directory before what it holds).
for entry in "${entries[@]}"; do
  case $entry in
    file\ *)
      path=${entry#file }
      if [ "$keep_config" = 1 ] && [ "$path" = /etc/grand-ambassador/env ]; then log "kept $path"; continue; fi
      rm -f "$destdir$path" ;;
  esac
done
for entry in "${entries[@]}"; do
  case $entry in
    user\ *) name=${entry#user }; [ -n "$destdir" ] || ! getent passwd "$name" >/dev/null || userdel "$name" ;;
  esac
done
rm -f "$manifest"
for ((i = ${#entries[@]} - 1; i >= 0; i--)); do
  case ${entries[i]} in
    dir\ *) path=${entries[i]#dir }
      if [ -d "$destdir$path" ] && ! rmdir "$destdir$path" 2>/dev/null; then
        log "kept $path: it holds files install.sh did not put there"
      fi ;;
  esac
done
if [ -z "$destdir" ] && [ -d /run/systemd/system ]; then systemctl daemon-reload; fi
log "removed grand-ambassador"
