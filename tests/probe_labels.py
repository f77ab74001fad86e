"""The probe's labels, kept in the repository without the pages they label.

The probe (``tests/fixtures/monitor/real/README.md``) is real pages from the stored-page search, which
may be read but not copied here. What the project made of them may be kept: which query found which
page (its url), and for each sentence of the page's excerpt its index under ``split_sentences``, the
SHA-256 of its text and its labels. ``PROBE_LABELS`` holds that. A later session that fetches the
pages again (the same queries, the excerpts saved as ``*_pages.jsonl``) rebuilds the labelled
sentence files with ``rebuild`` and scores them with ``tests.eval_monitor --probe``.

Run: ``.venv/bin/python -m tests.probe_labels export DIR`` (the folder's ``*_sentences.yaml`` into
``PROBE_LABELS``) or ``... rebuild DIR`` (``PROBE_LABELS`` and the folder's ``*_pages.jsonl`` into
``<batch>_sentences.yaml``, one per batch; ``--first``: the first annotation's labels where an adjudicator
changed them). ``--labels NATIONAL_LABELS`` does the same for set D, a second probe of national and
provincial news labelled on 2026-12-02 (README beside the file). ``export`` writes only what the folder's
files hold (an item's ``first`` labels included): the ``first`` labels kept beside the adjudicated ones in
``PROBE_LABELS`` are not in a rebuilt folder, so do not export over the stored file from one.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import lzma
import sys
import unicodedata
from pathlib import Path

import yaml

PROBE_LABELS = Path(__file__).resolve().parent / "fixtures" / "monitor" / "real" / "probe_labels.jsonl.xz"
# Set D: a second probe, labelled blind on 2026-12-02 (README beside it), in the same layout.
NATIONAL_LABELS = PROBE_LABELS.with_name("national_labels.jsonl.xz")
# Set E: a third, labelled the same day with Rule L in its rules; development material, all of it read.
SET_E_LABELS = PROBE_LABELS.with_name("set_e_labels.jsonl.xz")
_LABELS = ("codes", "visit", "partners", "direction")


def page_id(url: str) -> str:
    return "pg-" + hashlib.sha256(url.encode("utf-8")).hexdigest()[:10]


def text_hash(text: str) -> str:
    """SHA-256 of a sentence as labelled: NFC, runs of white space as one space."""
    return hashlib.sha256(" ".join(unicodedata.normalize("NFC", text).split()).encode("utf-8")).hexdigest()


def probe_pages(folder: Path) -> dict[str, tuple[str, dict]]:
    """Page id -> (batch, record) for every ``<batch>_pages.jsonl`` line of ``folder``."""
    pages: dict[str, tuple[str, dict]] = {}
    for path in sorted(folder.glob("*_pages.jsonl")):
        batch = path.name[: -len("_pages.jsonl")]
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                pages.setdefault(page_id(record["url"]), (batch, record))
    return pages


def export(folder: Path, out: Path = PROBE_LABELS) -> int:
    """Write the labels of ``folder``'s ``*_sentences.yaml`` (no text, no note) page by page; the number of sentences."""
    pages = probe_pages(folder)
    by_page: dict[str, list[dict]] = {}
    seen: set[tuple[str, int]] = set()
    for path in sorted(folder.glob("*_sentences.yaml")):
        for item in yaml.safe_load(path.read_text(encoding="utf-8"))["sentences"]:
            n = int(item["id"].rsplit("-", 1)[1])
            if item["article"] not in pages or (item["article"], n) in seen:
                continue
            seen.add((item["article"], n))
            entry = {"n": n, "sha256": text_hash(item["text"])}
            entry.update({key: item[key] for key in _LABELS if item.get(key) not in (None, [])})
            if item.get("first"):  # an adjudicator's change: the first annotation's labels kept beside it
                entry["first"] = item["first"]
            by_page.setdefault(item["article"], []).append(entry)
    lines = []
    for page, sentences in sorted(by_page.items()):
        batch, record = pages[page]
        lines.append(json.dumps({"page": page, "batch": batch, "query": record.get("query"), "url": record["url"],
                                 "sentences": sorted(sentences, key=lambda s: s["n"])}, ensure_ascii=False))
    with lzma.open(out, "wt", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    return sum(len(s) for s in by_page.values())


def load(path: Path = PROBE_LABELS) -> list[dict]:
    with lzma.open(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def rebuild(folder: Path, labels: Path = PROBE_LABELS, first: bool = False) -> dict[str, tuple[int, int]]:
    """Write ``<batch>_sentences.yaml`` into ``folder`` from its re-fetched pages and the stored labels:
    a labelled sentence is kept when the page's excerpt, split, has a sentence of that index and hash.
    ``first``: the first annotation's labels where the adjudicator changed them (``first``), to compare.
    (batch -> (sentences kept, sentences labelled))."""
    from tests.monitor.test_real_sentence_files import split_sentences

    pages = probe_pages(folder)
    written: dict[str, list[dict]] = {}
    counts: dict[str, list[int]] = {}
    for entry in load(labels):
        batch = entry["batch"]
        counts.setdefault(batch, [0, 0])[1] += len(entry["sentences"])
        if entry["page"] not in pages:
            continue
        record = pages[entry["page"]][1]
        split = split_sentences(record["excerpt"])
        for sentence in entry["sentences"]:
            if first and "first" in sentence:
                sentence = {"n": sentence["n"], "sha256": sentence["sha256"], "codes": sentence.get("codes", []),
                            **sentence["first"]}
            n = sentence["n"]
            if n < len(split) and text_hash(split[n]) == sentence["sha256"]:
                item = {"id": f"{entry['page']}-{n}", "article": entry["page"], "url": entry["url"],
                        "text": unicodedata.normalize("NFC", split[n]), "codes": sentence.get("codes", []),
                        "visit": sentence.get("visit", False)}
                item.update({key: sentence[key] for key in ("partners", "direction") if key in sentence})
                written.setdefault(batch, []).append(item)
                counts[batch][0] += 1
    for batch, items in written.items():
        (folder / f"{batch}_sentences.yaml").write_text(
            yaml.safe_dump({"sentences": items}, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return {batch: (kept, total) for batch, (kept, total) in counts.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=("export", "rebuild"))
    parser.add_argument("folder", type=Path)
    parser.add_argument("--first", action="store_true",
                        help="rebuild: the first annotation's labels, not the adjudicated ones")
    parser.add_argument("--labels", type=Path, default=PROBE_LABELS,
                        help=f"the stored labels file (default {PROBE_LABELS.name}; {NATIONAL_LABELS.name}: set D; "
                             f"{SET_E_LABELS.name}: set E)")
    args = parser.parse_args(argv)
    if not args.folder.is_dir():
        print(f"probe labels: no folder {args.folder}", file=sys.stderr)
        return 1
    if args.action == "export":
        print(f"probe labels: {export(args.folder, args.labels)} sentences written to {args.labels}")
        return 0
    for batch, (kept, total) in sorted(rebuild(args.folder, args.labels, first=args.first).items()):
        print(f"probe labels: {batch}: {kept} of {total} labelled sentences found in the pages")
    return 0


if __name__ == "__main__":
    sys.exit(main())
