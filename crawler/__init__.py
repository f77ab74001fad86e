"""Runs Scrapy for portalwatch: settings, pipelines, runner, scheduler, CLI. Knows no particular portal."""
