from __future__ import annotations

from crawler import cycle
from crawler.commands.crawl import print_batch, registry_exit
from crawler.config import Settings


def register(sub) -> None:
    parser = sub.add_parser("run", help="run the service; with --once, one full cycle over all enabled portals")
    parser.add_argument("--once", action="store_true", help="one cycle, then exit (cron, tests)")
    parser.set_defaults(handler=handle)


def handle(args, settings: Settings) -> int:
    if not args.once:
        import asyncio

        from crawler.daemon import Daemon

        return asyncio.run(Daemon(settings).run())
    report = cycle.run_once(settings)
    print_batch(report.batch)
    matched, sent = report.matched, report.sent
    print(
        f"{report.updates} bot updates; matched {matched.articles} articles "
        f"({matched.new_directives} new directives, {matched.alerts} alerts queued); "
        f"sent {sent.sent} alerts ({sent.retried} to retry, {sent.failed} failed)"
    )
    return registry_exit(report.registry_errors)
