"""Following: from a target's `start` event to the first request served through the ambassador.

A client keeps connecting and requesting through the ambassador every ~1 ms; each `docker restart` yields a
`start` event whose TimeNano is compared with the first response received after it. The ambassador holds
connections while no target is up, so a request made during the restart counts when it is finally served.

A Scenario says which engine to restart the target on (its docker command, e.g. `lab.sh docker a`) and where
the client reaches the ambassador. Across hosts (gabench/multihost.py) the client stays in the root namespace,
which reaches every lab host's address; the engines' event times and the client share this machine's clock.
"""
import socket
import subprocess
import threading
import time

from .util import log, percentile


class Scenario:
    """Where the target runs and how the client reaches it through the ambassador."""

    def __init__(self, name, docker, container, client_host, client_port, client_prefix=()):
        self.name = name
        self.docker = list(docker)
        self.container = container
        self.client_host, self.client_port = client_host, client_port
        self.client_prefix = list(client_prefix)  # a client inside a namespace: not supported (not needed so far)


class _Client(threading.Thread):
    """Requests forever; records when each successful response arrived (time.time_ns, the engine's clock)."""

    def __init__(self, host, port):
        super().__init__(daemon=True)
        self.host, self.port = host, port
        self.successes = []
        self.stopping = False
        self.lock = threading.Lock()

    def run(self):
        request = b"GET / HTTP/1.0\r\n\r\n"
        while not self.stopping:
            try:
                with socket.create_connection((self.host, self.port), timeout=10) as s:
                    s.sendall(request)
                    if s.recv(16).startswith(b"HTTP/"):
                        done = time.time_ns()
                        with self.lock:
                            self.successes.append(done)
            except OSError:
                pass
            time.sleep(0.001)

    def first_after(self, t_ns):
        with self.lock:
            return next((s for s in self.successes if s >= t_ns), None)


def measure(scenario, restarts, timeout=20.0):
    """Returns the latencies (ms) of each restart, and how many restarts were never served in time."""
    if scenario.client_prefix:
        raise NotImplementedError("the client runs in this namespace; reach other hosts by their lab address")
    events = subprocess.Popen([*scenario.docker, "events", "--format", "{{.TimeNano}}", "--filter", "event=start",
                               "--filter", f"container={scenario.container}"],
                              stdout=subprocess.PIPE, text=True)
    starts = []
    reader = threading.Thread(target=lambda: [starts.append(int(line)) for line in events.stdout], daemon=True)
    reader.start()
    client = _Client(scenario.client_host, scenario.client_port)
    client.start()
    latencies, missed = [], 0
    try:
        # The first request proves the ambassador serves before we start counting.
        deadline = time.monotonic() + timeout
        while not client.first_after(0) and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.5)  # let `docker events` subscribe
        for i in range(restarts):
            seen = len(starts)
            subprocess.run([*scenario.docker, "restart", "-t", "0", scenario.container], check=True,
                           capture_output=True)
            deadline = time.monotonic() + timeout
            while len(starts) <= seen and time.monotonic() < deadline:
                time.sleep(0.001)
            if len(starts) <= seen:
                missed += 1
                continue
            started = starts[seen]
            served = None
            while served is None and time.monotonic() < deadline:
                served = client.first_after(started)
                time.sleep(0.001)
            if served is None:
                missed += 1
                log(f"follow: restart {i + 1} not served within {timeout:.0f} s")
                continue
            latencies.append((served - started) / 1e6)
            time.sleep(0.2)
    finally:
        client.stopping = True
        events.terminate()
        events.wait()
    return latencies, missed


def summarize(latencies, missed):
    if not latencies:
        return {"follow_p50": None, "follow_p99": None, "follow_missed": missed}
    return {"follow_p50": percentile(latencies, 0.50), "follow_p99": percentile(latencies, 0.99),
            "follow_max": max(latencies), "follow_missed": missed, "follow_samples": latencies}
