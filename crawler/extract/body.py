"""Where the article body is, and which of its blocks are article text.

The container comes from a selector when the portal or its CMS family names it; otherwise trafilatura
decides what the main text is and the container is the smallest element holding its first and last
paragraphs, so the walk still sees the markup (captions, alignment, links) around them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import trafilatura

from crawler.extract import boilerplate
from crawler.extract.blocks import BLOCK_TAGS, Block, Walker
from crawler.extract.names import names
from crawler.extract.text import ancestors_and_self, clean, similar

MIN_ANCHOR_WORDS = 8


@dataclass
class Body:
    blocks: list[Block]
    captions: list[str] = field(default_factory=list)
    container: object | None = None
    signature: list[str] = field(default_factory=list)  # names from the byline line(s) at the end


def from_trafilatura(tree, url: str | None) -> tuple[object | None, list[str]]:
    """(container element or None, trafilatura's paragraphs) for a page no selector describes."""
    try:
        document = trafilatura.bare_extraction(tree, url=url, fast=True, favor_recall=True, with_metadata=False, include_comments=False, include_tables=True)
    except Exception:  # trafilatura raises assorted errors on hostile markup; the page is then simply not an article
        return None, []
    if document is None or document.body is None:
        return None, []
    texts = [line for line in (clean(x) for x in (document.text or "").split("\n")) if line]
    anchors = []
    for el in document.body:
        text = clean("".join(el.itertext()))
        if el.tag not in ("head", "list", "item") and len(text.split()) >= MIN_ANCHOR_WORDS and not boilerplate.is_boilerplate(text):
            anchors.append(text)
    if not anchors:
        return None, texts
    index = _text_index(tree)
    first, last = _locate(index, anchors[0], first=True), _locate(index, anchors[-1], first=False)
    if first is None or last is None:
        return None, texts
    container = _common_ancestor(first, last)
    if container is None or container.tag in ("html", "body"):
        return None, texts
    return container, texts


def _text_index(tree) -> list[tuple[str, object]]:
    body = tree.find("body")
    index = []
    for node in (body if body is not None else tree).xpath(".//text()"):
        text = clean(node)
        if len(text) >= 12:
            owner = node.getparent()
            if getattr(node, "is_tail", False) and owner is not None:
                owner = owner.getparent()
            index.append((text, owner))
    return index


def _locate(index, paragraph: str, first: bool):
    """The block holding the start (``first``) or the end of a paragraph: trafilatura may merge a table layout into one."""
    tokens = paragraph.split()
    for start in (0, 4, 8, 12):
        needle = " ".join(tokens[start:start + 4] if first else tokens[len(tokens) - start - 4:len(tokens) - start])
        if len(needle) < 12:
            continue
        hits = [owner for text, owner in index if needle in text]
        if hits:
            owner = hits[0] if first else hits[-1]
            for el in ancestors_and_self(owner):
                if el.tag in BLOCK_TAGS:
                    return el
    return None


def _common_ancestor(a, b):
    seen = set(ancestors_and_self(a))
    for el in ancestors_and_self(b):
        if el in seen:
            return el
    return None


def walk(container, skip: set) -> Body:
    walker = Walker(skip)
    blocks = walker.walk(container)
    return Body(blocks, walker.captions, container)


def refine(body: Body, title: str | None, extra_patterns, site_names: tuple[str, ...]) -> Body:
    """Drop chrome lines, related headlines, repeats and captions from the flow; split off the byline."""
    kept: list[Block] = []
    captions = set(body.captions)
    for block in body.blocks:
        text = block.text
        if boilerplate.is_boilerplate(text, extra_patterns) or _related_headline(block):
            continue
        if text in captions or (title and _same_text(text, title)):
            continue
        # A paragraph the source repeats stays (a meal plan, a refrain); only a block printed twice in a row goes.
        if kept and kept[-1].text == text:
            continue
        kept.append(block)
    kept = _drop_link_lists(_cut_tail(kept))
    kept, signature = _split_signature(kept, site_names)
    body.blocks, body.signature = kept, signature
    return body


def _related_headline(block: Block) -> bool:
    """A line that is (almost) only a link with a headline's words: a related-news item spliced into the body."""
    return block.headline_links >= 1 and block.link_share >= 0.75 and len(block.text) <= 300


LINK_LIST_RUN = 5


def _drop_link_lists(blocks: list[Block]) -> list[Block]:
    """A run of short lines that are nothing but links is a menu or a category list, not the article."""
    out: list[Block] = []
    run: list[Block] = []
    for block in [*blocks, None]:
        if block is not None and block.link_share >= 0.9 and len(block.text) <= 40:
            run.append(block)
            continue
        if len(run) < LINK_LIST_RUN:
            out.extend(run)
        run = []
        if block is not None:
            out.append(block)
    return out


def _same_text(a: str, b: str) -> bool:
    return a.casefold().strip(" .") == b.casefold().strip(" .")


def _cut_tail(blocks: list[Block]) -> list[Block]:
    """A "Tin liên quan" / "Bình luận" heading in the second half ends the article; earlier it is only dropped."""
    half = len(blocks) // 2
    out = []
    for position, block in enumerate(blocks):
        if boilerplate.starts_tail(block.text):
            if position >= half:
                break
            continue
        out.append(block)
    return out


def _split_signature(blocks: list[Block], site_names: tuple[str, ...]) -> tuple[list[Block], list[str]]:
    """The byline at the end: a right-aligned or name-only line, possibly with a job-title line under it."""
    cut = len(blocks)
    found: list[str] = []
    for position in range(len(blocks) - 1, max(len(blocks) - 4, 0) - 1, -1):
        block = blocks[position]
        people = names(block.text, site_names) if len(block.text) <= 80 else []
        if people:
            found, cut = people, position
            continue
        if block.right and len(block.text) <= 200 and position >= len(blocks) - 3 and not block.text.endswith((".", "!", "?")):
            cut = position
            continue
        break
    if 0 < cut < len(blocks) and (found or all(block.right for block in blocks[cut:])):
        return blocks[:cut], found
    return blocks, []


def lead_is_body(lead: str, blocks: list[Block]) -> bool:
    """The marked lead is the body's own opening run (an excerpt, not a summary written for it)."""
    flat_lead = "".join(lead.split())
    opening = "".join("".join(b.text for b in blocks[:12]).split())
    return len(flat_lead) >= 120 and flat_lead[:120] == opening[:120]


def lead_from_blocks(blocks: list[Block], description: str | None) -> tuple[str | None, int]:
    """A lead the CMS did not mark: the first paragraph when it has a dateline or is all bold, or repeats the description."""
    if not blocks:
        return None, 0
    first = blocks[0]
    text = first.text
    if boilerplate.DATELINE.match(text) and len(text) >= 60:
        return text, 1
    if first.bold and 80 <= len(text) <= 900 and text.endswith((".", "…", "!", "?", '"', "”")):
        return text, 1
    if description and len(description) >= 60 and (similar(text, description, 0.9) and abs(len(text) - len(description)) < 40):
        return text, 1
    return None, 0
