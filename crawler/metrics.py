"""Prometheus metrics of the daemon, in their own registry, all named ``portalwatch_*``."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from crawler.runner import BatchResult


class Metrics:
    def __init__(self):
        self.registry = CollectorRegistry()
        r = self.registry
        self.crawls = Counter("portalwatch_crawls_total", "Portal crawls by outcome", ["status"], registry=r)
        self.pages = Counter("portalwatch_pages_total", "Requests made by crawls", registry=r)
        self.new_articles = Counter("portalwatch_new_articles_total", "Articles stored", registry=r)
        self.matches = Counter("portalwatch_matches_total", "Rule and detector matches recorded", registry=r)
        self.new_directives = Counter("portalwatch_new_directives_total", "Directive codes sighted first", registry=r)
        self.alerts_sent = Counter("portalwatch_alerts_sent_total", "Alerts delivered", registry=r)
        self.alerts_failed = Counter("portalwatch_alerts_failed_total", "Alerts given up or dropped", registry=r)
        self.alerts_queued = Gauge("portalwatch_alerts_queued", "Alerts waiting in the outbox", registry=r)
        self.portal_errors = Counter("portalwatch_portal_errors_total", "Failed portal crawls", ["portal"], registry=r)
        self.crawl_duration = Histogram(
            "portalwatch_crawl_duration_seconds",
            "Wall time of one crawl batch",
            buckets=(1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600),
            registry=r,
        )
        self.last_success = Gauge(
            "portalwatch_portal_last_success_timestamp_seconds", "Last successful crawl per portal", ["portal"], registry=r
        )
        self.cycles = Counter("portalwatch_cycles_total", "Crawl batches completed", registry=r)
        self.portal_requests = Counter("portalwatch_portal_requests_total", "Requests made per portal", ["portal"], registry=r)
        self.detection_delay = Histogram(
            "portalwatch_detection_delay_seconds",
            "From an article's publication (as the page shows it) to its first sighting, per portal",
            ["portal"],
            buckets=(60, 180, 300, 600, 900, 1800, 3600, 7200, 21600, 86400),
            registry=r,
        )

    def record_batch(self, result: BatchResult, seconds: float, success_times: dict[str, float]) -> None:
        self.cycles.inc()
        self.crawl_duration.observe(seconds)
        for run in result.runs:
            self.crawls.labels(run.status).inc()
            self.pages.inc(run.requests)
            self.portal_requests.labels(run.portal_id).inc(run.requests)
            self.new_articles.inc(run.new_articles)
            if run.status in ("failed", "interrupted"):
                self.portal_errors.labels(run.portal_id).inc()
        for portal_id, timestamp in success_times.items():
            self.last_success.labels(portal_id).set(timestamp)

    def record_delays(self, delays: list[tuple[str, float]]) -> None:
        for portal_id, seconds in delays:
            self.detection_delay.labels(portal_id).observe(seconds)

    def render(self) -> bytes:
        return generate_latest(self.registry)
