"""Run a converter (pdftotext, pdftoppm, tesseract, antiword, catdoc) with a hard time limit.

Each tool runs in its own process group and the whole group is killed when its time is up, so no
converter outlives its limit (Tesseract and pdftoppm may start helpers; a plain ``kill`` of the parent
would leave them running).
"""

from __future__ import annotations

import os
import signal
import subprocess


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
        args,
        stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=full_env,
        start_new_session=True,
    )
    try:
        out, err = process.communicate(stdin, timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        process.communicate()
        raise ToolTimeout(f"{args[0]}: timed out after {timeout:.0f} s") from None
    except BaseException:
        _kill_group(process)
        process.communicate()
        raise
    if process.returncode != 0:
        raise ToolFailed(os.path.basename(args[0]), process.returncode, err.decode("utf-8", "replace"))
    return out


def _kill_group(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
