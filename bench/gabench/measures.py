"""One repetition of each measurement against one path; each returns a dict of metric -> value."""
import json
import re
import time

from .util import log, run


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


def iperf_tcp(path, seconds):
    host, port = path.endpoint("iperf")
    result = {}
    for streams in (1, 8):
        data = _iperf(host, port, ["-P", str(streams)], seconds)
        result[f"tcp_{streams}"] = data["end"]["sum_received"]["bits_per_second"] / 1e9 if data else None
    return result


def iperf_udp(path, seconds):
    """Datagrams per second the server received with the sender unthrottled (-b 0), and the loss."""
    host, port = path.endpoint("iperf")
    result = {}
    for size, label in ((512, "512"), (16384, "16k")):
        data = _iperf(host, port, ["-u", "-b", "0", "-l", str(size)], seconds)
        if not data:
            result[f"udp_{label}_dps"] = result[f"udp_{label}_loss"] = None
            continue
        total = data["end"]["sum"]
        received = total["packets"] - total["lost_packets"]
        result[f"udp_{label}_dps"] = received / total["seconds"]
        result[f"udp_{label}_loss"] = total["lost_percent"]
    return result


def redis_ping(path, requests_1, requests_50):
    """redis-benchmark PING_MBULK with 1 and 50 clients: requests/s and the p50/p99 it reports (ms)."""
    host, port = path.endpoint("redis")
    result = {}
    for clients, requests in ((1, requests_1), (50, requests_50)):
        out = run(["redis-benchmark", "-h", host, "-p", str(port), "-c", str(clients), "-n", str(requests),
                   "-t", "ping_mbulk", "--csv"], timeout=300)
        row = [line for line in out.splitlines() if line.startswith('"PING_MBULK"')][-1]
        cells = [c.strip('"') for c in row.split(",")]
        # "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
        result[f"redis_{clients}_rps"] = float(cells[1])
        result[f"redis_{clients}_p50"] = float(cells[4])
        result[f"redis_{clients}_p99"] = float(cells[6])
    return result


def new_connections(path, seconds):
    """wrk with Connection: close against busybox httpd: every request is a new connection."""
    host, port = path.endpoint("http")
    out = run(["wrk", "-t2", "-c50", f"-d{seconds}s", "-H", "Connection: close", f"http://{host}:{port}/"],
              timeout=seconds + 60)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    error_count = sum(int(g) for g in errors.groups()) if errors else 0
    return {"conns_per_s": rps, "conns_errors": error_count}
