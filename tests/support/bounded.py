"""Run code that could hang (a backtracking regex, a hostile page) in a child with a CPU-time bound.

A regression must fail the test, not hang the suite: the child arms ``ITIMER_PROF`` after its imports,
and the kernel ends it with SIGPROF once it has used that much CPU — inside a C regex loop too. CPU
time, not wall time, so a loaded machine does not make a sound run fail.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_ARM = "import signal\nsignal.signal(signal.SIGPROF, signal.SIG_DFL)\nsignal.setitimer(signal.ITIMER_PROF, {seconds})\n"


def run_bounded(setup: str, work: str, cpu_seconds: float = 2.0, wall_limit: float = 120.0) -> str:
    """Run ``setup`` (imports, not bounded), then ``work`` within ``cpu_seconds`` of CPU; return its stdout.
    Raises AssertionError naming the bound when the work does not finish within it."""
    code = textwrap.dedent(setup) + _ARM.format(seconds=cpu_seconds) + textwrap.dedent(work)
    try:
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=wall_limit)
    except subprocess.TimeoutExpired:
        raise AssertionError(f"did not finish within {wall_limit} s of wall time") from None
    if done.returncode in (-signal.SIGPROF, 128 + signal.SIGPROF):
        raise AssertionError(f"did not finish within {cpu_seconds} s of CPU time")
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout
