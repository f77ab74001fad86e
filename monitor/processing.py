"""The match step: stored articles in, directive sightings, match records and queued alerts out.

Articles are taken in storage order so the first sighting of a code is the earliest article that
has it. Each article is one transaction — its registry entries, matches, alerts and its
``matched_at`` stamp commit together — so a crash never leaves an article half-matched or an alert
without its match. Baseline articles (a new portal's archive) feed the registry and get matches,
but queue no alerts.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from monitor.alerting.format import EventKind, VN_TZ
from monitor.analysis import ArticleInput, Monitor
from monitor.matcher import RuleMatch
from monitor.rules import Rule, rules_from_setting
from storage import directives as registry_store
from storage import documents as document_store
from storage import notices, outbox, subscribers
from storage.db import transaction
from storage.models import Article, Match, Portal, Subscriber
from storage.types import utcnow

log = logging.getLogger("portalwatch.match")
BATCH = 200

KIND_OF = {"new-directive": EventKind.DIRECTIVE, "directive": EventKind.DIRECTIVE, "visit": EventKind.FOREIGN_VISIT}


@dataclass
class MatchStats:
    articles: int = 0
    matches: int = 0
    new_directives: int = 0
    alerts: int = 0
    new_codes: list[str] = field(default_factory=list)


def subscriber_rule(rule) -> Rule:
    return Rule(
        id=f"sub-{rule.id}",
        name=rule.name,
        subscriber=rule.subscriber_id,
        any=rule.any_terms,
        all=rule.all_terms,
        none=rule.none_terms,
        accent_insensitive=rule.accent_insensitive,
        portals=rule.portals,
        provinces=rule.provinces,
    )


class MonitorCache:
    """Compiling many subscriber terms takes a moment: rebuild only when the rules change.

    A stored rule the matcher cannot use (one written past the door, or by an older version)
    disables that rule alone: it is logged and the admins are told once (notices), and every
    other rule still matches. One subscriber's keyword never stops the matching pass.
    """

    def __init__(self, rules_path: Path | None, admin_chat_ids: list[int] | tuple[int, ...] = ()):
        self.global_rules = rules_from_setting(rules_path)
        self.admin_chat_ids = list(admin_chat_ids)
        self.disabled: dict[int, str] = {}  # stored rule id -> why
        self._key: str | None = None
        self._monitor: Monitor | None = None

    def get(self, session) -> Monitor:
        rules = list(self.global_rules)
        for stored in subscribers.all_rules(session):
            try:
                rules.append(subscriber_rule(stored))
            except ValueError as exc:  # pydantic's ValidationError is one
                self._disable(session, stored, str(exc).replace("\n", " "))
        key = hashlib.sha256(json.dumps([r.model_dump(mode="json") for r in rules], sort_keys=True).encode()).hexdigest()
        if key != self._key:
            self._monitor, self._key = self._build(session, rules), key
        return self._monitor

    def _build(self, session, rules: list[Rule]) -> Monitor:
        try:
            return Monitor(rules)
        except Exception:
            log.exception("matcher could not be built from %d rules: finding the rule that breaks it", len(rules))
        usable = list(self.global_rules)
        for rule in rules[len(self.global_rules):]:
            try:
                Monitor([rule])
            except Exception as exc:
                self._disable(session, rule, f"{type(exc).__name__}: {exc}")
                continue
            usable.append(rule)
        return Monitor(usable)

    def _disable(self, session, rule, reason: str) -> None:
        rule_id = int(str(rule.id).removeprefix("sub-"))
        if rule_id in self.disabled:
            return
        self.disabled[rule_id] = reason
        name = rule.name or ""
        log.error("keyword rule %s (%r) disabled: %s", rule_id, name[:80], reason[:300])
        text = (f"⚠️ Từ khóa #{rule_id} «{name[:80]}» không dùng được nên đã bị bỏ qua khi đối chiếu "
                f"(các từ khóa khác vẫn hoạt động): {reason[:300]}")
        notices.queue_admin_notice(session, text, self.admin_chat_ids)


def event_key(match: RuleMatch, article: Article, scopes: dict[str, str] | None = None) -> str | None:
    """Reports of one event share a key: a new document (code and scope: two provinces' 481/QĐ-UBND
    are two events), or a visit's partners on one day."""
    if match.kind == "new-directive":
        scopes = scopes or {}
        return "directive:" + ",".join(sorted(f"{code}@{scopes[code]}" if code in scopes else code for code in match.terms))
    if match.kind == "visit":
        day = (article.published_at or article.first_seen_at).astimezone(VN_TZ).date().isoformat()
        return "visit:" + ",".join(sorted(match.terms)) + ":" + day
    return None


def reason_of(match: RuleMatch, directives=()) -> dict:
    """A match as the alert stores it; a document match also carries the kinds of its documents
    (``directives``: the article's, as detected) so the alert is headed "Quyết định mới", not a guess."""
    kind = KIND_OF.get(match.kind, EventKind.KEYWORD)
    detail = "; ".join(match.reasons) if match.reasons else ", ".join(match.terms)
    reason = {
        "kind": kind.value,
        "rule": match.rule,
        "detail": detail,
        "terms": list(match.terms),
        "snippet": match.snippet.text,
        "spans": [list(span) for span in match.snippet.highlights],
    }
    if kind == EventKind.DIRECTIVE:
        codes = set(match.terms)
        reason["doc_kinds"] = list(dict.fromkeys(d.kind for d in directives if d.code in codes and d.kind))
        reason["new"] = match.kind == "new-directive"
    return reason


def document_reason(facts: dict) -> dict:
    """A new document's facts (``storage.documents.alert_facts``) as a reason of its own: the alert shows them
    as a block with the register page and each attachment linked, whichever rule matched the article."""
    return {"kind": EventKind.DOCUMENT.value, "rule": "document", "detail": facts["code"], "terms": [facts["code"]],
            "snippet": "", "spans": [], "document": facts}


def match_pending(factory, cache: MonitorCache, limit: int | None = None) -> MatchStats:
    stats = MatchStats()
    with transaction(factory) as session:
        monitor = cache.get(session)
        known = registry_store.known_codes(session)
        provinces = dict(session.execute(select(Portal.id, Portal.province)).all())
    while limit is None or stats.articles < limit:
        with transaction(factory) as session:
            ids = list(
                session.scalars(select(Article.id).where(Article.matched_at.is_(None)).order_by(Article.id).limit(BATCH))
            )
        if not ids:
            break
        for article_id in ids:
            _match_one(factory, monitor, known, provinces, article_id, stats)
    return stats


def _match_one(factory, monitor: Monitor, known: set, provinces: dict, article_id: int, stats: MatchStats) -> None:
    with transaction(factory) as session:
        article = session.get(Article, article_id)
        analysis = monitor.analyse(
            ArticleInput(
                article.text or "",
                title=article.title or "",
                lead=article.lead or "",
                portal=article.portal_id,
                province=provinces.get(article.portal_id),
                url=article.url,
            ),
            known_codes=known,
        )
        article.topic, article.topic_score = analysis.topic.label, analysis.topic.score
        article.matched_at = utcnow()
        firsts = []
        for directive in analysis.directives:
            fields = {"kind": directive.kind, "number": directive.number, "year": directive.year, "issuer": directive.issuer, "issued_on": directive.date}
            stored, first = registry_store.record_mention(
                session, article.id, directive.code, directive.scope, fields, directive.sentence
            )
            if first:
                stats.new_directives += 1
                stats.new_codes.append(directive.code)
                firsts.append(stored)
        recipients: dict[int, list[tuple[dict, str | None]]] = {}
        defaults = None
        stored_rules: set[str] = set()
        for match in analysis.rules:
            if match.rule not in stored_rules:
                stored_rules.add(match.rule)
                session.add(
                    Match(
                        article_id=article.id,
                        kind="directive" if match.kind == "new-directive" else ("keyword" if match.kind == "keyword" else match.kind),
                        rule_id=int(match.rule[4:]) if match.rule.startswith("sub-") else None,
                        rule_name=match.name or match.rule,
                        terms=list(match.terms),
                        snippet=match.snippet.marked("[[", "]]"),
                        data={"reasons": list(match.reasons), "rule": match.rule},
                    )
                )
                stats.matches += 1
            if article.baseline:
                continue
            entry = (reason_of(match, analysis.directives), event_key(match, article, {d.code: d.scope for d in analysis.directives}))
            if match.subscriber is None:
                if defaults is None:
                    defaults = list(
                        session.scalars(
                            select(Subscriber.id).where(Subscriber.active.is_(True), Subscriber.follows_defaults.is_(True))
                        )
                    )
                for subscriber_id in defaults:
                    recipients.setdefault(subscriber_id, []).append(entry)
            else:
                recipients.setdefault(int(match.subscriber), []).append(entry)
        documents = [document_reason(f) for f in (document_store.alert_facts(session, d, article.id) for d in firsts) if f]
        for entries in recipients.values() if documents else ():
            entries.extend((reason, None) for reason in documents)
        for subscriber_id, entries in recipients.items():
            subscriber = session.get(Subscriber, subscriber_id)
            if subscriber is None or not subscriber.active:
                continue
            reasons = list({json.dumps(r, sort_keys=True, ensure_ascii=False): r for r, _ in entries}.values())
            keys = [k for _, k in entries if k]
            outbox.queue_alert(session, subscriber, article.id, reasons, min(keys) if keys else None)
            stats.alerts += 1
    # Only once the article's transaction has committed do its documents, by (code, scope), count as known.
    known.update(analysis.keys)
    stats.articles += 1
