"""The daemon's HTTP side: health for Docker and operators, Prometheus metrics, the status page."""

from __future__ import annotations

import json

from aiohttp import web


def build_app(daemon) -> web.Application:
    app = web.Application()

    async def healthz(request: web.Request) -> web.Response:
        healthy, body = await daemon.health()
        return web.Response(
            status=200 if healthy else 503,
            text=json.dumps(body, ensure_ascii=False, indent=1),
            content_type="application/json",
        )

    async def metrics(request: web.Request) -> web.Response:
        await daemon.refresh_gauges_async()
        return web.Response(body=daemon.metrics.render(), headers={"Content-Type": "text/plain; version=0.0.4; charset=utf-8"})

    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics)
    status_page = getattr(daemon, "status_page", None)
    if status_page is not None:
        app.router.add_get("/", status_page)
    return app


async def start_server(daemon, host: str, port: int) -> web.AppRunner:
    runner = web.AppRunner(build_app(daemon), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    return runner
