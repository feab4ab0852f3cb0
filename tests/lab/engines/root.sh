#!/usr/bin/env bash
# Builds (or finds) a Debian root filesystem for the lab's newer engines, cached by content:
# /var/lib/ga-engines/roots/SUITE-HASH, where HASH is of the suite and its package list. A root
# is rebuilt only when missing or half-built (no .ga-complete stamp). Prints the root's path.
#   tests/lab/engines/root.sh sid | trixie
# sid's root serves Docker 28.5, Podman 5.8, and the benchmarks' HAProxy 3.2 / nginx 1.30 and
# Compose v2 (docker-compose 2.x): one download for all of them.
set -euo pipefail
MIRROR=${GA_DEBIAN_MIRROR:-http://deb.debian.org/debian}
ROOTS=/var/lib/ga-engines/roots

log() { printf 'engines: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

suite=${1:-}
case $suite in
  sid)    packages=docker.io,docker-cli,iptables,nftables,ca-certificates,curl,iproute2,procps,podman,netavark,aardvark-dns,conmon,passt,catatonit,containers-storage,runc,haproxy,nginx,libnginx-mod-stream,kmod,docker-compose ;;
  trixie) packages=docker.io,docker-cli,iptables,ca-certificates,iproute2,procps,runc,kmod ;;
  *) die "usage: root.sh sid|trixie" ;;
esac
hash=$(printf '%s\n%s\n' "$suite" "$packages" | sha256sum | cut -c1-12)
root=$ROOTS/$suite-$hash
if [ -f "$root/.ga-complete" ]; then echo "$root"; exit 0; fi

command -v debootstrap >/dev/null || die "debootstrap is missing (apt-get install debootstrap)"
mkdir -p "$ROOTS"
exec 9>"$ROOTS/.$suite.lock"
flock 9                           # two callers building the same root: the second waits
if [ -f "$root/.ga-complete" ]; then echo "$root"; exit 0; fi
# A half-built root (a killed run) is thrown away: debootstrap cannot resume one. Mounts an
# engine left inside it are lazily detached first so rm does not walk into /proc or /sys.
for dir in "$root" "$root.tmp"; do
  [ -e "$dir" ] || continue
  log "removing the half-built $dir"
  awk -v r="$dir" 'index($2, r) == 1 {print $2}' /proc/mounts | sort -r | xargs -r -n1 umount -l
  rm -rf --one-file-system "$dir"
done
log "building $suite root $root (debootstrap, ~2 min)"
start=$SECONDS
debootstrap --variant=minbase --include="$packages" "$suite" "$root.tmp" "$MIRROR" \
  >"$ROOTS/$suite.debootstrap.log" 2>&1 || { tail -n 20 "$ROOTS/$suite.debootstrap.log" >&2; die "debootstrap $suite failed"; }
# Nothing starts an engine inside the root on its own, and its apt cache is only weight.
rm -rf "$root.tmp/var/cache/apt/archives/"*.deb
mv "$root.tmp" "$root"
date -u +%FT%TZ >"$root/.ga-complete"
log "built $suite root in $((SECONDS - start)) s"
# Older roots of the same suite (another package list) are left for `engines.sh prune`.
echo "$root"
