"""The machine's Redis (127.0.0.1:6379), which the multi-host test and the load benchmark use as
production does: for rate limits and for the figures kept for a minute."""

from __future__ import annotations

import socket

REDIS = ("127.0.0.1", 6379)
REDIS_URL = f"redis://{REDIS[0]}:{REDIS[1]}/0"


def redis_answers() -> bool:
    try:
        with socket.create_connection(REDIS, timeout=1) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False
