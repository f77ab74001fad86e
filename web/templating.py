"""One Jinja2 environment for every page: autoescaping on, so no stored field can inject markup."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import quote

from aiohttp import web
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from crawler.timefmt import short_vn


# Issuer codes as they end a document number, as a reader names them.
ISSUERS = {"TW": "Trung ương Đảng", "TU": "Tỉnh ủy", "TTg": "Thủ tướng Chính phủ", "CP": "Chính phủ", "QH": "Quốc hội",
           "UBND": "Ủy ban nhân dân", "HĐND": "Hội đồng nhân dân", "BCT": "Bộ Chính trị", "BBT": "Ban Bí thư"}


def day_first(iso_day: str | None) -> str:
    """"2016-04-29" -> "29/04/2016" (dates are shown day first)."""
    if not iso_day:
        return ""
    parts = iso_day.split("-")
    return "/".join(reversed(parts)) if len(parts) == 3 else iso_day


def code_url(code: str, scope: str | None = None) -> str:
    """A document's register page; a local code (several provinces may use it) carries its scope."""
    url = "/van-ban/" + quote(code, safe="/")
    return f"{url}?scope={quote(scope, safe='')}" if scope and scope != "VN" else url


def scope_name(scope: str | None) -> str:
    """The identity scope as a reader says it: national, a province, or not told."""
    if not scope or scope == "VN":
        return "Toàn quốc"
    return "Chưa rõ tỉnh" if scope == "?" else scope


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("web", "templates"),
        autoescape=select_autoescape(["html", "xml"], default_for_string=True, default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["vn_time"] = short_vn
    env.filters["day_first"] = day_first
    env.filters["issuer"] = lambda code: ISSUERS.get(code, code) if code else ""
    env.filters["code_url"] = code_url
    env.filters["scope_name"] = scope_name
    return env


def render(template: str, **context) -> str:
    return environment().get_template(template).render(**context)


def html(page: str, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    """A rendered page as the answer: text/html, UTF-8."""
    return web.Response(text=page, status=status, content_type="text/html", charset="utf-8", headers=headers)
