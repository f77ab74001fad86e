"""Debian's Chromium through Playwright, launched as every browser test launches it (no downloads)."""

from __future__ import annotations

import shutil

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def launch_chromium(playwright):
    executable = shutil.which("chromium") or "/usr/bin/chromium"
    return playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
