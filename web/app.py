"""The daemon's HTTP application: health for Docker and operators, Prometheus metrics, the pages.

Built from the running daemon (its health, metrics, session factory and last cycle) and served in
the daemon's own process; page rendering reads the database in a worker thread.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from aiohttp import web

from web import subscribe
from web import api, feeds
from web.templating import html
from web.week import add_routes as add_week_routes

STATIC = Path(__file__).resolve().parent / "static"


def not_found(message: str) -> web.Response:
    from web.templating import render

    return html(render("not_found.html", message=message), status=404)


# A 10,000-character Vietnamese query is ~90 KB percent-encoded: read it and answer with a message
# on the page, rather than a bare 400 from the request-line limit (8 KB by default).
MAX_REQUEST_LINE = 128 * 1024


def login_required(request: web.Request) -> web.Response:
    from web.templating import render

    return html(render("not_found.html", heading="Cần đăng nhập", message="Trang này cần mật khẩu của portalwatch."),
                status=401, headers={"WWW-Authenticate": 'Basic realm="portalwatch", charset="UTF-8"'})


@web.middleware
async def not_found_page(request: web.Request, handler):
    try:
        return await handler(request)
    except web.HTTPNotFound:
        return not_found("Không có trang này.")


def build_app(daemon) -> web.Application:
    from web import auth

    settings = getattr(daemon, "settings", None)
    app = web.Application(
        handler_args={"max_line_size": MAX_REQUEST_LINE},
        middlewares=[auth.middleware(auth.login_of(settings), auth.csrf_key(settings), login_required), not_found_page],
    )

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

    async def status_page(request: web.Request) -> web.Response:
        from web.auth import csrf_token
        from web.status import render

        def build() -> str:
            pacer = getattr(daemon, "pacer", None)
            paces = pacer.status(daemon.prepared.registry.portals) if pacer is not None else None
            return render(daemon.prepared.factory, daemon.last_cycle_at, daemon.prepared.registry.errors, paces,
                          csrf=csrf_token(request))

        return html(await asyncio.to_thread(build))

    async def archive(request: web.Request) -> web.Response:
        from web.archive import render_archive

        page = await asyncio.to_thread(render_archive, daemon.prepared.factory, request.query)
        return html(page)

    async def article(request: web.Request) -> web.Response:
        from web.archive import render_article

        raw = request.match_info["article_id"]
        page = await asyncio.to_thread(render_article, daemon.prepared.factory, int(raw), request.query) if raw.isdigit() and len(raw) < 10 else None
        return html(page) if page is not None else not_found("Không có bài viết này trong kho lưu trữ.")

    async def directives(request: web.Request) -> web.Response:
        from web.registers import render_directives

        return html(await asyncio.to_thread(render_directives, daemon.prepared.factory, request.query))

    async def directive(request: web.Request) -> web.Response:
        from web.registers import render_directive

        code = request.match_info["code"][:200]
        scope = request.query.get("scope") or None
        page = await asyncio.to_thread(render_directive, daemon.prepared.factory, code, scope)
        return html(page) if page is not None else not_found(f"Không có văn bản “{code}” trong sổ văn bản.")

    async def visits(request: web.Request) -> web.Response:
        from web.registers import render_visits

        return html(await asyncio.to_thread(render_visits, daemon.prepared.factory, request.query))

    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics)
    app.router.add_get("/", archive)
    app.router.add_get("/bai-viet/{article_id}", article)
    app.router.add_get("/van-ban/", directives)
    app.router.add_get("/van-ban/{code:.+}", directive)
    app.router.add_get("/doan/", visits)
    app.router.add_get("/trang-thai", status_page)
    app.router.add_static("/static/", STATIC)
    subscribe.add_routes(app, daemon)
    api.add_routes(app, daemon)
    feeds.add_routes(app, daemon)
    add_week_routes(app, daemon)
    from web import exports, portal_actions

    exports.add_routes(app, daemon)
    portal_actions.add_routes(app, daemon)
    return app


async def start_server(daemon, host: str, port: int, read_timeout: float | None = None,
                       max_connections: int | None = None) -> web.AppRunner:
    """Serve ``daemon``'s app; the limits default to the daemon's settings (``http_read_timeout``,
    ``http_max_connections``; web/server.py)."""
    from web.server import MAX_CONNECTIONS, READ_TIMEOUT, serve

    settings = getattr(daemon, "settings", None)
    read_timeout = read_timeout or getattr(settings, "http_read_timeout", READ_TIMEOUT)
    max_connections = max_connections or getattr(settings, "http_max_connections", MAX_CONNECTIONS)
    return await serve(build_app(daemon), host, port, read_timeout, max_connections)
