#!/usr/bin/env bash
# local/redis:7, also tagged redis:7 and redis:latest so that the 2014 examples
# (`docker run -d --expose 6379 --name redis redis`) run without a registry.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
tag=local/redis:7
hash=$(inputs_hash "$here/lib.sh" "$here/redis.sh" /bin/busybox /usr/bin/redis-server /usr/bin/redis-cli)
if ! image_is_current "$tag" "$hash"; then
  work=$(lab_workdir redis)
  root=$work/root
  rootfs_new "$root"
  rootfs_add_busybox "$root"
  rootfs_add_program "$root" /usr/bin/redis-server /usr/bin/redis-cli
  ln -sf /usr/bin/redis-server "$root/bin/redis-server"
  ln -sf /usr/bin/redis-cli "$root/bin/redis-cli"
  mkdir -p "$root/data"
  rootfs_import "$root" "$tag" "$hash" \
    'EXPOSE 6379' \
    'WORKDIR /data' \
    'CMD ["/usr/bin/redis-server","--protected-mode","no","--bind","0.0.0.0"]'
  rm -rf "$work"
else
  echo "$tag is current"
fi
docker tag "$tag" redis:7
docker tag "$tag" redis:latest
