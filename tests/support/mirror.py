"""A mirrored real site (tests/fixtures/sites/<name>/source, files gzipped one by one) served as it was.

HTTrack stores each paginated URL (``list.html?…&cur=2``) as its own file and rewrites the links to
``<file>?<query>``, so the site replays by serving ``source/`` and ignoring the query string, which
``PortalServer`` already does.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from pathlib import Path

from tests.support.server import PortalServer

SITES = Path(__file__).resolve().parents[1] / "fixtures" / "sites"


@dataclass
class Mirror:
    root: Path

    @property
    def manifest(self) -> dict:
        return json.loads((self.root / "manifest.json").read_text(encoding="utf-8"))

    def files(self) -> dict[str, bytes]:
        """URL path ("/vi/…") → the page's bytes."""
        source = self.root / "source"
        return {"/" + str(p.relative_to(source)).removesuffix(".gz"): gzip.decompress(p.read_bytes()) for p in source.rglob("*.gz")}

    def page(self, relative: str) -> bytes:
        """A file by its mirror path ("source/vi/…")."""
        return gzip.decompress((self.root / f"{relative}.gz").read_bytes())

    def serve(self, server: PortalServer) -> None:
        for path, body in self.files().items():
            server.add(path, body)


def mirror(name: str) -> Mirror:
    return Mirror(SITES / name)
