#!/usr/bin/env bash
# Checks the multi-host lab end to end, then leaves it DOWN:
# up; a published port on host a answers from host c, from a container on host b and from the
# root namespace; Redis answers from host b; cut/heal; kill-host/start-host; redis-stop/start;
# up twice; down then up; down. Run as root after tests/lab/setup.sh. Takes about two minutes.
set -euo pipefail
lab=$(cd "$(dirname "$0")" && pwd)/lab.sh
A=10.231.0.11
pass=0
ok()   { pass=$((pass + 1)); printf 'ok   %s\n' "$*"; }
fail() { printf 'FAIL %s\n' "$*" >&2; "$lab" status >&2 || true; exit 1; }
http() { curl -s -m 3 "http://$1/"; }                    # from the root namespace
trap '"$lab" down >/dev/null 2>&1 || true' EXIT

"$lab" up >/dev/null 2>&1 || fail "up"
"$lab" status >/dev/null || fail "status after up"
ok "up"

"$lab" docker a run -d --name web -p 18080:8080 ga-test/busybox httpd -f -p 8080 -h /www >/dev/null
"$lab" docker a run -d --name web2 --restart always -p 18081:8080 ga-test/busybox httpd -f -p 8080 -h /www >/dev/null
for i in $(seq 1 20); do http $A:18080 >/dev/null && break; sleep 0.2; done
[ "$(http $A:18080)" = "hello from ga-test/busybox" ] || fail "root -> a:18080"
ok "root namespace -> $A:18080"
[ "$("$lab" exec c wget -qO- --tries=1 -T 3 http://$A:18080/)" = "hello from ga-test/busybox" ] || fail "c -> a:18080"
ok "host c -> $A:18080"
# busybox wget segfaults (Debian 12 busybox-static), so nc speaks HTTP here.
"$lab" docker b run --rm ga-test/busybox sh -c "printf 'GET / HTTP/1.0\r\n\r\n' | nc -w 3 $A 18080" \
  | grep -q 'hello from ga-test/busybox' || fail "container on b -> a:18080"
ok "container on host b -> $A:18080"
[ "$("$lab" exec b redis-cli -h 10.231.0.1 -p 6390 ping)" = PONG ] || fail "redis from b"
[ "$("$lab" docker c run --rm local/redis:7 redis-cli -h 10.231.0.1 -p 6390 ping)" = PONG ] || fail "redis from container on c"
ok "redis from host b and from a container on host c"
[ "$("$lab" exec a hostname)" = ga-host-a ] && [ "$("$lab" docker b info -f '{{.Name}}')" = ga-host-b ] || fail "hostnames"
[ "$("$lab" docker a info -f '{{.ID}}')" != "$("$lab" docker b info -f '{{.ID}}')" ] || fail "engine ids"
ok "hosts have their own hostname and engine ID"

"$lab" cut a >/dev/null 2>&1
http $A:18080 >/dev/null && fail "a still answers while cut"
"$lab" exec a timeout 3 redis-cli -h 10.231.0.1 -p 6390 ping >/dev/null 2>&1 && fail "a reaches redis while cut"
"$lab" heal a >/dev/null 2>&1
for i in $(seq 1 20); do http $A:18080 >/dev/null && break; sleep 0.2; done
http $A:18080 >/dev/null || fail "a after heal"
ok "cut a / heal a"

"$lab" kill-host a >/dev/null 2>&1
[ -z "$(ip netns pids ga-host-a)" ] || fail "processes left in ga-host-a"
http $A:18080 >/dev/null && fail "a answers after kill-host"
"$lab" docker a ps >/dev/null 2>&1 && fail "a's engine answers after kill-host"
"$lab" start-host a >/dev/null 2>&1 || fail "start-host a"
for i in $(seq 1 30); do http $A:18081 >/dev/null && break; sleep 0.2; done
http $A:18081 >/dev/null || fail "restart=always container after start-host"
[ "$("$lab" docker a inspect -f '{{.State.Running}}' web)" = false ] || fail "web should stay exited"
ok "kill-host a / start-host a (restart=always container back, the other exited)"

"$lab" redis-stop >/dev/null 2>&1
"$lab" exec b redis-cli -h 10.231.0.1 -p 6390 ping >/dev/null 2>&1 && fail "redis answers after redis-stop"
"$lab" redis-start >/dev/null 2>&1
[ "$("$lab" exec b redis-cli -h 10.231.0.1 -p 6390 ping)" = PONG ] || fail "redis after redis-start"
ok "redis-stop / redis-start"

"$lab" up >/dev/null 2>&1 || fail "second up"
[ "$("$lab" docker a ps -aq | wc -l)" = 0 ] || fail "second up kept containers"
ok "up again (fresh lab)"
"$lab" down >/dev/null 2>&1 || fail "down"
"$lab" down >/dev/null 2>&1 || fail "down twice"
! ip netns list | grep -q '^ga-host-' && ! ip link show galab0 >/dev/null 2>&1 \
  && ! iptables -C FORWARD -i galab0 -o galab0 -j ACCEPT 2>/dev/null \
  && ! iptables -C FORWARD -i galab0 -o gaeng-+ -j ACCEPT 2>/dev/null \
  && ! iptables -C FORWARD -i gaeng-+ -o galab0 -j ACCEPT 2>/dev/null \
  && ! iptables -C FORWARD -i gaeng-+ -o gaeng-+ -j ACCEPT 2>/dev/null \
  && ! grep -q ' /run/ga-lab-\| /var/lib/ga-lab-' /proc/self/mountinfo || fail "down left pieces"
ok "down (twice): nothing left"
"$lab" up >/dev/null 2>&1 || fail "up after down"
ok "up after down"
"$lab" down >/dev/null 2>&1
docker info >/dev/null 2>&1 || fail "root engine stopped answering"
ok "root engine still answers"
echo "all $pass checks passed; lab is down"
