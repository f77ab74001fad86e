"""The daemon's HTTP port against a flood of idle, half-sent requests (issue 11.8).

The daemon runs as a real process under a small file-descriptor limit; the test opens more
half-sent requests than that limit allows (a bounded number, all closed at the end). /healthz must
still answer during the flood, and each idle socket must be closed by the daemon once the read
timeout (shortened through the settings) has passed.
"""

from __future__ import annotations

import resource
import socket
import subprocess
import sys
import time

from tests.support.daemon import DaemonProcess
from tests.test_daemon import daemon_env, registry_file

FD_LIMIT = 256
FLOOD = 400  # more than the daemon could ever hold open under its limit
READ_TIMEOUT = 2.0


class LimitedDaemon(DaemonProcess):
    """The daemon started under a soft limit of FD_LIMIT open files, as in a small container."""

    def start(self) -> "LimitedDaemon":
        def limit() -> None:
            hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
            resource.setrlimit(resource.RLIMIT_NOFILE, (FD_LIMIT, hard))

        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen([sys.executable, "-m", "crawler.cli", "run"], env=self.env, stdout=self.log,
                                     stderr=subprocess.STDOUT, preexec_fn=limit)
        return self


def _half_request(port: int) -> socket.socket | None:
    sock = socket.socket()
    sock.settimeout(2.0)
    try:
        sock.connect(("127.0.0.1", port))
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")  # never finished
    except OSError:
        sock.close()
        return None
    return sock


def _closed_by_peer(sock: socket.socket) -> bool:
    try:
        sock.settimeout(0.5)
        return sock.recv(1024) == b""
    except ConnectionResetError:
        return True
    except (TimeoutError, OSError):
        return False


def test_a_flood_of_half_sent_requests_neither_exhausts_the_daemon_nor_stays_open(tmp_path, sqlite_url):
    registry = registry_file(tmp_path / "p.yaml", {"offline": "http://127.0.0.1:9/tin-tuc"})
    # Interval scale 1: health cannot go stale (3 min) while the test runs, whatever the machine's load.
    env = daemon_env(sqlite_url, registry, PORTALWATCH_HTTP_READ_TIMEOUT=READ_TIMEOUT,
                     PORTALWATCH_HTTP_MAX_CONNECTIONS=100, PORTALWATCH_INTERVAL_SCALE=1)
    daemon = LimitedDaemon(env, tmp_path / "daemon.log").start()
    flood: list[socket.socket] = []
    try:
        # The server answers (503) before the scheduler has started; the flood begins once it is healthy.
        before, _ = daemon.wait_for(lambda: (answer := daemon.health()) and answer[0] == 200 and answer, 60,
                                    "the daemon's /healthz to answer 200")
        assert before == 200
        for _ in range(FLOOD):
            sock = _half_request(daemon.port)
            if sock is not None:
                flood.append(sock)
        status, body = daemon.health()  # during the flood
        assert status == before and "portals" in body
        assert daemon.proc.poll() is None
        # Once the read timeout has passed, the daemon has closed every idle socket it still held.
        time.sleep(READ_TIMEOUT * 2 + 1)
        still_open = [s for s in flood if not _closed_by_peer(s)]
        assert still_open == [], f"{len(still_open)} of {len(flood)} idle sockets still open"
        assert daemon.health()[0] == before
        assert "Too many open files" not in daemon.output()
    finally:
        for sock in flood:
            sock.close()
        daemon.stop()
