#!/usr/bin/env bash
# ga-test/haproxy-pp:latest: a target that speaks the PROXY protocol (issue 18). HAProxy (the host's Debian
# package) binds 8080 with accept-proxy (v1 and v2) and answers every HTTP request with the client address and port
# it learned from the header ("%ci:%cp"), so a test sees what a real server behind the ambassador would log.
# A connection without a header is refused by HAProxy itself: proof that the header arrived, not just an address.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
tag=ga-test/haproxy-pp:latest
hash=$(inputs_hash "$here/lib.sh" "$here/haproxy.sh" /bin/busybox /usr/sbin/haproxy)
if ! image_is_current "$tag" "$hash"; then
  work=$(lab_workdir haproxy)
  root=$work/root
  rootfs_new "$root"
  rootfs_add_busybox "$root"
  rootfs_add_program "$root" /usr/sbin/haproxy
  mkdir -p "$root/etc/haproxy"
  cat >"$root/etc/haproxy/haproxy.cfg" <<'CFG'
global
  maxconn 256
defaults
  mode http
  timeout connect 5s
  timeout client 30s
  timeout server 30s
frontend who
  bind :8080 accept-proxy
  http-request return status 200 content-type text/plain lf-string "%ci:%cp\n"
CFG
  rootfs_import "$root" "$tag" "$hash" \
    'EXPOSE 8080' \
    'CMD ["/usr/sbin/haproxy","-db","-f","/etc/haproxy/haproxy.cfg"]'
  rm -rf "$work"
else
  echo "$tag is current"
fi
