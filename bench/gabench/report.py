"""RESULTS.md and results.json: one row per figure, a column per path, ratios to direct and to HAProxy."""
import json

# key, label, unit, format, better ("higher"/"lower")
METRICS = [
    ("tcp_1", "iperf3 TCP, 1 stream", "Gbit/s", "{:.2f}", "higher"),
    ("tcp_8", "iperf3 TCP, 8 streams", "Gbit/s", "{:.2f}", "higher"),
    ("redis_1_rps", "redis PING, 1 client", "req/s", "{:,.0f}", "higher"),
    ("redis_1_p50", "redis PING, 1 client, p50", "ms", "{:.3f}", "lower"),
    ("redis_1_p99", "redis PING, 1 client, p99", "ms", "{:.3f}", "lower"),
    ("redis_50_rps", "redis PING, 50 clients", "req/s", "{:,.0f}", "higher"),
    ("redis_50_p50", "redis PING, 50 clients, p50", "ms", "{:.3f}", "lower"),
    ("redis_50_p99", "redis PING, 50 clients, p99", "ms", "{:.3f}", "lower"),
    ("conns_per_s", "new connections (wrk, Connection: close)", "conn/s", "{:,.0f}", "higher"),
    ("mem_per_conn_kib", "memory per idle connection", "KiB", "{:.2f}", "lower"),
    ("mem_before_mib", "memory before the idle connections", "MiB", "{:.1f}", "lower"),
    ("udp_512_dps", "UDP 512 B received", "datagrams/s", "{:,.0f}", "higher"),
    ("udp_512_loss", "UDP 512 B loss", "%", "{:.1f}", "lower"),
    ("udp_16k_dps", "UDP 16 KiB received", "datagrams/s", "{:,.0f}", "higher"),
    ("udp_16k_loss", "UDP 16 KiB loss", "%", "{:.1f}", "lower"),
    ("follow_p50", "following a restart, p50", "ms", "{:.1f}", "lower"),
    ("follow_p99", "following a restart, p99", "ms", "{:.1f}", "lower"),
    ("follow_mh_p50", "following a restart, across hosts (a → c), p50", "ms", "{:.1f}", "lower"),
    ("follow_mh_p99", "following a restart, across hosts (a → c), p99", "ms", "{:.1f}", "lower"),
]


def _ratio(value, reference):
    if value is None or not reference:
        return None
    return value / reference


def _cell(summary, fmt, direct, haproxy, show_direct, show_haproxy):
    if summary is None:
        return "n/a"
    text = fmt.format(summary["median"])
    if len(summary["samples"]) > 1:
        text += f" ({fmt.format(summary['min'])}–{fmt.format(summary['max'])})"
    ratios = []
    if show_direct:
        r = _ratio(summary["median"], direct["median"] if direct else None)
        ratios.append(f"{r:.2f}× direct" if r is not None else "– direct")
    if show_haproxy:
        r = _ratio(summary["median"], haproxy["median"] if haproxy else None)
        ratios.append(f"{r:.2f}× HAProxy" if r is not None else "– HAProxy")
    return text + "<br>" + ", ".join(ratios) if ratios else text


def table(results, paths):
    header = "| figure | unit | " + " | ".join(name for _, name in paths) + " |"
    lines = [header, "|" + "---|" * (len(paths) + 2)]
    for key, label, unit, fmt, _ in METRICS:
        row = results.get(key, {})
        if not any(row.get(p) for p, _ in paths):
            continue
        direct, haproxy = row.get("direct"), row.get("haproxy")
        cells = [_cell(row.get(p), fmt, direct, haproxy, p != "direct", p != "haproxy") for p, _ in paths]
        lines.append(f"| {label} | {unit} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def goals(results):
    """The issue's goals, each as met/missed with the margin, from this run's medians."""
    def med(key, path):
        s = results.get(key, {}).get(path)
        return s["median"] if s else None

    out = []

    def compare(label, key, better, against="haproxy", added_over_direct=False):
        ga, ref = med(key, "ambassador"), med(key, against)
        if ga is None or ref is None:
            out.append(f"- {label}: not measured")
            return
        if added_over_direct:
            direct = med(key, "direct")
            ga, ref = ga - direct, ref - direct
        met = ga >= ref if better == "higher" else ga <= ref
        margin = (ga / ref - 1) * 100 if ref else float("inf")
        out.append(f"- {label}: {'met' if met else 'MISSED'} (grand-ambassador {ga:.4g} vs {against} {ref:.4g}, {margin:+.0f}%)")

    compare("iperf3 1 stream ≥ HAProxy", "tcp_1", "higher")
    compare("iperf3 8 streams ≥ HAProxy", "tcp_8", "higher")
    compare("redis 1 client req/s ≥ HAProxy", "redis_1_rps", "higher")
    compare("redis 50 clients req/s ≥ HAProxy", "redis_50_rps", "higher")
    compare("new connections/s ≥ HAProxy", "conns_per_s", "higher")
    for clients in (1, 50):
        for p in ("p50", "p99"):
            compare(f"added latency over direct, {clients} client(s) {p} ≤ HAProxy's", f"redis_{clients}_{p}", "lower",
                    added_over_direct=True)
    compare("memory per idle connection ≤ HAProxy", "mem_per_conn_kib", "lower")
    p50 = med("follow_p50", "ambassador")
    out.append(f"- following p50 < 50 ms on one host: " +
               ("not measured" if p50 is None else f"{'met' if p50 < 50 else 'MISSED'} ({p50:.1f} ms)"))
    p50 = med("follow_mh_p50", "ambassador")
    out.append(f"- following across hosts < 250 ms: " +
               ("not measured" if p50 is None else f"{'met' if p50 < 250 else 'MISSED'} ({p50:.1f} ms)"))
    return "\n".join(out)


def write(markdown_path, json_path, meta, results, paths):
    with open(json_path, "w") as f:
        json.dump({"meta": meta, "results": results}, f, indent=2, sort_keys=True)
    env = "\n".join(f"- {k}: {v}" for k, v in meta.items() if k != "partial updates")
    updates = "".join(f"\nPartial update, {u}." for u in meta.get("partial updates", []))
    if updates:
        updates += " The other figures are the full run's above; compare only figures from the same run.\n"
    text = f"""# Relay benchmark: direct vs grand-ambassador vs HAProxy vs socat

{env}

Each figure: median of the repetitions (min–max), then its ratio to direct and to HAProxy (value ÷ reference;
for latency, loss and memory lower is better). Relays listen on 127.0.0.1 and dial the container's address;
"direct" dials the container's address itself. Compare only figures from the same run: the machine is shared.

{table(results, paths)}

Memory: VmRSS of the relay process after {meta.get("idle connections (memory test)", 10000):,} idle proxied connections minus before, ÷ that count; for socat the
summed PSS of the listener and its per-connection processes (one process per connection).
UDP: iperf3 -u -b 0 (sender unthrottled); datagrams/s the server received; HAProxy has no UDP.
Following: time from the target's `start` event to the first request served through grand-ambassador,
over `docker restart -t 0` repetitions; only grand-ambassador follows a container. Across hosts: in the
multi-host lab (tests/lab/multihost), an ambassador process on each of hosts a, b, c in one cluster; the target
on host a (published 18080), the client in the root namespace through host c's ambassador (10.231.0.13:8080);
the `start` event is host a's engine's.
{updates}
## Goals (from the issue), this run

{goals(results)}
"""
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
    body = results_text.split("\n", 1)[1].replace("\n## Goals", "\n### Goals")
    with open(readme_path, "w") as f:
        f.write(head + marker + "\n\nCopied from [RESULTS.md](RESULTS.md) by the last run that wrote it (see its partial updates, if any).\n" + body)
