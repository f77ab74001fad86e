from __future__ import annotations

from crawler.commands.crawl import registry_exit
from crawler.config import Settings
from crawler.polling import Pacer
from crawler.cycle import load_checked_registry
from crawler.store import open_store
from crawler.timefmt import short_vn
from storage import repositories as repo
from storage.db import transaction
from storage.models import Portal


def register(sub) -> None:
    parser = sub.add_parser("portals", help="list the registry and each portal's last crawl")
    parser.set_defaults(handler=handle)


def handle(args, settings: Settings) -> int:
    registry = load_checked_registry(settings)
    factory = open_store(settings.database_url, settings.database_wait)
    paces = Pacer(factory, settings).status(registry.portals)
    with transaction(factory) as session:
        runs = repo.last_runs(session)
        print(f"{'ID':28} {'ON':3} {'HEALTH':9} {'LAST CRAWL':16} {'STATUS':12} {'NEW':>4} {'TOTAL':>6}  NAME")
        for portal in registry.portals:
            run = runs.get(portal.id)
            row = session.get(Portal, portal.id)
            health = "paused" if row is not None and row.paused else (row.health if row is not None else "unknown")
            total = repo.article_count(session, portal.id)
            print(
                f"{portal.id:28} {'yes' if portal.enabled else 'no':3} {health:9} "
                f"{short_vn(run.started_at) if run else 'never':16} {(run.status if run else '-'):12} "
                f"{(run.new_articles if run else 0):4d} {total:6d}  {portal.name}"
            )
            pace = paces[portal.id]
            every = "learnt rhythm" if Pacer.paces(portal) else f"every {portal.interval_minutes} min"
            print(f"{'':33}· next poll {short_vn(pace.next_poll_at) if pace.next_poll_at else 'at start'}"
                  f" ({every}); {pace.polls_today}/{pace.budget} polls today")
            if row is not None and row.health == "unhealthy" and row.health_reason:
                print(f"{'':33}⚠ {row.health_reason}")
            elif run and run.reason:
                print(f"{'':33}└ {run.reason}")
    return registry_exit(registry.errors)
