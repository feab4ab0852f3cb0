"""The ways to reach a target: direct, and through each relay under test on 127.0.0.1."""
import os
import resource
import subprocess

from .util import children, cpu_seconds, kill_pid, listening, log, rss_bytes, pss_bytes_tree, wait_until

OUT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "out")

def idle_connection_count():
    """10,000 idle connections need 20,000 descriptors in a relay; where the hard limit is lower (20,000 here,
    and without CAP_SYS_RESOURCE it cannot be raised) the memory test uses as many as fit."""
    soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    return min(10_000, (soft - 300) // 2)


HAPROXY_MAXCONN = idle_connection_count() + 100

# Every peer gets as many threads or workers as the machine has cores (grand-ambassador's thread pool sizes
# itself the same way), stated in the report.
WORKERS = os.cpu_count() or 1

# Debian sid's root (tests/lab/engines/root.sh sid; bench/run.sh exports it): HAProxy 3.2 and nginx 1.30 with
# its stream module, run from there with chroot. Unset: those two peers are left out.
SID_ROOT = os.environ.get("GA_BENCH_SID_ROOT", "")
PIDFILE = os.path.join(OUT, "pids")


def _remember(pid):
    """Records a started process so that the next run can stop it if this run is killed."""
    with open(PIDFILE, "a") as f:
        f.write(f"{pid}\n")


def stop_leftover_processes():
    """Stops processes an earlier, killed run started: only those it recorded, and only if still ours."""
    if not os.path.exists(PIDFILE):
        return
    with open(PIDFILE) as f:
        pids = [int(p) for p in f.read().split()]
    for pid in pids:
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as c:
                cmdline = c.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        program = os.path.basename(cmdline.split(" ", 1)[0])
        if program.rstrip(":") in ("grand-ambassador", "haproxy", "socat", "nginx", "chroot"):
            log(f"stopping left-over process {pid}: {cmdline[:80]}")
            kill_pid(pid)
    os.remove(PIDFILE)


class Path:
    """A path to the targets. Relays listen on 127.0.0.1, one port per service: base + index."""

    name = "?"
    key = "?"
    udp = True
    proxy = True

    def __init__(self, services, base_port):
        self.services = services
        self.ports = {s.key: base_port + i for i, s in enumerate(services)}
        self.process = None
        self.log_path = os.path.join(OUT, f"{self.key}.log")

    def endpoint(self, service_key):
        return "127.0.0.1", self.ports[service_key]

    def start(self):
        raise NotImplementedError

    def stop(self):
        if self.process is not None:
            kill_pid(self.process.pid)
            self.process = None

    def memory_bytes(self):
        """Resident memory of the relay (VmRSS; socat overrides with the PSS of all its processes)."""
        return rss_bytes(self.process.pid)

    def cpu(self):
        """CPU seconds the relay has used so far (utime + stime of all its threads); None for direct."""
        return cpu_seconds(self.process.pid)

    def _spawn(self, args, env=None):
        logfile = open(self.log_path, "a")
        self.process = subprocess.Popen(args, stdout=logfile, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                        env=env, start_new_session=True)
        _remember(self.process.pid)

    def _wait_listening(self):
        for service in self.services:
            port = self.ports[service.key]
            wait_until(lambda p=port: listening(p), 30, f"{self.name} listening on {port}")
            if service.udp and self.udp:
                wait_until(lambda p=port: listening(p, proto="udp"), 30, f"{self.name} listening on {port}/udp")
        if self.process.poll() is not None:
            raise RuntimeError(f"{self.name} exited {self.process.returncode}; see {self.log_path}")


class Direct(Path):
    name = "direct"
    key = "direct"
    proxy = False

    def endpoint(self, service_key):
        service = next(s for s in self.services if s.key == service_key)
        return service.ip, service.port

    def start(self):
        pass

    def memory_bytes(self):
        return None

    def cpu(self):
        return None


class Ambassador(Path):
    """The published grand-ambassador, on the host, fronting every target by container name."""

    name = "grand-ambassador"
    key = "ambassador"

    def __init__(self, services, base_port, binary, extra_args=(), env=None):
        super().__init__(services, base_port)
        self.binary = binary
        self.env = env
        self.extra_args = list(extra_args)

    def start(self):
        args = [self.binary, "--listen", "127.0.0.1"]
        for service in self.services:
            args += ["--name", service.container]
        for service in self.services:
            prefix = f"{service.container}=" if len(self.services) > 1 else ""
            port = self.ports[service.key]
            args += ["--port", f"{prefix}{port}:{service.port}"]
            if service.udp:
                args += ["--port", f"{prefix}{port}:{service.port}/udp"]
        open(self.log_path, "w").close()
        self._spawn(args + self.extra_args, env=dict(os.environ, **self.env) if self.env else None)
        try:
            self._wait_listening()
            # Listening starts before the container is found: wait until every port is routed. A start-up takes
            # 15-20 s of a saturated 2-core machine (longer with some runtime settings under test).
            for service in self.services:
                needle = f"{self.ports[service.key]}/tcp -> {service.ip}:{service.port}"
                wait_until(lambda n=needle: n in open(self.log_path).read(), 120, f"{self.name} routing {needle}")
        except BaseException:
            self.stop()  # not yet among the caller's started paths: nobody else would stop it
            raise


class HAProxy(Path):
    """Debian bookworm's HAProxy 2.6 in mode tcp, as a user writes it: a generated config, default settings
    but for maxconn and nbthread (one thread per core, like every peer)."""

    name = "HAProxy 2.6"
    key = "haproxy"
    udp = False
    root = ""  # run from the host's /

    def start(self):
        lines = [
            "global",
            f"    maxconn {HAPROXY_MAXCONN}",
            f"    ulimit-n {resource.getrlimit(resource.RLIMIT_NOFILE)[0]}",
            f"    nbthread {WORKERS}",
            "defaults",
            "    mode tcp",
            f"    maxconn {HAPROXY_MAXCONN}",
            "    timeout connect 5s",
            "    timeout client 1h",
            "    timeout server 1h",
        ]
        for service in self.services:
            lines += [
                f"listen {service.key}",
                f"    bind 127.0.0.1:{self.ports[service.key]}",
                f"    server {service.key} {service.ip}:{service.port}",
            ]
        config = _write_config(self.root, f"{self.key}.cfg", lines)
        open(self.log_path, "w").close()
        self._spawn(_in_root(self.root, ["haproxy", "-db", "-f", config]))
        self._wait_listening()


class HAProxy32(HAProxy):
    """HAProxy 3.2 from Debian sid (the newest a user would pick today), the same configuration."""

    name = "HAProxy 3.2"
    key = "haproxy32"
    root = SID_ROOT


class NginxStream(Path):
    """nginx 1.30 from Debian sid with its stream module: a TCP and a UDP `proxy_pass` per target, one worker
    process per core; its CPU and memory are the master's and the workers' together."""

    name = "nginx 1.30"
    key = "nginx"
    root = SID_ROOT

    def start(self):
        servers = []
        for service in self.services:
            port = self.ports[service.key]
            servers += [f"  server {{ listen 127.0.0.1:{port}; proxy_pass {service.ip}:{service.port};"
                        " proxy_connect_timeout 5s; proxy_timeout 1h; }"]
            if service.udp:
                servers += [f"  server {{ listen 127.0.0.1:{port} udp; proxy_pass {service.ip}:{service.port};"
                            " proxy_timeout 10s; }"]
        lines = [
            "load_module /usr/lib/nginx/modules/ngx_stream_module.so;",
            f"worker_processes {WORKERS};",
            f"worker_rlimit_nofile {resource.getrlimit(resource.RLIMIT_NOFILE)[0]};",
            "pid /tmp/ga-bench-nginx.pid;",
            "error_log stderr warn;",
            f"events {{ worker_connections {HAPROXY_MAXCONN}; }}",
            "stream {",
            *servers,
            "}",
        ]
        config = _write_config(self.root, "nginx.conf", lines)
        open(self.log_path, "w").close()
        self._spawn(_in_root(self.root, ["nginx", "-c", config, "-g", "daemon off;"]))
        self._wait_listening()

    def memory_bytes(self):
        return pss_bytes_tree(self.process.pid)

    def cpu(self):
        return cpu_seconds(self.process.pid) + sum(cpu_seconds(child) for child in children(self.process.pid))


def _write_config(root, name, lines):
    """Writes a peer's configuration where the peer sees it (inside its root); returns the path it sees."""
    inside = f"/tmp/ga-bench-{name}"
    with open(root + inside if root else os.path.join(OUT, name), "w") as f:
        f.write("\n".join(lines) + "\n")
    return inside if root else os.path.join(OUT, name)


def _in_root(root, args):
    return ["chroot", root, *args] if root else args


class Socat(Path):
    """socat, one process per listening port and transport; it forks one more per connection."""

    name = "socat"
    key = "socat"

    def __init__(self, services, base_port):
        super().__init__(services, base_port)
        self.processes = []

    def start(self):
        open(self.log_path, "w").close()
        for service in self.services:
            port = self.ports[service.key]
            self._spawn(["socat", f"TCP-LISTEN:{port},bind=127.0.0.1,fork,reuseaddr,backlog=1024",
                         f"TCP:{service.ip}:{service.port}"])
            self.processes.append(self.process)
            if service.udp:
                self._spawn(["socat", f"UDP-LISTEN:{port},bind=127.0.0.1,fork,reuseaddr",
                             f"UDP:{service.ip}:{service.port}"])
                self.processes.append(self.process)
        self._wait_listening()

    def stop(self):
        for process in self.processes:
            for pid in _descendants(process.pid):
                kill_pid(pid, grace=0.5)
            kill_pid(process.pid)
        self.processes = []
        self.process = None

    def memory_bytes(self):
        # One socat per listening port; the memory test starts a Socat path with only one service.
        return sum(pss_bytes_tree(p.pid) for p in self.processes)

    def cpu(self):
        # The listeners, the per-connection processes still running, and those already reaped (cutime/cstime).
        total = 0.0
        for process in self.processes:
            total += cpu_seconds(process.pid, reaped_children=True)
            total += sum(cpu_seconds(child) for child in children(process.pid))
        return total


def _descendants(pid):
    return children(pid)


def relays(services, binary, offset):
    """grand-ambassador and every peer present (HAProxy 2.6; HAProxy 3.2 and nginx 1.30 with SID_ROOT), on
    bench.py's ports plus `offset`, so that a script can run beside the main bench's paths."""
    found = [Ambassador(services, 12001 + offset, binary), HAProxy(services, 13001 + offset)]
    if SID_ROOT:
        found += [HAProxy32(services, 16001 + offset), NginxStream(services, 17001 + offset)]
    return found
