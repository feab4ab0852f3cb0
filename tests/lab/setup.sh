#!/usr/bin/env bash
# Prepares this machine (Debian 12, as root) for the Docker tests: installs what is missing,
# starts a Docker engine if none answers, builds the offline test images.
# Idempotent: safe to run again, also after a run that was killed half-way.
#   tests/lab/setup.sh            # everything
#   GA_DOCKERD_LOG=/tmp/d.log tests/lab/setup.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

log() { printf 'lab: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root (it installs packages and starts dockerd)"

install_missing_packages() {
  # package:command pairs; a package is installed only when its command is missing.
  local wanted=(docker.io:dockerd redis-server:redis-server busybox-static:busybox
                socat:socat iproute2:ip iptables:iptables haproxy:haproxy   # haproxy: the read-only Docker socket test
                chromium:chromium chromium-driver:chromedriver   # the browser tests (Web.Tests, Deploy.Tests)
                docker-compose:docker-compose yamllint:yamllint nodejs:node npm:npm
                debootstrap:debootstrap podman:podman   # the newer engines (engines/engines.sh)
                gcc:gcc   # the image's entry point, ga-prebind (build-ambassador-image.sh)
                tcpdump:tcpdump)   # the relay's capture test (MultiHost.Tests/Relay): nothing fronted crosses the bridge in clear
  local missing=() pair
  for pair in "${wanted[@]}"; do
    command -v "${pair#*:}" >/dev/null 2>&1 || missing+=("${pair%%:*}")
  done
  # busybox-static specifically: a dynamic busybox would not run in a library-less image.
  if command -v busybox >/dev/null && ldd "$(command -v busybox)" >/dev/null 2>&1; then
    missing+=(busybox-static)
  fi
  # libc6-dev for a static ga-prebind: libc.a has no command to look for.
  [ -e /usr/lib/x86_64-linux-gnu/libc.a ] || missing+=(libc6-dev)
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
}

# The engine itself: the same script the product's run.sh uses.
start_dockerd() { bash "$here/../../deploy/ensure-docker.sh"; log "docker engine is up"; }

build_images() {
  "$here/images/busybox.sh"
  "$here/images/socat.sh"
  "$here/images/redis.sh"
  "$here/images/haproxy.sh"
}

# The Kubernetes manifests' validator (k8s/validate.mjs): its npm packages, exactly as locked.
# Installed again only when the lock file changed.
install_k8s_validator() {
  local dir=$here/../../k8s stamp want
  [ -f "$dir/package-lock.json" ] || return 0
  stamp=$dir/node_modules/.ga-lock-sha256
  want=$(sha256sum <"$dir/package-lock.json" | cut -c1-64)
  [ "$(cat "$stamp" 2>/dev/null)" = "$want" ] && return 0
  log "installing the manifest validator's npm packages (npm ci in k8s/)"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  echo "$want" >"$stamp"
}

install_missing_packages
start_dockerd
build_images
install_k8s_validator
log "ready"
