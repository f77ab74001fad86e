"""Every portal's recorded listing and articles against the code as it is now; every registry portal has them.

Folders come from ``portalwatch fixture record`` (``tests/fixtures/portals/<id>``). A portal is read
with its current registry entry (selectors, boilerplate, custom spider) when the registry has it,
else with the entry saved at recording time. ``PORTALWATCH_PORTAL_FIXTURES`` points the test at
another fixture root (the maintainer tools' own end-to-end test uses it).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from crawler.config import BUNDLED_PORTALS, Settings
from crawler.maintain import fixtures
from spiders.registry_loader import load_registry

ROOT = Path(os.environ.get("PORTALWATCH_PORTAL_FIXTURES") or fixtures.DEFAULT_ROOT)
CASES = fixtures.fixtures_in(ROOT)
REGISTRY = load_registry(Settings().portals)


@pytest.mark.parametrize("fixture", CASES, ids=[f.portal_id for f in CASES])
def test_portal_fixture(fixture):
    portal = REGISTRY.get(fixture.portal_id) or fixture.snapshot()
    assert fixture.folder.name == fixture.portal_id
    assert fixtures.verify(fixture, portal) == []


def test_every_registry_portal_has_a_fixture():
    bundled = load_registry(BUNDLED_PORTALS)
    assert bundled.errors == []
    recorded = {f.portal_id for f in fixtures.fixtures_in(fixtures.DEFAULT_ROOT)}
    missing = sorted(p.id for p in bundled.portals if p.id not in recorded)
    assert missing == [], f"record them: portalwatch fixture record ID (see docs/adding-a-portal.md): {missing}"
