#!/usr/bin/env python3
"""Where a relayed message's system calls go, for grand-ambassador and each peer, counted rather than timed (noise
cannot move a count): strace -c -f on the relay while redis-benchmark sends 2N PINGs over one connection
(-t ping sends N inline and N bulk PINGs: 2N requests, 4N relayed messages), per relayed message, side by side. Issue 23's breakdown before choosing a change.

  bench/syscalls.py [N] [BINARY]      default N 20000, BINARY bench/out/publish/grand-ambassador
  (as root, after bench/run.sh has set up once; GA_BENCH_SID_ROOT for HAProxy 3.2 and nginx 1.30)"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gabench import paths as pathlib, strace, targets  # noqa: E402
from gabench.util import cpu_seconds, log  # noqa: E402

requests = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
binary = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "out", "publish", "grand-ambassador")
os.makedirs(pathlib.OUT, exist_ok=True)
redis = targets.SERVICES["redis"]
services = [redis]
targets.remove_leftovers()
targets.start(services, f"sys{os.getpid()}")
paths = pathlib.relays(services, binary, offset=500)


def count(path):
    """strace -c -f over every process of the relay during the benchmark; per relayed message."""
    host, port = path.endpoint("redis")
    calls, _ = strace.counted(path, os.path.join(pathlib.OUT, f"strace-{path.key}.txt"), lambda: subprocess.run(
        ["redis-benchmark", "-h", host, "-p", str(port), "-t", "ping", "-n", str(requests), "-c", "1", "-q"],
        check=True, capture_output=True))
    return calls


def switches(pids):
    """Context switches so far, voluntary and not, summed over every thread of the relay's processes."""
    total = 0
    for pid in pids:
        for task in os.listdir(f"/proc/{pid}/task"):
            try:
                with open(f"/proc/{pid}/task/{task}/status") as f:
                    total += sum(int(line.split()[1]) for line in f if "ctxt_switches" in line)
            except OSError:
                pass
    return total


def untraced(path):
    """Context switches and CPU per relayed message over the same benchmark without strace (which adds switches)."""
    pids = [path.process.pid] + pathlib.children(path.process.pid)
    before_switches, before_cpu = switches(pids), sum(cpu_seconds(p) for p in pids)
    host, port = path.endpoint("redis")
    subprocess.run(["redis-benchmark", "-h", host, "-p", str(port), "-t", "ping", "-n", str(requests), "-c", "1", "-q"],
                   check=True, capture_output=True)
    return switches(pids) - before_switches, sum(cpu_seconds(p) for p in pids) - before_cpu


results, plain = {}, {}
try:
    for path in paths:
        path.start()
        try:
            # Warm up (JIT, connection set-up) outside the count.
            host, port = path.endpoint("redis")
            subprocess.run(["redis-benchmark", "-h", host, "-p", str(port), "-t", "ping", "-n", "2000", "-c", "1", "-q"],
                           check=True, capture_output=True)
            plain[path.name] = untraced(path)
            results[path.name] = count(path)
            log(f"{path.name}: counted")
        finally:
            path.stop()
finally:
    targets.stop(services)

messages = 4 * requests  # PING_INLINE and PING_MBULK, N each; a request and its reply each relayed once
names = list(results)
interesting = sorted({c for r in results.values() for c, (n, _) in r.items() if n / messages >= 0.01},
                     key=lambda c: -max(r.get(c, (0, 0))[0] for r in results.values()))
print(f"System calls per relayed message: `bench/syscalls.py {requests}` (redis-benchmark -t ping -n {requests:,} -c 1: {2 * requests:,} PINGs over one connection, "
      f"{messages:,} relayed messages; strace -c -f on every process of the relay; calls of at least 0.01 per message)\n")
print("| system call | " + " | ".join(names) + " |")
print("|---|" + "---|" * len(names))
for call in interesting:
    cells = []
    for name in names:
        n, errors = results[name].get(call, (0, 0))
        cells.append(f"{n / messages:.2f}" + (f" ({errors / messages:.2f} failed)" if errors else ""))
    print(f"| {call} | " + " | ".join(cells) + " |")
totals = [sum(n for c, (n, _) in results[name].items() if c != "clock_gettime") / messages for name in names]
print("| total (clock_gettime aside) | " + " | ".join(f"{t:.2f}" for t in totals) + " |")
print("| context switches (no strace) | " + " | ".join(f"{plain[name][0] / messages:.2f}" for name in names) + " |")
print("| CPU µs (no strace) | " + " | ".join(f"{plain[name][1] * 1e6 / messages:.1f}" for name in names) + " |")
