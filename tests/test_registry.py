"""The registry: a bad entry names its file, portal and field, and never stops the others loading."""

from __future__ import annotations

from pathlib import Path

from crawler.config import BUNDLED_PORTALS
from spiders.registry_loader import load_registry


def test_bundled_registry_loads_without_errors():
    registry = load_registry(BUNDLED_PORTALS)
    assert registry.errors == []
    ids = {p.id for p in registry.portals}
    assert {"caobang-songoaivu", "backan-gov", "baoquocte", "baothuathienhue", "mattran"} <= ids


def test_four_line_entry_is_enough(tmp_path: Path):
    path = tmp_path / "one.yaml"
    path.write_text(
        "portals:\n  - id: backan-gov\n    name: Cổng TTĐT tỉnh Bắc Kạn\n"
        '    start_urls: ["https://backan.gov.vn/Pages/tin-doi-ngoai.aspx"]\n',
        encoding="utf-8",
    )
    registry = load_registry(path)
    assert registry.errors == []
    portal = registry.get("backan-gov")
    assert portal.start_urls == ["https://backan.gov.vn/Pages/tin-doi-ngoai.aspx"]
    assert portal.enabled and portal.interval_minutes is None


def test_bad_entries_are_reported_with_file_portal_and_field(tmp_path: Path):
    folder = tmp_path / "registry"
    folder.mkdir()
    (folder / "a.yaml").write_text(
        """portals:
  - id: good-one
    name: Good
    start_urls: ["https://good.example.vn/tin-tuc"]
  - id: bad-url
    name: Bad URL
    start_urls: ["ftp://nope"]
  - id: bad-regex
    name: Bad regex
    start_urls: ["https://x.example.vn/"]
    article_url_pattern: "([unclosed"
  - id: typo-field
    name: Typo
    start_url: ["https://y.example.vn/"]
  - id: bad-interval
    name: Interval
    start_urls: ["https://z.example.vn/"]
    interval_minutes: 0
  - id: bad-encoding
    name: Encoding
    start_urls: ["https://w.example.vn/"]
    encoding: windows-9999
""",
        encoding="utf-8",
    )
    (folder / "b.yaml").write_text(
        """portals:
  - id: good-one
    name: Duplicate
    start_urls: ["https://dup.example.vn/"]
  - id: another-good
    name: Another
    feeds: ["https://another.example.vn/rss"]
""",
        encoding="utf-8",
    )
    (folder / "c.yaml").write_text("portals: [\n  - broken", encoding="utf-8")

    registry = load_registry(folder)
    assert sorted(p.id for p in registry.portals) == ["another-good", "good-one"]
    found = {(Path(e.file).name, e.portal, e.field) for e in registry.errors}
    assert ("a.yaml", "bad-url", "start_urls.0") in found
    assert ("a.yaml", "bad-regex", "article_url_pattern") in found
    assert ("a.yaml", "typo-field", "start_url") in found
    assert ("a.yaml", "bad-interval", "interval_minutes") in found
    assert ("a.yaml", "bad-encoding", "encoding") in found
    assert ("b.yaml", "good-one", "id") in found
    assert any(Path(e.file).name == "c.yaml" and "YAML" in e.message for e in registry.errors)
    # Error lines read as file: portal: field: message.
    line = str(next(e for e in registry.errors if e.portal == "bad-regex"))
    assert "a.yaml" in line and "bad-regex" in line and "article_url_pattern" in line and "regular expression" in line


def test_entry_without_start_urls_or_feeds_is_an_error(tmp_path: Path):
    path = tmp_path / "x.yaml"
    path.write_text("portals:\n  - id: nothing\n    name: Nothing\n", encoding="utf-8")
    registry = load_registry(path)
    assert registry.portals == []
    assert "start_urls or feeds" in registry.errors[0].message
