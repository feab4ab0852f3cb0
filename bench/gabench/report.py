"""RESULTS.md and results.json: one row per figure, a column per path, ratios to direct and to the best peer
(the better of HAProxy 2.6, HAProxy 3.2 and nginx 1.30 on that row), and a verdict per goal of the issue from
95 % bootstrap intervals (gabench/stats.py)."""
import json

from .stats import median_ci, ratio_ci, verdict

# key, label, unit, format, better ("higher"/"lower")
METRICS = [
    ("tcp_1", "iperf3 TCP, 1 stream", "Gbit/s", "{:.2f}", "higher"),
    ("tcp_1_cpu", "  relay CPU per GB, 1 stream", "s/GB", "{:.3f}", "lower"),
    ("tcp_8", "iperf3 TCP, 8 streams", "Gbit/s", "{:.2f}", "higher"),
    ("tcp_8_cpu", "  relay CPU per GB, 8 streams", "s/GB", "{:.3f}", "lower"),
    ("redis_1_rps", "redis PING, 1 client", "req/s", "{:,.0f}", "higher"),
    ("redis_1_cpu", "  relay CPU per request, 1 client", "µs", "{:.1f}", "lower"),
    ("redis_1_p50", "  p50, 1 client", "ms", "{:.3f}", "lower"),
    ("redis_1_p99", "  p99, 1 client", "ms", "{:.3f}", "lower"),
    ("redis_50_rps", "redis PING, 50 clients", "req/s", "{:,.0f}", "higher"),
    ("redis_50_cpu", "  relay CPU per request, 50 clients", "µs", "{:.1f}", "lower"),
    ("redis_50_p50", "  p50, 50 clients", "ms", "{:.3f}", "lower"),
    ("redis_50_p99", "  p99, 50 clients", "ms", "{:.3f}", "lower"),
    ("conns_per_s", "new connections (wrk, Connection: close)", "conn/s", "{:,.0f}", "higher"),
    ("conns_cpu", "  relay CPU per connection", "µs", "{:.1f}", "lower"),
    ("udp_fixed_loss", "UDP 512 B at a fixed rate (50,000/s unless --udp-rate), loss", "%", "{:.2f}", "lower"),
    ("udp_fixed_dps", "  received", "datagrams/s", "{:,.0f}", "higher"),
    ("udp_fixed_cpu", "  relay CPU per datagram", "µs", "{:.1f}", "lower"),
    ("udp_max_dps", "UDP 512 B, highest rate with < 1 % loss", "datagrams/s", "{:,.0f}", "higher"),
    ("mem_before_mib", "resident memory, one name fronted, no connection", "MiB", "{:.1f}", "lower"),
    ("mem_per_conn_kib", "memory per idle connection", "KiB", "{:.2f}", "lower"),
    ("follow_p50", "following a restart, p50", "ms", "{:.1f}", "lower"),
    ("follow_p99", "following a restart, p99", "ms", "{:.1f}", "lower"),
    ("follow_mh_p50", "following a restart, across hosts (a → c), p50", "ms", "{:.1f}", "lower"),
    ("follow_mh_p99", "following a restart, across hosts (a → c), p99", "ms", "{:.1f}", "lower"),
]

# The peers a goal can be measured against: "peers" means the best of them on that row, "haproxies" the better
# HAProxy (those absent from a run are skipped).
PEERS = {"haproxy": "HAProxy 2.6", "haproxy32": "HAProxy 3.2", "nginx": "nginx 1.30"}
GROUPS = {"peers": ("haproxy", "haproxy32", "nginx"), "haproxies": ("haproxy", "haproxy32")}

# The goals (issue 23): (label, metric, against: a path key, a group of GROUPS (its best on that row), or
# None for an absolute figure; goal; better)
GOALS = [
    ("CPU per request, redis PING, 50 clients ≤ 0.8× the best peer's", "redis_50_cpu", "peers", 0.8, "lower"),
    ("requests/s, redis PING, 50 clients ≥ 1.1× the best peer", "redis_50_rps", "peers", 1.1, "higher"),
    ("requests/s, redis PING, 1 client ≥ 1.0× the best peer", "redis_1_rps", "peers", 1.0, "higher"),
    ("p99, redis PING, 50 clients ≤ the best peer's", "redis_50_p99", "peers", 1.0, "lower"),
    ("CPU per new connection ≤ 0.8× the best peer's", "conns_cpu", "peers", 0.8, "lower"),
    ("new connections/s ≥ 1.1× the best peer", "conns_per_s", "peers", 1.1, "higher"),
    ("memory per idle connection ≤ 0.5× HAProxy's", "mem_per_conn_kib", "haproxies", 0.5, "lower"),
    ("iperf3 TCP 1 stream ≥ 0.9× direct", "tcp_1", "direct", 0.9, "higher"),
    ("iperf3 TCP 8 streams ≥ 0.9× direct", "tcp_8", "direct", 0.9, "higher"),
    ("CPU per GB, 1 stream ≤ 0.3× the best peer's", "tcp_1_cpu", "peers", 0.3, "lower"),
    ("CPU per GB, 8 streams ≤ 0.3× the best peer's", "tcp_8_cpu", "peers", 0.3, "lower"),
    ("UDP 512 B at 50,000/s: loss ≤ 1 %", "udp_fixed_loss", None, 1.0, "lower"),
    ("UDP 512 B, highest rate under 1 % loss ≥ 0.8× direct", "udp_max_dps", "direct", 0.8, "higher"),
    ("resident memory, one name fronted, no connection ≤ 80 MiB", "mem_before_mib", None, 80.0, "lower"),
    ("following a restart, one host: p50 < 10 ms", "follow_p50", None, 10.0, "lower"),
    ("following a restart, across hosts: p50 < 20 ms", "follow_mh_p50", None, 20.0, "lower"),
]


# The host relay (issue 17, gabench/relay.py): its own paths, rows and goals, in the multi-host lab with TLS on.
RELAY_PATHS = [("published", "published port"), ("relay", "relay, TLS"), ("relay-plain", "relay, plaintext")]
RELAY_METRICS = [
    ("relay_follow_p50", "following a restart (docker restart on a → first answer through c), p50", "ms", "{:.1f}", "lower"),
    ("relay_follow_p99", "  p99", "ms", "{:.1f}", "lower"),
    ("relay_tcp_1", "iperf3 TCP, 1 stream", "Gbit/s", "{:.2f}", "higher"),
    ("relay_tcp_1_cpu", "  CPU per GB, both hosts", "s/GB", "{:.3f}", "lower"),
    ("relay_redis_50_rps", "redis PING, 50 clients", "req/s", "{:,.0f}", "higher"),
    ("relay_redis_50_cpu", "  CPU per request, both hosts", "µs", "{:.1f}", "lower"),
    ("relay_redis_50_p50", "  p50", "ms", "{:.3f}", "lower"),
    ("relay_redis_50_p99", "  p99", "ms", "{:.3f}", "lower"),
    ("relay_conns_per_s", "new connections (redis-benchmark -k 0, 50 clients)", "conn/s", "{:,.0f}", "higher"),
    ("relay_conns_cpu", "  CPU per connection, both hosts", "µs", "{:.1f}", "lower"),
    ("relay_setup_p50", "a new connection's first answer (connect, PING, PONG; one at a time), p50", "ms", "{:.3f}", "lower"),
    ("relay_setup_added", "  added by the relay (its p50 − the published path's, per repetition)", "ms", "{:.3f}", "lower"),
]
# (label, metric, path, against: a path key or None for the figure itself, goal, better)
RELAY_GOALS = [
    ("unpublished container on host a, client through host c: restart followed, p50 < 20 ms", "relay_follow_p50",
     "relay", None, 20.0, "lower"),
    ("bulk through the relay, TLS, 1 stream ≥ 2 Gbit/s", "relay_tcp_1", "relay", None, 2.0, "higher"),
    ("  its ratio to the published path (reported, no goal)", "relay_tcp_1", "relay", "published", None, "higher"),
    ("CPU per request, both hosts, redis PING 50 clients ≤ 1.5× the published path's", "relay_redis_50_cpu", "relay",
     "published", 1.5, "lower"),
    ("new connections/s through the relay ≥ 0.7× the published path's", "relay_conns_per_s", "relay", "published",
     0.7, "higher"),
    ("p50 set-up added by the relay ≤ 1 ms", "relay_setup_added", "relay", None, 1.0, "lower"),
    ("plaintext relay (--relay-insecure), 1 stream ≥ 0.8× the published path", "relay_tcp_1", "relay-plain",
     "published", 0.8, "higher"),
]


def best_peer(results, metric, group="peers"):
    """The path key of the group's best median on this row (lowest or highest as the row's better says), or None."""
    better = next((b for k, *_, b in METRICS + RELAY_METRICS if k == metric), "lower")
    row = results.get(metric, {})
    present = [k for k in GROUPS[group] if row.get(k)]
    if not present:
        return None
    pick = min if better == "lower" else max
    return pick(present, key=lambda k: row[k]["median"])


def _samples(results, metric, path):
    s = results.get(metric, {}).get(path)
    return s["samples"] if s else None


def _fmt_ci(fmt, interval):
    point, lo, hi = interval
    if lo == hi == point:
        return fmt.format(point)
    return f"{fmt.format(point)} [{fmt.format(lo)}–{fmt.format(hi)}]"


def _cell(results, metric, path, fmt):
    summary = results.get(metric, {}).get(path)
    if summary is None:
        return "n/a"
    text = _fmt_ci(fmt, (summary["median"], summary.get("lo", summary["median"]), summary.get("hi", summary["median"])))
    ratios = []
    best = best_peer(results, metric)
    for ref, name in (("direct", "direct"), (best, f"best peer ({PEERS.get(best, '')})")):
        if ref is None or ref == path or path == "direct":
            continue
        a, b = _samples(results, metric, path), _samples(results, metric, ref)
        r = ratio_ci(a, b) if a and b else None
        if r is not None:
            ratios.append(f"{r[0]:.2f}× {name}")
    return text + "<br>" + ", ".join(ratios) if ratios else text


def table(results, paths):
    header = "| figure | unit | " + " | ".join(name for _, name in paths) + " |"
    lines = [header, "|" + "---|" * (len(paths) + 2)]
    for key, label, unit, fmt, _ in METRICS:
        row = results.get(key, {})
        if not any(row.get(p) for p, _ in paths):
            continue
        cells = [_cell(results, key, p, fmt) for p, _ in paths]
        label = label.replace("  ", "&nbsp;&nbsp;↳ ", 1) if label.startswith("  ") else label
        lines.append(f"| {label} | {unit} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def goal_interval(results, metric, against, path="ambassador"):
    """(point, low, high): the ratio of medians to `against` from paired repetitions, or the figure itself."""
    a = _samples(results, metric, path)
    if not a:
        return None
    if against is None:
        return median_ci(a)
    b = _samples(results, metric, best_peer(results, metric, against) if against in GROUPS else against)
    return ratio_ci(a, b) if b else None


def goals(results, path="ambassador"):
    """One line per goal: the figure with its 95 % interval, and met / missed / not distinguishable."""
    lines = ["| goal | grand-ambassador [95 % interval] | verdict |", "|---|---|---|"]
    for label, metric, against, goal, better in GOALS:
        interval = goal_interval(results, metric, against, path)
        if interval is None:
            lines.append(f"| {label} | not measured | – |")
            continue
        unit = "×" if against else ""
        fmt = "{:.2f}" if against else "{:.2f}"
        reference = PEERS.get(best_peer(results, metric, against), against) if against in GROUPS else PEERS.get(against, against)
        figure = _fmt_ci(fmt, interval) + (f"{unit} {reference}" if against else "")
        lines.append(f"| {label} | {figure} | {verdict(interval, goal, better)} |")
    lines.append("| 9,000 open connections through one port | not in this benchmark yet | – |")
    return "\n".join(lines)


def relay_table(results):
    """The relay's rows: a column per path, each cell with its ratio to the published path's (same repetitions)."""
    lines = ["| figure | unit | " + " | ".join(name for _, name in RELAY_PATHS) + " |", "|" + "---|" * (len(RELAY_PATHS) + 2)]
    for key, label, unit, fmt, _ in RELAY_METRICS:
        row = results.get(key, {})
        if not any(row.get(p) for p, _ in RELAY_PATHS):
            continue
        cells = []
        for path, _ in RELAY_PATHS:
            summary = row.get(path)
            if summary is None:
                cells.append("n/a")
                continue
            text = _fmt_ci(fmt, (summary["median"], summary.get("lo", summary["median"]), summary.get("hi", summary["median"])))
            a, b = _samples(results, key, path), _samples(results, key, "published")
            r = ratio_ci(a, b) if path != "published" and a and b and len(b) > 1 else None
            cells.append(text + (f"<br>{r[0]:.2f}× published" if r is not None else ""))
        label = label.replace("  ", "&nbsp;&nbsp;↳ ", 1) if label.startswith("  ") else label
        lines.append(f"| {label} | {unit} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def relay_goals(results):
    lines = ["| goal | figure [95 % interval] | verdict |", "|---|---|---|"]
    detail = results.get("relay_detail") or {}
    restarts = detail.get("restarts per path")
    lost = (detail.get("restarts not followed within 20 s") or {}).get("relay")
    if restarts is not None and lost is not None:
        served = "met" if lost == 0 and results.get("relay_follow_p50", {}).get("relay") else "missed"
        lines.append(f"| unpublished container on host a, client through host c: served, every restart followed | "
                     f"{restarts - lost} of {restarts} restarts followed | {served} |")
    for label, metric, path, against, goal, better in RELAY_GOALS:
        label = label.replace("  ", "&nbsp;&nbsp;↳ ", 1) if label.startswith("  ") else label
        interval = goal_interval(results, metric, against, path)
        if interval is None:
            lines.append(f"| {label} | not measured | – |")
            continue
        figure = _fmt_ci("{:.2f}", interval) + (f"× {against}" if against else "")
        lines.append(f"| {label} | {figure} | {verdict(interval, goal, better) if goal is not None else '–'} |")
    return "\n".join(lines)


def relay_section(results):
    """The host relay's part of the report, or nothing when no run measured it."""
    if not any(results.get(key) for key, *_ in RELAY_METRICS):
        return ""
    detail = results.get("relay_detail") or {}
    restarts = detail.get("restarts per path", "?")
    return f"""
## Host relay figures (multi-host lab, TLS on)

`--only relay` (gabench/relay.py; [the scenario](README.md#the-host-relay)). Host a runs each target twice, one
container publishing its port on a's address and one publishing nothing; host c's ambassador fronts both, so a
client in the root namespace reaches the first through the **published port** and the second through host a's
**relay** over one multiplexed TLS link (cluster certificates from `grand-ambassador tls`). A second pair of
ambassadors without TLS (a with `--relay-insecure`) gives the **plaintext** relay, one TCP connection per relayed
connection. Same repetitions for every path, the paths in a random order each time; ratios are to the published
path, paired by repetition. CPU: utime + stime of both hosts' grand-ambassador processes (of that path's cluster),
summed. Following: {restarts} `docker restart -t 0` per path, the p50's interval bootstraps the restarts.
Run: {detail.get("run", "?")}; per repetition: {detail.get("per repetition", "?")}.

{relay_table(results)}

{relay_goals(results)}

Warnings and errors the four ambassadors logged: {_problem_counts(detail)}.
"""


def _problem_counts(detail):
    problems = detail.get("warnings and errors logged")
    if problems is None:
        return "not recorded"
    if not problems:
        return "none"
    return "; ".join(f"{name}: {len(lines)} (first: `{lines[0][:160]}`)" for name, lines in problems.items())


def variants(results, paths):
    """For an A/B: each variant's figures as a ratio to the main build's, paired by repetition."""
    others = [(k, n) for k, n in paths if k.startswith("ambassador-")]
    if not others:
        return ""
    lines = ["| figure | " + " | ".join(f"{n} ÷ grand-ambassador [95 %]" for _, n in others) + " |",
             "|" + "---|" * (len(others) + 1)]
    for key, label, _, _, better in METRICS:
        row = results.get(key, {})
        if not row.get("ambassador"):
            continue
        cells = []
        for k, _ in others:
            r = ratio_ci(_samples(results, key, k) or [], row["ambassador"]["samples"])
            if r is None:
                cells.append("n/a")
                continue
            word = verdict(r, 1.0, better)
            tag = {"met": "better", "missed": "worse", "not distinguishable": "no difference shown"}.get(word, word)
            cells.append(f"{_fmt_ci('{:.3f}', r)} ({tag})")
        lines.append(f"| {label.strip()} | " + " | ".join(cells) + " |")
    return "\n## Variants (A/B, same run)\n\n" + "\n".join(lines) + "\n"


def write(markdown_path, json_path, meta, results, paths):
    with open(json_path, "w") as f:
        json.dump({"meta": meta, "results": results}, f, indent=2, sort_keys=True)
    env = "\n".join(f"- {k}: {v}" for k, v in meta.items() if k != "partial updates")
    updates = "".join(f"\nPartial update, {u}." for u in meta.get("partial updates", []))
    if updates:
        updates += " The other figures are the full run's above; compare only figures from the same run.\n"
    text = f"""# Relay benchmark: direct vs grand-ambassador vs HAProxy 2.6 and 3.2 vs nginx 1.30 vs socat

{env}

Each figure: median of the repetitions [95 % bootstrap interval of the median], then the ratio of its median
to direct's and to the best peer's on that row (the better of HAProxy 2.6, HAProxy 3.2 and nginx 1.30; value ÷ reference; for CPU, latency, loss and memory lower is better). Every row
is measured once per repetition for every path, the paths in a random order each time. Relays listen on
127.0.0.1 and dial the container's address; "direct" dials the container's address itself. CPU: utime + stime
of the relay process (all threads; nginx: its master and workers; socat: its listener and every per-connection process) from /proc/PID/stat
before and after each measurement, ÷ the requests, connections, GB or datagrams it relayed. Compare only
figures from the same run: the machine is shared.

{table(results, paths)}

Memory: VmRSS of the relay process after {meta.get("idle connections (memory test)", 10000):,} idle proxied connections minus before, ÷ that count; for socat the
summed PSS of the listener and its per-connection processes (one process per connection); for nginx of its master and workers.
UDP: iperf3 -u -l 512 at a fixed -b of 50,000 datagrams/s, loss as the server counts it; the highest rate
with < 1 % loss: doubling from 5,000/s until a rate loses ≥ 1 %, then 4 geometric bisections (2 s per probe),
one search per repetition of the search. HAProxy has no UDP; nginx relays it with a `listen … udp` server.
Following: time from the target's `start` event to the first request served through grand-ambassador,
over {meta.get("restarts (following)", "?")} `docker restart -t 0`; the p50's interval bootstraps the restarts; only grand-ambassador follows a container. Across hosts: in the
multi-host lab (tests/lab/multihost), an ambassador process on each of hosts a, b, c in one cluster; the target
on host a (published 18080), the client in the root namespace through host c's ambassador (10.231.0.13:8080);
the `start` event is host a's engine's.
{updates}
## Goals (from the issue), this run

A ratio is the ratio of medians with its 95 % interval from resampling the repetitions in pairs (the same
repetition of both paths). Met: the whole interval on the goal's side; missed: wholly on the other side; not
distinguishable: the interval straddles the goal.

{goals(results)}
{relay_section(results)}{variants(results, paths)}"""
    with open(markdown_path, "w") as f:
        f.write(text)
    return text


def merge(json_path, meta, results, measured):
    """The existing results.json with this run's figures put in (per figure and path); its meta stays that of the
    run that made it, plus a line saying what this run replaced, when, and at which commit."""
    with open(json_path) as f:
        old = json.load(f)
    merged = old.get("results", {})
    for metric, row in results.items():
        merged.setdefault(metric, {}).update(row)
    # json.dump sorts keys: put the old meta back in the order this run's meta has them.
    old_meta = old.get("meta", meta)
    old_meta = {**{k: old_meta[k] for k in meta if k in old_meta}, **old_meta}
    note = (f"{meta['date']}: `{meta['command']}` replaced {', '.join(measured)} "
            f"(grand-ambassador commit {meta['grand-ambassador commit']})")
    old_meta.setdefault("partial updates", []).append(note)
    return old_meta, merged


def update_readme(readme_path, results_text):
    """Replaces everything after the README's "## Latest results" heading with this run's RESULTS.md."""
    marker = "## Latest results"
    with open(readme_path) as f:
        head = f.read().split(marker, 1)[0]
    body = results_text.split("\n", 1)[1].replace("\n## Goals", "\n### Goals").replace("\n## Host relay", "\n### Host relay")
    with open(readme_path, "w") as f:
        f.write(head + marker + "\n\nCopied from [RESULTS.md](RESULTS.md) by the last run that wrote it (see its partial updates, if any).\n" + body)
