"""Whatever arrives, ``extract`` answers with an article or a reason, never an exception or garbage text."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler.extract import Extraction, extract
from crawler.extract.verdict import REASONS, code_of
from spiders.schema import PortalConfig

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "extract"
ARTICLE = (FIXTURES / "mattran" / "mattran_laichau.html").read_bytes()
logging.getLogger("trafilatura").setLevel(logging.CRITICAL)


def _sane(result: Extraction) -> None:
    assert isinstance(result, Extraction)
    if result.rejected:
        assert code_of(result.rejected) in REASONS
        assert code_of(result.rejected) != "extraction-error", result.rejected  # a caught exception is still a bug
        assert result.text is None
    else:
        assert result.text and len(result.text) >= 200


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=3000))
def test_random_bytes(body):
    _sane(extract(body))


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=2000))
def test_random_text(body):
    _sane(extract(body))


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=0, max_value=len(ARTICLE)), st.integers(min_value=0, max_value=255))
def test_truncated_and_corrupted_articles(cut, byte):
    body = bytearray(ARTICLE[:cut])
    if body:
        body[len(body) // 2] = byte
    _sane(extract(bytes(body)))


@pytest.mark.parametrize(
    "body",
    [None, b"", "", b"   ", b"<", b"<html>", b"<html><body></body></html>", b"\x00" * 100, "<p>" * 5000 + "xin chào", b"<?xml version='1.0' encoding='utf-8'?><rss></rss>"],
)
def test_degenerate_bodies(body):
    _sane(extract(body))


def test_a_broken_portal_override_is_a_warning_not_a_failure():
    portal = PortalConfig.model_validate(
        {"id": "broken-override", "name": "x", "start_urls": ["https://x.example.vn"], "selectors": {"title": "h1[", "body": "xpath:///["}}
    )
    result = extract(ARTICLE, portal=portal)
    assert result.rejected is None
    assert any("invalid title selector" in w for w in result.warnings)
    assert any("invalid body selector" in w for w in result.warnings)


def test_a_listing_page_is_not_an_article():
    result = extract((FIXTURES / "bad" / "listing.html").read_bytes())
    assert result.rejected.startswith("listing:")
