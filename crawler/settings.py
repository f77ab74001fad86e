"""Scrapy settings, derived from the typed ``Settings``.

``scrapy.cfg`` points here so ``scrapy list`` / ``scrapy crawl <portal id>`` work in the project
folder; the batch runner calls ``scrapy_settings()`` with the settings it was handed instead.
"""

from __future__ import annotations

from crawler.config import Settings


def scrapy_settings(settings: Settings, batch_id: str | None = None) -> dict:
    return {
        "BOT_NAME": "portalwatch",
        "SPIDER_LOADER_CLASS": "crawler.spiderloader.RegistrySpiderLoader",
        "PORTALWATCH_REGISTRY": str(settings.portals),
        "PORTALWATCH_DATABASE_URL": settings.database_url,
        "PORTALWATCH_BATCH_ID": batch_id,
        "PORTALWATCH_MAX_LISTING_PAGES": settings.max_listing_pages,
        "PORTALWATCH_MAX_LINKS_PER_PAGE": settings.max_links_per_page,
        "PORTALWATCH_MAX_ARTICLES_PER_VISIT": settings.max_articles_per_visit,
        "PORTALWATCH_EXTRACT_TIME_BUDGET": settings.extract_time_budget,
        "USER_AGENT": settings.user_agent,
        "ROBOTSTXT_OBEY": settings.obey_robots,
        # Politeness: government servers are small; one or two connections per site at a time.
        "CONCURRENT_REQUESTS": 32,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 2,
        "DOWNLOAD_DELAY": settings.download_delay,
        "DOWNLOAD_DELAY_JITTER": 0.5,
        "AUTOTHROTTLE_ENABLED": settings.autothrottle,
        "AUTOTHROTTLE_START_DELAY": max(settings.download_delay, 0.1),
        "AUTOTHROTTLE_MAX_DELAY": 30.0,
        "AUTOTHROTTLE_TARGET_CONCURRENCY": 1.0,
        "DOWNLOAD_TIMEOUT": settings.download_timeout,
        "DOWNLOAD_MAXSIZE": settings.max_page_bytes,
        "DOWNLOAD_WARNSIZE": 0,
        # One portal's visit ends after this long even if its site crawls slowly; the batch has a hard limit too.
        "CLOSESPIDER_TIMEOUT": max(60, int(settings.crawl_timeout / 3)),
        "RETRY_ENABLED": True,
        "RETRY_TIMES": 2,
        "RETRY_HTTP_CODES": [500, 502, 503, 504, 522, 524, 408, 429],
        "REDIRECT_MAX_TIMES": 10,
        # Government sites with expired or self-signed certificates and old ciphers still get read.
        "DOWNLOADER_CLIENT_TLS_CIPHERS": "DEFAULT:@SECLEVEL=0",
        "DOWNLOADER_CLIENT_TLS_VERBOSE_LOGGING": False,
        "COOKIES_ENABLED": True,
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": "WARNING" if settings.log_level.upper() != "DEBUG" else "DEBUG",
        "LOGSTATS_INTERVAL": 0,
        "LOG_INSTALL_ROOT_HANDLER": False,
        "LOG_FORMATTER": "crawler.logformatter.QuietLogFormatter",
        "STATS_DUMP": False,
        # Only http(s) is ever fetched: a feed entry naming file:///… or s3://… is refused, not read.
        "DOWNLOAD_HANDLERS": {"file": None, "s3": None, "ftp": None, "data": None},
        "DOWNLOADER_MIDDLEWARES": {
            # Before robots.txt (100): a refused host does not even get its robots.txt asked for.
            "crawler.middlewares.FetchPolicyMiddleware": 50,
            "crawler.middlewares.ListingValidatorsMiddleware": 560,
            "crawler.middlewares.VietnameseEncodingMiddleware": 570,
        },
        "ITEM_PIPELINES": {
            "crawler.pipelines.ExtractionPipeline": 100,
            "crawler.pipelines.DeduplicationPipeline": 200,
            "crawler.pipelines.StoragePipeline": 300,
            "crawler.document_pipeline.DocumentPipeline": 400,
        },
        "EXTENSIONS": {"crawler.extensions.CrawlRunRecorder": 100},
        # The seen-state lives in the database; JOBDIR would skip listing pages forever.
        "JOBDIR": None,
        "REQUEST_FINGERPRINTER_IMPLEMENTATION": "2.7",
    }


def __getattr__(name: str):
    """The module-level Scrapy settings (for ``scrapy list``/``scrapy crawl``) are built on first use,
    not at import: importing this module (the CLI does) never reads the environment, so a bad
    variable is reported by the CLI in one line, not as a traceback here."""
    if not name.isupper():
        raise AttributeError(name)
    values = _module_settings()
    if name not in values:
        raise AttributeError(name)
    return values[name]


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_module_settings()))


_CACHE: dict = {}


def _module_settings() -> dict:
    if not _CACHE:
        from crawler.config import settings_error

        try:
            settings = Settings()
        except Exception as exc:
            raise SystemExit(f"portalwatch: invalid setting: {settings_error(exc)}") from None
        _CACHE.update(scrapy_settings(settings))
    return _CACHE
