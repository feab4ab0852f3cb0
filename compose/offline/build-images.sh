#!/usr/bin/env bash
# Builds the demo's images on a machine that reaches no registry, under the same names the
# Compose file's Dockerfiles build where images can be pulled:
#   ga-demo/node:latest        a Docker engine (Debian's docker.io binaries + busybox + iptables-nft)
#   ga-demo/web:latest         busybox httpd that says which version answers on which node
#   ga-demo/grand-ambassador:latest   from a framework-dependent publish (tests/lab/build-ambassador-image.sh)
#   redis:7                    tests/lab/images/redis.sh (redis-server from Debian)
# Each is rebuilt only when what it is made of changed.
#   compose/offline/build-images.sh PUBLISH_DIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
. "$repo/tests/lab/images/lib.sh"
publish=${1:?usage: $0 PUBLISH_DIR}

node_image() {
  local tag=ga-demo/node:latest
  local programs=(/usr/sbin/dockerd /usr/bin/containerd /usr/bin/containerd-shim-runc-v2 /usr/sbin/runc
                  /usr/sbin/docker-proxy /usr/bin/docker /usr/sbin/xtables-nft-multi)
  local xt=/usr/lib/x86_64-linux-gnu/xtables
  local hash
  hash=$(inputs_hash "$repo/tests/lab/images/lib.sh" "$0" /bin/busybox "${programs[@]}" /usr/bin/docker-init "$here/../node/entrypoint.sh" \
    $(find "$xt" -type f | sort))
  if image_is_current "$tag" "$hash"; then echo "$tag is current"; return 0; fi
  local work root
  work=$(lab_workdir demo-node); root=$work/root
  rootfs_new "$root"
  rootfs_add_busybox "$root"
  # dockerd runs these by name: mount helpers, modprobe (may fail: the host's modules are loaded).
  local applet
  for applet in mount umount modprobe xz gzip gunzip tar find chmod chown; do ln -sf busybox "$root/bin/$applet"; done
  rootfs_add_program "$root" "${programs[@]}" $(find "$xt" -name '*.so')
  # iptables-nft: one binary, every name a symlink (dockerd calls iptables and ip6tables).
  local name
  for name in iptables iptables-save iptables-restore ip6tables ip6tables-save ip6tables-restore; do
    ln -sf xtables-nft-multi "$root/usr/sbin/$name"
  done
  # dockerd's --init binary and the name `docker info` prints.
  cp -L /usr/bin/docker-init "$root/usr/bin/docker-init"
  printf 'ID=ga-demo-node\nNAME="Grand Ambassador demo node"\n' >"$root/etc/os-release"
  [ -e /etc/ethertypes ] && cp /etc/ethertypes "$root/etc/"
  cp /etc/protocols "$root/etc/" 2>/dev/null || true
  mkdir -p "$root/var/lib/docker" "$root/usr/local/bin" "$root/run"
  ln -sfn /run "$root/var/run"
  cp "$here/../node/entrypoint.sh" "$root/usr/local/bin/ga-node-entrypoint"
  chmod 755 "$root/usr/local/bin/ga-node-entrypoint"
  rootfs_import "$root" "$tag" "$hash" \
    'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    'VOLUME /var/lib/docker' \
    'ENTRYPOINT ["/usr/local/bin/ga-node-entrypoint"]'
  rm -rf "$work"
}

web_image() {
  local tag=ga-demo/web:latest hash
  hash=$(inputs_hash "$repo/tests/lab/images/lib.sh" "$0" /bin/busybox "$here/../web/serve.sh")
  if image_is_current "$tag" "$hash"; then echo "$tag is current"; return 0; fi
  local work root
  work=$(lab_workdir demo-web); root=$work/root
  rootfs_new "$root"
  rootfs_add_busybox "$root"
  cp "$here/../web/serve.sh" "$root/bin/serve"
  chmod 755 "$root/bin/serve"
  rootfs_import "$root" "$tag" "$hash" 'EXPOSE 8080' 'CMD ["/bin/serve"]'
  rm -rf "$work"
}

node_image
web_image
bash "$repo/tests/lab/images/redis.sh"
bash "$repo/tests/lab/build-ambassador-image.sh" "$publish" ga-demo/grand-ambassador:latest
