"""``portal check``: a live dry run of one registry entry, and the verdict a maintainer needs.

The entry is crawled by its own spider in a child (nothing stored), a listing page or two and the
first few articles. The portal is *usable* when at least one entry point answered with article
links or feed entries and at least one article came out of the extractor; otherwise the one-line
reason is the most specific failure seen (robots.txt, TLS, a JavaScript shell, a login wall…).
"""

from __future__ import annotations

import pydoc
from collections import Counter
from dataclasses import dataclass, field

from crawler.config import Settings
from crawler.errors import UserError
from crawler.maintain.child import run_child
from crawler.maintain.diagnose import explain
from crawler.spiderloader import spider_class
from spiders.schema import PortalConfig

# Most specific first: the reason shown when nothing worked.
_SPECIFIC = ("robots", "tls", "dns", "cookie-wall", "javascript-stub", "login-wall", "not-html", "http", "timeout")


@dataclass
class CheckReport:
    portal: PortalConfig
    raw: dict
    warnings: list[str] = field(default_factory=list)
    reason: str | None = None

    @property
    def listings(self) -> list[dict]:
        return self.raw.get("listings", [])

    @property
    def feeds(self) -> list[dict]:
        return self.raw.get("feeds", [])

    @property
    def articles(self) -> list[dict]:
        return self.raw.get("articles", [])

    @property
    def good_articles(self) -> list[dict]:
        return [a for a in self.articles if not a["reject"]]

    @property
    def usable(self) -> bool:
        return self.reason is None

    def as_json(self) -> dict:
        listings = [{k: v for k, v in item.items() if k not in ("body", "link_urls")} for item in self.listings]
        feeds = [{k: v for k, v in item.items() if k != "body"} for item in self.feeds]
        articles = [{k: v for k, v in a.items() if k != "body"} for a in self.articles]
        return {
            "portal": self.portal.id,
            "usable": self.usable,
            "reason": self.reason,
            "warnings": self.warnings,
            "listings": listings,
            "feeds": feeds,
            "articles": articles,
        }


def check_portal(
    portal: PortalConfig, settings: Settings, pages: int = 2, articles: int = 5, keep_bodies: bool = False,
    timeout: float | None = None,
) -> CheckReport:
    try:
        spider_class(portal)  # here, so a broken spider module is one line rather than a dead child
    except pydoc.ErrorDuringImport as exc:
        why = f"{type(exc.value).__name__}: {exc.value}"
        raise UserError(f"portal {portal.id}: spider {portal.spider!r} does not import: {why}") from None
    except (ValueError, ImportError) as exc:
        raise UserError(str(exc)) from None
    timeout = timeout or max(60.0, settings.download_timeout * 4)
    raw = run_child(
        "check",
        {"portal": portal.model_dump(mode="json"), "pages": pages, "articles": articles, "keep_bodies": keep_bodies},
        settings,
        timeout,
    )
    report = CheckReport(portal, raw)
    judge(report)
    return report


def judge(report: CheckReport) -> None:
    raw, warnings = report.raw, report.warnings
    problems: list[tuple[str, str]] = []  # (code, sentence)
    for failure in raw.get("failures", []):
        sentence = failure_sentence(failure)
        problems.append((failure["code"], sentence))
        warnings.append(sentence)
    for listing in report.listings:
        if listing.get("problem"):
            code, detail = listing["problem"]["code"], listing["problem"]["detail"]
            advice = "javascript-stub-spider" if code == "javascript-stub" and report.portal.spider else code
            sentence = f"{explain(advice, detail)} at {listing['url']}"
            problems.append((code, sentence))
            warnings.append(sentence)
        elif listing.get("links") == 0:
            warnings.append(f"no article links found on {listing['url']}")
    for feed in report.feeds:
        if not feed["entries"]:
            warnings.append(f"no entries in the feed {feed['url']}")
    covered = [f["url"] for f in raw.get("failures", [])] + [item["url"] for item in report.listings]
    warnings.extend(r for r in raw.get("entries", {}).values() if r and not any(r.endswith(u) for u in covered))
    _article_warnings(report)
    if raw.get("timed_out"):
        warnings.append(f"the check was stopped after {raw['timeout']:.0f} s; what it had found is shown")
    report.warnings[:] = list(dict.fromkeys(warnings))
    report.reason = _verdict(report, problems)


def failure_sentence(failure: dict) -> str:
    code, url = failure["code"], failure["url"]
    if code == "robots":
        return f"robots.txt disallows {url}"
    if code == "tls":
        return f"TLS handshake failed for {url}: {failure['detail']}"[:300]
    if failure.get("kind") == "article":
        return f"article {url}: {failure['detail']}"[:300]
    return f"cannot fetch {url}: {failure['detail']}"[:300]


def _article_warnings(report: CheckReport) -> None:
    good = report.good_articles
    for article in report.articles:
        if article["reject"]:
            report.warnings.append(f"{article['url']}: {article['reject']}")
    undated = [a for a in good if not a["extraction"]["published_at"]]
    if undated:
        report.warnings.append(
            f"dates not parsed on {len(undated)} of {len(good)} articles (give the entry a selectors.date)"
        )
    untitled = [a for a in good if not a["extraction"]["title"]]
    if untitled:
        report.warnings.append(f"no title on {len(untitled)} of {len(good)} articles")


def _verdict(report: CheckReport, problems: list[tuple[str, str]]) -> str | None:
    raw = report.raw
    answered = [url for url, reason in raw.get("entries", {}).items() if reason is None]
    if report.good_articles and answered:
        return None
    for code in _SPECIFIC:
        for found, sentence in problems:
            if found == code:
                return sentence
    failures = [reason for reason in raw.get("entries", {}).values() if reason]
    if failures and not answered:
        return failures[0]
    if report.articles:
        codes = Counter((a["reject"] or "").removeprefix("not an article: ").split(":")[0] for a in report.articles)
        code, count = codes.most_common(1)[0]
        return f"no article could be extracted ({count} of {len(report.articles)} pages: {code})"
    if raw.get("timed_out"):
        return f"gave up after {raw['timeout']:.0f} s before any article was fetched"
    return "no article links or feed entries found"
