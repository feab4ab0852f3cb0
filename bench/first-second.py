#!/usr/bin/env python3
"""Time from `docker run -d AMBASSADOR` to its port accepting, and the original's three lines pasted
with no sleep between them. usage: bench/first-second.py IMAGE RUNS (an image built by tests/lab/build-ambassador-image.sh)"""
import socket, subprocess, sys, time, uuid, statistics

image, runs = sys.argv[1], int(sys.argv[2])
def sh(*args, check=True):
    return subprocess.run(args, capture_output=True, text=True, check=check)

def listen_time(prefix, redis_first):
    redis, amb = f"{prefix}-redis", f"{prefix}-amb"
    if redis_first:
        sh("docker", "run", "-d", "--expose", "6379", "--name", redis, "redis")
    t0 = time.monotonic()
    sh("docker", "run", "-d", "-v", "/var/run/docker.sock:/var/run/docker.sock", "--name", amb, image, "-name", redis)
    started = time.monotonic()
    if not redis_first:
        sh("docker", "run", "-d", "--expose", "6379", "--name", redis, "redis")
    ip = sh("docker", "inspect", "-f", "{{.NetworkSettings.IPAddress}}", amb).stdout.strip()
    while True:
        try:
            with socket.create_connection((ip, 6379), timeout=0.5):
                return time.monotonic() - started
        except OSError:
            if time.monotonic() - t0 > 60: return float("nan")
            time.sleep(0.005)

def paste(prefix, redis_first):
    redis, amb = f"{prefix}-redis", f"{prefix}-amb"
    lines = [["docker", "run", "-d", "--expose", "6379", "--name", redis, "redis"],
             ["docker", "run", "-d", "-v", "/var/run/docker.sock:/var/run/docker.sock", "--name", amb, image, "-name", redis],
             ["docker", "run", "--rm", "--link", f"{amb}:db", "redis", "redis-cli", "-h", "db", "ping"]]
    if not redis_first: lines[0], lines[1] = lines[1], lines[0]
    for line in lines:
        r = sh(*line, check=False)
    return r.returncode == 0 and r.stdout.strip() == "PONG", (r.stdout + r.stderr).strip()

for redis_first in (True, False):
    times, ok = [], 0
    for i in range(runs):
        p = f"ga-fsm-{uuid.uuid4().hex[:6]}"
        try:
            times.append(listen_time(p, redis_first))
        finally:
            sh("docker", "rm", "-f", f"{p}-redis", f"{p}-amb", check=False)
        p = f"ga-fsm-{uuid.uuid4().hex[:6]}"
        try:
            good, out = paste(p, redis_first)
            ok += good
            if not good: print("  paste failed:", out[:200])
        finally:
            sh("docker", "rm", "-f", f"{p}-redis", f"{p}-amb", check=False)
    order = "redis first" if redis_first else "ambassador first"
    print(f"{order}: listening {statistics.median(times):.2f} s median (min {min(times):.2f}, max {max(times):.2f}) after `docker run -d` returned, n={runs}; pasted three lines: {ok} of {runs} PONG")
