"""The crawl child's ties to its parent: it dies with it, it reports why it failed, and it leaves a
pid file a restarted daemon uses to end it if it outlived its parent anyway.

A daemon killed with -9 cannot stop its child, and an orphaned child has no timeout left: on Linux
the child asks the kernel for SIGKILL when its parent dies (``PR_SET_PDEATHSIG``), so a child hung in
C code that ignores SIGTERM still goes. Where that is not available (or raced), the pid file lets the
next daemon find the orphan; it is killed only if ``/proc/<pid>/cmdline`` shows our batch module and
that batch's id, so a recycled pid is never touched.

A child that cannot write to the database cannot record its runs either: it writes its fatal error
to a status file the parent reads, so the run says "attempt to write a readonly database" rather
than "ended abnormally (exit code 0)".
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import json
import logging
import os
import signal
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy.engine import make_url

log = logging.getLogger("portalwatch.runner")
BATCH_MODULE = "crawler.batch"
_PR_SET_PDEATHSIG = 1


def run_dir(settings) -> Path:
    """Where pid and status files live: the setting, else beside the SQLite file, else a temp folder per database."""
    if settings.run_dir is not None:
        return Path(settings.run_dir)
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return Path(url.database).expanduser().resolve().parent
    digest = hashlib.sha256(settings.database_url.encode("utf-8")).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"portalwatch-{digest}"


def child_command(batch_id: str) -> list[str]:
    # The batch id in argv is how a later daemon recognises this child in /proc (it is not a secret).
    return [sys.executable, "-m", BATCH_MODULE, "--batch", batch_id]


# -- parent side -----------------------------------------------------------------------------------


class BatchFiles:
    """The pid file and status file of one batch."""

    def __init__(self, folder: Path, batch_id: str):
        self.batch_id = batch_id
        self.pid = folder / f"batch-{batch_id}.pid"
        self.status = folder / f"batch-{batch_id}.status"
        self.usable = False

    def prepare(self) -> None:
        """A run folder that cannot be written costs these safeguards, never the crawl itself."""
        try:
            self.pid.parent.mkdir(parents=True, exist_ok=True)
            self.status.write_bytes(b"")
            self.usable = True
        except OSError as exc:
            log.warning("no pid or status file for crawl batch %s: %s", self.batch_id, exc)

    @property
    def status_path(self) -> str | None:
        return str(self.status) if self.usable else None

    def started(self, child_pid: int) -> None:
        if not self.usable:
            return
        record = {"pid": child_pid, "batch_id": self.batch_id, "parent": os.getpid(), "parent_start": start_time(os.getpid()),
                  "namespace": pid_namespace()}
        with contextlib.suppress(OSError):
            _write_atomically(self.pid, json.dumps(record))

    def fatal_errors(self) -> dict[str | None, str]:
        """What the child reported: portal id (None for the whole batch) -> error."""
        found: dict[str | None, str] = {}
        with contextlib.suppress(OSError):
            for line in self.status.read_text(encoding="utf-8", errors="replace").splitlines():
                with contextlib.suppress(ValueError, KeyError, TypeError):
                    record = json.loads(line)
                    found.setdefault(record.get("portal"), str(record["error"]))
        return found

    def remove(self) -> None:
        for path in (self.pid, self.status):
            with contextlib.suppress(OSError):
                path.unlink()


def _write_atomically(path: Path, text: str) -> None:
    partial = path.with_suffix(".part")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)


def start_time(pid: int) -> int | None:
    """The process's start time in clock ticks since boot (field 22 of /proc/<pid>/stat), or None if gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    if fields[0] == "Z":
        return None
    return int(fields[19])


def pid_namespace() -> str | None:
    """Which pids a pid file's numbers mean: another container sharing the data volume has its own."""
    with contextlib.suppress(OSError):
        return f"{Path('/proc/sys/kernel/random/boot_id').read_text().strip()}/{os.readlink('/proc/self/ns/pid')}"
    return None


def is_batch_child(pid: int, batch_id: str) -> bool:
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return BATCH_MODULE.encode() in argv and batch_id.encode() in argv


def end_stale_children(folder: Path, forget_after: float = 24 * 3600) -> list[str]:
    """Kill batch children whose parent is gone; the ids of the batches they ran (their runs are to be closed).

    A pid file written in another pid namespace (another container on the same data volume) cannot
    be judged from here: it is left alone, and only forgotten once far older than any batch."""
    ended = []
    for path in sorted(folder.glob("batch-*.pid")) if folder.is_dir() else []:
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
            pid, batch_id, parent = int(record["pid"]), str(record["batch_id"]), int(record["parent"])
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if record.get("namespace") not in (None, pid_namespace()):
            with contextlib.suppress(OSError):
                if time.time() - path.stat().st_mtime > forget_after:
                    BatchFiles(folder, batch_id).remove()
            continue
        parent_start = record.get("parent_start")
        parent_alive = start_time(parent) is not None and (parent_start is None or start_time(parent) == parent_start)
        if parent_alive and parent != os.getpid():
            continue  # a live daemon or CLI run owns this batch
        if is_batch_child(pid, batch_id):
            log.warning("ending crawl child %d of batch %s: its parent %d is gone", pid, batch_id, parent)
            _kill(pid)
        BatchFiles(folder, batch_id).remove()
        ended.append(batch_id)
    return ended


def _kill(pid: int, wait: float = 10.0) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + wait
    while start_time(pid) is not None and time.monotonic() < deadline:
        with contextlib.suppress(ChildProcessError, OSError):
            os.waitpid(pid, os.WNOHANG)  # reaps it when we are its reaper (pid 1 in a container)
        time.sleep(0.05)


# -- child side ------------------------------------------------------------------------------------


def die_with_parent() -> None:
    """Ask Linux for SIGKILL when the parent dies; elsewhere a no-op (the pid file is the fallback)."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def parent_gone(expected_parent: int | None) -> bool:
    """True when the parent died before ``die_with_parent`` took effect (we were re-parented already)."""
    return expected_parent is not None and os.getppid() != expected_parent


def report_fatal(status_file: str | None, portal_id: str | None, error: BaseException | str) -> None:
    """One line for the parent: which portal (None: the whole batch) and the error, in a maintainer's words."""
    if not status_file:
        return
    line = json.dumps({"portal": portal_id, "error": describe_error(error)}, ensure_ascii=False) + "\n"
    with contextlib.suppress(OSError), open(status_file, "a", encoding="utf-8") as out:
        out.write(line)


def describe_error(error: BaseException | str) -> str:
    if isinstance(error, str):
        return error[:300]
    detail = getattr(error, "orig", None) or error  # SQLAlchemy wraps the driver's error, SQL and all
    text = (str(detail).strip().splitlines() or [""])[0]
    return f"{type(detail).__name__}: {text}"[:300] if text else type(detail).__name__
