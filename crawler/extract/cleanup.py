"""Removing portal chrome from the parsed page before the article is looked for.

Chrome is recognised by what it is called (class and id names from the vocabulary, the family's and
the portal's ``remove`` selectors), by the tags it uses (``nav``, ``aside``, forms) and by being hidden.
Elements already identified as parts of the article are protected, with their ancestors: a wrapper
called "sidebar-1" that holds the article stays. Layout names (sidebar, footer, widget) only remove
an element that holds no run of prose, because themes give those names to the main column too.
"""

from __future__ import annotations

import re

from crawler.extract.boilerplate import CHROME_TAGS, LANDMARK_TAGS, chrome_token
from crawler.extract.families import Profile
from crawler.extract.text import ancestors_and_self, select

_LAYOUT = re.compile(r"(?:^|[-_])(?:sidebar|footer|header|widget|menu|nav|navbar|navigation|banner|col\d*)(?:[-_]|\d|$)", re.I)
# Inline elements are never chrome by name alone: "cms-relate" on PLO is a keyword link inside a sentence.
_CONTAINER_TAGS = frozenset("div section aside nav header footer ul ol li table tbody tr td p dl figure article center".split())
# A container named after a part of the article ("author-share-top" holds the byline and date) is not chrome.
_PART_NAMES = re.compile(r"author|byline|date|time|title|sapo|meta|tacgia", re.I)
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)


def strip_chrome(tree, profile: Profile, protected: list) -> int:
    """Remove chrome in place; returns how many elements went."""
    keep = set()
    for el in protected:
        if el is not None:
            keep.update(ancestors_and_self(el))
    removed = 0
    for el in list(tree.iter(*CHROME_TAGS)):
        if el not in keep and el.getparent() is not None:
            el.drop_tree()  # drop_tree keeps the tail text, which belongs to the parent
            removed += 1
    doomed = []
    for selector in profile.remove:
        if profile.may_match(selector):
            doomed.extend(el for el in select(tree, selector) if el not in keep)
    body = tree.find("body")
    for el in (body.iter() if body is not None else ()):
        if el in keep or not isinstance(el.tag, str) or el is body:
            continue
        if el.tag == "form":
            continue  # ASP.NET wraps the whole page in one form
        names = f"{el.get('class') or ''} {el.get('id') or ''}".strip()
        hidden = el.get("hidden") is not None or el.get("aria-hidden") == "true" or _HIDDEN.search(el.get("style") or "")
        if hidden or el.tag in LANDMARK_TAGS:
            doomed.append(el)
        elif el.tag in _CONTAINER_TAGS and names and chrome_token(names) and not _PART_NAMES.search(names):
            if not _LAYOUT.search(names) or not _holds_prose(el):
                doomed.append(el)
    for el in doomed:
        if el.getparent() is not None:
            el.drop_tree()
            removed += 1
    return removed


def _holds_prose(el) -> bool:
    long_paragraphs = 0
    for p in el.iter("p"):
        if len(p.text_content()) >= 150:
            long_paragraphs += 1
            if long_paragraphs >= 3:
                return True
    return False

