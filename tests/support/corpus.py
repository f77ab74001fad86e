"""Where benches and harnesses find the real corpora: the copies kept in tests/fixtures (provenance
beside each), so a clone with nothing beside it runs them all."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
# Byte-for-byte copies of shared corpus folders (provenance beside each copy).
COPIES = {
    "real": FIXTURES / "shared" / "corpus" / "real",
    "aeb": FIXTURES / "shared" / "corpus" / "aeb",
    "baomoi-2017.jsonl.xz": FIXTURES / "shared" / "corpus" / "baomoi-2017.jsonl.xz",
    "documents/files": FIXTURES / "documents",
}


def corpus(name: str) -> Path:
    """A copied corpus folder or file by its name in the shared corpus (``real``, ``aeb``, …)."""
    return COPIES[name]
