"""What one page may cost the extractor: nesting depth and CPU time.

A fuzzed page with 3,000 nested ``<b><i>`` overflowed the recursive block walk and 800 nested tables
took 7 s for 13 KB (odd code points such as U+FFFE are dropped when decoding, in ``encoding``). libxml2
stops parsing at 2,048 levels and drops the rest of the page: such a page is parsed again without its
formatting and layout tags, so its text survives. Real pages nest to ~125 elements (the deepest
of 300 corpus pages); below ``MAX_DEPTH`` nothing changes, deeper tags are dropped and their text kept.
Whatever slips past that is caught by the time budget: one page fails alone with a reason.
"""

from __future__ import annotations

import re
import signal
import sys
import threading
import time
from contextlib import contextmanager

from lxml import etree

# libxml2's own nesting limit without huge_tree; twice the deepest real page.
MAX_DEPTH = 256
# CPU seconds one page may take; real pages take tens of milliseconds.
TIME_BUDGET = 20.0
_DEEP = "/" + "/".join(["*"] * MAX_DEPTH)
# libxml2's limit with huge_tree: an element this deep means the parser stopped there.
PARSER_DEPTH = 2048
_AT_PARSER_LIMIT = "/" + "/".join(["*"] * PARSER_DEPTH)
# Any tag; [^<>] keeps a page of unclosed "<a<a<a" linear.
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]*)[^<>]*>")
# What survives when a page too deep for the parser is read again: text boundaries and what cleanup needs.
_KEPT_TAGS = frozenset({"html", "head", "body", "title", "meta", "p", "br", "h1", "h2", "h3", "h4", "h5", "h6", "script", "style"})
# Tags whose text is never prose: dropped with their content, not merged into the text, when flattening.
_OPAQUE = ("script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "canvas", "textarea", "select")


def flatten_deep(tree) -> int:
    """Drop the tags below ``MAX_DEPTH`` (their text stays, in order); returns how many subtrees were flattened."""
    flattened = 0
    for element in tree.xpath(_DEEP):
        if len(element):
            etree.strip_elements(element, *_OPAQUE, with_tail=False)
            etree.strip_tags(element, "*")
            flattened += 1
    return flattened


def parser_stopped(tree) -> bool:
    return bool(tree.xpath(_AT_PARSER_LIMIT))


def without_layout_tags(html: str) -> str:
    """The page without its formatting and layout tags (text, paragraphs and headings kept), for a re-parse."""
    return _TAG.sub(lambda m: m.group(0) if m.group(2).lower() in _KEPT_TAGS else " ", html)


class BudgetExceeded(BaseException):
    """Raised into the extraction when its page used up its CPU budget. A BaseException, so the broad
    ``except Exception`` of a library in between cannot swallow it."""


class Budget:
    """A page's CPU-time budget. In the main thread (Scrapy's pipelines, the CLI) a profiling timer interrupts
    the extraction wherever it is; elsewhere ``check()`` between steps enforces the same deadline."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.deadline = time.process_time() + seconds

    def check(self) -> None:
        if time.process_time() > self.deadline:
            raise BudgetExceeded(self.seconds)


@contextmanager
def budget(seconds: float | None):
    limit = Budget(seconds if seconds and seconds > 0 else float("inf"))
    if limit.seconds == float("inf") or not _can_arm():
        yield limit
        return

    def expired(signum, frame):
        raise BudgetExceeded(limit.seconds)

    previous = signal.signal(signal.SIGPROF, expired)
    # Fires again every 50 ms of CPU after the first time, in case something swallowed it anyway.
    signal.setitimer(signal.ITIMER_PROF, limit.seconds, 0.05)
    try:
        yield limit
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


def _can_arm() -> bool:
    """Only the main thread receives signals, and a profiler's own SIGPROF timer is left alone."""
    if sys.platform == "win32" or threading.current_thread() is not threading.main_thread():
        return False
    return signal.getitimer(signal.ITIMER_PROF) == (0.0, 0.0) and signal.getsignal(signal.SIGPROF) in (signal.SIG_DFL, None)
