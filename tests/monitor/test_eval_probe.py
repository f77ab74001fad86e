"""The probe scorer of ``make eval`` (``tests.eval_monitor --probe``) on a probe folder of the
project's own two pages: real probes stay outside the repository."""

import json

import yaml

from tests.eval_monitor import main, measure_probe, probe_half
from tests.probe_labels import page_id


def write_probe(folder):
    pages = {
        "https://songoaivu.example.gov.vn/tin/1": "Chủ tịch UBND tỉnh Sơn La tiếp Đại sứ Nhật Bản tại Việt Nam. Hai bên trao đổi.",
        "https://baotinh.example.vn/tin/2": "Tỉnh ban hành Chỉ thị 05-CT/TU về phòng cháy. Đoàn đã đến thăm huyện Mộc Châu.",
    }
    with open(folder / "own_pages.jsonl", "w", encoding="utf-8") as out:
        for url, excerpt in pages.items():
            out.write(json.dumps({"url": url, "title": None, "excerpt": excerpt}, ensure_ascii=False) + "\n")
    one, two = (page_id(url) for url in pages)
    sentences = [
        {"id": f"{one}-0", "article": one, "text": "Chủ tịch UBND tỉnh Sơn La tiếp Đại sứ Nhật Bản tại Việt Nam.",
         "codes": [], "visit": True, "partners": ["Nhật Bản"], "direction": "inbound"},
        {"id": f"{one}-1", "article": one, "text": "Hai bên trao đổi.", "codes": [], "visit": False},
        {"id": f"{two}-0", "article": two, "text": "Tỉnh ban hành Chỉ thị 05-CT/TU về phòng cháy.",
         "codes": [{"code": "05-CT/TU", "kind": "Chỉ thị"}], "visit": False},
        {"id": f"{two}-1", "article": two, "text": "Đoàn đã đến thăm huyện Mộc Châu.", "codes": [], "visit": False},
    ]
    (folder / "own_sentences.yaml").write_text(yaml.safe_dump({"sentences": sentences}, allow_unicode=True), encoding="utf-8")
    return one, two


def pages_only(probe, name):
    """A folder beside ``probe`` holding only its pages, as another machine fetches them again."""
    again = probe.parent / name
    again.mkdir()
    (again / "own_pages.jsonl").write_text((probe / "own_pages.jsonl").read_text(encoding="utf-8"), encoding="utf-8")
    return again


def test_the_probe_is_scored_by_halves_of_pages_sentence_by_sentence_and_inside_each_page(tmp_path):
    one, two = write_probe(tmp_path)
    figures = measure_probe(str(tmp_path))
    assert figures["all"]["sentences"] == 4 and figures["all"]["pages"] == 2
    assert figures["all"]["NFC"]["visits"] == [1, 0, 0] and figures["all"]["NFC"]["codes"] == [1, 0, 0]
    assert figures["all"]["in_article"]["NFC"]["visits"] == [1, 0, 0]
    assert figures["all"]["identical"]
    assert figures["all"]["by_page"] == {"precision": 1.0, "recall": 1.0, "counts": [1, 0, 0]}
    halves = {probe_half(one), probe_half(two)}
    assert sum(figures[h]["sentences"] for h in ("dev", "held")) == 4 and halves <= {"dev", "held"}
    assert figures["held"]["errors"] == []  # the held half's errors are never kept


def test_the_probe_command_prints_its_table_and_refuses_an_empty_folder(tmp_path, capsys):
    assert main(["--probe", str(tmp_path)]) == 1
    assert "no *_sentences.yaml" in capsys.readouterr().err
    write_probe(tmp_path)
    assert main(["--probe", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "monitor on the probe" in out and "visits tp/fp/fn" in out


def test_the_labels_go_out_without_the_text_and_come_back_onto_the_pages(tmp_path):
    from tests.probe_labels import export, load, rebuild

    probe = tmp_path / "probe"
    probe.mkdir()
    write_probe(probe)
    stored = tmp_path / "labels.jsonl.xz"
    assert export(probe, stored) == 4
    entries = load(stored)
    import lzma

    content = lzma.decompress(stored.read_bytes()).decode("utf-8")
    assert "tiếp Đại sứ" not in content and "phòng cháy" not in content  # no sentence text, only its hash
    assert all("text" not in s for e in entries for s in e["sentences"])
    again = pages_only(probe, "again")
    assert rebuild(again, stored) == {"own": (4, 4)}
    assert measure_probe(str(again))["all"]["NFC"] == measure_probe(str(probe))["all"]["NFC"]


def test_an_adjudicated_label_rebuilds_as_stored_or_as_first_annotated(tmp_path):
    import lzma

    from tests.probe_labels import export, load, rebuild

    probe = tmp_path / "probe"
    probe.mkdir()
    one, _ = write_probe(probe)
    stored = tmp_path / "labels.jsonl.xz"
    export(probe, stored)
    entries = load(stored)
    # the adjudicator called "Hai bên trao đổi." part of the meeting; the first annotation did not
    for entry in entries:
        for sentence in entry["sentences"]:
            if entry["page"] == one and sentence["n"] == 1:
                sentence.update(visit=True, partners=["Nhật Bản"], direction="unknown", first={"visit": False})
    with lzma.open(stored, "wt", encoding="utf-8") as out:
        out.write("\n".join(json.dumps(e, ensure_ascii=False) for e in entries) + "\n")
    for first, expected in ((False, True), (True, False)):
        again = pages_only(probe, f"again-{first}")
        assert rebuild(again, stored, first=first) == {"own": (4, 4)}
        rebuilt = yaml.safe_load((again / "own_sentences.yaml").read_text(encoding="utf-8"))["sentences"]
        assert next(s for s in rebuilt if s["id"] == f"{one}-1")["visit"] is expected


def test_the_stored_probe_labels_are_whole():
    # tests/fixtures/monitor/real/probe_labels.jsonl.xz: the probe of 2026-12-01 (README there)
    from tests.probe_labels import load

    entries = load()
    sentences = [s for e in entries for s in e["sentences"]]
    assert (len(entries), len(sentences), sum(bool(s.get("visit")) for s in sentences)) == (675, 3823, 882)
    # a second blind annotation disagreed on 204 sentences; their labels are the adjudicator's, the first
    # annotation's kept beside them
    adjudicated = [s for s in sentences if "first" in s]
    # then Rule L (probe_decisions.md, D20) turned 16 false labels true, 13 of them among those 204
    ruled = [s for s in sentences if s.get("rule_l")]
    assert len(ruled) == 16 and all(s["visit"] and "first" in s for s in ruled)
    assert len(adjudicated) == 207 and all(set(s["first"]) <= {"visit", "partners", "direction"} for s in adjudicated)
    assert len({e["page"] for e in entries}) == len(entries) and all(e["query"] and e["url"] for e in entries)
    assert all(len(s["sha256"]) == 64 and (s.get("visit") or "partners" not in s) for s in sentences)


def test_an_adjudicated_label_goes_out_with_the_first_one_beside_it(tmp_path):
    from tests.probe_labels import export, load

    probe = tmp_path / "probe"
    probe.mkdir()
    one, _ = write_probe(probe)
    path = probe / "own_sentences.yaml"
    items = yaml.safe_load(path.read_text(encoding="utf-8"))["sentences"]
    items[1].update(visit=True, partners=["Nhật Bản"], direction="unknown", first={"visit": False})
    path.write_text(yaml.safe_dump({"sentences": items}, allow_unicode=True), encoding="utf-8")
    stored = tmp_path / "labels.jsonl.xz"
    export(probe, stored)
    changed = [s for e in load(stored) for s in e["sentences"] if "first" in s]
    assert [(s["n"], s["visit"], s["first"]) for s in changed] == [(1, True, {"visit": False})]


def test_the_stored_set_d_labels_are_whole():
    # tests/fixtures/monitor/real/national_labels.jsonl.xz: set D of 2026-12-02 (README there)
    from tests.probe_labels import NATIONAL_LABELS, load

    entries = load(NATIONAL_LABELS)
    sentences = [s for e in entries for s in e["sentences"]]
    assert (len(entries), len(sentences), sum(bool(s.get("visit")) for s in sentences)) == (207, 2309, 508)
    # Rule L (a well-known leader named without his country is that country's side) changed 37 labels
    assert sum("first" in s for s in sentences) == 37
    assert {e["batch"] for e in entries} == {"d1", "d2", "d3", "d4", "d5", "d6"}
    assert len({e["page"] for e in entries}) == len(entries) and all(e["query"] and e["url"] for e in entries)


def test_the_stored_set_e_labels_are_whole():
    # tests/fixtures/monitor/real/set_e_labels.jsonl.xz: set E of 2026-12-02, development material (README there)
    from tests.probe_labels import SET_E_LABELS, load

    entries = load(SET_E_LABELS)
    sentences = [s for e in entries for s in e["sentences"]]
    assert (len(entries), len(sentences), sum(bool(s.get("visit")) for s in sentences)) == (87, 1120, 271)
    assert {e["batch"] for e in entries} == {"e1", "e2", "e3"}
    assert len({e["page"] for e in entries}) == len(entries) and all(e["query"] and e["url"] for e in entries)
