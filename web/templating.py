"""One Jinja2 environment for every page: autoescaping on, so no stored field can inject markup."""

from __future__ import annotations

from functools import lru_cache

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from crawler.timefmt import short_vn


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
    return env


def render(template: str, **context) -> str:
    return environment().get_template(template).render(**context)
