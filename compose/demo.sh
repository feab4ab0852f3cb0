#!/usr/bin/env bash
# Grand Ambassador on three Docker hosts on this machine (see README.md beside this file):
#   compose/demo.sh up         build what is needed, make the cluster's TLS certificates, start
#                              Redis, node-a/b/c and their agents, run web v1 on node-a, wait
#                              until node-c serves it; print the URLs (web, node-c's dashboard)
#   compose/demo.sh redeploy   web v(N+1) on the other node, then drain the old one (returns once
#                              every ambassador confirmed), stop and remove it, under load through
#                              node-c; prints "requests=N failed=F" (GA_DEMO_DRAIN=0: no drain)
#   compose/demo.sh status     the cluster's `grand-ambassador status`
#   compose/demo.sh down       remove every container, network and volume the demo made
# Environment: GA_DEMO_WEB_PORT (17080), GA_DEMO_HTTP_PORT (17087: node-c's page), GA_DEMO_BUILD
# (offline | compose; default: offline when this machine has Debian's docker.io and a .NET SDK,
# else `docker-compose build`, which pulls),
# GA_DEMO_PUBLISH (a `dotnet publish` of src/GrandAmbassador to use instead of publishing),
# GA_DEMO_LOAD_WORKERS (4), GA_DEMO_DRAIN (1; 0: redeploy without drain).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
project=ga-demo
nodes=(node-a node-b node-c)
web_port=${GA_DEMO_WEB_PORT:-17080}
http_port=${GA_DEMO_HTTP_PORT:-17087}
env_file=$here/.env

log() { printf 'demo: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# docker-compose 1.29 (Debian) or Compose v2 (`docker compose`), whichever is installed;
# GA_DEMO_COMPOSE=PROGRAM names one (e.g. Compose v2's own binary, which runs standalone too).
compose() {
  if [ -n "${GA_DEMO_COMPOSE:-}" ]; then
    "$GA_DEMO_COMPOSE" -p "$project" -f "$here/docker-compose.yml" --project-directory "$here" "$@"
  elif docker compose version >/dev/null 2>&1; then
    docker compose -p "$project" -f "$here/docker-compose.yml" --project-directory "$here" "$@"
  elif command -v docker-compose >/dev/null; then
    docker-compose -p "$project" -f "$here/docker-compose.yml" --project-directory "$here" "$@"
  else
    die "neither 'docker compose' nor 'docker-compose' is installed (apt-get install docker-compose)"
  fi
}

# The node's own engine, from this machine.
node_docker() { local node=$1; shift; docker exec -i "$project-$node" docker "$@"; }

# http_get [PORT [PATH]]: one GET to 127.0.0.1:PORT (default: web through node-c's published
# port); sets $answer to the first line of the body. Pure bash (/dev/tcp), so the demo needs no
# curl, and a request costs no process.
http_get() {
  answer=''
  exec 3<>"/dev/tcp/127.0.0.1/${1:-$web_port}" 2>/dev/null || return 1
  printf 'GET %s HTTP/1.0\r\n\r\n' "${2:-/}" >&3 || { exec 3>&-; return 1; }
  local status line
  IFS= read -r -t 10 status <&3 || { exec 3>&-; return 1; }
  while IFS= read -r -t 10 line <&3 && [ "${line%$'\r'}" != '' ]; do :; done
  IFS= read -r -t 10 answer <&3 || true
  exec 3>&-
  [[ $status == 'HTTP/1.'?' 200 '* ]]
}

# until_true SECONDS WHAT CMD...: runs CMD until it succeeds; fails after SECONDS.
until_true() {
  local seconds=$1 what=$2; shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || die "$what: not after $seconds s"
    sleep 0.5
  done
}

status_output() {
  docker exec "$project-agent-c" /usr/share/dotnet/dotnet /app/grand-ambassador.dll status "$@"
}
three_hosts_listed() {
  status_output | head -n 1 | grep -E '^hosts: .*node-a .*node-b .*node-c ' >/dev/null
}
web_answers() { http_get && [[ $answer == 'web '* ]]; }
dashboard_answers() { http_get "$http_port" /healthz; }
# Each agent said at start that its silo speaks TLS, as node-X, to peers of the demo's CA.
tls_on() {
  local node
  for node in a b c; do
    docker logs "$project-agent-$node" 2>&1 | grep -F "Cluster TLS: this host is CN=node-$node " >/dev/null || return 1
  done
}
random_hex() { head -c "$1" /dev/urandom | od -An -tx1 | tr -d ' \n'; }
env_value() { sed -n "s/^$1=//p" "$env_file"; }

ensure_env_file() {
  if [ ! -s "$env_file" ]; then
    (umask 077; printf 'COMPOSE_PROJECT_NAME=%s\nGA_DEMO_REDIS_PASSWORD=%s\nGA_DEMO_HTTP_TOKEN=%s\nGA_DEMO_WEB_PORT=%s\nGA_DEMO_HTTP_PORT=%s\n' \
      "$project" "$(random_hex 24)" "$(random_hex 16)" "$web_port" "$http_port" >"$env_file")
  fi
}

build_images() {
  local how=${GA_DEMO_BUILD:-}
  if [ -z "$how" ]; then
    if command -v dockerd >/dev/null && command -v dotnet >/dev/null; then how=offline; else how=compose; fi
  fi
  case "$how" in
    offline)
      local publish=${GA_DEMO_PUBLISH:-}
      if [ -z "$publish" ]; then
        publish=$repo/artifacts/demo-publish
        log "publishing grand-ambassador to $publish"
        dotnet publish "$repo/src/GrandAmbassador" -c Release -o "$publish" --nologo -v quiet >&2
      fi
      log "building the images offline"
      bash "$here/offline/build-images.sh" "$publish" >&2 ;;
    compose)
      log "building the images (docker-compose build: pulls docker:dind, busybox, redis, the .NET images)"
      compose build >&2
      docker image inspect ga-demo/web:latest >/dev/null 2>&1 || docker build -t ga-demo/web:latest "$here/web" >&2 ;;
    *) die "GA_DEMO_BUILD=$how: offline or compose" ;;
  esac
}

# Loads ga-demo/web into a node's engine unless it has that image already.
load_web() {
  local node=$1 id
  id=$(docker image inspect -f '{{.Id}}' ga-demo/web:latest)
  if [ "$(node_docker "$node" image inspect -f '{{.Id}}' ga-demo/web:latest 2>/dev/null)" != "$id" ]; then
    docker save ga-demo/web:latest | node_docker "$node" load -q >/dev/null
  fi
}

# run_web NODE VERSION: web, published on the node's port 18080 (so other nodes reach it).
run_web() {
  node_docker "$1" run -d --name web -p 18080:8080 -e "WEB_VERSION=$2" -e "NODE=$1" ga-demo/web:latest >/dev/null
}

cmd_up() {
  local started=$SECONDS
  docker info >/dev/null 2>&1 || die "no Docker engine answers (start dockerd)"
  cmd_down quiet
  ensure_env_file
  build_images
  log "starting redis, node-a, node-b, node-c, the certificates (grand-ambassador tls) and the agents"
  compose up -d --no-build >&2
  local node
  for node in "${nodes[@]}"; do until_true 90 "$node's engine" node_docker "$node" info; done
  for node in "${nodes[@]}"; do load_web "$node" & done
  wait
  run_web node-a v1
  log "waiting until node-a, node-b and node-c are members and web answers through node-c"
  until_true 300 "three hosts in the cluster's status" three_hosts_listed
  until_true 120 "web through node-c (127.0.0.1:$web_port)" web_answers
  local page=$answer
  until_true 60 "node-c's HTTP server (127.0.0.1:$http_port)" dashboard_answers
  until_true 30 "the agents' TLS notices" tls_on
  log "up in $((SECONDS - started)) s"
  cat <<EOF
web, through node-c:   http://127.0.0.1:$web_port/   ($page)
node-c's endpoints:    http://127.0.0.1:$http_port/   token: $(env_value GA_DEMO_HTTP_TOKEN)   (the page asks once)
Orleans dashboard:     http://127.0.0.1:$http_port/orleans/   (after signing in on the page)
cluster TLS:           on: node-a, node-b, node-c each hold a certificate from 'grand-ambassador tls'
the cluster:           $0 status
move web a -> b:       $0 redeploy
EOF
}

# The node web runs on now ('' if none), and its version number.
web_location() {
  local node version
  for node in node-a node-b; do
    version=$(node_docker "$node" inspect -f '{{range .Config.Env}}{{println .}}{{end}}' web 2>/dev/null \
      | sed -n 's/^WEB_VERSION=v//p') || true
    [ -n "$version" ] && { echo "$node $version"; return 0; }
  done
}

# A load generator: workers that send GET / through node-c back to back, each on a new
# connection, and count requests, failures and which page answered.
load_worker() {
  local dir=$1 i=$2 requests=0 failed=0 last=''
  while [ ! -e "$dir/stop" ]; do
    requests=$((requests + 1))
    if http_get; then
      [ "$answer" = "$last" ] || { last=$answer; echo "$answer" >>"$dir/seen.$i"; }
    else
      failed=$((failed + 1))
      echo "$(date -u +%T.%N) request failed (answer: '${answer}')" >>"$dir/failures"
    fi
  done
  echo "$requests $failed" >"$dir/count.$i"
}

# seen DIR TEXT: some worker got the page TEXT.
seen() { cat "$1"/seen.* 2>/dev/null | grep -F -- "$2" >/dev/null; }

cmd_redeploy() {
  local location from to version
  location=$(web_location)
  [ -n "$location" ] || die "web runs on neither node-a nor node-b: run '$0 up' first"
  read -r from version <<<"$location"
  if [ "$from" = node-a ]; then to=node-b; else to=node-a; fi
  local new=v$((version + 1)) old=v$version
  local dir; dir=$(mktemp -d)
  # shellcheck disable=SC2064
  trap "touch '$dir/stop'; wait; rm -rf '$dir'" EXIT
  local workers=${GA_DEMO_LOAD_WORKERS:-4} i
  log "load through node-c (127.0.0.1:$web_port): $workers workers"
  for i in $(seq 1 "$workers"); do load_worker "$dir" "$i" & done
  until_true 60 "first answers under load" seen "$dir" "web $old on $from"
  log "web $new on $to"
  node_docker "$to" rm -f web >/dev/null 2>&1 || true
  run_web "$to" "$new"
  until_true 60 "web $new answering through node-c" seen "$dir" "web $new on $to"
  if [ "${GA_DEMO_DRAIN:-1}" != 0 ]; then
    # Returns once every ambassador fronting web says it sends it no new connection: the stop after it fails nothing.
    log "web $old on $from: drain"
    docker exec "$project-agent-c" /usr/share/dotnet/dotnet /app/grand-ambassador.dll drain web --host "$from" --timeout 30 >&2 \
      || die "drain of web on $from was not confirmed"
  fi
  log "web $old on $from: stop and remove"
  node_docker "$from" stop web >/dev/null
  node_docker "$from" rm web >/dev/null
  # Keep the load on a little longer: every request now must be answered by the new version.
  sleep 2
  touch "$dir/stop"
  wait
  local requests=0 failed=0 n f
  for i in $(seq 1 "$workers"); do
    read -r n f <"$dir/count.$i"
    requests=$((requests + n)) failed=$((failed + f))
  done
  [ ! -s "$dir/failures" ] || head -n 20 "$dir/failures" >&2
  echo "requests=$requests failed=$failed"
  [ "$failed" -eq 0 ]
}

cmd_status() {
  docker inspect "$project-agent-c" >/dev/null 2>&1 || die "the demo is not up: run '$0 up'"
  status_output "$@"
}

# Removes whatever the demo made, also what a killed run left: containers, networks and volumes
# of the project, its .env, and the cgroups the nodes' engines made for their containers.
cmd_down() {
  local quiet=${1:-}
  [ -n "$quiet" ] || log "removing the demo"
  if [ -s "$env_file" ]; then
    compose down -v --remove-orphans --timeout 30 >&2 2>/dev/null || true
  else
    GA_DEMO_REDIS_PASSWORD=none GA_DEMO_HTTP_TOKEN=none compose down -v --remove-orphans --timeout 30 >/dev/null 2>&1 || true
  fi
  local label=com.docker.compose.project=$project ids
  ids=$(docker ps -aq --filter "label=$label")
  # shellcheck disable=SC2086
  [ -z "$ids" ] || docker rm -f -v $ids >/dev/null
  ids=$(docker network ls -q --filter "label=$label")
  # shellcheck disable=SC2086
  [ -z "$ids" ] || docker network rm $ids >/dev/null
  ids=$(docker volume ls -q --filter "label=$label")
  # shellcheck disable=SC2086
  [ -z "$ids" ] || docker volume rm -f $ids >/dev/null
  local d
  for d in /sys/fs/cgroup/*/ga-demo-node-*; do
    [ -d "$d" ] || continue
    find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null || true
  done
  rm -f "$env_file"
  [ -n "$quiet" ] || log "down"
}

case "${1:-}" in
  up)       cmd_up ;;
  redeploy) cmd_redeploy ;;
  status)   shift; cmd_status "$@" ;;
  down)     cmd_down ;;
  *)        sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
