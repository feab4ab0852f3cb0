"""System calls counted rather than timed (noise cannot move a count): strace -c -f on every process of a relay while
a load runs, for bench/syscalls.py (TCP messages) and bench/syscalls-udp.py (datagrams)."""
import re
import subprocess
import time

from . import paths as pathlib


def counted(path, out, load):
    """Runs `load()` with strace -c -f attached to the relay of `path`, writing strace's table to `out`; returns
    ({call: (calls, errors)}, what `load` returned)."""
    pids = [path.process.pid] + pathlib.children(path.process.pid)
    tracer = subprocess.Popen(["strace", "-c", "-f", "-o", out, *[a for p in pids for a in ("-p", str(p))]],
                              stderr=subprocess.DEVNULL)
    time.sleep(1)  # strace attaches
    result = load()
    tracer.terminate()
    tracer.wait()
    calls = {}
    with open(out) as f:
        for line in f:
            m = re.match(r"\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(?:(\d+)\s+)?(\w+)\s*$", line)
            if m and m.group(3) != "total":
                calls[m.group(3)] = (int(m.group(1)), int(m.group(2) or 0))
    return calls, result
