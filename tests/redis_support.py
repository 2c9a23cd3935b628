"""A real redis-server for the tests, and a loopback server that enforces rate windows."""

from __future__ import annotations

import math
import os
import shutil
import socket
import subprocess
import time
from collections import Counter
from typing import Any

import pytest
from aiohttp import web

from .conftest import error_body


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class RedisServer:
    """``redis-server`` on 127.0.0.1, no persistence; start and stop it at will."""

    def __init__(self, port: int | None = None) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            reason = "redis-server is not installed (.ci/run installs Debian's)"
            if os.environ.get("INTERCOM_ASYNC_REQUIRE_REDIS"):
                pytest.fail(reason + " and INTERCOM_ASYNC_REQUIRE_REDIS is set")
            pytest.skip(reason)
        self.binary = binary
        self.port = port or free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @classmethod
    def at(cls, url: str) -> RedisServer:
        """A server someone else runs (its port from the URL); never started or stopped here."""
        server = cls.__new__(cls)
        server.binary = ""
        server.port = int(url.rsplit(":", 1)[1].split("/", 1)[0])
        server.process = None
        return server

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        command = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as conn:
                    conn.sendall(b"PING\r\n")
                    if conn.recv(16).startswith(b"+PONG"):
                        return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


class WindowServer:
    """Fixed rate windows as Intercom enforces them: ``limit`` per ``seconds``, the real
    headers on every answer, 429 past the limit; counts every window."""

    def __init__(self, limit: int, seconds: int, latency: float = 0.0) -> None:
        self.limit = limit
        self.seconds = seconds
        self.latency = latency
        self.windows: Counter[int] = Counter()
        self.rejected = 0
        self.served = 0
        self.arrivals: list[float] = []

    async def handle(self, request: web.Request) -> web.Response:
        now = time.time()
        self.arrivals.append(now)
        index = math.floor(now / self.seconds)
        self.windows[index] += 1
        used = self.windows[index]
        headers = {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(max(0, self.limit - used)),
            "X-RateLimit-Reset": str((index + 1) * self.seconds),
        }
        if used > self.limit:
            self.rejected += 1
            return web.json_response(
                error_body("rate_limit_exceeded", "slow down"), status=429, headers=headers
            )
        if self.latency:
            import asyncio

            await asyncio.sleep(self.latency)
        self.served += 1
        body: dict[str, Any] = {"type": "contact", "id": request.path.rsplit("/", 1)[-1]}
        return web.json_response(body, headers=headers)
