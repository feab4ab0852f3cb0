#!/usr/bin/env python3
"""9,000 open connections through one port of one relay process (issue 23): the client (this script) and the
backend (a Redis container) are other processes, so the relay alone holds its 18,000 descriptors, the most this
machine's 20,000-descriptor hard limit allows with room for the rest. Every connection sends a PING and must get
its PONG while all stay open; the relay's resident memory (for nginx: the PSS of master and workers) and CPU are
reported. The same for each peer.

  bench/open-connections.py [N] [BINARY]   default N 9000, BINARY bench/out/publish/grand-ambassador
  (as root, after bench/run.sh has set up once; GA_BENCH_SID_ROOT for HAProxy 3.2 and nginx 1.30)"""
import os
import resource
import selectors
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gabench import paths as pathlib, targets  # noqa: E402
from gabench.util import cpu_seconds, log  # noqa: E402

count = int(sys.argv[1]) if len(sys.argv) > 1 else 9_000
binary = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "out", "publish", "grand-ambassador")
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
os.makedirs(pathlib.OUT, exist_ok=True)
redis = targets.SERVICES["redis"]
services = [redis]
targets.remove_leftovers()
targets.start(services, f"open{os.getpid()}")
paths = pathlib.relays(services, binary, offset=600)


def memory(path):
    return path.memory_bytes()


def cpu(path):
    return path.cpu()


def hold(path):
    """Opens `count` connections, a PING on each, every PONG awaited with all of them open; returns the figures."""
    host, port = path.endpoint("redis")
    before_memory, before_cpu = memory(path), cpu(path)
    started = time.monotonic()
    sockets = []
    selector = selectors.DefaultSelector()
    try:
        for _ in range(count):
            s = socket.create_connection((host, port), timeout=30)
            s.setblocking(False)
            sockets.append(s)
        for s in sockets:
            s.sendall(b"PING\r\n")
            selector.register(s, selectors.EVENT_READ)
        answered, replies, deadline = 0, {}, time.monotonic() + 120
        while answered < count and time.monotonic() < deadline:
            for key, _ in selector.select(timeout=1):
                data = key.fileobj.recv(64)
                replies[key.fileobj] = replies.get(key.fileobj, b"") + data
                if replies[key.fileobj].endswith(b"\r\n"):
                    selector.unregister(key.fileobj)
                    answered += 1 if replies[key.fileobj] == b"+PONG\r\n" else 0
        took = time.monotonic() - started
        open_now = sum(1 for s in sockets if s.fileno() >= 0)
        return answered, open_now, took, memory(path) - before_memory, memory(path), cpu(path) - before_cpu
    finally:
        selector.close()
        for s in sockets:
            s.close()


rows = []
try:
    for path in paths:
        path.start()
        try:
            rows.append((path.name, *hold(path)))
            log(f"{path.name}: done")
        except Exception as error:  # a relay that cannot hold them all is a result, not a crash of the bench
            rows.append((path.name, f"failed: {error}"))
        finally:
            path.stop()
finally:
    targets.stop(services)

print(f"{count:,} connections held open through one port, a PING each answered with all open: "
      f"`bench/open-connections.py {count}`\n")
print("| relay | answered | time to open and answer all (s) | memory added (MiB) | per connection (KiB) | resident after (MiB) | CPU (s) |")
print("|---|---|---|---|---|---|---|")
for row in rows:
    if len(row) == 2:
        print(f"| {row[0]} | {row[1]} | | | | | |")
        continue
    name, answered, _, took, added, after, used = row
    print(f"| {name} | {answered:,} of {count:,} | {took:.1f} | {added / 2**20:.1f} | {added / count / 1024:.2f} | {after / 2**20:.1f} | {used:.2f} |")
