"""One repetition of each measurement against one path; each returns a dict of metric -> value.

Every measurement of a relay also reads the relay's CPU time (utime + stime, /proc/PID/stat) before and after,
and reports it per unit of work: µs per request or connection, s per GB, µs per datagram. CPU time is far
steadier than throughput on a shared machine, and it is what a relay costs its host.
"""
import json
import re
import time

from .util import log, run


class _Cpu:
    """The relay's CPU seconds over a block; None for direct (no relay process)."""

    def __init__(self, path):
        self.path = path

    def __enter__(self):
        self.start = self.path.cpu()
        return self

    def __exit__(self, *exc):
        end = self.path.cpu()
        self.seconds = None if self.start is None or end is None else end - self.start
        return False

    def per(self, units, scale):
        if self.seconds is None or not units:
            return None
        return self.seconds * scale / units


def _iperf(host, port, extra, seconds):
    args = ["iperf3", "-c", host, "-p", str(port), "-t", str(seconds), "-J", *extra]
    for attempt in range(3):
        out = run(args, check=False, timeout=seconds + 30)
        try:
            data = json.loads(out)
        except json.JSONDecodeError:
            data = {"error": out[-300:]}
        if "error" not in data:
            return data
        # "the server is busy running a test": the previous test is still being torn down.
        log(f"iperf3 {host}:{port} {' '.join(extra)}: {data['error']}; retrying")
        time.sleep(1 + attempt)
    return None


def iperf_tcp(path, seconds, streams_list=(1, 8), prefix="tcp"):
    """Gbit/s the server received with 1 and 8 streams, and the relay's CPU seconds per GB relayed."""
    host, port = path.endpoint("iperf")
    result = {}
    for streams in streams_list:
        with _Cpu(path) as cpu:
            data = _iperf(host, port, ["-P", str(streams)], seconds)
        received = data["end"]["sum_received"] if data else None
        result[f"{prefix}_{streams}"] = received["bits_per_second"] / 1e9 if data else None
        result[f"{prefix}_{streams}_cpu"] = cpu.per(received["bytes"] / 1e9, 1) if data else None
    return result


def udp_at(path, rate, seconds, size=512):
    """iperf3 -u at a fixed rate of datagrams/s: (received datagrams/s, loss %, relay CPU µs per datagram)."""
    host, port = path.endpoint("iperf")
    with _Cpu(path) as cpu:
        data = _iperf(host, port, ["-u", "-l", str(size), "-b", str(int(rate * size * 8))], seconds)
    if not data:
        return None, None, None
    total = data["end"]["sum"]
    received = total["packets"] - total["lost_packets"]
    return received / total["seconds"], total["lost_percent"], cpu.per(received, 1e6)


def iperf_udp(path, seconds, rate):
    """512-byte datagrams at a fixed rate (the goal's 50,000/s)."""
    dps, loss, cpu = udp_at(path, rate, seconds)
    return {"udp_fixed_dps": dps, "udp_fixed_loss": loss, "udp_fixed_cpu": cpu}


def udp_max_rate(path, seconds, start=5_000, ceiling=640_000, steps=4, limit=1.0):
    """The highest rate of 512-byte datagrams/s found with < limit % loss: double from `start` until a rate loses
    `limit` % or more, then bisect (geometrically) `steps` times between the last good and the first bad rate."""
    good, bad, rate = None, None, start
    while rate <= ceiling:
        _, loss, _ = udp_at(path, rate, seconds)
        if loss is not None and loss < limit:
            good, rate = rate, rate * 2
        else:
            bad = rate
            break
    if good is None:
        return {"udp_max_dps": 0.0}
    if bad is None:
        return {"udp_max_dps": float(good)}
    for _ in range(steps):
        rate = (good * bad) ** 0.5
        _, loss, _ = udp_at(path, rate, seconds)
        if loss is not None and loss < limit:
            good = rate
        else:
            bad = rate
    return {"udp_max_dps": float(good)}


def redis_benchmark(path, clients, requests, keepalive=True):
    """One redis-benchmark PING_MBULK run: (requests/s, p50 ms, p99 ms, relay CPU µs per request). Without
    keepalive (-k 0) every request is made on a new connection, so requests/s are new connections/s."""
    host, port = path.endpoint("redis")
    with _Cpu(path) as cpu:
        out = run(["redis-benchmark", "-h", host, "-p", str(port), "-c", str(clients), "-n", str(requests),
                   "-t", "ping_mbulk", "--csv", *([] if keepalive else ["-k", "0"])], timeout=300)
    row = [line for line in out.splitlines() if line.startswith('"PING_MBULK"')][-1]
    cells = [c.strip('"') for c in row.split(",")]
    # "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
    return float(cells[1]), float(cells[4]), float(cells[6]), cpu.per(requests, 1e6)


def redis_ping(path, requests_1, requests_50):
    """redis-benchmark PING_MBULK with 1 and 50 clients: requests/s, the p50/p99 it reports (ms), and the
    relay's CPU µs per request."""
    result = {}
    for clients, requests in ((1, requests_1), (50, requests_50)):
        rps, p50, p99, cpu = redis_benchmark(path, clients, requests)
        result[f"redis_{clients}_rps"] = rps
        result[f"redis_{clients}_p50"] = p50
        result[f"redis_{clients}_p99"] = p99
        result[f"redis_{clients}_cpu"] = cpu
    return result


def new_connections(path, seconds):
    """wrk with Connection: close against busybox httpd: every request is a new connection."""
    host, port = path.endpoint("http")
    with _Cpu(path) as cpu:
        out = run(["wrk", "-t2", "-c50", f"-d{seconds}s", "-H", "Connection: close", f"http://{host}:{port}/"],
                  timeout=seconds + 60)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    count = int(re.search(r"(\d+) requests in", out).group(1))
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    error_count = sum(int(g) for g in errors.groups()) if errors else 0
    return {"conns_per_s": rps, "conns_errors": error_count, "conns_cpu": cpu.per(count, 1e6)}
