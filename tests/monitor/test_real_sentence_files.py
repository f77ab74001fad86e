"""The hand-labelled real-sentence files are well formed and true to the corpus they come from.

Checks the format only (no detector runs here): ids unique and naming their article, texts NFC and
found verbatim in their corpus article, visit fields consistent, partners spelled as in
monitor/places.yaml, the development set never drawing on an article of the held-out half B, and
the sentence split (``split_sentences``, for labelling more) giving half A its ids.
Failure messages name sentence ids only, never texts (half B stays unread).
"""

import json
import lzma
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import pytest
import yaml

from tests.eval_monitor import DEV, HELD, split_of
from tests.support.corpus import corpus

PLACES = Path(__file__).resolve().parents[2] / "monitor" / "places.yaml"
DIRECTIONS = {"inbound", "outbound", "unknown"}
# The labelled sets' sentence split: ". ", "! ", "? ", "…" (runs of them) before a capital, a digit or
# an opening quote/bracket, and line breaks; not after an abbreviation nor a single Latin capital
# ("Herbert J. Carlisle"). ``bm-<article>-<n>`` ids number the sentences of this split.
_BOUNDARY = re.compile(r"([.!?…]+)(\s+)(?=[“\"(\[]*(\w))")
_ABBREVIATIONS = frozenset({"TP", "Tp", "TS", "ThS", "PGS", "GS", "BS", "KS", "Th", "St", "Mr", "Mrs", "Dr"})


def split_sentences(text: str) -> list[str]:
    sentences = []
    for line in text.split("\n"):
        start = 0
        for match in _BOUNDARY.finditer(line):
            first = match.group(3)
            if not (first.isupper() or first.isdigit()):
                continue
            if match.group(1) == ".":
                words = line[start:match.start()].split()
                word = words[-1].lstrip("(“\"") if words else ""
                if word in _ABBREVIATIONS or (len(word) == 1 and "A" <= word <= "Z"):
                    continue
            sentences.append(line[start:match.end(1)].strip())
            start = match.end(2)
        sentences.append(line[start:].strip())
    return sentences


@lru_cache(maxsize=1)
def articles() -> dict[str, str]:
    with lzma.open(corpus("baomoi-2017.jsonl.xz"), "rt", encoding="utf-8") as lines:
        return {str(record["id"]): record["text"] for record in map(json.loads, lines)}


@lru_cache(maxsize=1)
def partner_names() -> set[str]:
    places = yaml.safe_load(PLACES.read_text(encoding="utf-8"))
    return {entry["name"] for key in ("countries", "organisations") for entry in places.get(key) or []}


def items(path: Path) -> list[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["sentences"]


@pytest.mark.parametrize("path", [HELD, DEV], ids=["sentences.yaml", "dev_sentences.yaml"])
def test_each_sentence_is_well_formed_and_found_in_its_article(path: Path):
    sentences = items(path)
    ids = [s["id"] for s in sentences]
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    problems = []
    for s in sentences:
        article, text = str(s["article"]), s["text"]
        prefix, _, index = s["id"].rpartition("-")
        if prefix != f"bm-{article}" or not index.isdigit():
            problems.append(f"{s['id']}: id does not name article {article}")
        if not unicodedata.is_normalized("NFC", text):
            problems.append(f"{s['id']}: text not NFC")
        if text not in articles().get(article, ""):
            problems.append(f"{s['id']}: text not found in article {article}")
        if not isinstance(s["codes"], list) or any(not c.get("code") or not c.get("kind") for c in s["codes"]):
            problems.append(f"{s['id']}: codes must be a list of {{code, kind}}")
        if not isinstance(s["visit"], bool):
            problems.append(f"{s['id']}: visit must be true or false")
        elif s["visit"]:
            partners = s.get("partners") or []
            if not partners or not set(partners) <= partner_names():
                problems.append(f"{s['id']}: partners must be names of monitor/places.yaml")
            if s.get("direction") not in DIRECTIONS:
                problems.append(f"{s['id']}: direction must be one of {sorted(DIRECTIONS)}")
        elif s.get("partners") or s.get("direction"):
            problems.append(f"{s['id']}: partners/direction only for visit: true")
    assert problems == []


def test_the_development_set_uses_no_article_of_half_b_and_no_held_out_id():
    held = items(HELD)
    half_b = {str(s["article"]) for s in held if split_of(s["article"]) == "B"}
    dev = items(DEV)
    assert sorted(s["id"] for s in dev if str(s["article"]) in half_b) == []
    assert sorted({s["id"] for s in dev} & {s["id"] for s in held}) == []


def test_the_split_gives_every_half_a_sentence_its_id():
    """The ids of half A of sentences.yaml are the split's indexes (half B is not read here)."""
    wrong = []
    for s in items(HELD):
        if split_of(s["article"]) != "A":
            continue
        parts = split_sentences(articles()[str(s["article"])])
        index = int(s["id"].rpartition("-")[2])
        if index >= len(parts) or parts[index] != s["text"]:
            wrong.append(s["id"])
    assert wrong == []


def test_every_labelled_sentence_is_scored_inside_its_article_in_nfc_and_nfd():
    """The eval's second table reads each sentence inside its corpus article: every labelled sentence
    must be found there (or that table would silently skip it), the same way in NFC and in NFD."""
    from monitor import Monitor
    from tests.eval_monitor import DEV, HELD, corpus_articles
    from tests.monitor.labelled import load_sentences, score_in_articles

    articles = corpus_articles()
    monitor = Monitor()
    for path in (DEV, HELD):
        sentences = load_sentences(path)
        nfc, nfd = (score_in_articles(monitor, sentences, articles, form) for form in ("NFC", "NFD"))
        lost = [e.split(":")[0] for e in nfc.errors if e.endswith("not found in its article")]
        assert lost == [], f"{path.name}: {lost[:10]}"
        assert nfc.outputs == nfd.outputs and sum(nfc.visits.__dict__.values()) > 0
