"""Where benches and harnesses find the real corpora: the copies kept in tests/fixtures (so a bare clone
runs them), else the project's shared folder beside the checkout for anything not copied."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
SHARED_CORPUS = ROOT.parent / "shared" / "corpus"
# Byte-for-byte copies of shared corpus folders (provenance beside each copy).
COPIES = {
    "real": FIXTURES / "shared" / "corpus" / "real",
    "aeb": FIXTURES / "shared" / "corpus" / "aeb",
    "baomoi-2017.jsonl.xz": FIXTURES / "shared" / "corpus" / "baomoi-2017.jsonl.xz",
    "documents/files": FIXTURES / "documents",
}


def corpus(name: str) -> Path:
    """A corpus folder or file by its name below ``../shared/corpus``: the copy when there is one."""
    copy = COPIES.get(name)
    return copy if copy is not None and copy.exists() else SHARED_CORPUS / name
