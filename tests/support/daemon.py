"""Runs `portalwatch run` as a real child process for the daemon tests, and always stops it."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class DaemonProcess:
    def __init__(self, env: dict[str, str], log_path: Path):
        self.env = {**os.environ, **env}
        self.port = int(env["PORTALWATCH_HTTP_PORT"])
        self.log_path = log_path
        self.proc: subprocess.Popen | None = None

    def start(self) -> "DaemonProcess":
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen([sys.executable, "-m", "crawler.cli", "run"], env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        return self

    def get(self, path: str, timeout: float = 5.0) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=timeout) as answer:
                return answer.status, answer.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8")

    def health(self) -> tuple[int, dict]:
        status, body = self.get("/healthz")
        return status, json.loads(body)

    def wait_for(self, predicate, timeout: float, what: str):
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"daemon exited with {self.proc.returncode} while waiting for {what}:\n{self.output()}")
            try:
                last = predicate()
                if last:
                    return last
            except (OSError, ValueError):
                pass
            time.sleep(0.2)
        raise AssertionError(f"timed out waiting for {what} (last: {last!r})\n{self.output()[-3000:]}")

    def terminate(self, timeout: float = 20.0) -> tuple[int, float]:
        started = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(timeout=timeout)
        return code, time.monotonic() - started

    def kill(self) -> None:
        """kill -9 the daemon and its crawl child, as a power cut would."""
        for pid in _children(self.proc.pid) + [self.proc.pid]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            with contextlib.suppress(Exception):
                self.terminate(timeout=20)
            if self.proc.poll() is None:
                self.kill()
        for pid in _children(self.proc.pid) if self.proc else []:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.log.close()

    def output(self) -> str:
        self.log.flush()
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry))
    return found


@contextlib.contextmanager
def running_daemon(env: dict[str, str], log_path: Path):
    daemon = DaemonProcess(env, log_path).start()
    try:
        yield daemon
    finally:
        daemon.stop()
