"""The crawl child never outlives its parent, and its fatal error reaches the run record."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select

from crawler.batch_child import pid_namespace, start_time
from crawler.cycle import crawl, prepare
from crawler.store import open_store
from storage import repositories as repo
from storage.db import transaction
from storage.models import CrawlRun
from tests.support.daemon import _children, running_daemon
from tests.support.server import PortalServer, loopback
from tests.test_daemon import daemon_env, registry_file

BOUND = 15.0  # seconds: far below the hang (60 s) and the batch limit (120 s)


def wait_gone(pid: int, bound: float) -> bool:
    deadline = time.monotonic() + bound
    while time.monotonic() < deadline:
        if start_time(pid) is None:
            return True
        time.sleep(0.1)
    return False


def batch_children(pid: int) -> list[int]:
    found = []
    for child in _children(pid):
        with contextlib.suppress(OSError):
            if b"crawler.batch" in Path(f"/proc/{child}/cmdline").read_bytes():
                found.append(child)
    return found


def test_kill_9_of_the_daemon_alone_takes_its_crawl_child_with_it(tmp_path, sqlite_url):
    with PortalServer(loopback(1)) as server:
        server.fault("/tin-tuc", "hang")
        registry = registry_file(tmp_path / "p.yaml", {"hung": server.url("/tin-tuc")})
        env = daemon_env(sqlite_url, registry, PORTALWATCH_DOWNLOAD_TIMEOUT=60, PORTALWATCH_CRAWL_TIMEOUT=120)
        with running_daemon(env, tmp_path / "daemon.log") as daemon:
            daemon.wait_for(lambda: any(code == 0 for _, _, code in server.requests), 60, "the hanging download")
            children = batch_children(daemon.proc.pid)
            assert children, "no crawl child"
            os.kill(daemon.proc.pid, signal.SIGKILL)  # the daemon alone: its child is orphaned
            daemon.proc.wait(10)
            gone = all(wait_gone(pid, BOUND) for pid in children)
            for pid in children:  # whatever happened, leave nothing running
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            assert gone, "the crawl child outlived its daemon"


def test_a_restarted_daemon_ends_a_stale_crawl_child_and_closes_its_runs(tmp_path, sqlite_url):
    with PortalServer(loopback(1)) as server:
        server.fault("/tin-tuc", "hang")
        registry = registry_file(tmp_path / "p.yaml", {"hung": server.url("/tin-tuc")})
        env = daemon_env(sqlite_url, registry, PORTALWATCH_DOWNLOAD_TIMEOUT=60, PORTALWATCH_CRAWL_TIMEOUT=120,
                         PORTALWATCH_FIRST_CRAWL_WITHIN=3600)
        factory = open_store(sqlite_url)
        with transaction(factory) as session:
            repo.sync_portal(session, repo.PortalFields("hung", "Cổng hung"))
        # A daemon that died (its pid is gone) left a batch child behind, still waiting for work.
        dead = subprocess.Popen([sys.executable, "-c", "pass"])
        dead.wait()
        batch_id = uuid.uuid4().hex[:16]
        stale = subprocess.Popen([sys.executable, "-m", "crawler.batch", "--batch", batch_id], stdin=subprocess.PIPE)
        # A pid file that names a process that is no crawl child: left alone.
        bystander = subprocess.Popen(["sleep", "60"])
        other_id = uuid.uuid4().hex[:16]
        # A pid file from another container on the same data volume: its pids are not ours to judge.
        foreign_id = uuid.uuid4().hex[:16]
        foreign = subprocess.Popen([sys.executable, "-m", "crawler.batch", "--batch", foreign_id], stdin=subprocess.PIPE)
        run_dir = Path(sqlite_url.removeprefix("sqlite:///")).parent
        for pid, bid, namespace in ((stale.pid, batch_id, pid_namespace()), (bystander.pid, other_id, pid_namespace()),
                                    (foreign.pid, foreign_id, "another-boot/pid:[1]")):
            record = {"pid": pid, "batch_id": bid, "parent": dead.pid, "parent_start": 1, "namespace": namespace}
            (run_dir / f"batch-{bid}.pid").write_text(json.dumps(record))
        with transaction(factory) as session:
            run_id = repo.start_run(session, "hung", batch_id).id
        try:
            with running_daemon(env, tmp_path / "daemon.log") as daemon:
                daemon.wait_for(lambda: stale.poll() is not None, BOUND, "the stale child to be ended")
                daemon.wait_for(lambda: not (run_dir / f"batch-{batch_id}.pid").exists(), BOUND, "its pid file removed")
                assert bystander.poll() is None and foreign.poll() is None
                assert (run_dir / f"batch-{foreign_id}.pid").exists()
                # The daemon removes the pid file, then closes the batch's runs in its own transaction.
                def run_closed():
                    with transaction(factory) as session:
                        return session.get(CrawlRun, run_id).status != "running"
                daemon.wait_for(run_closed, BOUND, "the orphaned run to be closed")
                with transaction(factory) as session:
                    run = session.get(CrawlRun, run_id)
                    assert run.status == "interrupted" and "orphaned" in run.reason
        finally:
            for proc in (stale, bystander, foreign):
                proc.kill()
                proc.wait()


def make_read_only(path: Path) -> bool:
    if os.geteuid() == 0:  # root ignores file modes: the immutable flag binds root too
        return shutil.which("chattr") is not None and subprocess.run(["chattr", "+i", str(path)]).returncode == 0
    path.chmod(0o444)
    return True


def make_writable(path: Path) -> None:
    if os.geteuid() == 0:
        subprocess.run(["chattr", "-i", str(path)])
    else:
        path.chmod(0o644)


def test_a_database_turned_read_only_mid_run_is_the_recorded_reason(tmp_path, sqlite_url, make_settings):
    with PortalServer(loopback(1)) as server:
        server.add("/tin-tuc", "<html><body><a href='/a'>x</a></body></html>")
        registry = registry_file(tmp_path / "p.yaml", {"ro": server.url("/tin-tuc")})
        prepared = prepare(make_settings(sqlite_url, registry))  # the parent's connection is open before
        db = Path(sqlite_url.removeprefix("sqlite:///"))
        if not make_read_only(db):
            pytest.skip("cannot make the database read-only here")
        try:
            result = crawl(prepared)
        finally:
            make_writable(db)
    run = result.runs[0]
    assert run.status == "failed"
    assert "attempt to write a readonly database" in run.reason, run.reason
    assert "exit code" not in run.reason
    with transaction(open_store(sqlite_url)) as session:
        assert session.scalars(select(CrawlRun.reason)).all() == [run.reason]
