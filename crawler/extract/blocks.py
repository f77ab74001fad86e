"""The article body as a list of blocks (paragraphs, headings), walked from the DOM.

Walking the markup rather than taking trafilatura's text keeps what text alone loses: a caption is
a ``figcaption`` or the italic line under a picture, a byline is the right-aligned line at the end,
a related headline is a line that is nothing but a link. A ``<br>`` ends a block, as it does on
the table-layout portals that write whole articles as one cell of ``<br>``-separated lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from crawler.extract.text import clean

BLOCK_TAGS = frozenset(
    "p div h1 h2 h3 h4 h5 h6 li ul ol dl dt dd blockquote pre table thead tbody tfoot tr td th figure figcaption "
    "section article main header footer aside nav center address hr form fieldset details summary".split()
)
HEADINGS = frozenset("h1 h2 h3 h4 h5 h6".split())
SKIP_TAGS = frozenset(
    "script style noscript template iframe object embed svg canvas button select textarea input label map audio video source".split()
)
_CAPTION_NAMES = re.compile(
    r"caption|image[-_]?desc|img[-_]?desc|desc[-_]?image|photo[-_]?desc|chu[-_]?thich|ghi[-_]?chu[-_]?anh|note[-_]?image|expNoEdit",
    re.I,
)
_IMAGE_TABLES = re.compile(r"image|picture|photo|tplCaption|MASTERCMS_TPL_TABLE|hinh[-_]?anh", re.I)
_RIGHT = re.compile(r"text-align\s*:\s*right", re.I)
_CENTER = re.compile(r"text-align\s*:\s*center", re.I)


@dataclass
class Block:
    text: str
    tag: str = "p"
    right: bool = False
    centered: bool = False
    bold: bool = False
    italic: bool = False
    link_chars: int = 0
    headline_links: int = 0  # links whose text reads like a headline (four words or more)
    headline_hrefs: tuple[str, ...] = ()  # their targets: a listing's teasers point inside the site

    @property
    def heading(self) -> bool:
        return self.tag in HEADINGS or (self.bold and len(self.text) <= 160 and not self.text.endswith((".", ":", ";", ",")))

    @property
    def link_share(self) -> float:
        return self.link_chars / max(len(self.text.replace(" ", "")), 1)


@dataclass
class _Line:
    pieces: list[str] = field(default_factory=list)
    chars: int = 0
    link: int = 0
    bold: int = 0
    italic: int = 0
    headline_links: int = 0
    hrefs: list[str] = field(default_factory=list)
    image: bool = False


def _visible(text: str) -> int:
    return len("".join(text.split()))


class Walker:
    """Turns a container into blocks; ``skip`` holds elements already taken as title, lead, date or byline."""

    def __init__(self, skip: set):
        self.skip = skip
        self.blocks: list[Block] = []
        self.captions: list[str] = []
        self._after_image = False

    def walk(self, container) -> list[Block]:
        self._element(container, right=False, centered=False)
        return self.blocks

    # -- block level -------------------------------------------------------------------------------
    def _element(self, el, right: bool, centered: bool) -> None:
        style = el.get("style") or ""
        right = right or bool(_RIGHT.search(style)) or (el.get("align") or "").lower() == "right"
        centered = not right and (centered or bool(_CENTER.search(style)) or (el.get("align") or "").lower() == "center" or el.tag == "center")
        if self._is_caption(el):
            self._caption(clean(el.text_content()))
            return
        if el.tag == "figure" or (el.tag == "table" and _IMAGE_TABLES.search(el.get("class") or "") and el.find(".//img") is not None):
            self._figure(el)
            return
        if el.tag == "tr" and self._data_row(el, right, centered):
            return
        lines = [_Line()]
        self._text(el.text, lines, False, False, False)
        for child in el:
            if not isinstance(child.tag, str) or child.tag in SKIP_TAGS:
                self._text(child.tail, lines, False, False, False)
                continue
            if child in self.skip or child.tag in BLOCK_TAGS:
                self._emit(lines, el.tag, right, centered)
                lines = [_Line()]
                if child not in self.skip:
                    self._element(child, right, centered)
            else:
                self._inline(child, lines, False, False, False)
            self._text(child.tail, lines, False, False, False)
        self._emit(lines, el.tag, right, centered)

    def _data_row(self, row, right: bool, centered: bool) -> bool:
        """A row of a data table (cells of inline text only) is one line, its cells in order: a results
        table read cell by cell loses which number belongs to whom. Layout tables (cells holding
        paragraphs, lists or other tables) are walked as blocks."""
        cells = [c for c in row if isinstance(c.tag, str) and c.tag in ("td", "th")]
        if len(cells) < 2 or any(c in self.skip for c in cells):
            return False
        for cell in cells:
            for node in cell.iterdescendants():
                if isinstance(node.tag, str) and node.tag in BLOCK_TAGS:
                    return False
        lines = [_Line()]
        for cell in cells:
            if lines[-1].pieces:
                lines[-1].pieces.append(" ")
            self._inline(cell, lines, False, False, False)
        merged = _Line()
        for line in lines:  # a <br> inside a cell stays inside the row
            merged.pieces += [*line.pieces, " "]
            merged.chars += line.chars
            merged.link += line.link
            merged.headline_links += line.headline_links
            merged.hrefs += line.hrefs
        self._emit([merged], "td", right, centered)
        return True

    # -- inline level ------------------------------------------------------------------------------
    def _inline(self, node, lines: list[_Line], link: bool, bold: bool, italic: bool) -> None:
        tag = node.tag
        if tag == "br" or tag in BLOCK_TAGS:  # a block inside an inline element (common on old portals) breaks the line
            lines.append(_Line())
            if tag == "br":
                return
        if tag == "img":
            lines[-1].image = True
            return
        if tag == "a" and not link:
            link = True
            if len(clean(node.text_content()).split()) >= 4:
                lines[-1].headline_links += 1
                lines[-1].hrefs.append(node.get("href") or "")
        bold = bold or tag in ("strong", "b")
        italic = italic or tag in ("em", "i")
        self._text(node.text, lines, link, bold, italic)
        for child in node:
            if isinstance(child.tag, str) and child.tag not in SKIP_TAGS and child not in self.skip:
                self._inline(child, lines, link, bold, italic)
            self._text(child.tail, lines, link, bold, italic)
        if tag in BLOCK_TAGS:
            lines.append(_Line())

    @staticmethod
    def _text(text: str | None, lines: list[_Line], link: bool, bold: bool, italic: bool) -> None:
        if not text:
            return
        line = lines[-1]
        line.pieces.append(text)
        count = _visible(text)
        line.chars += count
        line.link += count if link else 0
        line.bold += count if bold else 0
        line.italic += count if italic else 0

    def _emit(self, lines: list[_Line], parent_tag: str, right: bool, centered: bool) -> None:
        tag = parent_tag if parent_tag in HEADINGS or parent_tag in ("li", "blockquote", "td", "th", "dt", "dd") else "p"
        for line in lines:
            text = clean("".join(line.pieces))
            if not text:
                self._after_image = self._after_image or line.image
                continue
            italic = line.italic >= 0.9 * line.chars
            bold = line.bold >= 0.9 * line.chars or parent_tag in ("strong", "b")
            if (self._after_image or line.image) and len(text) <= 300 and (italic or centered) and tag == "p":
                # Only the line attached to the picture: a photo blog's centred text is not all captions.
                self._after_image = False
                self._caption(text)
                continue
            self._after_image = False
            self.blocks.append(Block(text, tag, right, centered, bold, italic, line.link, line.headline_links, tuple(line.hrefs)))

    # -- pictures ------------------------------------------------------------------------------------
    def _is_caption(self, el) -> bool:
        if el.tag == "figcaption":
            return True
        names = f"{el.get('class') or ''} {el.get('id') or ''}"
        return bool(names.strip()) and bool(_CAPTION_NAMES.search(names))

    def _figure(self, el) -> None:
        self._after_image = True
        for node in el.iter():
            if isinstance(node.tag, str) and node is not el and self._is_caption(node):
                self._caption(clean(node.text_content()))
                self._after_image = False
                return
        # An image table without a named caption cell: its text is the caption.
        self._caption(clean(el.text_content()))

    def _caption(self, text: str) -> None:
        if text and text not in self.captions:
            self.captions.append(text)
