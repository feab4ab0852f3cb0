"""Following across hosts, in the multi-host lab (tests/lab/multihost/lab.sh; bench/run.sh brings it up and down).

Hosts a, b and c each run a grand-ambassador process in their namespace (`lab.sh exec`), one cluster through the
lab's Redis with a cluster id of this run. The target, busybox httpd, runs on host a's engine and publishes
18080 -> 8080; a and b only report their containers (no --name), c fronts the target by name, so c's ambassador
dials 10.231.0.11:18080. The client runs in the root namespace and asks c's ambassador at 10.231.0.13:8080.
For each `docker restart` on host a, the time from that engine's `start` event (TimeNano) to the first response
through c: a's agent sees the event, reports it to the name's grain, the grain tells c's follower, c routes.
All engines and the client share this machine's clock.
"""
import contextlib
import fcntl
import os
import re
import subprocess
import time

from . import follow
from .paths import OUT, _remember
from .util import kill_pid, log, run, wait_until

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LAB = os.path.join(REPO, "tests", "lab", "multihost", "lab.sh")
REDIS = "redis://10.231.0.1:6390"
HOSTS = {"a": "10.231.0.11", "b": "10.231.0.12", "c": "10.231.0.13"}
PUBLISHED = 18080
PORT = 8080


def lab(*args, check=True, timeout=180):
    return run(["bash", LAB, *args], check=check, timeout=timeout)


def docker(host):
    """The docker CLI against one lab host's engine, as an argument list."""
    return ["bash", LAB, "docker", host]


@contextlib.contextmanager
def session(wait):
    """The shared lab, freshly up, for the block: holds /tmp/ga-lab.lock (waiting at most `wait` s for it) from
    `lab.sh up` to `lab.sh down`, and only that long. One lab for every helper on this machine."""
    with open("/tmp/ga-lab.lock", "a") as lock:
        log(f"waiting up to {wait:.0f} s for /tmp/ga-lab.lock (the multi-host lab)")
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise RuntimeError("the multi-host lab stayed locked; run its parts again later with --merge")
                time.sleep(1)
        try:
            log("multi-host lab up (tests/lab/multihost/lab.sh up)")
            lab("up", timeout=600)
            yield
        finally:
            log("multi-host lab down")
            lab("down", check=False, timeout=300)
            fcntl.flock(lock, fcntl.LOCK_UN)


def lab_is_up():
    if not os.path.exists(LAB):
        return False
    return subprocess.run(["bash", LAB, "status"], capture_output=True).returncode == 0


class Ambassador:
    """A grand-ambassador process inside one lab host, as the multi-host tests start it."""

    def __init__(self, host, cluster_id, dll, names=(), log_level=None, options=(), label="multihost"):
        self.host, self.cluster_id, self.dll, self.names = host, cluster_id, dll, list(names)
        self.log_level = log_level
        self.options = list(options)  # more options, after the cluster's and the names'
        self.log_path = os.path.join(OUT, f"ambassador-{label}-{host}.log")
        self.process = None

    def start(self):
        args = ["bash", LAB, "exec", self.host, "dotnet", self.dll,
                "--cluster", REDIS, "--cluster-id", self.cluster_id, "--host-id", f"ga-host-{self.host}",
                "--advertise", HOSTS[self.host], "--docker", f"unix:///run/ga-lab-{self.host}/docker.sock"]
        for name in self.names:
            args += ["--name", name, "--port", f"{PORT}"]
        if self.log_level:
            args += ["--log-level", self.log_level]
        args += self.options
        logfile = open(self.log_path, "w")
        # `lab.sh exec` ends in `exec nsenter ... --`, and nsenter without --pid execs too: the pid is dotnet's.
        self.process = subprocess.Popen(args, stdout=logfile, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                        start_new_session=True)
        _remember(self.process.pid)

    def text(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def stop(self):
        if self.process is not None:
            kill_pid(self.process.pid)
            self.process = None


def measure(dll, run_id, restarts, log_level=None):
    """Returns (latencies in ms, missed, detail) for `restarts` restarts of a target on a served through c."""
    if not lab_is_up():
        raise RuntimeError("the multi-host lab is not up: bench/run.sh brings it up (tests/lab/multihost/lab.sh up)")
    cluster_id = f"ga-bench-{run_id}"
    container = f"ga-bench-{run_id}-follow-mh"
    ambassadors = []
    try:
        run([*docker("a"), "rm", "-f", container], check=False)
        run([*docker("a"), "run", "-d", "--name", container, "--expose", f"{PORT}", "-p", f"{PUBLISHED}:{PORT}",
             "ga-test/busybox:latest", "httpd", "-f", "-p", f"{PORT}", "-h", "/www"])
        log(f"target {container} on host a, published {HOSTS['a']}:{PUBLISHED}")
        for host in ("a", "b", "c"):
            ambassador = Ambassador(host, cluster_id, dll, names=[container] if host == "c" else (),
                                    log_level=log_level)
            ambassador.start()
            ambassadors.append(ambassador)
        front = ambassadors[-1]
        needle = f"{container}: {PORT}/tcp -> {HOSTS['a']}:{PUBLISHED}"
        wait_until(lambda: needle in front.text() or front.process.poll() is not None, 90, f"c routing {needle}")
        if front.process.poll() is not None:
            raise RuntimeError(f"c's ambassador exited {front.process.returncode}; see {front.log_path}")
        log(f"c routes {needle}")
        time.sleep(2)  # let the rest of the cluster (b joining, c's subscriptions) settle before counting
        scenario = follow.Scenario("across hosts (a -> c)", docker("a"), container, HOSTS["c"], PORT)
        latencies, missed = follow.measure(scenario, restarts)
        detail = follow.summarize(latencies, missed)
        detail["where the time goes"] = breakdown(ambassadors, container)
        return latencies, missed, detail
    finally:
        for ambassador in ambassadors:
            ambassador.stop()
        run([*docker("a"), "rm", "-f", container], check=False)


_STAMP = re.compile(r"^(\d\d):(\d\d):(\d\d)\.(\d\d\d) ")


def _lines(text):
    """(seconds since midnight UTC, line) of each timestamped log line."""
    out = []
    for line in text.splitlines():
        m = _STAMP.match(line)
        if m:
            h, mi, s, ms = (int(g) for g in m.groups())
            out.append((h * 3600 + mi * 60 + s + ms / 1000, line))
    return out


def breakdown(ambassadors, container):
    """Where the time goes, from the ambassadors' own logs (UTC, ms): per restart, the container's start as c logs
    it ("started HH:MM:SS.fff", the engine's StartedAt) and when c routed to it. With
    GA_BENCH_MULTIHOST_LOG_LEVEL=debug also a's agent report of the start (event 2004) and the name's grain
    sending the new version to its observers (5004, on whichever silo holds the grain), i.e. three legs:
    engine -> agent, agent -> grain, grain -> c's route."""
    lines = {a.host: _lines(a.text()) for a in ambassadors}
    started = re.compile(r"-> " + re.escape(HOSTS["a"]) + r":\d+ \(container .*started (\d\d):(\d\d):(\d\d)\.(\d\d\d)\)")
    routes = []
    for t, line in lines.get("c", []):
        if f"{container}: {PORT}/tcp -> " in line:
            m = started.search(line)
            if m:
                h, mi, s, ms = (int(g) for g in m.groups())
                routes.append((h * 3600 + mi * 60 + s + ms / 1000, t))
    reports = sorted(t for t, line in lines.get("a", []) if "[2004]" in line and container in line and "running True" in line)
    sends = sorted(t for host in lines.values() for t, line in host if "[5004]" in line and container in line)

    def ms(x):
        return round(x * 1000, 1)

    total, legs = [], []
    for start, routed in routes[1:]:  # the first route is the initial one, before the restarts
        total.append(ms(routed - start))
        report = next((r for r in reports if r >= start - 0.0005), None)
        send = next((x for x in sends if report is not None and x >= report), None)
        if report is not None and send is not None and send <= routed + 0.0005:
            legs.append({"engine -> a's agent": ms(report - start), "agent -> grain sent": ms(send - report),
                         "grain sent -> c routed": ms(routed - send)})
    out = {"c routed after the container started (ms)": total}
    if legs:
        out["legs (ms)"] = legs
        for leg in legs[0]:
            values = sorted(x[leg] for x in legs)
            out[f"median {leg} (ms)"] = values[len(values) // 2]
    return out
