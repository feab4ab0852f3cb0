#!/usr/bin/env bash
# Shared helpers for building offline images: no registry is reachable, so every image is a
# root filesystem assembled from host files and turned into an image with `docker import`.
# Source this file; it defines functions only.

# rootfs_new DIR: an empty root filesystem with the directories every image needs.
rootfs_new() {
  local root=$1
  rm -rf "$root"
  mkdir -p "$root"/{bin,tmp,etc,www,proc,sys,dev,root}
  chmod 1777 "$root/tmp"
  # Name resolution inside the container goes through files Docker bind-mounts; these make
  # `id`/`ls -l` print names instead of numbers.
  echo 'root:x:0:0:root:/root:/bin/sh' >"$root/etc/passwd"
  echo 'root:x:0:' >"$root/etc/group"
}

# rootfs_add_busybox DIR: a static busybox with the applets the lab uses as symlinks.
rootfs_add_busybox() {
  local root=$1
  cp /bin/busybox "$root/bin/busybox"
  local applet
  for applet in sh ash cat echo sleep httpd nc wget ls ps kill ip ifconfig hostname env \
                true false test grep sed head tail wc id date mkdir rm cp mv ln printf \
                netstat ping seq tr uname timeout dd; do
    ln -sf busybox "$root/bin/$applet"
  done
}

# rootfs_add_program DIR BINARY...: copy each binary and every library ldd prints for it,
# keeping their paths so the dynamic loader finds them where it expects.
rootfs_add_program() {
  local root=$1; shift
  local file lib
  for file in "$@"; do
    mkdir -p "$root$(dirname "$file")"
    cp -L "$file" "$root$file"
    # ldd lines look like "libx.so => /lib/.../libx.so (0x...)" or "/lib64/ld-linux... (0x...)".
    for lib in $(ldd "$file" 2>/dev/null | grep -o '/[^ ]*' ); do
      [ -e "$lib" ] || continue
      mkdir -p "$root$(dirname "$lib")"
      cp -L "$lib" "$root$lib"
    done
  done
}

# inputs_hash WORD...: a hash of the given strings and files' contents, so an image is rebuilt
# only when what it is made of changed.
inputs_hash() {
  local item
  for item in "$@"; do
    if [ -f "$item" ]; then sha256sum <"$item"; else printf '%s\n' "$item"; fi
  done | sha256sum | cut -c1-16
}

# image_is_current TAG HASH: true when TAG exists and was built from inputs with HASH.
image_is_current() {
  local current
  current=$(docker image inspect -f '{{ index .Config.Labels "ga.lab.inputs" }}' "$1" 2>/dev/null) || return 1
  [ "$current" = "$2" ]
}

# rootfs_import DIR TAG HASH [docker import -c CHANGE]...: pack DIR into TAG, labelled with the
# hash of its inputs, then delete DIR.
rootfs_import() {
  local root=$1 tag=$2 hash=$3; shift 3
  local changes=() change
  for change in "$@"; do changes+=(-c "$change"); done
  tar -C "$root" --numeric-owner -c . \
    | docker import -c "LABEL ga.lab.inputs=$hash" "${changes[@]}" - "$tag" >/dev/null
  rm -rf "$root"
  echo "built $tag ($hash)"
}

# lab_workdir NAME: a fresh scratch directory for one image's root filesystem.
lab_workdir() {
  local dir=${TMPDIR:-/tmp}/ga-lab-$1
  rm -rf "$dir"; mkdir -p "$dir"
  echo "$dir"
}
