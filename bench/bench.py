#!/usr/bin/env python3
"""The relay benchmark driver; run it through bench/run.sh, which installs and builds what it needs."""
import argparse
import datetime
import os
import platform
import resource
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from gabench import follow, idle, measures, multihost, paths as pathlib, relay, report, targets  # noqa: E402
from gabench.util import log, port_free, run, summary  # noqa: E402
import random  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
ALL = ["iperf", "redis", "conns", "udp", "memory", "follow", "follow-multihost", "relay"]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true",
                        help="an A/B during development: one row (redis unless --only), 5 repetitions, short runs")
    parser.add_argument("--reps", type=int, default=None, help="repetitions per figure (default 10; --quick 5)")
    parser.add_argument("--only", default=None, help=f"comma-separated subset of {','.join(ALL)}")
    parser.add_argument("--binary", default=os.path.join(HERE, "out", "publish", "grand-ambassador"))
    parser.add_argument("--variant", action="append", default=[], metavar="LABEL=BINARY",
                        help="also measure another grand-ambassador build, e.g. baseline=/tmp/base/grand-ambassador")
    parser.add_argument("--variant-env", action="append", default=[], metavar="LABEL:NAME=VALUE",
                        help="environment for a variant (or for 'main'), e.g. inline:DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1")
    parser.add_argument("--udp-rate", type=int, default=50_000,
                        help="datagrams/s of the fixed-rate UDP row (the goal's 50,000; lower for an A/B on a busy machine)")
    parser.add_argument("--no-haproxy", action="store_true")
    parser.add_argument("--no-socat", action="store_true")
    parser.add_argument("--no-newer-peers", action="store_true",
                        help="leave out HAProxy 3.2 and nginx 1.30 (from Debian sid's root, GA_BENCH_SID_ROOT)")
    parser.add_argument("--seed", type=int, default=None, help="seed of the random order of paths (default: time)")
    parser.add_argument("--output", default=None, help="default: bench/RESULTS.md, or bench/out/QUICK.md with --quick")
    parser.add_argument("--json", default=None, help="default: results.json beside --output")
    parser.add_argument("--merge", action="store_true",
                        help="keep the figures of the existing results.json that this run does not measure "
                             "(e.g. with --only follow-multihost), and replace only those it does")
    args = parser.parse_args()
    if args.only is None:
        args.only = "redis" if args.quick else ",".join(ALL)
    if args.output is None:
        args.output = os.path.join(pathlib.OUT, "QUICK.md") if args.quick else os.path.join(HERE, "RESULTS.md")
    return args


class Settings:
    def __init__(self, args):
        quick = self.quick = args.quick
        self.reps = args.reps or (5 if quick else 10)
        self.iperf_seconds = 2
        self.udp_seconds = 2
        self.udp_rate = args.udp_rate
        self.udp_searches = 1 if quick else 3
        self.redis_1 = 5_000
        self.redis_50 = 30_000
        self.wrk_seconds = 2
        self.idle = 1_000 if quick else min(3_000, pathlib.idle_connection_count())
        self.restarts = 10 if quick else 100


def _first_line(args):
    """The first line a program prints about itself, on stdout or stderr (nginx -v writes to stderr)."""
    result = subprocess.run(args, capture_output=True, text=True)
    return ((result.stdout or "") + (result.stderr or "")).strip().split("\n")[0]


def environment(command, binary):
    runtimes = run(["dotnet", "--list-runtimes"], check=False).splitlines()
    netcore = [r.split(" [")[0] for r in runtimes if r.startswith("Microsoft.NETCore.App")]
    published = os.path.join(HERE, "out", "publish-commit")  # written by run.sh when it publishes
    if os.path.abspath(binary) == os.path.join(HERE, "out", "publish", "grand-ambassador") and os.path.exists(published):
        with open(published) as f:
            built_from = f.read().strip()
    else:
        commit = run(["git", "-C", REPO, "rev-parse", "--short", "HEAD"], check=False).strip()
        dirty = run(["git", "-C", REPO, "status", "--porcelain", "--", "src"], check=False).strip()
        built_from = commit + (" (+ local changes in src/)" if dirty else "")
    return {
        "command": command,
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": run(["nproc"]).strip(),
        "kernel": platform.release(),
        "docker engine": run(["docker", "version", "--format", "{{.Server.Version}}"], check=False).strip(),
        ".NET runtime": ", ".join(netcore),
        "haproxy": run(["haproxy", "-v"], check=False).splitlines()[0],
        **({"haproxy (sid)": _first_line(["chroot", pathlib.SID_ROOT, "haproxy", "-v"]),
            "nginx (sid)": _first_line(["chroot", pathlib.SID_ROOT, "nginx", "-v"])}
           if pathlib.SID_ROOT else {}),
        "threads or workers per peer": f"{pathlib.WORKERS} (HAProxy nbthread, nginx worker_processes; grand-ambassador's thread pool sizes itself to the cores)",
        "socat": run(["socat", "-V"], check=False).splitlines()[1].strip() if run(["socat", "-V"], check=False) else "",
        "iperf3": run(["iperf3", "--version"], check=False).splitlines()[0],
        "grand-ambassador commit": built_from,
    }


def main():
    args = parse_args()
    settings = Settings(args)
    only = set(args.only.split(","))
    os.makedirs(pathlib.OUT, exist_ok=True)
    command = "bench/run.sh" + ("" if len(sys.argv) == 1 else " " + " ".join(sys.argv[1:]))
    seed = args.seed if args.seed is not None else int(time.time())
    order = random.Random(seed)

    pathlib.stop_leftover_processes()
    targets.remove_leftovers()
    run_id = f"{os.getpid()}"
    services = [targets.SERVICES[k] for k in ("iperf", "redis", "http")]
    follow_service = targets.SERVICES["follow"]
    started_paths = []

    def cleanup(*_):
        for p in started_paths:
            p.stop()
        targets.stop(services + [follow_service])

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    results = {}

    def record(path_key, samples_by_metric):
        for metric, samples in samples_by_metric.items():
            results.setdefault(metric, {})[path_key] = summary(samples)

    try:
        # The root engine's targets, only for the parts that use them (the lab's parts start their own).
        needed = services if only & {"iperf", "redis", "conns", "udp", "memory"} else []
        targets.start(needed + ([follow_service] if "follow" in only else []), run_id)
        envs = {}
        for item in args.variant_env:
            label, assignment = item.split(":", 1)
            name, value = assignment.split("=", 1)
            envs.setdefault(label, {})[name] = value
        paths = [pathlib.Direct(services, 0), pathlib.Ambassador(services, 12001, args.binary, env=envs.get("main"))]
        for i, variant in enumerate(args.variant):
            label, binary = variant.split("=", 1)
            path = pathlib.Ambassador(services, 15001 + 100 * i, binary, env=envs.get(label))
            path.name, path.key = f"grand-ambassador ({label})", f"ambassador-{label}"
            path.log_path = os.path.join(pathlib.OUT, f"{path.key}.log")
            paths.append(path)
        if not args.no_haproxy:
            paths.append(pathlib.HAProxy(services, 13001))
        if not args.no_newer_peers and pathlib.SID_ROOT:
            paths.append(pathlib.HAProxy32(services, 16001))
            paths.append(pathlib.NginxStream(services, 17001))
        if not args.no_socat:
            paths.append(pathlib.Socat(services, 14001))
        for p in paths:
            for port in getattr(p, "ports", {}).values():
                if p.proxy and not port_free(port):
                    raise RuntimeError(f"port {port} is taken; is another bench running?")

        traffic = only & {"iperf", "redis", "conns", "udp"}
        if traffic:
            for p in paths:
                p.start()
                started_paths.append(p)
            # samples[path][metric] has one entry per repetition (None when not measured), so that the i-th
            # samples of two paths come from the same repetition: the ratios pair them.
            samples = {p.key: {} for p in paths}
            steps = []
            if "iperf" in only:
                steps.append(("iperf3 TCP", lambda p: measures.iperf_tcp(p, settings.iperf_seconds), paths))
            if "redis" in only:
                steps.append(("redis", lambda p: measures.redis_ping(p, settings.redis_1, settings.redis_50), paths))
            if "conns" in only:
                steps.append(("wrk", lambda p: measures.new_connections(p, settings.wrk_seconds), paths))
            if "udp" in only:
                steps.append(("UDP fixed", lambda p: measures.iperf_udp(p, settings.udp_seconds, settings.udp_rate),
                              [p for p in paths if p.udp]))
            for rep in range(settings.reps):
                log(f"repetition {rep + 1}/{settings.reps}")
                for label, step, step_paths in steps:
                    # A fresh random order of the paths for every row of every repetition: whatever else the
                    # machine does drifts over minutes, and no path always goes first or last.
                    for p in order.sample(step_paths, len(step_paths)):
                        figures = step(p)
                        log(f"  {label:10} {p.name:28} " + " ".join(
                            f"{k}={v:.4g}" for k, v in figures.items() if v is not None))
                        for k, v in figures.items():
                            samples[p.key].setdefault(k, [None] * rep)
                            samples[p.key][k].append(v)
                for p in paths:
                    for k, v in samples[p.key].items():
                        v.extend([None] * (rep + 1 - len(v)))
            if "udp" in only:
                udp_paths = [p for p in paths if p.udp]
                for search in range(settings.udp_searches):
                    for p in order.sample(udp_paths, len(udp_paths)):
                        figures = measures.udp_max_rate(p, settings.udp_seconds)
                        log(f"  UDP max    {p.name:28} highest rate with < 1 % loss: {figures['udp_max_dps']:,.0f}/s")
                        samples[p.key].setdefault("udp_max_dps", []).append(figures["udp_max_dps"])
            for p in paths:
                record(p.key, samples[p.key])
                p.stop()
            started_paths.clear()

        if "memory" in only:
            redis = [s for s in services if s.key == "redis"]
            proxies = [p for p in paths if p.proxy]
            per_conn = {p.key: [None] * settings.reps for p in proxies}
            before = {p.key: [None] * settings.reps for p in proxies}
            for rep in range(settings.reps):
                for p in order.sample(proxies, len(proxies)):
                    fresh = _fresh(p, redis)
                    fresh.start()
                    started_paths.append(fresh)
                    host, port = fresh.endpoint("redis")
                    idle.close_all(idle.open_idle(host, port, 1))
                    time.sleep(1)
                    rss_before = fresh.memory_bytes()
                    conns = idle.open_idle(host, port, settings.idle)
                    time.sleep(1)
                    rss_with = fresh.memory_bytes()
                    idle.close_all(conns)
                    fresh.stop()
                    started_paths.remove(fresh)
                    per_conn[p.key][rep] = (rss_with - rss_before) / settings.idle / 1024
                    before[p.key][rep] = rss_before / 2**20
                    log(f"  memory     {p.name:28} before={rss_before / 2**20:.1f} MiB "
                        f"with={rss_with / 2**20:.1f} MiB per_conn={per_conn[p.key][rep]:.2f} KiB")
            for p in proxies:
                record(p.key, {"mem_per_conn_kib": per_conn[p.key], "mem_before_mib": before[p.key]})

        if "follow" in only:
            for p in [p for p in paths if isinstance(p, pathlib.Ambassador)]:
                ambassador = pathlib.Ambassador([follow_service], p.ports["iperf"] + 50, p.binary, env=p.env)
                ambassador.key, ambassador.log_path = p.key, os.path.join(pathlib.OUT, f"{p.key}-follow.log")
                ambassador.start()
                started_paths.append(ambassador)
                scenario = follow.Scenario("single-host", ["docker"], follow_service.container,
                                           *ambassador.endpoint("follow"))
                latencies, missed = follow.measure(scenario, settings.restarts)
                ambassador.stop()
                started_paths.remove(ambassador)
                figures = follow.summarize(latencies, missed)
                log(f"  follow     {p.name:28} p50={figures['follow_p50']} p99={figures['follow_p99']} missed={missed}")
                # The p50's interval: the bootstrap of the median over the restarts (each restart one sample).
                results.setdefault("follow_p50", {})[p.key] = summary(latencies) if latencies else None
                results.setdefault("follow_p99", {})[p.key] = summary([figures["follow_p99"]]) if latencies else None
                results.setdefault("follow_detail", {})[p.key] = figures

        lab_parts = [part for part in ("follow-multihost", "relay") if part in only]
        if lab_parts:
            # The other figures are kept when the lab is busy or fails: these parts can be re-run with --merge.
            dll = os.path.join(os.path.dirname(args.binary), "grand-ambassador.dll")
            try:
                with multihost.session(float(os.environ.get("GA_BENCH_LAB_WAIT", "600"))):
                    if "follow-multihost" in only:
                        _follow_multihost(dll, run_id, settings, results)
                    if "relay" in only:
                        _relay(dll, run_id, settings, order, results)
            except Exception as error:  # noqa: BLE001
                log(f"{', '.join(lab_parts)} not measured: {error}")
            if "follow-multihost" in only:
                results.setdefault("follow_mh_p50", {"ambassador": None})

        columns = [(p.key, p.name) for p in paths]
        json_path = args.json or os.path.join(os.path.dirname(args.output), "results.json")
        meta = environment(command, args.binary)
        meta["repetitions"] = settings.reps
        meta["order of paths"] = f"random per row and repetition (seed {seed})"
        meta["idle connections (memory test)"] = settings.idle
        meta["restarts (following)"] = settings.restarts
        meta["UDP fixed rate (datagrams/s)"] = settings.udp_rate
        meta["HTTP server in the idle figure"] = _http_server(args.binary)
        meta["ulimit -n"] = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
        if results.get("relay_detail"):
            # A merged report keeps the first run's meta: the relay's rows say which run made them.
            results["relay_detail"]["run"] = (f"{meta['date']}, `{command}`, {settings.reps} repetitions, "
                                              f"grand-ambassador commit {meta['grand-ambassador commit']}")
        if args.merge and os.path.exists(json_path):
            meta, results = report.merge(json_path, meta, results, sorted(only))
        text = report.write(args.output, json_path, meta, results, columns)
        if args.output == os.path.join(HERE, "RESULTS.md"):
            report.update_readme(os.path.join(HERE, "README.md"), text)
        print(text)
    finally:
        cleanup()


def _follow_multihost(dll, run_id, settings, results):
    try:
        latencies, missed, figures = multihost.measure(
            dll, run_id, settings.restarts, log_level=os.environ.get("GA_BENCH_MULTIHOST_LOG_LEVEL"))
    except Exception as error:  # noqa: BLE001
        log(f"follow-multihost not measured: {error}")
        return
    log(f"  follow     across hosts (a -> c)            p50={figures['follow_p50']} "
        f"p99={figures['follow_p99']} missed={missed} " + " ".join(
        f"{k}={v}" for k, v in figures.get("where the time goes", {}).items() if k.startswith("median")))
    results["follow_mh_p50"] = {"ambassador": summary(latencies) if latencies else None}
    results["follow_mh_p99"] = {"ambassador": summary([figures["follow_p99"]]) if latencies else None}
    results.setdefault("follow_detail", {})["ambassador-multihost"] = figures


def _relay(dll, run_id, settings, order, results):
    try:
        results.update(relay.measure(dll, run_id, relay.Settings(settings.reps, settings.quick), order))
    except Exception as error:  # noqa: BLE001
        log(f"relay not measured: {error}")


def _http_server(binary):
    """Whether the idle figure includes the HTTP server: the bench passes no --http, so a build that has
    one runs it at its default (127.0.0.1:8787, Orleans dashboard included), as a user would."""
    out = run([binary, "--help"], check=False)
    return "yes: the build's default --http (127.0.0.1:8787, Orleans dashboard included)" if "--http" in out else "no (this build has no --http)"


def _fresh(path, services):
    """A new instance of a relay path fronting only the given services, on ports of its own."""
    base = min(path.ports.values()) + 40
    if isinstance(path, pathlib.Ambassador):
        fresh = pathlib.Ambassador(services, base, path.binary, env=path.env)
    else:
        fresh = type(path)(services, base)
    fresh.name, fresh.key = path.name, path.key
    fresh.log_path = path.log_path.replace(".log", "-memory.log")
    return fresh


if __name__ == "__main__":
    main()
