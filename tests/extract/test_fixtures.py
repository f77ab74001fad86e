"""Every fixture family and every real page against its expected JSON: the extractor's regression net.

The real pages are copies of the shared corpus (corpus/real) in tests/fixtures/shared; when that folder is missing the cases fail to load and
the run fails, rather than passing quietly on the synthetic fixtures alone.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from crawler.extract import extract
from crawler.extract.evaluate import FIXTURES, Outcome, leaked, load_cases
from crawler.extract.verdict import REASONS, code_of

SHARED = Path(__file__).resolve().parents[1] / "fixtures" / "shared"
CASES = load_cases(FIXTURES, SHARED)


def test_the_shared_corpus_is_there():
    real = [c for c in CASES if c.family == "real"]
    assert (SHARED / "corpus" / "real" / "SOURCES.md").is_file(), f"{SHARED} is missing"
    assert len(real) == len(list((SHARED / "corpus" / "real").glob("*.html")))


def test_every_family_is_covered():
    families = {c.family for c in CASES}
    assert {"aspnet", "sharepoint", "wordpress", "thuathienhue", "mattran", "liferay", "encoding", "overrides", "bad", "real"} <= families


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_extraction_matches_the_gold(case):
    want = case.expected
    result = extract(case.body(), url=case.url, portal=case.portal)
    if want.get("rejected"):
        assert want["rejected"] in REASONS
        assert code_of(result.rejected) == want["rejected"], result.rejected
        assert result.text is None
        return
    assert result.rejected is None, result.rejected
    data = result.as_json()
    assert data["title"] == want["title"]
    assert data["published_at"] == want["published_at"]
    assert result.has_time == ("T" in want["published_at"])
    assert result.published_at.utcoffset().total_seconds() == 7 * 3600
    assert data["author"] == want["author"]
    assert data["lead"] == want["lead"]
    paragraphs = result.paragraphs
    assert paragraphs[0] == want["first_paragraph"]
    assert paragraphs[-1] == want["last_paragraph"]
    assert leaked(Outcome(lead=result.lead, paragraphs=paragraphs), want.get("chrome", [])) == []
    for value in (data["title"], data["lead"], data["author"], data["text"], *result.captions):
        assert value is None or unicodedata.is_normalized("NFC", value)
