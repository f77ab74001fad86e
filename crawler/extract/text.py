"""Text and selector helpers shared by the extraction steps.

Every string that leaves the extractor goes through ``clean``: portals mix NBSP, zero-width spaces,
soft hyphens and NFD text, and the monitor's matching needs one canonical NFC form.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from lxml import etree
from lxml.cssselect import CSSSelector

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_HAS_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_WORD = re.compile(r"\w+")


def nfc(value: str | None) -> str | None:
    return unicodedata.normalize("NFC", value) if value is not None else None


def clean(value: str | None) -> str:
    """One line of visible text: NFC, invisible characters dropped, runs of whitespace (NBSP too) as one space."""
    if not value:
        return ""
    if not value.isascii():  # the checks are cheap; the rewrites are paid only by text that needs them
        if not unicodedata.is_normalized("NFC", value):
            value = unicodedata.normalize("NFC", value)
        if _HAS_INVISIBLE.search(value):
            value = value.translate(_INVISIBLE)
    return " ".join(value.split())


def words(value: str) -> list[str]:
    return _WORD.findall(value.casefold())


def similar(a: str, b: str, threshold: float = 0.6) -> bool:
    """Word overlap, for telling a page's visible title from a rewritten og:title or <title>."""
    wa, wb = set(words(a)), set(words(b))
    if not wa or not wb:
        return False
    return len(wa & wb) / min(len(wa), len(wb)) >= threshold


@lru_cache(maxsize=512)
def _compiled(selector: str):
    if selector.startswith("xpath:"):
        return etree.XPath(selector[len("xpath:"):])
    return CSSSelector(selector, translator="html")


def select(root, selector: str) -> list:
    """CSS selector or ``xpath:...`` (the registry's syntax); an invalid selector matches nothing."""
    try:
        found = _compiled(selector)(root)
    except (etree.XPathError, etree.XPathEvalError, SyntaxError, ValueError, TypeError):
        return []
    return [el for el in found if isinstance(el, etree._Element) and isinstance(el.tag, str)]


def valid_selector(selector: str) -> bool:
    try:
        _compiled(selector)
    except Exception:  # cssselect raises its own SelectorSyntaxError; xpath raises XPathSyntaxError
        return False
    return True


def element_text(el) -> str:
    return clean(el.text_content()) if el is not None else ""


def ancestors_and_self(el) -> list:
    chain = []
    while el is not None:
        chain.append(el)
        el = el.getparent()
    return chain


def contains(outer, inner) -> bool:
    while inner is not None:
        if inner is outer:
            return True
        inner = inner.getparent()
    return False
