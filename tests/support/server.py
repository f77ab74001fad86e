"""A fixture-portal HTTP server for tests: real HTTP on a loopback address, with faults on demand.

Each ``PortalServer`` binds its own address (127.0.0.N) so per-domain politeness behaves as in
production when many portals are crawled at once. Every request is logged, so tests can count what
a crawl fetched. Faults stop by themselves: a hang lasts until the server stops, at most ``HANG_MAX``.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

HANG_MAX = 60.0


@dataclass
class Page:
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    headers: dict = field(default_factory=dict)
    last_modified: float = field(default_factory=time.time)


class PortalServer:
    def __init__(self, host: str = "127.0.0.1", conditional: bool = True):
        self.pages: dict[str, Page] = {}
        self.faults: dict[str, str] = {}
        self.requests: list[tuple[str, str, int]] = []  # (method, path, status)
        self.conditional = conditional
        # Seconds to wait before answering any page (not robots.txt): a slow portal.
        self.delay = 0.0
        self.robots = "User-agent: *\nDisallow: /private/\n"
        self._stop = threading.Event()
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                server._handle(self)

            def do_HEAD(self):
                server._handle(self, head=True)

        self.httpd = ThreadingHTTPServer((host, 0), Handler)
        self.httpd.daemon_threads = True
        self.host, self.port = self.httpd.server_address[:2]
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    # -- lifecycle ------------------------------------------------------------------------------

    def __enter__(self) -> "PortalServer":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self) -> None:
        self._stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    @property
    def root(self) -> str:
        return f"http://{self.host}:{self.port}"

    def url(self, path: str) -> str:
        return self.root + path

    # -- content --------------------------------------------------------------------------------

    def add(self, path: str, body: str | bytes, content_type: str = "text/html; charset=utf-8", **kwargs) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        with self._lock:
            self.pages[path] = Page(data, content_type, **kwargs)

    def fault(self, path: str, kind: str) -> None:
        """hang | 500 | redirect-loop | huge | pdf | empty | garbage | reset"""
        self.faults[path] = kind

    def count(self, prefix: str = "", status: int | None = None) -> int:
        return sum(
            1
            for _, path, code in self.requests
            if path.startswith(prefix) and path != "/robots.txt" and (status is None or code == status)
        )

    def paths(self) -> Counter:
        return Counter(path for _, path, _ in self.requests if path != "/robots.txt")

    def reset_log(self) -> None:
        self.requests.clear()

    # -- serving --------------------------------------------------------------------------------

    def _send(self, handler, status: int, body: bytes, content_type: str, head: bool, extra: dict | None = None):
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body)))
        for key, value in (extra or {}).items():
            handler.send_header(key, value)
        handler.end_headers()
        if not head:
            handler.wfile.write(body)
        self.requests.append((handler.command, handler.path, status))

    def _handle(self, handler: BaseHTTPRequestHandler, head: bool = False) -> None:
        full = handler.path
        path = urlsplit(full).path
        if path == "/robots.txt":
            return self._send(handler, 200, self.robots.encode(), "text/plain", head)
        if self.delay:
            self._stop.wait(self.delay)
        fault = self.faults.get(full) or self.faults.get(path)
        if fault:
            return self._fault(handler, fault, full, head)
        page = self.pages.get(full) or self.pages.get(path)
        if page is None:
            return self._send(handler, 404, b"<html><body>Not found</body></html>", "text/html", head)
        extra = dict(page.headers)
        if self.conditional and page.status == 200:
            etag = '"' + hashlib.md5(page.body).hexdigest() + '"'
            modified = formatdate(page.last_modified, usegmt=True)
            extra.update({"ETag": etag, "Last-Modified": modified})
            if handler.headers.get("If-None-Match") == etag:
                return self._send(handler, 304, b"", page.content_type, True, {"ETag": etag})
        return self._send(handler, page.status, page.body, page.content_type, head, extra)

    def _fault(self, handler, fault: str, full: str, head: bool) -> None:
        if fault == "hang":
            self.requests.append((handler.command, full, 0))
            self._stop.wait(HANG_MAX)
            handler.close_connection = True
            return
        if fault == "500":
            return self._send(handler, 500, b"<html><body>Internal Server Error</body></html>", "text/html", head)
        if fault == "redirect-loop":
            path = urlsplit(full).path
            target = path + ("?b" if full.endswith("?a") else "?a")
            return self._send(handler, 302, b"", "text/html", head, {"Location": target})
        if fault == "huge":
            size = 20 * 1024 * 1024
            handler.send_response(200)
            handler.send_header("Content-Type", "text/html; charset=utf-8")
            handler.send_header("Content-Length", str(size))
            handler.end_headers()
            self.requests.append((handler.command, full, 200))
            chunk = b"<p>" + b"x" * 65530 + b"</p>"
            try:
                for _ in range(size // len(chunk)):
                    if self._stop.is_set():
                        break
                    handler.wfile.write(chunk)
            except (BrokenPipeError, ConnectionResetError):
                pass
            return
        if fault == "pdf":
            return self._send(handler, 200, b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "application/pdf", head)
        if fault == "empty":
            return self._send(handler, 200, b"", "text/html; charset=utf-8", head)
        if fault == "garbage":
            body = b"<html><head><title>\x00\xff\xfe</tit<body><<<div><a href=>>>" + bytes(range(256)) * 4
            return self._send(handler, 200, body, "text/html", head)
        raise ValueError(f"unknown fault {fault}")


def loopback(n: int) -> str:
    """The n-th loopback address, 127.0.0.2 onwards (Linux routes all of 127/8 to lo)."""
    return f"127.0.{(n + 2) // 250}.{(n + 2) % 250 or 1}"
