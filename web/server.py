"""The HTTP server the daemon runs: aiohttp's, with a deadline per request and a cap on connections.

The port may face a hostile network, and every open socket costs the daemon a file descriptor it
also needs for the database, the bot and crawl children. So a connection must deliver a whole
request within ``read_timeout`` seconds of opening (or of its previous answer), else it is closed;
and at most ``max_connections`` are open at once: a new one beyond that closes the oldest idle one
(no request being answered), so a flood of idle or half-sent requests can neither exhaust the
descriptors nor keep ``/healthz`` from answering.
"""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web
from aiohttp.web_protocol import RequestHandler

log = logging.getLogger("portalwatch.http")
READ_TIMEOUT = 10.0
MAX_CONNECTIONS = 200


class _GuardedHandler(RequestHandler):
    """aiohttp's protocol, with a deadline for each request and a cap on open connections."""

    def __init__(self, server: web.Server, read_timeout: float, max_connections: int):
        super().__init__(server, loop=asyncio.get_running_loop(), **server._kwargs)
        self._pw_server, self._pw_read_timeout, self._pw_max = server, read_timeout, max_connections
        self._pw_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        self._arm()
        connections = self._pw_server.connections
        if len(connections) > self._pw_max:
            idle = next((c for c in connections if c is not self and not _busy(c)), None)
            (idle or self).force_close()
            if idle is None:
                log.warning("HTTP: %d connections open, all busy: refused a new one", len(connections) - 1)

    def _arm(self) -> None:
        if self._pw_deadline is not None:
            self._pw_deadline.cancel()
        self._pw_deadline = self._loop.call_later(self._pw_read_timeout, self._expire, getattr(self, "_request_count", 0))

    def _expire(self, requests_then: int) -> None:
        self._pw_deadline = None
        if self.transport is None:
            return
        if _busy(self) or getattr(self, "_request_count", 0) != requests_then:
            self._arm()  # a request came (or is being answered): the next one gets its own deadline
            return
        self.force_close()

    def connection_lost(self, exc: BaseException | None) -> None:
        if self._pw_deadline is not None:
            self._pw_deadline.cancel()
            self._pw_deadline = None
        super().connection_lost(exc)


def _busy(handler: RequestHandler) -> bool:
    return bool(getattr(handler, "_request_in_progress", False))


# asyncio accepts up to ``backlog`` sockets per wake-up before any protocol runs: a short backlog
# keeps a burst of new connections from overshooting the cap by more than this.
BACKLOG = 16


def fitting_cap(max_connections: int) -> int:
    """The connection cap, lowered to a quarter of the process's open-file limit if that is smaller:
    the database, the bot, crawl children and a burst of accepts need descriptors too."""
    import resource

    soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    if soft == resource.RLIM_INFINITY or soft // 4 >= max_connections:
        return max_connections
    log.warning("HTTP: at most %d connections (a quarter of the open-file limit %d), not %d", soft // 4, soft, max_connections)
    return max(8, soft // 4)


class _GuardedSite(web.TCPSite):
    def __init__(self, runner: web.AppRunner, host: str, port: int, read_timeout: float, max_connections: int):
        super().__init__(runner, host, port, backlog=BACKLOG)
        self.read_timeout, self.max_connections = read_timeout, fitting_cap(max_connections)

    async def start(self) -> None:
        await web.BaseSite.start(self)
        server = self._runner.server
        self._server = await asyncio.get_running_loop().create_server(
            lambda: _GuardedHandler(server, self.read_timeout, self.max_connections),
            self._host, self._port, backlog=self._backlog, reuse_address=self._reuse_address, reuse_port=self._reuse_port,
        )


async def serve(app: web.Application, host: str, port: int, read_timeout: float = READ_TIMEOUT,
                max_connections: int = MAX_CONNECTIONS) -> web.AppRunner:
    # Idle keep-alive connections are closed after the same time as a slow request.
    runner = web.AppRunner(app, access_log=None, keepalive_timeout=read_timeout)
    await runner.setup()
    await _GuardedSite(runner, host, port, read_timeout, max_connections).start()
    return runner
