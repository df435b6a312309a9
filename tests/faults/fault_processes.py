"""Real processes that fault tests break on purpose: a Redis of their own, a killable server.

Nothing here touches the shared Redis on 6379 or the shared PostgreSQL server's other
databases; everything started is stopped by the context manager that started it.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import harness
import pytest
import redis


class RedisProcess:
    """``redis-server`` on a free loopback port that a test stops, freezes and restarts."""

    def __init__(self, directory: Path, *, port: int | None = None) -> None:
        self.directory = directory
        self.port = port or harness.free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._proc: subprocess.Popen[bytes] | None = None

    def start(self) -> RedisProcess:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.skip("redis-server is not installed")
        self._proc = subprocess.Popen(
            [
                binary,
                "--port", str(self.port),
                "--bind", "127.0.0.1",
                "--save", "",
                "--appendonly", "yes",  # a restart keeps live dialogs, as in production
                "--appendfsync", "always",
                "--dir", str(self.directory),
                "--logfile", str(self.directory / "redis.log"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                if redis.Redis(port=self.port, socket_timeout=0.5).ping():
                    return self
            except redis.RedisError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    @property
    def pid(self) -> int:
        assert self._proc is not None
        return self._proc.pid

    def freeze(self) -> None:
        """SIGSTOP: connections stay open and nothing answers."""
        os.kill(self.pid, signal.SIGSTOP)

    def thaw(self) -> None:
        os.kill(self.pid, signal.SIGCONT)

    def stop(self) -> None:
        """Shut down cleanly (its append-only file kept), as an operator's restart would."""
        if self._proc is None:
            return
        if self._proc.poll() is None:
            os.kill(self.pid, signal.SIGCONT)
            self._proc.terminate()
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        self._proc = None

    def kill(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait()
        self._proc = None

    def restart(self) -> RedisProcess:
        self.stop()
        return self.start()

    def client(self) -> redis.Redis:
        return redis.Redis(port=self.port, socket_timeout=2)


@contextmanager
def own_redis() -> Iterator[RedisProcess]:
    with tempfile.TemporaryDirectory(prefix="oiap-fault-redis-") as directory:
        process = RedisProcess(Path(directory)).start()
        try:
            yield process
        finally:
            process.stop()


class KillableServer(harness.Server):
    """``oiap serve`` that a test can kill with SIGKILL (its workers too) and start again."""

    def kill(self) -> None:
        proc = self._proc
        if proc is None:
            return
        # The server's workers are its children: kill the whole process group's tree.
        children = subprocess.run(
            ["pgrep", "-P", str(proc.pid)], capture_output=True, text=True
        ).stdout.split()
        for pid in [proc.pid, *map(int, children)]:
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        proc.wait()
        self._proc = None
