"""``portal add --spider``: a spider module for a portal that needs code, ready to fill in.

The module subclasses the base that fits what discovery saw (a postback pager, a JavaScript shell, or
plain links the generic finder mis-reads) and spells out the two hooks a portal may need, each
calling the generic behaviour, so the maintainer edits working code rather than starting blank.
"""

from __future__ import annotations

import re
from pathlib import Path

from crawler.errors import UserError
from spiders.schema import PortalConfig

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "spiders" / "custom"
KINDS = ("links", "postback", "json")

_BASES = {
    "links": ("spiders.portal", "PortalSpider", "the generic link finder needs help on this listing"),
    "postback": ("spiders.custom.postback", "PostbackPagingSpider", "the listing pages by ASP.NET postback"),
    "json": ("spiders.custom.jsonapi", "JsonListingSpider", "the listing is built by JavaScript from a JSON endpoint"),
}

_HOOKS = '''
    def article_links(self, response):
        """The listing's article links, in page order (``spiders.links.Link``)."""
        return super().article_links(response)

    def next_page(self, response, page):
        """The URL of listing page ``page + 1``, or None on the last page."""
        return super().next_page(response, page)
'''

_JSON_FIELDS = '''
    # Where the items are in the endpoint's JSON and which keys hold the link and the headline. The
    # registry entry's start_urls must name the endpoint (browser developer tools, Network tab).
    items_path = "data"
    url_key = "url"
    title_key = "title"
    page_param = "page"
'''

_TEMPLATE = '''"""{name} ({id}): {why}.

Written by `portalwatch portal add --spider`; the registry entry names this class in `spider:`.
Edit the hooks, then run `portalwatch portal check {id}` and `portalwatch fixture record {id}`:
the portal's fixture test reads the saved listing with this class.
"""

from __future__ import annotations

from {module} import {base}


class {cls}({base}):
    """{why_sentence}"""
{fields}{hooks}'''


def choose_kind(found: dict) -> str:
    page = found.get("page") or {}
    if page.get("postback_pager"):
        return "postback"
    if (page.get("problem") or {}).get("code") == "javascript-stub":
        return "json"
    return "links"


def names(portal_id: str) -> tuple[str, str]:
    """(module, class) for a portal id: nghean-songoaivu -> nghean_songoaivu, NgheanSongoaivuSpider."""
    module = re.sub(r"[^a-z0-9_]", "_", portal_id.lower())
    module = module if module[0].isalpha() else f"p_{module}"
    cls = "".join(part.capitalize() for part in re.split(r"[^a-zA-Z0-9]+", portal_id) if part)
    return module, (cls if cls[0].isalpha() else f"P{cls}") + "Spider"


def package_of(folder: Path) -> str:
    """The dotted package of a folder: its parents up to the first one without ``__init__.py``."""
    folder = folder.resolve()
    parts = []
    while (folder / "__init__.py").is_file():
        parts.insert(0, folder.name)
        folder = folder.parent
    if not parts:
        raise UserError(f"{folder} is not a Python package (no __init__.py): cannot import a spider from it")
    return ".".join(parts)


def write_spider(portal_id: str, name: str, kind: str, folder: Path = DEFAULT_DIR) -> tuple[Path, str]:
    """Writes the module; returns its path and the dotted path for the entry's ``spider:``."""
    if kind not in KINDS:
        raise UserError(f"unknown spider kind {kind!r} (one of {', '.join(KINDS)})")
    folder = Path(folder)
    module, cls = names(portal_id)
    path = folder / f"{module}.py"
    if path.exists():
        raise UserError(f"{path} already exists: edit it, or remove it to start again")
    dotted = f"{package_of(folder)}.{module}.{cls}"
    base_module, base, why = _BASES[kind]
    text = _TEMPLATE.format(
        name=name, id=portal_id, why=why, module=base_module, base=base, cls=cls,
        why_sentence=why[0].upper() + why[1:] + ".",
        fields=_JSON_FIELDS if kind == "json" else "", hooks=_HOOKS,
    )
    path.write_text(text, encoding="utf-8")
    return path, dotted


def with_spider(portal: PortalConfig, dotted: str) -> PortalConfig:
    return PortalConfig.model_validate({**portal.model_dump(mode="json", exclude_defaults=True), "spider": dotted})
