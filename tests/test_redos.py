"""No pattern that runs on page text or URLs backtracks catastrophically (issue 11, items 2 and 3).

Each hostile input runs in a child bounded in CPU time (``tests.support.bounded``): before the fix the
toolbar pattern took 1.4 s on "1 - … - 20 Trang sau" (×1.8 per extra number) and never finished on
"email - - … zz"; a maintainer's ``(\\w+-?)+\\.html$`` took 43 s on one slug.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from spiders import safe_regex
from spiders.registry_loader import load_registry
from tests.support.bounded import run_bounded
from tests.support.hostile import HOSTILE_LINES, pages

REGISTRY_SLUG_PATTERN = r"^https?://[^/]+/slugs/(\w+-?)+\.html$"
REGISTRY_LINE_PATTERN = r"^(\w+\s?)+ - Cổng TTĐT tỉnh$"


def test_hostile_lines_are_judged_in_linear_time():
    out = run_bounded(
        "import json, sys\nfrom crawler.extract.boilerplate import is_boilerplate\n",
        f"lines = json.loads({json.dumps(json.dumps(HOSTILE_LINES))})\nprint(json.dumps([is_boilerplate(l) for l in lines]))\n",
    )
    assert json.loads(out) == [False] * len(HOSTILE_LINES)


def test_a_hostile_page_is_extracted_in_linear_time():
    out = run_bounded(
        "import json\nfrom crawler.extract import extract\nfrom tests.support.hostile import pages\n",
        """
        result = extract(pages()["toolbar lines (ReDoS)"], url="https://songoaivu.example.vn/tin/1.html")
        print(json.dumps([result.rejected, result.text]))
        """,
    )
    rejected, text = json.loads(out)
    assert rejected is None
    assert "Đoàn công tác của Sở Ngoại vụ" in text


def test_every_hostile_page_is_extracted_in_bounded_time():
    out = run_bounded(
        "import json\nfrom crawler.extract import extract\nfrom tests.support.hostile import pages\n",
        "print(json.dumps({name: extract(body).rejected for name, body in pages().items()}))\n",
        cpu_seconds=5.0,
    )
    assert json.loads(out) == {name: None for name in pages()}


def test_every_page_text_pattern_in_the_extractor_and_link_finder_stays_linear():
    """An audit, not a list: every compiled pattern at module level in crawler.extract and spiders.links meets
    inputs built to make ambiguous quantifiers backtrack (runs of one unit, then a character that fails)."""
    out = run_bounded(
        """
        import importlib, pkgutil
        import crawler.extract as package
        modules = [importlib.import_module(f"crawler.extract.{m.name}") for m in pkgutil.iter_modules(package.__path__)]
        modules.append(importlib.import_module("spiders.links"))
        patterns = [(m.__name__, n, p) for m in modules for n, p in vars(m).items()
                    if hasattr(p, "pattern") and hasattr(p, "search") and isinstance(p.pattern, str)]
        units = [" ", "a", "1", "-", ".", "a ", "1 ", "a-", "1-", ", ", ":", "/", "đ", "1/", "1:", "( ", "ab - ", "1 - ",
                 "email - ", "in ", "a_b-", "tin ", "ngày 1 ", "\\t", "\\u00a0"]
        texts = [(u * (3000 // len(u)))[:3000] + tail for u in units for tail in ("", "!", "zz")]
        """,
        """
        for module, name, pattern in patterns:
            for text in texts:
                pattern.search(text), pattern.fullmatch(text), pattern.match(text)
        print(len(patterns))
        """,
        cpu_seconds=30.0,
    )
    assert int(out) >= 30


def test_registry_patterns_that_backtracked_load_and_run_in_linear_time(tmp_path: Path):
    path = tmp_path / "p.yaml"
    path.write_text(
        "portals:\n  - id: slugs\n    name: Slugs\n    start_urls: [\"https://slugs.example.vn/\"]\n"
        f"    article_url_pattern: '{REGISTRY_SLUG_PATTERN}'\n"
        f"    boilerplate: ['{REGISTRY_LINE_PATTERN}']\n",
        encoding="utf-8",
    )
    registry = load_registry(path)
    assert registry.errors == []
    portal = registry.get("slugs")
    out = run_bounded(
        """
        import json
        from parsel import Selector
        from crawler.extract.boilerplate import compile_patterns, is_boilerplate
        from spiders.links import article_links
        """,
        f"""
        slug = "ab-" * 5000 + "x"
        listing = f'<a href="/slugs/{{slug}}">bad</a><a href="/slugs/tin-doi-ngoai-moi.html">good</a>'
        links = article_links(Selector(text=listing), "https://slugs.example.vn/", {portal.article_url_pattern!r})
        extra = compile_patterns([{portal.boilerplate[0]!r}])
        hostile = "a " * 3000 + "- Cổng TTĐT"
        print(json.dumps([[l.url for l in links], is_boilerplate(hostile, extra), is_boilerplate("Tin tức mới - CỔNG TTĐT TỈNH", extra)]))
        """,
    )
    urls, hostile_is_chrome, banner_is_chrome = json.loads(out)
    assert urls == ["https://slugs.example.vn/slugs/tin-doi-ngoai-moi.html"]
    assert hostile_is_chrome is False and banner_is_chrome is True


@pytest.mark.parametrize(
    ("field", "value", "why"),
    [
        ("article_url_pattern", r"/tin/(?=\d+)", "lookaround"),
        ("article_url_pattern", r"/(\d+)/\1\.html", "backreference"),
        ("boilerplate", r"\bIn bài\b", "word boundary"),
        ("boilerplate", r"([unclosed", "missing ]"),
    ],
)
def test_registry_patterns_the_linear_engine_cannot_run_are_refused_at_load(tmp_path: Path, field, value, why):
    path = tmp_path / "p.yaml"
    entry = f"    {field}: '{value}'\n" if field == "article_url_pattern" else f"    {field}: ['{value}']\n"
    path.write_text(
        "portals:\n  - id: good\n    name: Good\n    start_urls: [\"https://good.example.vn/\"]\n"
        "  - id: clever\n    name: Clever\n    start_urls: [\"https://clever.example.vn/\"]\n" + entry,
        encoding="utf-8",
    )
    registry = load_registry(path)
    assert [p.id for p in registry.portals] == ["good"]
    (error,) = registry.errors
    line = str(error)
    assert "p.yaml" in line and "clever" in line and field in error.field
    assert "regular expression" in line and why in line


@pytest.mark.parametrize(
    ("pattern", "text", "matches"),
    [
        (r"\w+", "Đà Nẵng", "Đà"),
        (r"\d+", "số ٣٤ và 12", "٣٤"),
        (r"a\sb", "a\u00a0b", "a\u00a0b"),
        (r"[\w-]+\.html", "/tin-tức-mới.html", "tin-tức-mới.html"),
        (r"x\u00e0", "xà", "xà"),
    ],
)
def test_translated_patterns_keep_pythons_unicode_meaning(pattern, text, matches):
    assert safe_regex.compile(pattern).search(text).group(0) == matches
