"""A maintainer's whole path: portal URL → `portal add --write` → `portal check` → `fixture record` → a passing test.

(That the fixture test fails when extraction changes is shown in test_record.py, without a second pytest run.)"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from spiders.registry_loader import load_registry
from tests.maintain.sites import home_site
from tests.support.server import PortalServer

PROJECT = Path(__file__).resolve().parents[2]


def run_fixture_tests(root: Path, registry: Path) -> subprocess.CompletedProcess:
    """The project's own parametrised fixture test, pointed at these fixtures and this registry."""
    env = {**os.environ, "PORTALWATCH_PORTAL_FIXTURES": str(root), "PORTALWATCH_PORTALS": str(registry)}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_portal_fixtures.py::test_portal_fixture"],
        cwd=PROJECT, env=env, capture_output=True, text=True, timeout=120,
    )


def test_from_a_portal_url_to_a_passing_fixture_test(portalwatch, registry, tmp_path):
    root = tmp_path / "fixtures"
    with PortalServer() as server:
        home_site(server)
        added = portalwatch("portal", "add", server.url("/"), "--id", "laichau-front", "--write")
        checked = portalwatch("portal", "check", "laichau-front", "--json")
        recorded = portalwatch("fixture", "record", "laichau-front", "--out", root)
    assert added.code == 0, added.err
    assert "next: `portalwatch fixture record laichau-front` to give it a regression test" in added.out
    portal = load_registry(registry).get("laichau-front")
    assert portal.start_urls == [server.url("/doi-ngoai-nhan-dan/")] and portal.kind == "front"

    report = json.loads(checked.out)
    assert checked.code == 0 and report["usable"] is True
    assert [listing["links"] for listing in report["listings"]] == [5, 3]
    assert report["feeds"][0]["entries"] == 8

    assert recorded.code == 0, recorded.err
    assert "test:   .venv/bin/pytest tests/test_portal_fixtures.py -k laichau-front" in recorded.out
    assert (root / "laichau-front" / "listing.html").is_file()

    tests = run_fixture_tests(root, registry)
    assert tests.returncode == 0, tests.stdout + tests.stderr
    assert "1 passed" in tests.stdout

