"""`portalwatch portal add`: from a home page to a checked registry entry, written only when asked."""

from __future__ import annotations

import pytest

from crawler.errors import UserError
from crawler.maintain.registry_write import append_entry, render
from spiders.registry_loader import load_registry
from spiders.schema import PortalConfig
from tests.maintain.conftest import one_line_error
from tests.maintain.sites import JS_SHELL, home_site
from tests.support.server import PortalServer


def test_a_home_page_yields_its_foreign_affairs_section_feed_and_sitemap(portalwatch, registry):
    before = registry.read_text(encoding="utf-8")
    with PortalServer() as server:
        home_site(server)
        result = portalwatch("portal", "add", server.url("/"))
    assert result.code == 0, result.err
    out = result.out
    assert f"section {server.url('/doi-ngoai-nhan-dan/')}  “Đối ngoại nhân dân”  5 article links" in out
    assert f"section {server.url('/tin-tuc/')}  “Tin tức”  0 article links" in out
    assert f"feed {server.url('/rss/doi-ngoai.rss')}  8 entries" in out
    assert f"sitemap {server.url('/sitemap.xml')}" in out
    assert "usable: yes" in out
    assert (
        "proposed entry:\n"
        "  - id: 127-0-0-1\n"
        "    name: Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh Lai Châu\n"
        "    province: Lai Châu\n"
        "    kind: front\n"
        f'    start_urls: ["{server.url("/doi-ngoai-nhan-dan/")}"]\n'
        f'    feeds: ["{server.url("/rss/doi-ngoai.rss")}"]\n'
    ) in out
    assert "not written (add --write to append it to the registry)" in out
    assert registry.read_text(encoding="utf-8") == before


def test_write_appends_the_entry_and_keeps_the_file_as_it_was(portalwatch, registry):
    registry.write_text(
        "# Maintainer's notes stay where they are.\nportals:\n  - id: other\n    name: Other  # a comment\n"
        '    start_urls: ["https://other.example.vn/tin-tuc"]\n',
        encoding="utf-8",
    )
    before = registry.read_text(encoding="utf-8")
    with PortalServer() as server:
        site = home_site(server)
        result = portalwatch("portal", "add", site.listing_url, "--id", "laichau-front", "--name", "Mặt trận Lai Châu", "--write")
        again = portalwatch("portal", "add", site.listing_url, "--id", "laichau-front", "--write")
    assert result.code == 0, result.err
    text = registry.read_text(encoding="utf-8")
    assert text.startswith(before)
    assert f"  # added by `portalwatch portal add {site.listing_url}`\n  - id: laichau-front\n" in text
    loaded = load_registry(registry)
    assert loaded.errors == []
    portal = loaded.get("laichau-front")
    assert portal.name == "Mặt trận Lai Châu" and portal.start_urls == [site.listing_url]
    assert portal.verified.endswith("5 of 5 articles extracted; needs a fixture (fixture record)")
    assert f"written to {registry}" in result.out
    assert again.code == 2
    assert one_line_error(again) == (
        f"portalwatch portal: a portal with id 'laichau-front' is already in the registry ({registry})"
    )


def test_a_page_with_nothing_to_crawl_is_refused_with_the_reason(portalwatch, registry):
    with PortalServer() as server:
        server.add("/", JS_SHELL)
        result = portalwatch("portal", "add", server.url("/"), "--write")
    assert result.code == 1
    line = one_line_error(result)
    assert line.startswith(
        f"portalwatch portal: nothing to crawl at {server.url('/')}: the page is a JavaScript shell; the listing needs "
        "a spider (portal add --spider) ("
    )
    assert line.endswith(f"characters of visible text and 1 scripts) at {server.url('/')}")
    assert load_registry(registry).portals == []


def test_bad_input_is_one_line(portalwatch):
    assert one_line_error(portalwatch("portal", "add", "backan.gov.vn")) == "portalwatch portal: not an http(s) URL: backan.gov.vn"
    bad_id = portalwatch("portal", "add", "https://x.example.vn/", "--id", "Bắc Kạn")
    assert one_line_error(bad_id) == "portalwatch portal: --id 'Bắc Kạn': use 2 to 80 lower-case letters, digits, '-' or '_'"
    with PortalServer() as server:
        server.robots = "User-agent: *\nDisallow: /\n"
        closed = portalwatch("portal", "add", server.url("/"))
    assert one_line_error(closed) == f"portalwatch portal: robots.txt disallows {server.url('/')}"


ENTRY = PortalConfig(
    id="quangbinh-songoaivu", name="Sở Ngoại vụ tỉnh Quảng Bình", province="Quảng Bình", kind="foreign-affairs",
    start_urls=["https://songoaivu.quangbinh.gov.vn/tin-tuc"], verified="portal check: 5 of 5 articles extracted",
    notes="sitemaps: https://songoaivu.quangbinh.gov.vn/sitemap.xml",
)


def test_the_entry_is_rendered_as_the_registry_files_are_written():
    assert render(ENTRY, "added by hand") == (
        "  # added by hand\n"
        "  - id: quangbinh-songoaivu\n"
        "    name: Sở Ngoại vụ tỉnh Quảng Bình\n"
        "    province: Quảng Bình\n"
        "    kind: foreign-affairs\n"
        '    start_urls: ["https://songoaivu.quangbinh.gov.vn/tin-tuc"]\n'
        '    verified: "portal check: 5 of 5 articles extracted"\n'
        '    notes: "sitemaps: https://songoaivu.quangbinh.gov.vn/sitemap.xml"\n'
    )


def test_a_registry_folder_gets_an_added_file(tmp_path):
    folder = tmp_path / "registry.d"
    folder.mkdir()
    (folder / "main.yaml").write_text('portals:\n  - id: aa\n    name: A\n    feeds: ["https://a.example.vn/rss"]\n')
    written = append_entry(folder, ENTRY)
    assert written == folder / "added.yaml"
    assert written.read_text(encoding="utf-8").startswith("# Portals added with `portalwatch portal add`.\nportals:\n")
    assert sorted(p.id for p in load_registry(folder).portals) == ["aa", "quangbinh-songoaivu"]


def test_a_file_the_entry_cannot_join_is_left_untouched(tmp_path):
    odd = tmp_path / "odd.yaml"
    odd.write_text("portals: [{id: aa, name: A, feeds: ['https://a.example.vn/rss']}]\n", encoding="utf-8")
    with pytest.raises(UserError, match="has no 'portals:' list to append to"):
        append_entry(odd, ENTRY)
    trailing = tmp_path / "trailing.yaml"
    original = 'portals:\n  - id: aa\n    name: A\n    feeds: ["https://a.example.vn/rss"]\nsettings:\n  x: 1\n'
    trailing.write_text(original, encoding="utf-8")
    with pytest.raises(UserError, match="would not load cleanly"):
        append_entry(trailing, ENTRY)
    assert odd.read_text(encoding="utf-8") == "portals: [{id: aa, name: A, feeds: ['https://a.example.vn/rss']}]\n"
    assert trailing.read_text(encoding="utf-8") == original


@pytest.mark.parametrize(
    "original, kept",
    [
        ("# Sở Ngoại vụ portals, reviewed 2026-11.\nportals: []  # none yet\n", "# Sở Ngoại vụ portals, reviewed 2026-11.\nportals:  # none yet\n"),
        ("portals: []\n", "portals:\n"),
        ("# Only a comment so far.\n", "# Only a comment so far.\nportals:\n"),
        ("", "# Portals added with `portalwatch portal add`.\nportals:\n"),
        ("\n\n", "# Portals added with `portalwatch portal add`.\nportals:\n"),
    ],
)
def test_write_works_on_an_empty_list_or_an_empty_file_and_the_entry_is_listed(portalwatch, registry, original, kept):
    registry.write_text(original, encoding="utf-8")
    written = append_entry(registry, ENTRY, "added by hand")
    text = written.read_text(encoding="utf-8")
    assert text.startswith(kept) and "  - id: quangbinh-songoaivu\n" in text
    loaded = load_registry(registry)
    assert loaded.errors == [] and [p.id for p in loaded.portals] == ["quangbinh-songoaivu"]
    listed = portalwatch("portals")
    assert listed.code == 0, listed.err
    assert "quangbinh-songoaivu" in listed.out and "Sở Ngoại vụ tỉnh Quảng Bình" in listed.out
