"""Run a converter (pdftotext, pdftoppm, tesseract, antiword, catdoc) with a hard time limit.

Each tool runs under coreutils ``timeout -s KILL``, which enforces the limit by itself: even when the
crawl child that started it is killed (the batch runner's hard timeout), the converter dies on time.
It also runs in its own process group, killed as a whole when our own wait gives up.
"""

from __future__ import annotations

import os
import signal
import subprocess


# timeout(1) exits 128 + 9 when it had to SIGKILL the command, or dies of the same SIGKILL it sends its group.
_KILLED_BY_TIMEOUT = (137, -9)
_GRACE = 2.0


class ToolTimeout(Exception):
    pass


class ToolFailed(Exception):
    def __init__(self, tool: str, returncode: int, stderr: str):
        self.tool, self.returncode, self.stderr = tool, returncode, stderr
        first = next((line.strip() for line in stderr.splitlines() if line.strip()), f"exit status {returncode}")
        super().__init__(f"{tool}: {first}")


def run_tool(args: list[str], *, timeout: float, stdin: bytes | None = None, env: dict | None = None) -> bytes:
    """stdout of ``args``; ToolTimeout after ``timeout`` seconds (the process group killed), ToolFailed on a non-zero exit."""
    if timeout <= 0:
        raise ToolTimeout(f"{args[0]}: no time left")
    full_env = {**os.environ, "LC_ALL": "C.UTF-8", **(env or {})}
    process = subprocess.Popen(
        ["timeout", "-s", "KILL", f"{timeout:.2f}", *args],
        stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=full_env,
        start_new_session=True,
    )
    try:
        out, err = process.communicate(stdin, timeout=timeout + _GRACE)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        process.communicate()
        raise ToolTimeout(f"{args[0]}: timed out after {timeout:.0f} s") from None
    except BaseException:
        _kill_group(process)
        process.communicate()
        raise
    if process.returncode in _KILLED_BY_TIMEOUT:
        raise ToolTimeout(f"{args[0]}: timed out after {timeout:.0f} s")
    if process.returncode != 0:
        raise ToolFailed(os.path.basename(args[0]), process.returncode, err.decode("utf-8", "replace"))
    return out


def _kill_group(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
