import io
import json
import sys

from crawler.cli import main
from tests.monitor.labelled import seed_files

SEED_001, SEED_004 = seed_files()[1], seed_files()[4]


def run(capsys, *argv) -> tuple[int, list[dict], str]:
    code = main(["match", *argv])
    out, err = capsys.readouterr()
    return code, [json.loads(line) for line in out.splitlines()], err


def test_one_json_line_per_input_in_order_with_first_sighting_across_inputs(capsys):
    code, lines, _ = run(capsys, str(SEED_001), str(SEED_004), "--keyword", "Lào", "-k", "biên giới")
    assert code == 0 and len(lines) == 2
    first, second = lines
    assert [d["code"] for d in first["directives"]] == ["04-CT/TW", "22-NQ/TW", "32-CT/TW", "36-KH/TU"]
    assert first["directives"][0] == {
        "code": "04-CT/TW",
        "kind": "Chỉ thị",
        "number": 4,
        "year": 2011,
        "issuer": "TW",
        "date": "2011-07-06",
        "sentence": first["directives"][0]["sentence"],
        "mentions": 3,
        "scope": "VN",
    }
    assert first["directives"][0]["sentence"].startswith("Từ năm 2011 đến nay")
    assert [(v["partners"], v["direction"]) for v in first["visits"]] == [(["Đức", "Phần Lan"], "inbound")]
    assert [(k["keyword"], k["count"]) for k in first["keywords"]] == [("Lào", 2), ("biên giới", 0)]
    assert "04-CT/TW" not in second["new_codes"] and "481/QĐ-UBND" in second["new_codes"]
    [new] = [r for r in second["rules"] if r["rule"] == "new-directive"]
    assert new["terms"] == ["18-CTr/TU", "481/QĐ-UBND", "238-QĐ/TU", "41/2013/QĐ-TTg"]
    assert {r["rule"] for r in second["rules"]} == {"new-directive", "foreign-visit"}


def test_article_json_on_stdin(capsys, monkeypatch):
    article = {"title": "Tiếp Đại sứ Nhật Bản", "text": "Chủ tịch UBND tỉnh tiếp Đại sứ Nhật Bản.", "url": None}
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(json.dumps(article).encode())))
    code, [line], _ = run(capsys)
    assert code == 0
    assert [(v["partners"], v["direction"]) for v in line["visits"]] == [(["Nhật Bản"], "inbound")]
    assert line["topic"]["label"] == "doi-ngoai"


def test_json_lines_and_plain_text_files(capsys, tmp_path):
    lines = tmp_path / "articles.jsonl"
    lines.write_text(
        json.dumps({"text": "Thực hiện Chỉ thị 05-CT/TW."}, ensure_ascii=False) + "\n"
        + json.dumps({"text": "Chỉ thị 05-CT/TW và Kế hoạch 12-KH/TU."}, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    plain = tmp_path / "plain.txt"
    plain.write_text("{không phải JSON} Kết luận 57-KL/TW.", encoding="utf-8")
    _, out, _ = run(capsys, str(lines), str(plain))
    assert [line["new_codes"] for line in out] == [["05-CT/TW"], ["12-KH/TU"], ["57-KL/TW"]]


def test_pretty_extract_output_with_an_error_record(capsys, tmp_path):
    records = [
        {"input": "a.html", "portal": "laichau", "url": None, "title": "Tiếp Đại sứ Lào",
         "lead": None, "text": "Chủ tịch tỉnh tiếp Đại sứ Lào.", "rejected": None},
        {"input": "b.html", "error": "no such file"},
    ]
    path = tmp_path / "extract.json"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False, indent=2) for r in records), encoding="utf-8")
    _, out, _ = run(capsys, str(path))
    assert [[v["partners"] for v in line["visits"]] for line in out] == [[["Lào"]], []]


def test_rules_option_and_setting(capsys, tmp_path, monkeypatch):
    rules = tmp_path / "rules.yaml"
    rules.write_text("rules:\n  - id: cua-khau\n    any: [cửa khẩu]\n", encoding="utf-8")
    article = tmp_path / "a.txt"
    article.write_text("Khai trương cửa khẩu Ma Lù Thàng.", encoding="utf-8")
    _, [line], _ = run(capsys, str(article), "--rules", str(rules))
    assert [(r["rule"], r["snippet"]) for r in line["rules"]] == [("cua-khau", "Khai trương «cửa khẩu» Ma Lù Thàng.")]
    monkeypatch.setenv("PORTALWATCH_RULES", str(rules))
    _, [line], _ = run(capsys, str(article))
    assert [r["rule"] for r in line["rules"]] == ["cua-khau"]


def test_errors_are_one_line(capsys, tmp_path):
    code, out, err = run(capsys, str(tmp_path / "missing.txt"))
    assert code == 2 and out == [] and err.strip().count("\n") == 0
    assert "missing.txt" in err
    bad = tmp_path / "bad.yaml"
    bad.write_text("rules:\n  - id: x\n", encoding="utf-8")
    code, _, err = run(capsys, str(SEED_001), "--rules", str(bad))
    assert code == 2 and "bad.yaml: rule 'x': a rule needs a detector" in err
    binary = tmp_path / "latin1.txt"
    binary.write_bytes("Hà Nội".encode("utf-16"))
    code, _, err = run(capsys, str(binary))
    assert code == 2 and "not UTF-8" in err


def test_a_record_whose_fields_are_not_text_is_reported_and_the_rest_go_on(capsys, tmp_path):
    records = [
        {"url": "https://a.vn/1", "title": "Tiếp Đại sứ Lào", "text": "Chủ tịch tỉnh tiếp Đại sứ Lào."},
        {"url": "https://a.vn/2", "title": "Số", "text": 12345},
        {"url": "https://a.vn/3", "title": ["không", "phải", "chuỗi"], "text": "x"},
        {"url": "https://a.vn/4", "lead": {"x": 1}, "text": "y"},
        {"url": "https://a.vn/5", "title": "Tiếp Đại sứ Nhật Bản", "text": "Chủ tịch tỉnh tiếp Đại sứ Nhật Bản."},
    ]
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8")
    code, out, err = run(capsys, str(path))
    assert code == 1
    assert [[v["partners"] for v in line["visits"]] for line in out] == [[["Lào"]], [["Nhật Bản"]]]
    lines = err.strip().splitlines()
    assert len(lines) == 3 and "Traceback" not in err
    assert lines[0] == f"portalwatch match: {path}: record 2 (https://a.vn/2): field 'text' is int, not text; record skipped"
    assert "record 3" in lines[1] and "'title' is list" in lines[1] and "record 4" in lines[2] and "'lead' is dict" in lines[2]


def test_a_local_code_is_new_once_per_province_and_a_national_code_once(capsys, tmp_path):
    """Issue 12: 481/QĐ-UBND of Lai Châu and of Cao Bằng are two documents; 04-CT/TW is one."""
    inputs = []
    for name, province in (("lai-chau", "Lai Châu"), ("cao-bang", "Cao Bằng"), ("lai-chau-2", "Lai Châu")):
        path = tmp_path / f"{name}.json"
        text = "Thực hiện Quyết định số 481/QĐ-UBND và Chỉ thị 04-CT/TW, tỉnh triển khai."
        path.write_text(json.dumps({"text": text, "province": province}, ensure_ascii=False), encoding="utf-8")
        inputs.append(str(path))
    code, lines, _ = run(capsys, *inputs)
    assert code == 0
    assert [[(d["code"], d["scope"]) for d in line["directives"]] for line in lines] == [
        [("481/QĐ-UBND", "Lai Châu"), ("04-CT/TW", "VN")],
        [("481/QĐ-UBND", "Cao Bằng"), ("04-CT/TW", "VN")],
        [("481/QĐ-UBND", "Lai Châu"), ("04-CT/TW", "VN")],
    ]
    assert [line["new_codes"] for line in lines] == [["481/QĐ-UBND", "04-CT/TW"], ["481/QĐ-UBND"], []]
