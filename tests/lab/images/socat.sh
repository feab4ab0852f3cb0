#!/usr/bin/env bash
# ga-test/socat:latest — socat (+ busybox) for a UDP echo target:
#   docker run -d ga-test/socat socat -T 5 UDP-LISTEN:5353,fork,reuseaddr PIPE
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
tag=ga-test/socat:latest
hash=$(inputs_hash "$here/lib.sh" "$here/socat.sh" /bin/busybox /usr/bin/socat)
if image_is_current "$tag" "$hash"; then echo "$tag is current"; exit 0; fi
work=$(lab_workdir socat)
root=$work/root
rootfs_new "$root"
rootfs_add_busybox "$root"
rootfs_add_program "$root" /usr/bin/socat
ln -sf /usr/bin/socat "$root/bin/socat"
rootfs_import "$root" "$tag" "$hash" \
  'EXPOSE 5353/udp' \
  'CMD ["/usr/bin/socat","-T","5","UDP-LISTEN:5353,fork,reuseaddr","PIPE"]'
rm -rf "$work"
