#!/usr/bin/env bash
# ga-bench/iperf3:latest — /usr/bin/iperf3 and the libraries ldd prints (+ busybox), built offline
# with the lab's rootfs -> `docker import` helpers. Serves TCP and UDP on 5201.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
lib=$(cd "$here/../../tests/lab/images" && pwd)/lib.sh
. "$lib"
tag=ga-bench/iperf3:latest
hash=$(inputs_hash "$lib" "$here/iperf3.sh" /bin/busybox /usr/bin/iperf3)
if image_is_current "$tag" "$hash"; then echo "$tag is current"; exit 0; fi
work=$(lab_workdir iperf3)
root=$work/root
rootfs_new "$root"
rootfs_add_busybox "$root"
rootfs_add_program "$root" /usr/bin/iperf3
rootfs_import "$root" "$tag" "$hash" \
  'EXPOSE 5201/tcp' 'EXPOSE 5201/udp' \
  'CMD ["/usr/bin/iperf3","-s","-p","5201"]'
rm -rf "$work"
