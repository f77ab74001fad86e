"""Admin actions on the status page: pause or resume crawling a portal.

POST only, from an admin login, with the CSRF token of web/auth.py; the change is the same storage
call the bot's /pause and /resume make (``storage.repositories.set_paused``), so the scheduler skips
a paused portal from its next cycle, whoever paused it.
"""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web

from storage import repositories as repo
from storage.db import transaction
from web.auth import admin_post

log = logging.getLogger("portalwatch.web")


def refused(message: str, status: int = 403) -> web.Response:
    from web.templating import html, render

    heading = "Không được phép" if status == 403 else "Không có cổng này"
    return html(render("not_found.html", heading=heading, message=message), status=status)


def add_routes(app: web.Application, daemon) -> None:
    def action(paused: bool):
        async def handle(request: web.Request) -> web.StreamResponse:
            user, why, form = await admin_post(request)
            if user is None:
                return refused(why)
            portal_id = str(form.get("portal", "")).strip()[:100]

            def work() -> bool:
                with transaction(daemon.prepared.factory) as session:
                    return repo.set_paused(session, portal_id, paused) is not None

            if not portal_id or not await asyncio.to_thread(work):
                return refused(f"Không có cổng “{portal_id}” trong cơ sở dữ liệu.", status=404)
            log.info("web: %s %s portal %s", user.name, "paused" if paused else "resumed", portal_id)
            raise web.HTTPSeeOther("/trang-thai")

        return handle

    app.router.add_post("/trang-thai/tam-dung", action(True))
    app.router.add_post("/trang-thai/tiep-tuc", action(False))
