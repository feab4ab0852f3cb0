"""Small helpers: subprocess calls, statistics, process memory, port readiness."""
import os
import socket
import statistics
import subprocess
import sys
import time


def log(message):
    print(f"bench: {message}", file=sys.stderr, flush=True)


def run(args, check=True, timeout=None, env=None):
    """Runs a command and returns its stdout; stderr goes into the exception when it fails."""
    result = subprocess.run(args, capture_output=True, text=True, timeout=timeout, env=env)
    if check and result.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} exited {result.returncode}: {result.stderr.strip()[-2000:]}")
    return result.stdout


def summary(samples):
    """Median with its 95 % bootstrap interval and the samples (None where a repetition measured nothing, so
    that repetitions stay paired across paths); None when nothing was measured."""
    from .stats import median_ci
    ci = median_ci(samples)
    if ci is None:
        return None
    values = [s for s in samples if s is not None]
    return {"median": ci[0], "lo": ci[1], "hi": ci[2], "min": min(values), "max": max(values),
            "samples": list(samples)}


def percentile(values, fraction):
    """Nearest-rank percentile of a non-empty list."""
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, int(round(fraction * len(ordered) + 0.5)) - 1))
    return ordered[index]


def _status_kib(pid, field):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def rss_bytes(pid):
    """VmRSS of one process."""
    return _status_kib(pid, "VmRSS") * 1024


def children(pid):
    """Every descendant of pid (socat forks one process per connection)."""
    found, queue = [], [pid]
    while queue:
        parent = queue.pop()
        try:
            with open(f"/proc/{parent}/task/{parent}/children") as f:
                kids = [int(k) for k in f.read().split()]
        except OSError:
            kids = []
        found.extend(kids)
        queue.extend(kids)
    return found


def pss_bytes_tree(pid):
    """Proportional set size of pid and all its descendants: shared pages counted once overall."""
    total = 0
    for p in [pid] + children(pid):
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1]) * 1024
                        break
        except OSError:
            pass
    return total


def listening(port, host="127.0.0.1", proto="tcp"):
    flag = "-Hltn" if proto == "tcp" else "-Hlun"
    out = run(["ss", flag, f"sport = :{port}"], check=False)
    return f"{host}:{port}" in out or f"*:{port}" in out or f"0.0.0.0:{port}" in out


def wait_until(predicate, timeout, what, interval=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}")


def port_free(port):
    """Whether a listener could bind the port; SO_REUSEADDR as relays set it, so that the TIME_WAIT an earlier
    run left behind does not count as taken."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def kill_pid(pid, grace=3.0):
    """Stops one process that this bench started, by its id: TERM, then KILL after a grace period."""
    try:
        os.kill(pid, 15)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        try:
            done, _ = os.waitpid(pid, os.WNOHANG)
            if done:
                return
        except ChildProcessError:
            if not os.path.exists(f"/proc/{pid}"):
                return
        time.sleep(0.05)
    try:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass


_TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid, reaped_children=False):
    """utime + stime of a process (all its threads) from /proc/PID/stat, in seconds; with reaped_children also
    cutime + cstime, the time of children it has waited for (socat's per-connection processes)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    # fields[0] is field 3 (state): utime, stime, cutime, cstime are fields 14-17.
    ticks = int(fields[11]) + int(fields[12])
    if reaped_children:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / _TICK
