"""Opens many idle connections through a relay to Redis, each proven end to end with one PING."""
import socket
import time


def open_idle(host, port, count, batch=200, timeout=30.0):
    """Returns the open sockets; each has had its PONG, so the relay has its backend connection too."""
    sockets = []
    deadline = time.monotonic() + timeout + count / 100
    while len(sockets) < count:
        group = []
        for _ in range(min(batch, count - len(sockets))):
            s = socket.create_connection((host, port), timeout=timeout)
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            s.sendall(b"PING\r\n")
            group.append(s)
        for s in group:
            reply = b""
            while not reply.endswith(b"\r\n"):
                chunk = s.recv(64)
                if not chunk:
                    raise ConnectionError(f"connection {len(sockets)} closed before PONG")
                reply += chunk
            if reply != b"+PONG\r\n":
                raise ConnectionError(f"unexpected reply {reply!r}")
        sockets.extend(group)
        if time.monotonic() > deadline:
            raise TimeoutError(f"only {len(sockets)} of {count} connections opened in time")
    return sockets


def close_all(sockets):
    for s in sockets:
        s.close()
