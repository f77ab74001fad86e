"""One cycle, step by step: schema, registry, crawl. Later steps (matching, alerts) read what the
earlier ones wrote to the database; no step calls back up the chain."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

from crawler.config import Settings
from crawler.errors import UserError
from crawler.runner import BatchResult, close_stale_runs, run_batch
from crawler.store import open_store
from spiders.registry_loader import Registry, config_hash, load_registry
from storage import repositories as repo
from storage.db import transaction

log = logging.getLogger("portalwatch.cycle")


@dataclass
class Prepared:
    settings: Settings
    factory: object
    registry: Registry
    health_changes: list = field(default_factory=list)


def load_checked_registry(settings: Settings) -> Registry:
    """The registry, each bad entry reported once; a registry that would leave the service watching
    nothing (no such path, no valid portal) is an error, not "0 portals scheduled"."""
    path = settings.portals
    if not path.exists():
        raise UserError(f"registry {path} does not exist (check PORTALWATCH_PORTALS)")
    registry = load_registry(path)
    for error in registry.errors:
        log.warning("registry error: %s", error)
    if not registry.portals:
        raise UserError(f"registry {path} has no valid portal (check PORTALWATCH_PORTALS)")
    return registry


def prepare(settings: Settings) -> Prepared:
    """Load the registry (reporting bad entries without stopping), migrate, sync portals to the database."""
    from crawler.alerts import sync_console

    registry = load_checked_registry(settings)
    factory = open_store(settings.database_url, settings.database_wait)  # migrates the schema when it is behind
    with transaction(factory) as session:
        repo.sync_portals(
            session,
            (
                repo.PortalFields(p.id, p.name, p.province, p.kind, config_hash(p), p.enabled)
                for p in registry.portals
            ),
        )
    sync_console(settings, factory)
    close_stale_runs(settings, factory)
    return Prepared(settings, factory, registry)


def select_portals(prepared: Prepared, portal_ids: list[str] | None) -> list[str]:
    """The ids asked for, or every enabled portal an admin has not paused."""
    registry = prepared.registry
    if not portal_ids:
        with transaction(prepared.factory) as session:
            paused = repo.paused_portal_ids(session)
        return [p.id for p in registry.enabled() if p.id not in paused]
    unknown = [pid for pid in portal_ids if registry.get(pid) is None]
    if unknown:
        raise UserError(f"unknown portal id(s): {', '.join(unknown)} (see `portalwatch portals`)")
    return list(portal_ids)


def crawl(prepared: Prepared, portal_ids: list[str] | None = None) -> BatchResult | None:
    """Crawl, then judge the crawled portals' health, so `portalwatch portals` tells what the crawl saw."""
    from crawler.portal_health import update_health

    ids = select_portals(prepared, portal_ids)
    if not ids:
        log.warning("no enabled portals to crawl")
        return None
    result = run_batch(prepared.settings, prepared.factory, ids)
    prepared.health_changes = update_health(
        prepared.factory, prepared.settings.telegram_admin_chat_ids, [r.portal_id for r in result.runs], prepared.settings.admin_emails
    )
    return result


@dataclass
class CycleReport:
    updates: int = 0
    batch: BatchResult | None = None
    matched: object = None
    sent: object = None
    health_changes: list = field(default_factory=list)
    registry_errors: list = field(default_factory=list)

    @property
    def runs(self):
        return self.batch.runs if self.batch else []

    @property
    def new_articles(self) -> int:
        return self.batch.new_articles if self.batch else 0


def match(prepared: Prepared, cache=None):
    from monitor.processing import MonitorCache, match_pending

    cache = cache or MonitorCache(prepared.settings.rules, prepared.settings.telegram_admin_chat_ids)
    return match_pending(prepared.factory, cache)


def run_once(settings: Settings, portal_ids: list[str] | None = None) -> CycleReport:
    """Bot commands, crawl, match, send — each step reading what the one before wrote."""
    from crawler.alerts import apply_bot_updates, send_alerts

    prepared = prepare(settings)
    report = CycleReport()
    report.updates = asyncio.run(apply_bot_updates(settings, prepared.factory))
    report.batch = crawl(prepared, portal_ids)
    report.health_changes = prepared.health_changes
    report.registry_errors = prepared.registry.errors
    report.matched = match(prepared)
    report.sent = asyncio.run(send_alerts(settings, prepared.factory))
    return report
