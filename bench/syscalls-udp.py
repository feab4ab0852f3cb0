#!/usr/bin/env python3
"""Where a relayed datagram's system calls go, counted rather than timed: strace -c -f on the relay while iperf3 -u
sends 512-byte datagrams at a rate every path carries without loss, per datagram the server received, side by side:
grand-ambassador on its event loops (recvmmsg/sendmmsg), the same binary on .NET's sockets, and nginx 1.30 (stream).
HAProxy has no UDP.

  bench/syscalls-udp.py [RATE] [SECONDS] [BINARY]    default 10000 datagrams/s for 3 s, bench/out/publish/grand-ambassador
  (as root, after bench/run.sh has set up once; GA_BENCH_SID_ROOT for nginx 1.30)"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gabench import paths as pathlib, strace, targets  # noqa: E402
from gabench.util import log  # noqa: E402

rate = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
seconds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
binary = sys.argv[3] if len(sys.argv) > 3 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "out", "publish", "grand-ambassador")
os.makedirs(pathlib.OUT, exist_ok=True)
iperf = targets.SERVICES["iperf"]
services = [iperf]
targets.remove_leftovers()
targets.start(services, f"sysudp{os.getpid()}")
paths = [pathlib.Ambassador(services, 12601, binary),
         pathlib.Ambassador(services, 12701, binary, env={"GRAND_AMBASSADOR_DATA_PATH": "sockets"})]
paths[1].name, paths[1].key = "grand-ambassador (sockets)", "ambassador-sockets"
if pathlib.SID_ROOT:
    paths.append(pathlib.NginxStream(services, 17601))


def send(path, duration):
    """iperf3 -u through the path; the datagrams the server received."""
    host, port = path.endpoint("iperf")
    out = subprocess.run(["iperf3", "-c", host, "-p", str(port), "-u", "-l", "512", "-b", str(rate * 512 * 8),
                          "-t", str(duration), "-J"], check=True, capture_output=True, text=True).stdout
    end = json.loads(out)["end"]["sum"]
    return end["packets"] - end["lost_packets"]


def count(path):
    """strace -c -f over every process of the relay during one iperf3 run: calls and the datagrams relayed."""
    return strace.counted(path, os.path.join(pathlib.OUT, f"strace-udp-{path.key}.txt"), lambda: send(path, seconds))


results = {}
try:
    for path in paths:
        path.start()
        try:
            send(path, 1)  # warm up (JIT, the session) outside the count
            results[path.name] = count(path)
            log(f"{path.name}: counted")
        finally:
            path.stop()
finally:
    targets.stop(services)

names = list(results)
interesting = sorted({c for calls, received in results.values() for c, (n, _) in calls.items() if n / received >= 0.01},
                     key=lambda c: -max(calls.get(c, (0, 0))[0] for calls, _ in results.values()))
print(f"System calls per relayed datagram: `bench/syscalls-udp.py {rate} {seconds}` (iperf3 -u -l 512 at {rate:,}/s for {seconds} s; "
      "strace -c -f on every process of the relay; per datagram the server received; calls of at least 0.01 per datagram)\n")
print("| system call | " + " | ".join(names) + " |")
print("|---|" + "---|" * len(names))
for call in interesting:
    cells = []
    for name in names:
        calls, received = results[name]
        n, errors = calls.get(call, (0, 0))
        cells.append(f"{n / received:.3f}" + (f" ({errors / received:.3f} failed)" if errors else ""))
    print(f"| {call} | " + " | ".join(cells) + " |")
print("| total (clock_gettime aside) | " + " | ".join(
    f"{sum(n for c, (n, _) in results[name][0].items() if c != 'clock_gettime') / results[name][1]:.3f}" for name in names) + " |")
print("| datagrams received | " + " | ".join(f"{results[name][1]:,}" for name in names) + " |")
