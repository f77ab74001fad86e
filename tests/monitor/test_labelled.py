"""The labelled set end to end: every code, visit and topic label, and nothing else."""

from monitor.analysis import Monitor
from tests.monitor.labelled import FIXTURES, evaluate, load_articles, seed_files


def test_the_shared_seeds_and_the_corpus_texts_are_there():
    assert len(seed_files()) == 5
    assert len(list((FIXTURES / "corpus").glob("*.txt"))) >= 10


import pytest


@pytest.mark.parametrize("name", ["labelled.yaml", "heldout.yaml"])
def test_labelled_set_without_a_single_error(name):
    articles = load_articles(name)
    scores = evaluate(Monitor(), articles)
    assert scores.errors == []
    assert (scores.directives.tp, scores.visits.tp) == (
        sum(len(a.directives) for a in articles),
        sum(len(a.visits) for a in articles),
    )
    assert scores.topic.tp == sum(a.topic for a in articles)
