"""Title, lead, byline and date as the page shows them around the article.

The visible page is the authority: the headline in ``<h1>`` (or the CMS's title element) over a
rewritten ``og:title``; the date line next to the headline over metadata; never a date from the
body or from a related-news list, which is why the date is only looked for near the headline.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from crawler.extract import dates
from crawler.extract.families import Profile
from crawler.extract.headmeta import HeadMeta
from crawler.extract.names import byline, fold
from spiders import safe_regex
from crawler.extract.text import ancestors_and_self, clean, contains, element_text, similar

_TITLE_NAMES = re.compile(
    r"(?:^|[-_\s])(?:title[-_]?detail|detail[-_]?title|article[-_]?title|news[-_]?title|post[-_]?title|entry[-_]?title|"
    r"content[-_]?detail[-_]?title|title[-_]?news|tieu[-_]?de|tieude|asset[-_]full[-_]content[-_]title|headline)(?:[-_\s]|$)",
    re.I,
)
_LEAD_NAMES = re.compile(
    r"(?:^|[-_\s])(?:sapo|lead|summary|tomtat|tom[-_]tat|trich[-_]?yeu|chapeau|excerpt|intro|teaser|abstract|description|desc|sub[-_]?title)(?:[-_\s]|$)",
    re.I,
)
_AUTHOR_NAMES = re.compile(r"(?:^|[-_\s])(?:author|tacgia|tac[-_]gia|byline|butdanh|but[-_]danh|writer|signature)(?:[-_\s]|$)", re.I)
_TITLE_SEPARATORS = safe_regex.compile(r"\s+[|–—»:]\s+|\s+-\s+")  # linear time: a <title> is page text
DATE_LINE_CHARS = 150  # a date line is short; a paragraph that mentions a date is not one
# What a portal calls itself in <title>: "Cổng thông tin điện tử tỉnh …", "Báo …", "Sở Ngoại vụ …".
_SITE_PREFIX = re.compile(r"(?:cổng|trang) (?:thông tin|tttđt|ttđt)|báo (?:điện tử )?[A-ZĐ]|tạp chí|sở [A-ZĐ]|ủy ban nhân dân|ubnd", re.I)
_DATE_LABEL = re.compile(r"ngày (?:đăng|cập nhật|xuất bản|ban hành)|cập nhật|đăng lúc|đăng ngày|thời gian đăng|posted|published", re.I)
_CHROME_TITLE = re.compile(r"portlet|logo|site[-_]?name|brand|widget", re.I)


def site_names(meta: HeadMeta, url: str | None) -> tuple[str, ...]:
    found = [meta.site_name or ""]
    if url:
        host = urlsplit(url).hostname or ""
        host = host.removeprefix("www.")
        found += [host, host.split(".")[0]]
    return tuple(n for n in found if n)


def title_element(tree, profile: Profile, meta: HeadMeta, names: tuple[str, ...]):
    """The element showing the headline: the CMS's, else the one whose text is the page's own og:title or <title>."""
    el = profile.first(tree, "title")
    if el is not None and element_text(el):
        return el
    reference = meta.title or (strip_site_name(meta.doc_title, names) if meta.doc_title else "")
    headings = [h for h in tree.iter("h1") if element_text(h) and not _CHROME_TITLE.search(h.get("class") or "")]
    if not reference:
        return headings[0] if len(headings) == 1 else None
    for h in headings:
        if similar(element_text(h), reference):
            return h
    named, exact = None, None
    body = tree.find("body")
    for el in (body.iter("h2", "h3", "div", "p", "span", "td", "strong", "b") if body is not None else ()):
        if len(el.text_content()) > 600:
            continue  # a wrapper, not a headline; measured raw before the costlier clean-up
        text = element_text(el)
        if not 10 <= len(text) <= 300 or not similar(text, reference):
            continue
        names = f"{el.get('class') or ''} {el.get('id') or ''}"
        if named is None and _TITLE_NAMES.search(names):
            named = el
        if exact is None and similar(reference, text, 0.9) and len(text) <= 1.3 * len(reference):
            exact = el
    return named if named is not None else exact


def title_text(el, meta: HeadMeta, names: tuple[str, ...]) -> str | None:
    if el is not None:
        return element_text(el) or None
    if meta.title:
        return meta.title
    return strip_site_name(meta.doc_title, names) if meta.doc_title else None


def strip_site_name(title: str, names: tuple[str, ...]) -> str:
    """"Headline - Section - Site" becomes "Headline"; a headline's own dashes ("Bà Rịa - Vũng Tàu") stay."""
    parts = [p for p in _TITLE_SEPARATORS.split(title) if not _site_like(p, names)]
    if not parts:
        return title
    return parts[0] if len(parts[0]) >= 12 else max(parts, key=len)


def _site_like(part: str, names: tuple[str, ...]) -> bool:
    folded = fold(part)
    return bool(_SITE_PREFIX.match(part)) or any(
        similar(part, n, 0.8) or (len(fold(n)) >= 5 and fold(n) in folded) for n in names
    )


def lead_element(tree, profile: Profile, title_el, container, meta: HeadMeta):
    el = profile.first(tree, "lead")
    if el is not None and len(element_text(el)) >= 20:
        return el
    if title_el is None:
        return None
    description = meta.description or ""
    for candidate in _near(title_el, container, stop_chars=1500):
        text = element_text(candidate)
        if len(text) < 40 or len(text) > 1200:
            continue
        names = f"{candidate.get('class') or ''} {candidate.get('id') or ''}"
        if _LEAD_NAMES.search(names) or (description and similar(text, description, 0.8)):
            return candidate
    return None


def _near(title_el, container, levels: int = 3, stop_chars: int = 400):
    """Elements around the headline, nearest first, up to the body: never the container or past a run of prose."""
    node = title_el
    for _ in range(levels):
        parent = node.getparent()
        if parent is None:
            return
        siblings = [s for s in parent if isinstance(s.tag, str)]
        at = siblings.index(node) if node in siblings else 0
        sides = [iter(siblings[at + 1:]), iter(siblings[:at][::-1])]
        open_sides = [True, True]
        while any(open_sides):
            for side, group in enumerate(sides):
                if not open_sides[side]:
                    continue
                sib = next(group, None)
                if sib is None or (container is not None and (sib is container or contains(sib, container))):
                    open_sides[side] = False
                    continue
                if len(sib.text_content()) > stop_chars and len(element_text(sib)) > stop_chars:
                    open_sides[side] = False
                    continue
                yield sib
        node = parent


def visible_date(tree, profile: Profile, title_el, container, skip: set, levels: int = 4) -> tuple[dates.Stamp | None, object | None]:
    el = profile.first(tree, "date")
    if el is not None and (stamp := _stamp_of(el)):
        return stamp, el
    if title_el is None:
        return None, None
    for candidate in _near(title_el, container, levels=levels):
        if candidate in skip or any(contains(candidate, s) for s in skip if s is not None):
            continue
        if (stamp := _stamp_of(candidate)) is not None:
            return stamp, candidate
    return _labelled_date_after(container) if container is not None else (None, None)


def _labelled_date_after(container) -> tuple[dates.Stamp | None, object | None]:
    """Old portals print "Ngày đăng: …" under the article; only a line that says it is the date counts."""
    if container is None:
        return None, None
    for node in (container, container.getparent()):
        if node is None:
            break
        for sib in list(node.itersiblings())[:3]:
            if not isinstance(sib.tag, str):
                continue
            text = element_text(sib)
            if len(text) <= DATE_LINE_CHARS and _DATE_LABEL.search(text) and (stamp := dates.parse_text(text, "labelled date line")):
                return stamp, sib
    return None, None


def _stamp_of(el) -> dates.Stamp | None:
    for node in el.iter("time"):
        if node.get("datetime") and (stamp := dates.parse_iso(node.get("datetime"), "time element")):
            text_stamp = dates.parse_text(element_text(node), "time element")
            return text_stamp if text_stamp and text_stamp.has_time and not stamp.has_time else stamp
    text = element_text(el)
    if not text or len(text) > DATE_LINE_CHARS or _link_dense(el, text):
        return None
    return dates.parse_text(text, "date line")


def _link_dense(el, text: str) -> bool:
    links = sum(len(clean(a.text_content())) for a in el.iter("a"))
    return links > 0.5 * len(text) and len(text) > 60


def author_elements(tree, profile: Profile, title_el, container) -> list:
    found = profile.all(tree, "author")
    if found:
        return found
    anchor = title_el if title_el is not None else container
    if anchor is None:
        return []
    chain = ancestors_and_self(anchor)
    area = chain[min(3, len(chain) - 1)]  # the article's wrapper, a few levels above the headline
    candidates = []
    for el in area.iter():
        if not isinstance(el.tag, str):
            continue
        names = f"{el.get('class') or ''} {el.get('id') or ''}"
        if names.strip() and _AUTHOR_NAMES.search(names) and 2 <= len(element_text(el)) <= 80:
            candidates.append(el)
    # innermost first: "detail-author" around "author-name" means the inner one
    return [c for c in candidates if not any(o is not c and contains(c, o) for o in candidates)]


def author_text(elements: list, meta: HeadMeta, signature: list[str], names: tuple[str, ...]) -> str | None:
    from_page = byline([element_text(el) for el in elements], names)
    if from_page:
        return from_page
    from_meta = byline(meta.authors[:1], names) if meta.authors else None
    if from_meta:
        return from_meta
    return ", ".join(signature) if signature else None
