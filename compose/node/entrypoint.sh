#!/bin/sh
# The node's engine: dockerd with the arguments the Compose file gives (as docker:dind's
# entrypoint takes them: arguments starting with "-" are dockerd's).
set -e
case "${1:-}" in -*|'') set -- dockerd "$@" ;; esac
# A node that was killed leaves the pid files of its daemons on /var/run (a tmpfs in the Compose
# file, so normally gone): dockerd refuses to start while one names a live pid.
rm -f /var/run/docker.pid /var/run/docker/containerd/containerd.pid
exec "$@"
