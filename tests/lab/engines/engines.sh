#!/usr/bin/env bash
# The lab's container engines besides the root Docker 20.10: each a real engine from Debian's
# packages, offline, rootful, in a network namespace of its own (it manages only that
# namespace's iptables), reached on the host through its Unix socket. See README.md.
#   tests/lab/engines/engines.sh roots            # build the cached debootstrap roots (slow once)
#   tests/lab/engines/engines.sh up [ENGINE...]   # start them (default: all), import test images
#   tests/lab/engines/engines.sh down | status | list
#   tests/lab/engines/engines.sh docker ENGINE ARGS...   # the docker CLI against ENGINE
#   tests/lab/engines/engines.sh stop-engine ENGINE | start-engine ENGINE   # the engine process only
# Engines: docker20 (the host's own docker.io, a second engine beside the shared root one, so that
# it can be restarted), docker26 (trixie), docker28 (sid), podman43 (bookworm's apt package),
# podman58 (sid). The root engine (/var/run/docker.sock) is only read from: the test images come
# from it. Podman serves its
# Docker-compatible API (`podman system service`). `list` prints one line per engine that is up:
#   NAME SOCKET LISTEN-ADDRESS NETNS VERSION API
# and /run/ga-eng/compose-v2 holds the path of the sid root's Compose v2 (docker-compose 2.x).
# which the Engines tests read (/run/ga-eng/engines). Idempotent; `up` after a killed run cleans
# what that run left first.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
STATE=/run/ga-eng
DATA=/var/lib/ga-engines/data
LIST=$STATE/engines
IMAGES=(ga-test/busybox:latest ga-test/socat:latest)
ALL=(docker20 docker26 docker28 podman43 podman58)
READY_TIMEOUT=${GA_ENGINES_READY_TIMEOUT:-90}

log() { printf 'engines: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# --- one engine's names ---------------------------------------------------------------------------
number_of() { case $1 in docker20) echo 20;; docker26) echo 26;; docker28) echo 28;; podman43) echo 43;; podman58) echo 58;; *) die "unknown engine '$1' (engines: ${ALL[*]})";; esac; }
ns_of()     { echo "ga-eng-$1"; }
veth_of()   { echo "gaeng-$1"; }
addr_of()   { echo "10.232.$(number_of "$1").2"; }    # the namespace's side; the host's is .1
run_of()    { echo "$STATE/$1"; }
sock_of()   { case $1 in docker*) echo "$STATE/$1/docker.sock";; *) echo "$STATE/$1/podman.sock";; esac; }
suite_of()  { case $1 in docker26) echo trixie;; docker28|podman58) echo sid;; *) echo "";; esac; }
edocker()   { local e=$1; shift; docker -H "unix://$(sock_of "$e")" "$@"; }

# Closes every inherited descriptor above 2 before exec: the engines outlive this script, and an
# inherited one (a caller's flock, a pipe of `dotnet test`) would stay open as long as they run.
detached() {
  local fd
  for fd in $(ls /proc/$BASHPID/fd); do [ "$fd" -gt 2 ] && eval "exec $fd>&-" 2>/dev/null; done
  exec setsid "$@" </dev/null
}

# --- network namespace: a veth pair, no bridge, no rule in the host's iptables -------------------
make_namespace() {
  local e=$1 ns veth n
  ns=$(ns_of "$e") veth=$(veth_of "$e") n=$(number_of "$e")
  ip netns add "$ns"
  ip link add "$veth" type veth peer name eth0 netns "$ns"
  ip addr add "10.232.$n.1/24" dev "$veth"
  ip link set "$veth" up
  ip -n "$ns" addr add "10.232.$n.2/24" dev eth0
  ip -n "$ns" link set eth0 up
  ip -n "$ns" link set lo up
  ip -n "$ns" route add default via "10.232.$n.1"
}

# Everything an earlier run of ENGINE left: its processes (all of them live in its namespace:
# the engine, containerd, shims, conmon, containers), the namespace, the veth, its /run state.
clean_engine() {
  local e=$1 ns pids
  ns=$(ns_of "$e")
  # Containers first, through the engine while it answers: killing an engine's processes leaves
  # its containers' own processes (they live in namespaces of their own) running.
  remove_containers "$e"
  if [ -e "/run/netns/$ns" ]; then
    pids=$(ip netns pids "$ns" 2>/dev/null || true)
    if [ -n "$pids" ]; then
      kill $pids 2>/dev/null || true
      local deadline=$((SECONDS + 15))
      while pids=$(ip netns pids "$ns" 2>/dev/null) && [ -n "$pids" ] && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
      [ -z "$pids" ] || kill -9 $pids 2>/dev/null || true
    fi
    ip netns delete "$ns" 2>/dev/null || true
  fi
  ip link delete "$(veth_of "$e")" 2>/dev/null || true
  # Mounts the engine made live in its private mount namespace and died with it; only the
  # ephemeral /run state is left (a fresh /run is the engine's usual "after a reboot").
  rm -rf --one-file-system "$(run_of "$e")"
  [ -f "$LIST" ] && sed -i "/^$e /d" "$LIST"
  return 0
}

# Every container and user-defined network on ENGINE (what a test run left); nothing when it does
# not answer.
remove_containers() {
  local e=$1 ids
  ids=$(edocker "$e" ps -aq 2>/dev/null) || return 0
  [ -z "$ids" ] || edocker "$e" rm -f $ids >/dev/null 2>&1 || true
  edocker "$e" network prune -f >/dev/null 2>&1 || true
}

# --- starting one engine --------------------------------------------------------------------------
# bookworm's docker.io from the host, as the multi-host lab runs it: its own data, exec root and
# containerd namespaces, so it shares nothing with the root engine.
start_docker20() {
  local e=docker20 run data
  run=$(run_of "$e") data=$DATA/$e
  mkdir -p "$run/exec" "$data"
  printf '{ "deprecated-key-path": "%s" }\n' "$data/key.json" >"$run/daemon.json"
  ( detached nsenter --net="/run/netns/$(ns_of "$e")" dockerd \
      --data-root "$data" --exec-root "$run/exec" --pidfile "$run/docker.pid" \
      --config-file "$run/daemon.json" -H "unix://$(sock_of "$e")" \
      --containerd-namespace ga-eng-docker20 --containerd-plugins-namespace ga-eng-docker20-plugins \
      --cgroup-parent /ga-eng-docker20 --bip 10.253.20.1/24 --live-restore \
    >>"/var/log/ga-eng-$e.log" 2>&1 ) &
}

# A newer engine runs in a Debian root of its own, in a mount namespace that a holder process
# (`sleep infinity`, already pivoted into the root) keeps alive: the engine is started by entering
# the holder's namespaces, so after an engine restart (stop-engine, start-engine) the new engine
# finds the mounts the old one made (its containers' network namespaces above all); a new mount
# namespace per start would lose them, and with them every restored container's network.
holder_start() {  # ENGINE ROOT DATA-MOUNT-POINT
  local e=$1 root=$2 target=$3 run pid deadline
  run=$(run_of "$e")
  pid=$(cat "$run/holder.pid" 2>/dev/null || true)
  [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = sleep ] && return 0
  mkdir -p "$DATA/$e"
  ( detached nsenter --net="/run/netns/$(ns_of "$e")" unshare --mount --propagation private \
      "$here/pivot.sh" "$root" "$run" "$DATA/$e" "$target" sleep infinity \
    >>"/var/log/ga-eng-$e.log" 2>&1 ) &
  pid=$!
  deadline=$((SECONDS + 30))
  until [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = sleep ]; do
    kill -0 "$pid" 2>/dev/null || { tail -n 20 "/var/log/ga-eng-$e.log" >&2; die "$e: the root's mount namespace did not come up"; }
    [ $SECONDS -lt $deadline ] || die "$e: the root's mount namespace did not come up in 30 s"
    sleep 0.1
  done
  echo "$pid" >"$run/holder.pid"
}

# in_root ENGINE CMD...: CMD inside ENGINE's root, network and mount namespaces.
in_root() {
  local e=$1; shift
  detached nsenter -t "$(cat "$(run_of "$e")/holder.pid")" --net --mount "$@"
}

start_docker() {  # ENGINE ROOT
  local e=$1 root=$2 n
  n=$(number_of "$e")
  holder_start "$e" "$root" /var/lib/docker
  ( in_root "$e" dockerd -H unix:///run/docker.sock --pidfile /run/docker.pid --exec-root /run/docker-exec \
        --cgroup-parent "/ga-eng-$e" --bip "10.253.$n.1/24" --live-restore \
    >>"/var/log/ga-eng-$e.log" 2>&1 ) &
}

# Podman reads its settings from CONTAINERS_CONF; the notes in the README say why each is there.
podman_conf() {  # ENGINE
  local e=$1
  cat <<CONF
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
runtime = "runc"
CONF
  if [ "$e" = podman58 ]; then
    printf '[network]\nfirewall_driver = "iptables"\nnetwork_config_dir = "/var/lib/containers/networks"\n'
  else
    printf '[network]\nnetwork_config_dir = "%s/networks"\n' "$DATA/$e"
  fi
}

start_podman58() {  # ROOT
  local e=podman58 root=$1 run
  run=$(run_of "$e")
  mkdir -p "$DATA/$e/networks"
  podman_conf "$e" >"$run/containers.conf"
  holder_start "$e" "$root" /var/lib/containers
  ( CONTAINERS_CONF=/run/containers.conf in_root "$e" \
      podman --cgroup-manager=cgroupfs --events-backend=file system service --time=0 unix:///run/podman.sock \
    >>"/var/log/ga-eng-$e.log" 2>&1 ) &
}

# bookworm's podman from apt on the host itself: its own storage, run and network directories.
# Containers' network namespaces go to the host's /run/netns (as `ip netns` does; names
# netns-UUID): one in a private tmpfs there would be lost at an engine restart, and netavark
# then fails to tear down any container started before it.
start_podman43() {
  local e=podman43 run data
  run=$(run_of "$e") data=$DATA/$e
  command -v podman >/dev/null || die "podman is missing (apt-get install podman; setup.sh installs it)"
  mkdir -p "$data/storage" "$data/networks" "$run/run" "$run/tmp"
  podman_conf "$e" >"$run/containers.conf"
  ( CONTAINERS_CONF=$run/containers.conf detached nsenter --net="/run/netns/$(ns_of "$e")" \
      podman --root "$data/storage" --runroot "$run/run" --tmpdir "$run/tmp" \
        --cgroup-manager=cgroupfs --events-backend=file \
        system service --time=0 "unix://$(sock_of "$e")" \
    >>"/var/log/ga-eng-$e.log" 2>&1 ) &
}

start_engine() {  # ENGINE ROOT
  local e=$1 root=$2
  case $e in
    docker20) start_docker20 ;;
    docker*) start_docker "$e" "$root" ;;
    podman43) start_podman43 ;;
    podman58) start_podman58 "$root" ;;
  esac
  # The background job execs (setsid, nsenter, unshare, pivot.sh) down to the engine itself.
  echo $! >"$(run_of "$e")/engine.pid"
}

wait_ready() {  # ENGINE
  local e=$1 deadline=$((SECONDS + READY_TIMEOUT))
  local pid; pid=$(cat "$(run_of "$e")/engine.pid")
  until edocker "$e" version >/dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || { tail -n 30 "/var/log/ga-eng-$e.log" >&2; die "$e exited at start (log: /var/log/ga-eng-$e.log)"; }
    [ $SECONDS -lt $deadline ] || { tail -n 30 "/var/log/ga-eng-$e.log" >&2; die "$e not ready after $READY_TIMEOUT s"; }
    sleep 0.2
  done
}

# The test images, from the root engine; loaded again only when the engine's copy differs.
load_images() {  # ENGINE
  local e=$1 image want have missing=()
  for image in "${IMAGES[@]}"; do
    want=$(docker image inspect -f '{{.Id}}' "$image") || die "$image missing on the root engine (run tests/lab/setup.sh)"
    have=$(edocker "$e" image inspect -f '{{.Id}}' "$image" 2>/dev/null || true)
    [ "$have" = "$want" ] || missing+=("$image")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  docker save "${missing[@]}" | edocker "$e" load -q >/dev/null
  # Podman loads an archive's images under "localhost/"-less names only when tagged in it; the
  # names above are, so the same `docker run ga-test/busybox` works on every engine.
}

record() {  # ENGINE
  local e=$1 version api ns=-
  version=$(edocker "$e" version -f '{{.Server.Version}}')
  api=$(edocker "$e" version -f '{{.Server.APIVersion}}')
  ns=$(ns_of "$e")
  local address; address=$(addr_of "$e")
  mkdir -p "$STATE"; touch "$LIST"
  sed -i "/^$e /d" "$LIST"
  echo "$e $(sock_of "$e") $address $ns $version $api" >>"$LIST"
}

up_one() {  # ENGINE
  local e=$1 start=$SECONDS root=
  [ -n "$(suite_of "$e")" ] && root=$("$here/root.sh" "$(suite_of "$e")")
  clean_engine "$e"
  mkdir -p "$(run_of "$e")"
  make_namespace "$e"
  start_engine "$e" "$root"
  wait_ready "$e"
  remove_containers "$e"     # an engine killed with its containers finds them again at start
  load_images "$e"
  record "$e"
  log "$e up: $(edocker "$e" version -f '{{.Server.Version}} (API {{.Server.APIVersion}})') in $((SECONDS - start)) s"
}

case ${1:-} in
  roots)
    # Both roots at once: the download of one overlaps the other's install.
    "$here/root.sh" sid >/dev/null & a=$!
    "$here/root.sh" trixie >/dev/null & b=$!
    wait $a; wait $b ;;
  up)
    shift
    engines=("$@"); [ ${#engines[@]} -gt 0 ] || engines=("${ALL[@]}")
    mkdir -p "$STATE"
    exec 8>"$STATE.lock"; flock 8
    for e in "${engines[@]}"; do up_one "$e"; done
    # Compose v2 from the same sid root, for compose/demo.sh (GA_DEMO_COMPOSE) and the Deploy tests.
    sid=$("$here/root.sh" sid)
    echo "$sid/usr/libexec/docker/cli-plugins/docker-compose" >"$STATE/compose-v2" ;;
  down)
    exec 8>"$STATE.lock"; flock 8
    for e in "${ALL[@]}"; do clean_engine "$e"; done
    rm -f "$LIST" ;;
  list) cat "$LIST" 2>/dev/null || true ;;
  status)
    for e in "${ALL[@]}"; do
      line=$(edocker "$e" version -f "$e {{.Server.Version}} API {{.Server.APIVersion}}" 2>/dev/null) || line="$e down"
      echo "$line"
    done ;;
  docker) shift; e=$1; shift; edocker "$e" "$@" ;;
  stop-engine)
    # The engine's process only, as `systemctl stop docker` would: Docker's containers go on under
    # --live-restore, Podman's under conmon. start-engine brings the engine back on the same state.
    e=${2:?engine}; pid=$(cat "$(run_of "$e")/engine.pid")
    kill "$pid" 2>/dev/null || true
    deadline=$((SECONDS + 30))
    while kill -0 "$pid" 2>/dev/null; do [ $SECONDS -lt $deadline ] || kill -9 "$pid"; sleep 0.1; done ;;
  start-engine)
    e=${2:?engine}; root=
    [ -n "$(suite_of "$e")" ] && root=$("$here/root.sh" "$(suite_of "$e")")
    start_engine "$e" "$root"
    wait_ready "$e" ;;
  *) sed -n '2,16p' "$0" >&2; exit 2 ;;
esac
