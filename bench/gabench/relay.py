"""The host relay (issue 17), in the multi-host lab (tests/lab/multihost; bench.py brings it up and down).

Host a runs the targets, each twice: one container that publishes its port on host a's address (`-p`), one that
publishes nothing. Host c fronts all of them (`--port NAME=LISTEN:TARGET`, so each has a listener of its own), so
each figure is measured through c for three paths, in the same repetitions:
- published: c dials the published port at 10.231.0.11 (--cross-host auto takes it when there is one);
- relay: c reaches the unpublished container through host a's relay (10.231.0.11:11112), cluster TLS on: one
  multiplexed TLS link from c to a;
- relay-plain: a second cluster of two ambassadors without TLS (a with --relay-insecure on 11113, other silo and
  gateway ports), where c dials the relay over plain TCP, one connection per relayed connection (splice).
Both ambassadors of a cluster run as processes in their host (`lab.sh exec HOST dotnet DLL ...`, as the multi-host
tests do), each with its certificate from `grand-ambassador tls ca` / `tls cert`. The client runs in the root
namespace, which reaches every lab host. CPU is that of both hosts' grand-ambassador processes of the path's cluster,
summed (utime + stime from /proc/PID/stat before and after): the published path's relaying is c's alone, the relay's
c's and a's.

Rows: following a restart (docker restart on a -> first answer through c), iperf3 TCP 1 stream, redis-benchmark PING
with 50 clients (CPU per request), new connections (redis-benchmark -k 0: one connection per request) and the p50
time a new connection takes to its first answer (connect, PING, PONG; one client, one connection after another).
"""
import os
import shutil
import socket
import statistics
import time

from . import follow, measures
from .multihost import HOSTS, Ambassador, docker, lab, lab_is_up
from .paths import OUT
from .util import cpu_seconds, log, percentile, run, summary, wait_until

RELAY_PORT = 11112  # --relay-port's default: the TLS cluster's relay on host a
PLAIN = {"relay-port": 11113, "silo-port": 11121, "gateway-port": 30010}  # the plaintext cluster's, beside it

# The targets on host a: (image, command, container port, port published on host a).
TARGETS = {
    "iperf": ("ga-bench/iperf3:latest", ["/usr/bin/iperf3", "-s", "-p", "5201"], 5201, 25201),
    "redis": ("local/redis:7", ["/usr/bin/redis-server", "--protected-mode", "no", "--bind", "0.0.0.0",
                                "--save", "", "--appendonly", "no"], 6379, 26379),
    "web": ("ga-test/busybox:latest", ["httpd", "-f", "-p", "8080", "-h", "/www"], 8080, 28080),
}
# Host c's listeners: published and relay (TLS cluster), relay-plain (the plaintext cluster's c).
LISTEN = {"published": 21000, "relay": 21010, "relay-plain": 21020}
SERVICE_OFFSET = {"iperf": 1, "redis": 2, "web": 3}

PATHS = [("published", "published port"), ("relay", "relay, TLS"), ("relay-plain", "relay, plaintext")]


class Settings:
    def __init__(self, reps, quick):
        self.reps = reps
        self.iperf_seconds = 2
        self.restarts_per_rep = 2 if quick else 3
        self.redis_50 = 10_000 if quick else 20_000
        self.new_connections = 3_000 if quick else 5_000
        self.setup_probes = 200 if quick else 300


class LabPath:
    """One way from the client through host c to host a's targets."""

    def __init__(self, key, name, containers, ambassadors):
        self.key, self.name = key, name
        self.containers = containers  # service -> container name (the fronted name)
        self.ports = {s: LISTEN[key] + SERVICE_OFFSET[s] for s in containers}
        self.ambassadors = ambassadors  # the path's cluster: host a's and host c's processes

    def endpoint(self, service):
        return HOSTS["c"], self.ports[service]

    def cpu(self):
        """Both hosts' grand-ambassador processes, summed (CPU seconds so far)."""
        self.check()
        return sum(cpu_seconds(a.process.pid) for a in self.ambassadors)

    def check(self):
        for a in self.ambassadors:
            if a.process is None or a.process.poll() is not None:
                raise RuntimeError(f"host {a.host}'s grand-ambassador ({self.name}) exited; see {a.log_path}")


def _certificates(dll, directory):
    """The cluster's CA and a certificate for hosts a and c, made as a user makes them: {host: TLS options}."""
    shutil.rmtree(directory, ignore_errors=True)
    ca = os.path.join(directory, "ca")
    run(["dotnet", dll, "tls", "ca", "--out", ca], timeout=120)
    options = {}
    for host in ("a", "c"):
        identity = f"ga-host-{host}"
        out = os.path.join(directory, identity)
        run(["dotnet", dll, "tls", "cert", "--ca", ca, "--host-id", identity, "--ip", HOSTS[host], "--out", out],
            timeout=120)
        options[host] = ["--tls-cert", os.path.join(out, f"{identity}.pem"),
                         "--tls-key", os.path.join(out, f"{identity}-key.pem"), "--tls-ca", os.path.join(out, "ca.pem")]
    return options


def _fronting(path_key, containers):
    """--name and --port options of host c's ambassador for one path's containers."""
    args = []
    for service, container in containers.items():
        args += ["--name", container, "--port",
                 f"{container}={LISTEN[path_key] + SERVICE_OFFSET[service]}:{TARGETS[service][2]}"]
    return args


def _setup_times(host, port, count):
    """ms from connect() to the PONG of a PING on a new connection, one connection after another."""
    times = []
    for _ in range(count):
        start = time.perf_counter()
        try:
            with socket.create_connection((host, port), timeout=5) as s:
                s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                s.sendall(b"PING\r\n")
                answer = s.recv(16)
        except OSError:
            continue
        if answer.startswith(b"+PONG"):
            times.append((time.perf_counter() - start) * 1000)
    return times


def _new_connections(path, count):
    """redis-benchmark -k 0 -c 50: every PING on a new connection; conn/s and CPU µs per connection."""
    rps, _, _, cpu = measures.redis_benchmark(path, 50, count, keepalive=False)
    return {"relay_conns_per_s": rps, "relay_conns_cpu": cpu}


def _redis_50(path, count):
    rps, p50, p99, cpu = measures.redis_benchmark(path, 50, count)
    return {"relay_redis_50_rps": rps, "relay_redis_50_cpu": cpu, "relay_redis_50_p50": p50, "relay_redis_50_p99": p99}


def _problems(ambassadors):
    """The warning and error lines of the ambassadors' logs (the relay's refusals, failed links, ...)."""
    out = {}
    for a in ambassadors:
        try:
            lines = [line for line in a.text().splitlines() if (" warn: " in line or " fail: " in line or " crit: " in line)
                     and "ClusterSecurityNotice" not in line]  # the plaintext cluster says it has no TLS: expected
        except OSError:
            continue
        if lines:
            out[os.path.basename(a.log_path)] = lines[:20] + ([f"... {len(lines) - 20} more"] if len(lines) > 20 else [])
    return out


def measure(dll, run_id, settings, order, log_level=None):
    """Returns results (metric -> path key -> summary) for the relay's rows, and relay_detail."""
    if not lab_is_up():
        raise RuntimeError("the multi-host lab is not up: bench/run.sh brings it up (tests/lab/multihost/lab.sh up)")
    lab("load-images", "ga-bench/iperf3:latest", timeout=300)
    # As run.sh does in the root namespace: thousands of new connections a repetition leave as many in TIME_WAIT in
    # c's namespace (published path: c closes towards a's port first) and a's (the relay's towards the container),
    # each to one destination; without reuse every connect() searched longer for a free port (a quick run: the
    # published path's CPU per new connection went from 0.25 to 2.2 ms in its 5th repetition). The lab's namespaces
    # go with `lab.sh down`.
    for host in ("a", "c"):
        lab("exec", host, "sysctl", "-qw", "net.ipv4.tcp_tw_reuse=1")
    prefix = f"ga-bench-{run_id}-relay"
    containers = {kind: {s: f"{prefix}-{s}-{kind}" for s in TARGETS} for kind in ("pub", "hidden")}
    every = [name for by_service in containers.values() for name in by_service.values()]
    certificates = os.path.join(OUT, f"relay-tls-{run_id}")
    ambassadors = []
    try:
        run([*docker("a"), "rm", "-f", *every], check=False)
        for kind, by_service in containers.items():
            for service, name in by_service.items():
                image, command, port, published = TARGETS[service]
                publish = ["-p", f"{published}:{port}"] if kind == "pub" else []
                run([*docker("a"), "run", "-d", "--name", name, "--expose", f"{port}", *publish, image, *command])
        log(f"targets on host a: {', '.join(every)} (-pub: published on {HOSTS['a']})")

        tls = _certificates(dll, certificates)
        cluster, plain_cluster = f"ga-bench-{run_id}-relay", f"ga-bench-{run_id}-relay-plain"
        a = Ambassador("a", cluster, dll, log_level=log_level, label="relay", options=[*tls["a"], "--http", "off"])
        c = Ambassador("c", cluster, dll, log_level=log_level, label="relay", options=[
            *tls["c"], "--http", "off",
            *_fronting("published", containers["pub"]), *_fronting("relay", containers["hidden"])])
        plain_ports = ["--silo-port", str(PLAIN["silo-port"]), "--gateway-port", str(PLAIN["gateway-port"])]
        a2 = Ambassador("a", plain_cluster, dll, log_level=log_level, label="relay-plain", options=[
            "--relay-insecure", "--relay-port", str(PLAIN["relay-port"]), *plain_ports, "--http", "off"])
        plain_containers = {"iperf": containers["hidden"]["iperf"]}
        c2 = Ambassador("c", plain_cluster, dll, log_level=log_level, label="relay-plain", options=[
            *plain_ports, "--http", "off", *_fronting("relay-plain", plain_containers)])
        for ambassador in (a, c, a2, c2):
            ambassador.start()
            ambassadors.append(ambassador)
        paths = [LabPath("published", "published port", containers["pub"], [a, c]),
                 LabPath("relay", "relay, TLS", containers["hidden"], [a, c]),
                 LabPath("relay-plain", "relay, plaintext", plain_containers, [a2, c2])]
        by_key = {p.key: p for p in paths}

        # Routed as each path should be: the published port, or host a's relay.
        via = {"published": lambda s: f"{HOSTS['a']}:{TARGETS[s][3]}",
               "relay": lambda s: f"relay through host ga-host-a ({HOSTS['a']}:{RELAY_PORT})",
               "relay-plain": lambda s: f"relay through host ga-host-a ({HOSTS['a']}:{PLAIN['relay-port']})"}
        front = {"published": c, "relay": c, "relay-plain": c2}
        routes = []
        for p in paths:
            for service, name in p.containers.items():
                needle = f"{name}: {p.ports[service]}/tcp -> {via[p.key](service)}"
                wait_until(lambda n=needle, f=front[p.key]: n in f.text() or any(
                    x.process.poll() is not None for x in ambassadors), 180, f"c routing {needle}")
                p.check()
                routes.append(needle)
        log("c routes " + "; ".join(routes))
        time.sleep(2)  # let the cluster settle (c's subscriptions) before counting

        # A warm-up through every path: the first connections of a process pay its JIT and the TLS link's set-up.
        for p in paths:
            measures._iperf(*p.endpoint("iperf"), ["-P", "1"], 1)
            if "redis" in p.containers:
                measures.redis_benchmark(p, 50, 2_000)
                _setup_times(*p.endpoint("redis"), 20)

        samples = {p.key: {} for p in paths}
        latencies = {"published": [], "relay": []}
        missed = {"published": 0, "relay": 0}
        two = [by_key["published"], by_key["relay"]]
        rows = [
            ("follow", two, None),
            ("iperf3 TCP", paths, lambda p: measures.iperf_tcp(p, settings.iperf_seconds, (1,), prefix="relay_tcp")),
            ("redis 50", two, lambda p: _redis_50(p, settings.redis_50)),
            ("new conns", two, lambda p: _new_connections(p, settings.new_connections)),
            ("set-up", two, lambda p: {"relay_setup_p50": statistics.median(
                _setup_times(*p.endpoint("redis"), settings.setup_probes) or [float("nan")])}),
        ]
        for rep in range(settings.reps):
            log(f"relay: repetition {rep + 1}/{settings.reps}")
            for label, row_paths, step in rows:
                for p in order.sample(row_paths, len(row_paths)):
                    if step is None:
                        scenario = follow.Scenario(f"relay ({p.key})", docker("a"), p.containers["web"], *p.endpoint("web"))
                        got, lost = follow.measure(scenario, settings.restarts_per_rep)
                        latencies[p.key] += got
                        missed[p.key] += lost
                        p.check()
                        log(f"  follow     {p.name:18} " + " ".join(f"{x:.1f}" for x in got) + f" ms, missed={lost}")
                        continue
                    figures = step(p)
                    p.check()
                    log(f"  {label:10} {p.name:18} " + " ".join(
                        f"{k.removeprefix('relay_')}={v:.4g}" for k, v in figures.items() if v is not None))
                    for k, v in figures.items():
                        samples[p.key].setdefault(k, [None] * rep).append(v)
            for p in paths:
                for v in samples[p.key].values():
                    v.extend([None] * (rep + 1 - len(v)))

        results = {}
        for p in paths:
            for metric, values in samples[p.key].items():
                values = [None if v is None or v != v else v for v in values]  # NaN: nothing answered
                results.setdefault(metric, {})[p.key] = summary(values)
        # What the relay adds to a new connection: per repetition, the relay's p50 less the published path's.
        added = [None if r is None or q is None else r - q
                 for r, q in zip(samples["relay"]["relay_setup_p50"], samples["published"]["relay_setup_p50"])]
        results["relay_setup_added"] = {"relay": summary(added)}
        for key, got in latencies.items():
            results.setdefault("relay_follow_p50", {})[key] = summary(got) if got else None
            results.setdefault("relay_follow_p99", {})[key] = summary([percentile(got, 0.99)]) if got else None
        results["relay_detail"] = {
            "per repetition": (f"{settings.restarts_per_rep} restarts per path, iperf3 {settings.iperf_seconds} s, "
                               f"{settings.redis_50:,} PINGs (50 clients), {settings.new_connections:,} new connections "
                               f"(50 clients), {settings.setup_probes} set-up probes"),
            "restarts per path": settings.reps * settings.restarts_per_rep,
            "restarts not followed within 20 s": missed,
            "following latencies (ms)": latencies,
            "routes": routes,
            "warnings and errors logged": _problems(ambassadors),
        }
        problems = results["relay_detail"]["warnings and errors logged"]
        for log_name, lines in problems.items():
            log(f"relay: {log_name}: {len(lines)} warning/error line(s), first: {lines[0]}")
        return results
    finally:
        for ambassador in ambassadors:
            ambassador.stop()
        run([*docker("a"), "rm", "-f", *every], check=False)
        shutil.rmtree(certificates, ignore_errors=True)
