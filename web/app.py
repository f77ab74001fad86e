"""The daemon's HTTP application: health for Docker and operators, Prometheus metrics, the pages.

Built from the running daemon (its health, metrics, session factory and last cycle) and served in
the daemon's own process; page rendering reads the database in a worker thread.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from aiohttp import web

STATIC = Path(__file__).resolve().parent / "static"


def build_app(daemon) -> web.Application:
    app = web.Application()

    async def healthz(request: web.Request) -> web.Response:
        healthy, body = daemon.health()
        return web.Response(
            status=200 if healthy else 503,
            text=json.dumps(body, ensure_ascii=False, indent=1),
            content_type="application/json",
        )

    async def metrics(request: web.Request) -> web.Response:
        daemon.refresh_gauges()
        return web.Response(body=daemon.metrics.render(), headers={"Content-Type": "text/plain; version=0.0.4; charset=utf-8"})

    async def status_page(request: web.Request) -> web.Response:
        from web.status import render

        page = await asyncio.to_thread(render, daemon.prepared.factory, daemon.last_cycle_at)
        return web.Response(text=page, content_type="text/html", charset="utf-8")

    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics)
    app.router.add_get("/", status_page)
    app.router.add_get("/trang-thai", status_page)
    app.router.add_static("/static/", STATIC)
    return app


async def start_server(daemon, host: str, port: int) -> web.AppRunner:
    runner = web.AppRunner(build_app(daemon), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    return runner
