#!/usr/bin/env bash
# Multi-host test lab: several "Docker hosts" on this one machine, each a network namespace with
# its own dockerd, joined by a bridge, plus a Redis for the Orleans cluster. See README.md.
#   tests/lab/multihost/lab.sh up | down | status
#   tests/lab/multihost/lab.sh exec HOST CMD...     # a command in HOST's network (DOCKER_HOST set)
#   tests/lab/multihost/lab.sh docker HOST ARGS...  # the docker CLI against HOST's engine
#   tests/lab/multihost/lab.sh load-images [IMAGE...]
#   tests/lab/multihost/lab.sh kill-host HOST | start-host HOST | cut HOST | heal HOST
#   tests/lab/multihost/lab.sh stop-engine HOST | restart-engine HOST [SECONDS_DOWN]
#   tests/lab/multihost/lab.sh redis-stop | redis-start
#   tests/lab/multihost/lab.sh ip HOST | ip6 HOST | sock HOST
#   tests/lab/multihost/lab.sh link-engines        # (again) route to the engines lab; `up` does it
# Run as root. The root dockerd (/var/run/docker.sock) is only read from (images); it is never
# stopped, and no iptables chain is ever flushed: the lab adds and removes its own FORWARD rules
# (its bridge; its bridge to and from the engines lab's namespaces, and those among themselves,
# for mixed clusters).
set -euo pipefail
# (With pipefail, `producer | grep -q` fails when grep exits first and the producer gets SIGPIPE:
# pipelines here send grep's output to /dev/null instead.)

BRIDGE=galab0
ENGINE_VETHS=gaeng-+             # root ends of the engines lab's veths (tests/lab/engines/engines.sh)
NET=10.231.0
GATEWAY=$NET.1
# IPv6 beside IPv4 on the same bridge (a cluster advertised over IPv6): HOST's is NET6 + the last
# byte of its IPv4 address (fd31:231::11 for 10.231.0.11). Unique local, never routed off the machine.
NET6=fd31:231:
GATEWAY6=$NET6:1
REDIS_PORT=${GA_LAB_REDIS_PORT:-6390}
REDIS_PIDFILE=/run/ga-lab-redis.pid
REDIS_LOG=/var/log/ga-lab-redis.log
REDIS_DIR=/var/lib/ga-lab-redis
STATE=/run/ga-lab.hosts          # "NAME ADDRESS" per line, written by `up`
LOCK=/run/ga-lab.lock
DEFAULT_IMAGES=(ga-test/busybox:latest ga-test/socat:latest ga-test/haproxy-pp:latest local/redis:7 redis:7 redis:latest
                grand-ambassador:latest)
READY_TIMEOUT=${GA_LAB_READY_TIMEOUT:-60}

log() { printf 'lab: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# --- names and paths of one host --------------------------------------------------------------
ns_of()      { echo "ga-host-$1"; }
veth_of()    { echo "galab-$1"; }              # root-side end; the host side is eth0
run_of()     { echo "/run/ga-lab-$1"; }
data_of()    { echo "/var/lib/ga-lab-$1"; }
sock_of()    { echo "/run/ga-lab-$1/docker.sock"; }
uts_of()     { echo "/run/ga-lab-$1/uts"; }     # its UTS namespace: hostname ga-host-HOST
pidfile_of() { echo "/run/ga-lab-$1/docker.pid"; }
log_of()     { echo "/var/log/ga-lab-$1-dockerd.log"; }
hdocker()    { local h=$1; shift; docker -H "unix://$(sock_of "$h")" "$@"; }

# Hosts of the running lab (from the state file), else of GA_LAB_HOSTS.
hosts() {
  if [ -s "$STATE" ]; then awk '{print $1}' "$STATE"; else printf '%s\n' ${GA_LAB_HOSTS:-a b c}; fi
}
# ADDRESS of HOST: from the state file, else by position in GA_LAB_HOSTS (.11, .12, ...).
addr_of() {
  local h=$1 i=11 x
  if [ -s "$STATE" ]; then
    x=$(awk -v h="$h" '$1 == h {print $2}' "$STATE"); [ -n "$x" ] && { echo "$x"; return; }
  fi
  for x in ${GA_LAB_HOSTS:-a b c}; do [ "$x" = "$h" ] && { echo "$NET.$i"; return; }; i=$((i + 1)); done
  return 1
}
addr6_of() { local a; a=$(addr_of "$1") || return 1; echo "$NET6:${a##*.}"; }
known_host() {
  hosts | grep -xF -- "$1" >/dev/null || die "unknown host '$1' (hosts: $(hosts | tr '\n' ' '))"
}
# Every host any earlier run may have left pieces of, whatever GA_LAB_HOSTS says now.
leftover_hosts() {
  {
    hosts
    ip netns list 2>/dev/null | awk '{print $1}' | sed -n 's/^ga-host-//p'
    ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | sed -n 's/@.*//; s/^galab-//p'
    local d
    for d in /run/ga-lab-*/ /var/lib/ga-lab-*/; do
      [ -d "$d" ] && basename "$d" | sed 's/^ga-lab-//'
    done
  } | sort -u
}

# --- processes ----------------------------------------------------------------------------------
# without_inherited_fds CMD...: runs CMD with only stdin, stdout and stderr open. The daemons the
# lab starts outlive this script: an inherited descriptor would keep whatever it refers to open
# for as long as they run, e.g. the lock of a `flock /tmp/ga-lab.lock lab.sh up` (held forever).
without_inherited_fds() {
  local fd
  for fd in $(ls /proc/$BASHPID/fd); do
    [ "$fd" -gt 2 ] && eval "exec $fd>&-" 2>/dev/null
  done
  exec "$@"
}
# descendants PID...: the given pids and all their descendants.
descendants() {
  ps -e -o pid= -o ppid= | awk -v roots="$*" '
    { kids[$2] = kids[$2] " " $1 }
    END {
      n = split(roots, q, " "); for (i = 1; i <= n; i++) seen[q[i]] = 1
      while (n > 0) {
        p = q[n--]; print p
        m = split(kids[p], k, " ")
        for (j = 1; j <= m; j++) if (!(k[j] in seen)) { seen[k[j]] = 1; q[++n] = k[j] }
      }
    }'
}
# kill_host_processes HOST: SIGKILL every process in HOST's namespace and everything they started
# (containers live in namespaces of their own, below containerd-shim, so `ip netns pids` misses them).
kill_host_processes() {
  local ns; ns=$(ns_of "$1")
  [ -e "/run/netns/$ns" ] || return 0
  local round pids
  for round in $(seq 1 50); do
    pids=$(ip netns pids "$ns" 2>/dev/null | tr '\n' ' ')
    [ -n "${pids// /}" ] || return 0
    # shellcheck disable=SC2046
    kill -KILL $(descendants $pids) 2>/dev/null || true
    sleep 0.1
  done
  log "warning: processes still in $ns: $(ip netns pids "$ns" | tr '\n' ' ')"
}
# alive PID: the process exists and is not a zombie. Killed daemons are orphans of pid 1, which
# on this machine reaps them only after a while: until then they linger as zombies.
alive() {
  local stat; stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }; [ "${stat%% *}" != Z ]
}
# dockerd_pid HOST: the pid of HOST's live dockerd (the one its pidfile names), else fails.
dockerd_pid() {
  local f; f=$(pidfile_of "$1")
  [ -s "$f" ] || return 1
  local pid; pid=$(cat "$f")
  alive "$pid" && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -F -- "--pidfile $f " >/dev/null || return 1
  echo "$pid"
}
engine_answers() { timeout 10 docker -H "unix://$(sock_of "$1")" version >/dev/null 2>&1; }

# --- network ------------------------------------------------------------------------------------
bridge_up() {
  ip link show "$BRIDGE" >/dev/null 2>&1 || ip link add "$BRIDGE" type bridge
  ip addr replace "$GATEWAY/24" dev "$BRIDGE"
  ip -6 addr replace "$GATEWAY6/64" dev "$BRIDGE" nodad   # nodad: usable at once, for Redis's bind
  ip link set "$BRIDGE" up
  # The root dockerd sets FORWARD's policy to DROP, and br_netfilter puts bridged frames through
  # FORWARD: without the first rule the hosts cannot talk to each other; without the other two,
  # nothing is routed between them and the engines lab's namespaces (mixed clusters).
  # Routing itself needs net.ipv4.ip_forward, which the root dockerd has already set to 1.
  [ "$(cat /proc/sys/net/ipv4/ip_forward)" = 1 ] || sysctl -qw net.ipv4.ip_forward=1
  local rule
  while read -r rule; do
    # shellcheck disable=SC2086
    iptables -C FORWARD $rule -j ACCEPT 2>/dev/null || iptables -I FORWARD $rule -j ACCEPT
  done < <(forward_rules)
}
bridge_down() {
  local rule
  while read -r rule; do
    # shellcheck disable=SC2086
    while iptables -C FORWARD $rule -j ACCEPT 2>/dev/null; do iptables -D FORWARD $rule -j ACCEPT; done
  done < <(forward_rules)
  ip link del "$BRIDGE" 2>/dev/null || true
}
# The FORWARD rules of the lab (without "-j ACCEPT"): between its hosts on the bridge; between
# them and the engines lab (tests/lab/engines: one namespace per engine, 10.232.N.2, reached over
# veths named gaeng-ENGINE with 10.232.N.1 on the root end); and between two engines' namespaces
# (the silos of a mixed cluster's hosts talk to each other). Matched by the veths' name pattern,
# so they hold whichever engines are up, and whether the engines came up before or after the lab.
forward_rules() {
  printf '%s\n' "-i $BRIDGE -o $BRIDGE" "-i $BRIDGE -o $ENGINE_VETHS" "-i $ENGINE_VETHS -o $BRIDGE" \
    "-i $ENGINE_VETHS -o $ENGINE_VETHS"
}
forward_rules_present() {
  local rule
  while read -r rule; do
    # shellcheck disable=SC2086
    iptables -C FORWARD $rule -j ACCEPT 2>/dev/null || return 1
  done < <(forward_rules)
}
host_net_up() {
  local h=$1 addr=$2 ns veth
  ns=$(ns_of "$h"); veth=$(veth_of "$h")
  ip netns add "$ns"
  ip link add "$veth" type veth peer name eth0 netns "$ns"
  ip link set "$veth" master "$BRIDGE" up
  ip -n "$ns" addr add "$addr/24" dev eth0
  ip -n "$ns" -6 addr add "$NET6:${addr##*.}/64" dev eth0 nodad
  ip -n "$ns" link set lo up
  ip -n "$ns" link set eth0 up
  ip -n "$ns" route add default via "$GATEWAY"
  # A hostname of its own, so that the engine's Name and a program's machine name (the
  # ambassador's default host id) differ between hosts as they would on real machines.
  mkdir -p "$(run_of "$h")"; touch "$(uts_of "$h")"
  unshare --uts="$(uts_of "$h")" hostname "$ns"
}

# --- dockerd per host ---------------------------------------------------------------------------
dockerd_start() {
  local h=$1 ns run data logfile
  ns=$(ns_of "$h"); run=$(run_of "$h"); data=$(data_of "$h"); logfile=$(log_of "$h")
  [ -e "/run/netns/$ns" ] || die "no namespace $ns: run 'up' first"
  if dockerd_pid "$h" >/dev/null; then log "$h: dockerd already runs"; return 0; fi
  # Pidfiles of a killed dockerd and containerd: both daemons refuse to start, or wait forever,
  # while the pid they name exists, and a killed one lingers as a zombie for a while.
  local f
  for f in "$(pidfile_of "$h")" "$run/exec/containerd/containerd.pid"; do
    [ -s "$f" ] && ! alive "$(cat "$f")" && rm -f "$f"
  done
  rm -f "$(sock_of "$h")"
  mkdir -p "$run/exec" "$data"
  # The key path has no command-line flag in 20.10, only this configuration key.
  printf '{ "deprecated-key-path": "%s" }\n' "$data/key.json" >"$run/daemon.json"
  # nsenter --net only (not `ip netns exec`, which remounts /sys and breaks the cgroup checks).
  # --live-restore: containers run on while the engine is stopped or restarted (stop-engine,
  # restart-engine), as production engines are often configured.
  # Its own key (else all engines share /etc/docker/key.json and report the same ID).
  # Its own containerd namespace too, in case it ever shares a system containerd with the root
  # dockerd (20.10 uses /run/containerd/containerd.sock when one runs there).
  ( without_inherited_fds nsenter --net="/run/netns/$ns" --uts="$(uts_of "$h")" setsid nohup dockerd \
    --data-root "$data" \
    --exec-root "$run/exec" \
    --pidfile "$(pidfile_of "$h")" \
    --config-file "$run/daemon.json" \
    -H "unix://$(sock_of "$h")" \
    --containerd-namespace "ga-lab-$h" \
    --containerd-plugins-namespace "ga-lab-$h-plugins" \
    --live-restore \
    >>"$logfile" 2>&1 </dev/null ) &
  echo $! >"$run/launched.pid"                # dockerd's pid before it writes its pidfile
}
dockerd_wait() {
  local h=$1 deadline=$((SECONDS + READY_TIMEOUT))
  local launched; launched=$(cat "$(run_of "$h")/launched.pid" 2>/dev/null || echo 0)
  until engine_answers "$h" && hdocker "$h" info >/dev/null 2>&1; do
    if ! alive "$launched"; then
      tail -n 20 "$(log_of "$h")" >&2 || true
      die "$h: dockerd exited (log: $(log_of "$h"))"
    fi
    if [ $SECONDS -ge "$deadline" ]; then
      tail -n 20 "$(log_of "$h")" >&2 || true
      die "$h: dockerd not ready after $READY_TIMEOUT s (log: $(log_of "$h"))"
    fi
    sleep 0.3
  done
  log "$h: engine up at $(sock_of "$h")"
}

# unmount_under DIR: every mount at or below DIR, deepest first (overlay, shm, netns files).
unmount_under() {
  local dir=$1 m
  awk '{print $5}' /proc/self/mountinfo | { grep -E "^${dir}(/|$)" || true; } | sort -r \
    | while read -r m; do umount -l "$m" 2>/dev/null || true; done
}

# host_down HOST: stop its containers and engine (gracefully when it answers), kill whatever is
# left, and remove its namespace, veth, mounts, cgroups and directories.
host_down() {
  local h=$1 ns run data ids=() pid
  ns=$(ns_of "$h"); run=$(run_of "$h"); data=$(data_of "$h")
  [ -d "$data/containers" ] && mapfile -t ids < <(ls "$data/containers")
  if engine_answers "$h"; then
    local running; running=$(hdocker "$h" ps -aq 2>/dev/null || true)
    # shellcheck disable=SC2086
    [ -z "$running" ] || timeout 30 docker -H "unix://$(sock_of "$h")" rm -f $running >/dev/null 2>&1 || true
  fi
  if pid=$(dockerd_pid "$h"); then
    kill -TERM "$pid" 2>/dev/null || true
    local i; for i in $(seq 1 50); do alive "$pid" || break; sleep 0.2; done
  fi
  kill_host_processes "$h"
  unmount_under "$run"
  unmount_under "$data"
  # Cgroups of containers that were killed rather than stopped stay behind (cgroupfs driver).
  local id d
  for id in "${ids[@]}"; do
    for d in /sys/fs/cgroup/*/docker/"$id"; do [ -d "$d" ] && rmdir "$d" 2>/dev/null || true; done
  done
  ip netns del "$ns" 2>/dev/null || true
  ip link del "$(veth_of "$h")" 2>/dev/null || true
  rm -rf --one-file-system "$run" "$data"
}

# --- redis --------------------------------------------------------------------------------------
redis_ping() { timeout 5 redis-cli -h "$GATEWAY" -p "$REDIS_PORT" ping 2>/dev/null | grep PONG >/dev/null; }
redis_start() {
  if redis_ping; then log "redis already answers at $GATEWAY:$REDIS_PORT"; return 0; fi
  ip addr show dev "$BRIDGE" 2>/dev/null | grep "inet $GATEWAY/" >/dev/null || die "no $BRIDGE: run 'up' first"
  rm -f "$REDIS_PIDFILE"
  # Redis 7 refuses non-loopback clients in protected mode even with --bind; it listens on the
  # lab bridge only, which nothing outside this machine reaches.
  # Persistent, like a production Redis: a crash (redis-stop) loses no membership rows.
  mkdir -p "$REDIS_DIR"
  ( without_inherited_fds redis-server --port "$REDIS_PORT" --bind "$GATEWAY $GATEWAY6" --protected-mode no --save '' \
    --dir "$REDIS_DIR" --appendonly yes --appendfsync always \
    --daemonize yes --pidfile "$REDIS_PIDFILE" --logfile "$REDIS_LOG" )
  local deadline=$((SECONDS + 10))
  until redis_ping; do
    [ $SECONDS -lt $deadline ] || { tail -n 20 "$REDIS_LOG" >&2 || true; die "redis not answering at $GATEWAY:$REDIS_PORT"; }
    sleep 0.1
  done
  log "redis up at $GATEWAY:$REDIS_PORT"
}
redis_stop() {
  local pids=() pid
  if [ -s "$REDIS_PIDFILE" ]; then
    pid=$(cat "$REDIS_PIDFILE")
    alive "$pid" && [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == redis-server* ]] && pids+=("$pid")
  fi
  # Also whatever redis-server listens on the lab's port (a run whose pidfile was lost).
  while read -r pid; do
    [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == redis-server* ]] && pids+=("$pid")
  done < <(ss -Hltnp "sport = :$REDIS_PORT" 2>/dev/null | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -u)
  if [ ${#pids[@]} -gt 0 ]; then
    kill -KILL "${pids[@]}" 2>/dev/null || true
    local i p left
    for i in $(seq 1 50); do
      left=0; for p in "${pids[@]}"; do alive "$p" && left=1; done
      [ $left = 1 ] || break; sleep 0.1
    done
    log "redis stopped"
  fi
  rm -f "$REDIS_PIDFILE"
}

# --- images -------------------------------------------------------------------------------------
# load_images HOST IMAGE...: copy each image from the root engine unless HOST has its id already
# (then only the tag is added).
load_images() {
  local h=$1; shift
  local img id missing=()
  for img in "$@"; do
    id=$(docker image inspect -f '{{.Id}}' "$img" 2>/dev/null) || { log "$h: $img not in the root engine, skipped"; continue; }
    if hdocker "$h" image inspect "$id" >/dev/null 2>&1; then
      [ "$(hdocker "$h" image inspect -f '{{.Id}}' "$img" 2>/dev/null)" = "$id" ] || hdocker "$h" tag "$id" "$img"
    else
      missing+=("$img")
    fi
  done
  [ ${#missing[@]} -gt 0 ] || { log "$h: images current"; return 0; }
  docker save "${missing[@]}" | hdocker "$h" load -q >/dev/null
  log "$h: loaded ${missing[*]}"
}
load_images_all() {
  local imgs=("$@") h
  [ ${#imgs[@]} -gt 0 ] || imgs=("${DEFAULT_IMAGES[@]}")
  docker info >/dev/null 2>&1 || die "the root engine (/var/run/docker.sock) does not answer: run tests/lab/setup.sh"
  if printf '%s\n' "${imgs[@]}" | grep -x 'grand-ambassador:latest' >/dev/null \
     && ! docker image inspect grand-ambassador:latest >/dev/null 2>&1; then
    log "note: no grand-ambassador:latest in the root engine (build it with tests/lab/build-ambassador-image.sh), skipped"
    mapfile -t imgs < <(printf '%s\n' "${imgs[@]}" | grep -vx 'grand-ambassador:latest')
  fi
  local pids=() rc=0
  for h in $(hosts); do load_images "$h" "${imgs[@]}" & pids+=($!); done
  for h in "${pids[@]}"; do wait "$h" || rc=1; done
  [ $rc -eq 0 ] || die "loading images failed"
}

# --- commands -----------------------------------------------------------------------------------
cmd_down() {
  local h
  for h in $(leftover_hosts); do host_down "$h"; done
  redis_stop
  rm -rf "$REDIS_DIR"
  bridge_down
  rm -f "$STATE"
  log "down"
}

cmd_up() {
  for c in ip nsenter iptables dockerd redis-server redis-cli ss; do
    command -v "$c" >/dev/null || die "$c missing: run tests/lab/setup.sh"
  done
  docker info >/dev/null 2>&1 || die "the root engine (/var/run/docker.sock) does not answer: run tests/lab/setup.sh"
  local names=(${GA_LAB_HOSTS:-a b c}) h i=11
  [ ${#names[@]} -ge 1 ] && [ ${#names[@]} -le 200 ] || die "GA_LAB_HOSTS: 1 to 200 names"
  for h in "${names[@]}"; do
    [[ "$h" =~ ^[a-z0-9]{1,9}$ ]] || die "host name '$h': 1 to 9 of [a-z0-9]"
  done
  [ "$(printf '%s\n' "${names[@]}" | sort -u | wc -l)" = ${#names[@]} ] || die "GA_LAB_HOSTS has duplicates"

  cmd_down                            # whatever an earlier (maybe killed) run left
  bridge_up
  : >"$STATE.tmp"
  for h in "${names[@]}"; do echo "$h $NET.$i" >>"$STATE.tmp"; i=$((i + 1)); done
  mv "$STATE.tmp" "$STATE"
  for h in "${names[@]}"; do host_net_up "$h" "$(addr_of "$h")"; done
  redis_start
  for h in "${names[@]}"; do : >"$(log_of "$h")"; dockerd_start "$h"; done
  for h in "${names[@]}"; do dockerd_wait "$h"; done
  load_images_all
  cmd_status
}

cmd_status() {
  local h ok=0 state
  if ip link show "$BRIDGE" >/dev/null 2>&1; then
    printf '%-8s %s/24 %s\n' "$BRIDGE" "$GATEWAY" \
      "$(forward_rules_present && echo 'forward-rules' || { ok=1; echo 'NO-FORWARD-RULES'; })"
  else
    echo "$BRIDGE   absent"; ok=1
  fi
  if redis_ping; then echo "redis    $GATEWAY:$REDIS_PORT up"; else echo "redis    $GATEWAY:$REDIS_PORT DOWN"; ok=1; fi
  for h in $(hosts); do
    local ns link engine containers=''
    ns=$(ns_of "$h")
    if [ ! -e "/run/netns/$ns" ]; then printf '%-8s %-12s absent\n' "$h" "$(addr_of "$h" || echo '?')"; ok=1; continue; fi
    state=$(ip -o link show "$(veth_of "$h")" 2>/dev/null | grep '[<,]UP[,>]' >/dev/null && echo linked || echo CUT)
    [ "$state" = linked ] || ok=1
    if engine_answers "$h"; then
      engine="engine=up"
      containers="containers=$(hdocker "$h" ps -q | wc -l)/$(hdocker "$h" ps -aq | wc -l) images=$(hdocker "$h" images -q | sort -u | wc -l)"
    elif dockerd_pid "$h" >/dev/null; then engine="engine=STARTING"; ok=1
    else engine="engine=DOWN"; ok=1
    fi
    printf '%-8s %-12s %-6s %s %s sock=%s\n' "$h" "$(addr_of "$h")" "$state" "$engine" "$containers" "$(sock_of "$h")"
  done
  return $ok
}

cmd_kill_host() {
  local h=$1; known_host "$h"
  kill_host_processes "$h"
  rm -f "$(sock_of "$h")"
  log "$h: killed (namespace and network kept; 'start-host $h' brings the engine back)"
}

cmd_start_host() {
  local h=$1; known_host "$h"
  dockerd_start "$h"
  dockerd_wait "$h"
}

# stop-engine HOST: SIGTERM to the host's dockerd, as `systemctl stop docker` does; with
# --live-restore its containers (and their shims and published ports) run on.
cmd_stop_engine() {
  local h=$1 pid; known_host "$h"
  pid=$(dockerd_pid "$h") || die "$h: no engine runs"
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -F -- '--live-restore' >/dev/null \
    || die "$h: its engine runs without --live-restore (a lab from before it): run 'up' again"
  kill -TERM "$pid"
  local i; for i in $(seq 1 150); do alive "$pid" || break; sleep 0.2; done
  alive "$pid" && die "$h: dockerd $pid still runs 30 s after SIGTERM"
  log "$h: engine stopped (live-restore: its containers run on)"
}

# restart-engine HOST [SECONDS]: stop-engine, SECONDS (default 0) with no engine, start it again.
cmd_restart_engine() {
  local h=$1 down=${2:-0}
  [[ "$down" =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "restart-engine: SECONDS must be a number, not '$down'"
  cmd_stop_engine "$h"
  sleep "$down"
  dockerd_start "$h"
  dockerd_wait "$h"
}

cmd_cut()  { known_host "$1"; ip link set "$(veth_of "$1")" down; log "$1: cut off"; }
cmd_heal() { known_host "$1"; ip link set "$(veth_of "$1")" up; log "$1: linked"; }

cmd_exec() {
  local h=$1; shift; known_host "$h"
  [ $# -gt 0 ] || die "usage: exec HOST CMD..."
  [ -e "/run/netns/$(ns_of "$h")" ] || die "no namespace $(ns_of "$h"): run 'up' first"
  DOCKER_HOST="unix://$(sock_of "$h")" exec nsenter --net="/run/netns/$(ns_of "$h")" --uts="$(uts_of "$h")" -- "$@"
}

usage() {
  sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

[ $# -ge 1 ] || usage
[ "$(id -u)" = 0 ] || die "run as root"
cmd=$1; shift
need_host() { [ $# -ge 1 ] || die "usage: $cmd HOST"; }
case "$cmd" in
  up|down|kill-host|start-host|stop-engine|restart-engine|cut|heal|redis-stop|redis-start|load-images|link-engines)
    exec 9>"$LOCK"                    # one changing command at a time
    flock -w 300 9 || die "another lab.sh holds $LOCK for 5 minutes" ;;
esac
case "$cmd" in
  up)          cmd_up ;;
  down)        cmd_down ;;
  status)      cmd_status ;;
  exec)        need_host "$@"; cmd_exec "$@" ;;
  docker)      need_host "$@"; h=$1; shift; known_host "$h"; exec docker -H "unix://$(sock_of "$h")" "$@" ;;
  load-images) load_images_all "$@" ;;
  kill-host)   need_host "$@"; cmd_kill_host "$1" ;;
  start-host)  need_host "$@"; cmd_start_host "$1" ;;
  stop-engine) need_host "$@"; cmd_stop_engine "$1" ;;
  restart-engine) need_host "$@"; cmd_restart_engine "$@" ;;
  cut)         need_host "$@"; cmd_cut "$1" ;;
  heal)        need_host "$@"; cmd_heal "$1" ;;
  redis-stop)  redis_stop ;;
  redis-start) redis_start ;;
  ip)          need_host "$@"; known_host "$1"; addr_of "$1" ;;
  ip6)         need_host "$@"; known_host "$1"; addr6_of "$1" ;;
  link-engines) ip link show "$BRIDGE" >/dev/null 2>&1 || die "no $BRIDGE: run 'up' first"
               bridge_up; log "routing between $BRIDGE and the engines lab ($ENGINE_VETHS)" ;;
  sock)        need_host "$@"; known_host "$1"; sock_of "$1" ;;
  -h|--help|help) usage ;;
  *)           usage ;;
esac
