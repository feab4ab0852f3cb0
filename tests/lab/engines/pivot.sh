#!/usr/bin/env bash
# Runs COMMAND with a Debian root as its / (not chroot: `exec` into a container must land in the
# container, and with chroot it lands in the host's /). Run inside a private mount namespace:
#   nsenter --net=/run/netns/NS unshare --mount --propagation private pivot.sh ROOT RUN DATA MOUNT CMD...
# (engines.sh runs `sleep infinity` so, a holder whose namespaces each engine start enters.)
# RUN (a host directory) becomes the root's /run, so the engine's socket shows on the host at
# RUN/...; DATA becomes ROOT/MOUNT (e.g. /var/lib/docker), so the cached root is never written to.
set -euo pipefail
root=$1 run=$2 data=$3 target=$4; shift 4
mkdir -p "$root$target"    # a mount point the package may not have made
mount --rbind "$root" "$root"
mount --bind "$run" "$root/run"
mount --bind "$data" "$root$target"
mount -t tmpfs tmpfs "$root/tmp"
mount -t proc proc "$root/proc"
mount -t sysfs sysfs "$root/sys"
mount --rbind /sys/fs/cgroup "$root/sys/fs/cgroup"
mount --rbind /dev "$root/dev"
mkdir -p "$root/.oldroot"
cd "$root"
pivot_root . .oldroot
cd /
umount -l /.oldroot
exec "$@"
