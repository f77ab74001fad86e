"""Pages built to hurt an extractor, as the tester of issue 11 built them: lines that made the toolbar
pattern backtrack, thousands of nested tags, hundreds of nested tables, Unicode non-characters."""

from __future__ import annotations

HOSTILE_LINES = [
    " - ".join(str(i) for i in range(1, 41)) + " Trang sau",
    "email " + "- " * 40 + "zz",
    "email " + "- " * 3000 + "zz",
    "In " * 60 + "bài viết!",
    "1 " * 200 + "x",
    "Cập nhật " + "a , " * 100 + "x",
    "(" + " " * 3000 + "x",
    "\u00a0" * 5000 + "x",
]
PROSE = "Đoàn công tác của Sở Ngoại vụ tỉnh đã sang thăm và làm việc với các đối tác của tỉnh bạn. " * 4

CLOSING = "Hai bên thống nhất tiếp tục tăng cường hợp tác trong các lĩnh vực kinh tế, văn hóa và giáo dục. " * 3


def page(body: str, wrap: bool = False) -> bytes:
    """``wrap``: the body alone in the article container (no paragraph before it)."""
    title = "Tiếp Đại sứ quán Nhật Bản tại Việt Nam"
    body = f"<div class='content'>{body}</div>" if wrap else f"<p>{PROSE}</p>{body}"
    return f"<html><head><title>{title}</title></head><body><h1>{title}</h1>{body}</body></html>".encode("utf-8")


def pages() -> dict[str, bytes]:
    return {
        "toolbar lines (ReDoS)": page("".join(f"<p>{line}</p><li>{line}</li>" for line in HOSTILE_LINES)),
        "3,000 nested <b><i>": page(f"<p>{PROSE}</p>" * 3 + "<p>" + "<b><i>" * 3000 + "chữ" + "</i></b>" * 3000 + f"</p><p>{CLOSING}</p>", wrap=True),
        "800 nested tables": page("<table><tr><td>" * 800 + PROSE * 3 + "</td></tr></table>" * 800),
        "non-characters": page(f"<p>{PROSE}\ufffe\uffff\U0010fffe</p>"),
    }
