"""The target containers: one per service, all named ga-bench-<run>-<service>, all removed on exit."""
import json
import os

from .util import log, run, wait_until

PREFIX = "ga-bench-"

# Containers cannot have more descriptors than dockerd's own hard limit (20,000 on the lab machine).
_NOFILE = 20_000


class Service:
    """A service a path leads to: a container's TCP (and maybe UDP) port."""

    def __init__(self, key, image, command, port, udp=False, run_args=()):
        self.key, self.image, self.command, self.port, self.udp = key, image, command, port, udp
        self.run_args = list(run_args)
        self.container = None
        self.ip = None


# The same targets serve every path. Redis keeps idle connections open (timeout 0) and takes 40k clients,
# which the memory test needs; busybox httpd closes after each response, which the new-connection test needs.
SERVICES = {
    "iperf": Service("iperf", "ga-bench/iperf3:latest", ["/usr/bin/iperf3", "-s", "-p", "5201"], 5201, udp=True),
    "redis": Service("redis", "local/redis:7",
                     ["/usr/bin/redis-server", "--protected-mode", "no", "--bind", "0.0.0.0",
                      "--maxclients", "40000", "--save", "", "--appendonly", "no"],
                     6379, run_args=["--ulimit", f"nofile={_NOFILE}:{_NOFILE}"]),
    "http": Service("http", "ga-test/busybox:latest", ["httpd", "-f", "-p", "8080", "-h", "/www"], 8080),
    "follow": Service("follow", "ga-test/busybox:latest", ["httpd", "-f", "-p", "8080", "-h", "/www"], 8080),
}


def remove_leftovers(docker=("docker",)):
    """Removes containers an earlier, killed run left behind."""
    ids = run([*docker, "ps", "-aq", "--filter", f"name=^{PREFIX}"], check=False).split()
    if ids:
        log(f"removing {len(ids)} left-over container(s)")
        run([*docker, "rm", "-f", *ids], check=False)


def container_ip(name, docker=("docker",)):
    info = json.loads(run([*docker, "inspect", name]))[0]
    for network in info["NetworkSettings"]["Networks"].values():
        if network.get("IPAddress"):
            return network["IPAddress"]
    return None


def start(services, run_id, docker=("docker",)):
    for service in services:
        service.container = f"{PREFIX}{run_id}-{service.key}"
        expose = [f"--expose={service.port}/tcp"] + ([f"--expose={service.port}/udp"] if service.udp else [])
        run([*docker, "run", "-d", "--name", service.container, *expose, *service.run_args, service.image, *service.command])
    for service in services:
        wait_until(lambda s=service: container_ip(s.container, docker) is not None, 30, f"{service.container} address")
        service.ip = container_ip(service.container, docker)
        log(f"target {service.container} at {service.ip}:{service.port}")
    # A target that listens answers; httpd and redis bind within milliseconds, iperf3 too.
    for service in services:
        wait_until(lambda s=service: _tcp_open(s.ip, s.port), 30, f"{service.container} listening")


def _tcp_open(ip, port):
    import socket
    try:
        with socket.create_connection((ip, port), timeout=0.5):
            return True
    except OSError:
        return False


def stop(services, docker=("docker",)):
    names = [s.container for s in services if s.container]
    if names:
        run([*docker, "rm", "-f", *names], check=False)
