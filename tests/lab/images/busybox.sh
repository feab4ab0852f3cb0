#!/usr/bin/env bash
# ga-test/busybox:latest — busybox-static with applet symlinks: a TCP target
# (`httpd -f -p 8080 -h /www`) and the shell for health checks.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
tag=ga-test/busybox:latest
hash=$(inputs_hash "$here/lib.sh" "$here/busybox.sh" /bin/busybox)
if image_is_current "$tag" "$hash"; then echo "$tag is current"; exit 0; fi
work=$(lab_workdir busybox)
root=$work/root
rootfs_new "$root"
rootfs_add_busybox "$root"
echo 'hello from ga-test/busybox' >"$root/www/index.html"
rootfs_import "$root" "$tag" "$hash" 'CMD ["/bin/sh"]'
rm -rf "$work"
