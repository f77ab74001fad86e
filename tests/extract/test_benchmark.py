"""Ten pages of the public article-extraction benchmark: never rejected, never much worse than bare trafilatura.

The pages (tests/fixtures/aeb, MIT licence) are the kinds the first version rejected or mangled: a
column whose only ``<h1>`` is the site name, a login modal beside the article, related headlines
spliced between short paragraphs, a results table, a theme excerpt repeating the body. Bare
trafilatura runs on the same bytes in the same test, so the bar moves with the library.
"""

from __future__ import annotations

import pytest

from crawler.cli import main
from crawler.extract import benchmark

TOLERANCE = 0.05


@pytest.fixture(scope="module")
def report():
    return benchmark.run(benchmark.load(benchmark.FIXTURE_AEB), benchmark.FIXTURE_AEB)


def test_no_benchmark_page_is_rejected(report):
    assert len(report.ours.pages) == 10
    assert {sha[:12]: report.ours.pages[sha].rejected for sha in report.ours.rejected()} == {}


def test_each_page_scores_at_least_bare_trafilatura_less_a_tolerance(report):
    behind = {sha[:12]: report.f1_of(sha) for sha in report.ours.pages if report.f1_of(sha)[0] < report.f1_of(sha)[1] - TOLERANCE}
    assert behind == {}
    assert report.ours.f1() >= report.baseline.f1() - 0.01


def test_shingle_scoring_follows_the_benchmark():
    truth = "one two three four five six"
    assert benchmark.score_text(truth, truth) == (1.0, 1.0)
    assert benchmark.score_text(truth, "") == (0.0, 0.0)
    precision, recall = benchmark.score_text(truth, truth + " seven eight")
    assert recall == 1.0 and precision == pytest.approx(3 / 5)


def test_eval_prints_the_benchmark_beside_the_vietnamese_sets(capsys):
    assert main(["eval", "--family", "wordpress", "--aeb", str(benchmark.FIXTURE_AEB)]) == 0
    out = capsys.readouterr().out
    assert "field" in out and "article-extraction-benchmark: 10 pages" in out
    assert [line.split()[0] for line in out.splitlines() if line.split()[:1] in (["F1"], ["precision"], ["recall"], ["rejected"])] == [
        "F1", "precision", "recall", "rejected",
    ]


def test_a_missing_benchmark_folder_is_a_clear_error(tmp_path, capsys):
    assert main(["eval", "--family", "wordpress", "--aeb", str(tmp_path)]) != 0
    assert "ground-truth.json" in capsys.readouterr().err
