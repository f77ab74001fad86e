"""The maintainer commands run in-process (their crawl children are real), against 127.0.0.1 portals."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from crawler.cli import main


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def registry(tmp_path: Path) -> Path:
    path = tmp_path / "registry.yaml"
    path.write_text("# Maintainer's own notes stay where they are.\nportals:\n", encoding="utf-8")
    return path


@pytest.fixture
def portalwatch(monkeypatch, capsys, tmp_path: Path, registry: Path):
    """``portalwatch(*args)``: the CLI with settings for fixture servers; the registry is ``registry``."""
    monkeypatch.setenv("PORTALWATCH_PORTALS", str(registry))
    monkeypatch.setenv("PORTALWATCH_DATABASE_URL", f"sqlite:///{tmp_path / 'unused.db'}")
    monkeypatch.setenv("PORTALWATCH_DOWNLOAD_DELAY", "0")
    monkeypatch.setenv("PORTALWATCH_AUTOTHROTTLE", "false")
    monkeypatch.setenv("PORTALWATCH_DOWNLOAD_TIMEOUT", "3")
    monkeypatch.setenv("PORTALWATCH_LOG_LEVEL", "WARNING")

    def run(*args: str) -> Result:
        capsys.readouterr()
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


def one_line_error(result: Result) -> str:
    """The error as the user sees it: exactly one line on stderr, no traceback."""
    lines = [line for line in result.err.splitlines() if line.strip()]
    assert len(lines) == 1, result.err
    assert "Traceback" not in result.err
    return lines[0]
