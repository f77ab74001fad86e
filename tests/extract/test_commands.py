"""``portalwatch extract`` and ``portalwatch eval`` as a user runs them, and the harness's verdict."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from crawler.cli import main
from crawler.extract import evaluate, extract

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "extract"
SHARED = Path(__file__).resolve().parents[1] / "fixtures" / "shared"
REQUIRED = ("url", "title", "published_at", "author", "lead", "text")


def _registry(tmp_path: Path) -> Path:
    spec = json.loads((FIXTURES / "overrides" / "backan_custom.expected.json").read_text(encoding="utf-8"))
    caobang = {"id": "caobang-songoaivu", "name": "Sở Ngoại vụ tỉnh Cao Bằng", "start_urls": ["https://songoaivu.caobang.gov.vn/tin-tuc-su-kien"]}
    path = tmp_path / "portals.yaml"
    path.write_text(yaml.safe_dump({"portals": [spec["portal"], caobang]}, allow_unicode=True), encoding="utf-8")
    return path


def test_extract_prints_one_json_object_per_input(capsys):
    pages = [FIXTURES / "wordpress" / "baoquocte.html", FIXTURES / "bad" / "document.pdf"]
    # The PDF goes to the document extractor (tests/documents); this one has no text at all.
    assert main(["extract", *map(str, pages)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    article, pdf = (json.loads(line) for line in lines)
    assert all(key in article for key in REQUIRED)
    assert article["title"] == "5 phương hướng để đẩy mạnh công tác đối ngoại địa phương"
    assert article["published_at"] == "2021-12-14T10:45:33+07:00"
    assert "no text" in pdf["error"] and "text" not in pdf


def test_extract_url_option_names_the_page(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PORTALWATCH_PORTALS", str(_registry(tmp_path)))
    page = FIXTURES / "aspnet" / "caobang_songoaivu.html"
    assert main(["extract", str(page), "--url", "https://songoaivu.caobang.gov.vn/ChiTietTin.aspx?id=1473"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["url"] == "https://songoaivu.caobang.gov.vn/ChiTietTin.aspx?id=1473"
    assert record["portal"] == "caobang-songoaivu"  # found in the registry by the page's host


def test_extract_portal_option_applies_the_registry_overrides(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PORTALWATCH_PORTALS", str(_registry(tmp_path)))
    page = FIXTURES / "overrides" / "backan_custom.html"
    assert main(["extract", str(page), "--portal", "backan-tinbai"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["title"] == "Nâng cao hiệu quả công tác đối ngoại Nhân dân trong tình hình mới"
    assert record["published_at"] == "2021-04-22"
    assert "Bản tin tiếng dân tộc" not in record["text"]


@pytest.mark.parametrize(
    "argv, message",
    [
        (["extract", "missing-page.html"], "no such file"),
        (["extract", "--portal", "no-such-portal", str(FIXTURES / "bad" / "listing.html")], "no portal"),
        (["extract", "--url", "https://x.vn/a", str(FIXTURES / "bad" / "listing.html"), str(FIXTURES / "bad" / "login.html")], "single input"),
    ],
)
def test_extract_user_errors_are_one_line(argv, message, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


def test_eval_prints_the_side_by_side_table(capsys):
    assert main(["eval", "--family", "wordpress", "--family", "bad", "--shared", str(SHARED)]) == 0
    out = capsys.readouterr().out
    assert "trafilatura" in out and "our failures:\n  none" in out
    for name in evaluate.FIELDS:
        assert any(line.startswith(name) for line in out.splitlines())


def test_the_harness_ours_beats_bare_trafilatura_on_every_field():
    report = evaluate.evaluate(evaluate.load_cases(evaluate.FIXTURES, SHARED))
    ours, base = report.totals("ours"), report.totals("baseline")
    assert report.failures() == []
    for name in evaluate.FIELDS:
        (hits, total), (baseline, _) = ours[name], base[name]
        assert total > 0
        assert hits > baseline, f"{name}: ours {hits}/{total}, trafilatura {baseline}/{total}"


def test_overrides_are_what_makes_the_custom_portal_work():
    case = next(c for c in evaluate.load_cases(evaluate.FIXTURES, SHARED) if c.name == "overrides/backan_custom")
    plain = extract(case.body(), url=case.url)
    fixed = extract(case.body(), url=case.url, portal=case.portal)
    assert plain.title != case.expected["title"]
    assert fixed.title == case.expected["title"]


def test_extract_fetches_a_url(capsys):
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    page = (FIXTURES / "encoding" / "windows1258.html").read_bytes().replace(b"charset=windows-1258", b"")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=windows-1258")
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/tin/1.html"
        assert main(["extract", url]) == 0
    finally:
        server.shutdown()
    record = json.loads(capsys.readouterr().out)
    assert record["url"] == url
    assert record["title"] == "Tiếp tục củng cố và mở rộng quan hệ hợp tác nhiều mặt"
