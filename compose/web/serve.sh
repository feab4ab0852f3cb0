#!/bin/sh
# The demo's service: one line saying which version answers on which node. On SIGTERM it does
# what a real server does, finishes what it is serving (here: 2 s) before it exits, so that a
# `docker stop` during a redeploy cuts no request.
mkdir -p /tmp/www
echo "web ${WEB_VERSION:-v1} on ${NODE:-$(hostname)}" >/tmp/www/index.html
httpd -f -p 8080 -h /tmp/www &
trap 'sleep 2; kill $! 2>/dev/null; exit 0' TERM
wait
