"""The Docker image, really built (podman) and really run: CLI, entrypoint, and the daemon end to end.

The image is built from the repository's Dockerfile with the local Debian base standing in for
``python:3.11-slim``. Containers use the host network, so they reach the machine's PostgreSQL, the
fixture portal and the fake Bot API on 127.0.0.1 exactly as a deployment reaches the real ones, and
nothing leaves the machine. Every podman call has a timeout and every container is removed in a
``finally``; the daemon is stopped with SIGTERM and must exit 0 within 15 s.
"""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml

from tests.container import podman
from tests.container.conftest import TIMINGS
from tests.container.tcpproxy import TcpProxy

# Cold: base image (~70 s, plus installing podman on a fresh machine) and build (~50 s); warm: seconds.
# The bound covers the worst case of the subprocess timeouts in podman.py, so those fire first.
pytestmark = [pytest.mark.container, pytest.mark.timeout(2100)]

ROOT = podman.ROOT
VN = timezone(timedelta(hours=7))
BUNDLED_IDS = [p["id"] for p in yaml.safe_load((ROOT / "spiders/registry/seeds.yaml").read_text("utf-8"))["portals"]]
# Podman schedules the image's HEALTHCHECK with a systemd timer; there is no systemd here and podman
# complains on every run. One-shot containers don't need the check and switch it off; the daemon
# container keeps it and the test runs it by hand (`podman healthcheck run`).
ONE_SHOT = ["run", "--network=host", "--no-healthcheck"]


def run_once(image: str, *command: str, env: dict[str, str] | None = None, timeout: float = 120):
    """``podman run`` of one command to completion; returns (exit code, stdout + stderr)."""
    with podman.container_name("pw-once") as name:
        args = ONE_SHOT + ["--name", name]
        for key, value in (env or {}).items():
            args += ["-e", f"{key}={value}"]
        proc = podman.run(args + [image, *command], timeout=timeout, check=False)
        return proc.returncode, proc.stdout + proc.stderr


PACKAGES = ("crawler", "spiders", "storage", "monitor")


def source_files() -> list[str]:
    """Every file of the project's packages in the working tree (what the build context holds)."""
    return [
        str(path.relative_to(ROOT))
        for package in PACKAGES
        for path in (ROOT / package).rglob("*")
        # The same leftovers .dockerignore keeps out of the build context.
        if path.is_file()
        and not any(part == "__pycache__" or part.endswith(".egg-info") for part in path.parts)
        and path.suffix not in (".pyc", ".pyo")
        and not path.name.endswith("~")
        and path.name != ".DS_Store"
    ]


def head_revision() -> str:
    from storage.migrate import head_revision

    return head_revision()


# -- the image and its CLI ---------------------------------------------------------------------


def test_image_cli_runs_as_non_root_from_the_installed_package(image, container_database):
    code, out = run_once(image, "portalwatch", "--help")
    assert code == 0, out
    assert "usage: portalwatch" in out and "migrate" in out
    assert "database is up to date" not in out, "--help must not wait for a database"

    code, out = run_once(image, "id", "-u")
    assert (code, out.strip()) == (0, "10001"), out

    # The project comes from the virtualenv's site-packages (a `pip install .`), not a source tree,
    # and every file of the packages made it there: a data file added without a package-data entry
    # in pyproject.toml fails here rather than in production.
    code, out = run_once(
        image, "python", "-c",
        "import crawler, spiders, storage, monitor, os, sys; print(sys.prefix); "
        "print(*(m.__file__ for m in (crawler, spiders, storage, monitor))); "
        "print(sorted(os.listdir('/app')), os.path.exists('/src')); "
        "site = os.path.dirname(os.path.dirname(crawler.__file__)); "
        "print(*sorted(os.path.relpath(os.path.join(d, f), site) for p in PACKAGES "
        "for d, _, fs in os.walk(os.path.join(site, p)) for f in fs if not f.endswith('.pyc')))"
        .replace("PACKAGES", repr(PACKAGES)),
    )
    assert code == 0, out
    prefix, files, listing, installed = out.strip().splitlines()[-4:]
    assert prefix == "/opt/venv"
    assert all(f.startswith("/opt/venv/lib/python3.11/site-packages/") for f in files.split()), files
    assert listing == "['data', 'scrapy.cfg'] False", listing
    missing = sorted(set(source_files()) - set(installed.split()))
    assert not missing, f"not installed by `pip install .` (package-data in pyproject.toml?): {missing}"

    # Default settings: SQLite in the data volume, written by the non-root user; bundled registry.
    code, out = run_once(image, "portalwatch", "portals")
    assert code == 0, out
    assert "database is up to date" in out  # the entrypoint migrated first
    assert all(pid in out for pid in BUNDLED_IDS), out

    # PostgreSQL: the migrations in the image bring a new database to the head revision.
    env = {"PORTALWATCH_DATABASE_URL": container_database}
    code, out = run_once(image, "portalwatch", "migrate", env=env)
    assert code == 0 and "database is up to date" in out, out
    import psycopg

    with psycopg.connect(container_database, connect_timeout=10) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == head_revision()
    code, out = run_once(image, "portalwatch", "portals", env=env)
    assert code == 0 and all(pid in out for pid in BUNDLED_IDS), out

    # `scrapy list` works in the working directory, as in a checkout.
    code, out = run_once(image, "scrapy", "list")
    assert code == 0 and all(pid in out.split() for pid in BUNDLED_IDS), out


# -- the entrypoint ----------------------------------------------------------------------------


def test_entrypoint_retries_until_the_database_answers(image, container_database):
    """Connection refused (PostgreSQL still booting) is retried; the command runs once it answers."""
    from sqlalchemy.engine import make_url

    url = make_url(container_database)
    proxy = TcpProxy((url.host or "127.0.0.1", url.port or 5432))
    late_url = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    try:
        with podman.container_name("pw-entry") as name:
            podman.run(
                ["run", "-d", "--network=host", "--no-healthcheck", "--name", name,
                 "-e", f"PORTALWATCH_DATABASE_URL={late_url}",
                 "-e", "PORTALWATCH_MIGRATE_ATTEMPTS=60", "-e", "PORTALWATCH_MIGRATE_DELAY=0.5",
                 image, "portalwatch", "portals"],
                timeout=60,
            )
            deadline = time.monotonic() + 60
            while "migrate attempt 2/60 failed" not in podman.logs(name):
                assert time.monotonic() < deadline, f"no retries logged:\n{podman.logs(name)}"
                assert podman.state(name)[0], f"gave up early:\n{podman.logs(name)}"
                time.sleep(0.3)
            proxy.start()  # the database "comes up"
            code = podman.wait_exit(name, timeout=90)
            out = podman.logs(name)
    finally:
        proxy.close()
    assert code == 0, out
    failures = [line for line in out.splitlines() if line.startswith("entrypoint: migrate attempt")]
    assert len(failures) >= 2 and all("retrying in 0.5s" in line for line in failures), out
    # One line per failure, naming the error, then the command ran.
    assert any("refused" in line.lower() or "connect" in line.lower() for line in failures), out
    assert "database is up to date" in out and all(pid in out for pid in BUNDLED_IDS), out


def test_entrypoint_gives_up_and_never_runs_the_command(image):
    proxy = TcpProxy(("127.0.0.1", 9))  # bound, never listening: connection refused, every time
    try:
        code, out = run_once(
            image, "portalwatch", "portals",
            env={
                "PORTALWATCH_DATABASE_URL": f"postgresql://postgres@127.0.0.1:{proxy.port}/none",
                "PORTALWATCH_MIGRATE_ATTEMPTS": "3",
                "PORTALWATCH_MIGRATE_DELAY": "0.1",
            },
        )
    finally:
        proxy.close()
    assert code == 1, out
    assert len(re.findall(r"^entrypoint: migrate attempt \d/3 failed", out, re.M)) == 2, out
    assert "portalwatch migrate failed 3 times, giving up" in out, out
    assert not any(pid in out for pid in BUNDLED_IDS), "the command must not run without a schema"


def test_sigterm_during_the_retries_stops_the_container_at_once(image):
    """The entrypoint shell is PID 1, which ignores SIGTERM unless it traps it: `docker stop` must not
    have to wait for the grace period (or the 60 s of retries)."""
    proxy = TcpProxy(("127.0.0.1", 9))
    try:
        with podman.container_name("pw-term") as name:
            podman.run(
                ["run", "-d", "--network=host", "--no-healthcheck", "--name", name,
                 "-e", f"PORTALWATCH_DATABASE_URL=postgresql://postgres@127.0.0.1:{proxy.port}/none",
                 "-e", "PORTALWATCH_MIGRATE_DELAY=2", image],
                timeout=60,
            )
            deadline = time.monotonic() + 60
            while "migrate attempt 1/30 failed" not in podman.logs(name):
                assert time.monotonic() < deadline, f"no retry logged:\n{podman.logs(name)}"
                time.sleep(0.3)
            started = time.monotonic()
            podman.run(["kill", "--signal", "TERM", name], timeout=30)
            code = podman.wait_exit(name, timeout=10)
            seconds = time.monotonic() - started
    finally:
        proxy.close()
    assert code == 143
    assert seconds < 5, f"took {seconds:.1f} s"


# -- the daemon --------------------------------------------------------------------------------


def _get(port: int, path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as answer:
            return answer.status, answer.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


def test_daemon_in_container_crawls_alerts_reports_health_and_stops_on_sigterm(
    image, container_database, tmp_path: Path, unlimited_telegram
):
    from tests.support.daemon import free_port
    from tests.support.server import PortalServer
    from tests.support.sites import FAMILIES, FixtureArticle, FixturePortal, make_articles
    from tests.test_end_to_end import DIRECTIVE_TEXT

    tg = unlimited_telegram
    port = free_port()
    with PortalServer() as server, podman.container_name("pw-daemon") as name:
        site = FixturePortal(server, FAMILIES["front"])
        site.publish(make_articles(3))
        # The registry is mounted read-only, as an operator's own registry would be; the folder must be
        # readable by the image's non-root user (pytest's tmp folders are root-only).
        config = tmp_path / "config"
        config.mkdir(mode=0o755)
        config.chmod(0o755)
        (config / "portals.yaml").write_text(
            f'portals:\n  - id: mattran\n    name: Mặt trận Tổ quốc\n    start_urls: ["{site.listing_url}"]\n'
            "    interval_minutes: 1\n",
            encoding="utf-8",
        )
        (config / "portals.yaml").chmod(0o644)
        env = {
            "PORTALWATCH_DATABASE_URL": container_database,
            "PORTALWATCH_PORTALS": "/config/portals.yaml",
            "PORTALWATCH_HTTP_PORT": str(port),
            "PORTALWATCH_DOWNLOAD_DELAY": "0",
            "PORTALWATCH_AUTOTHROTTLE": "false",
            "PORTALWATCH_DOWNLOAD_TIMEOUT": "5",
            "PORTALWATCH_FIRST_CRAWL_WITHIN": "0.5",
            "PORTALWATCH_INTERVAL_SCALE": "0.1",  # 1-minute interval: a cycle every 6 s
            "PORTALWATCH_LOG_FORMAT": "json",
            "TELEGRAM_BOT_TOKEN": tg.token,
            "TELEGRAM_API_URL": tg.url,
        }
        tg.push_message(111, "/start")
        args = ["run", "-d", "--network=host", "--health-interval=disable", "--name", name, "-v", f"{config}:/config:ro"]
        for key, value in env.items():
            args += ["-e", f"{key}={value}"]
        # The image's default command: the entrypoint migrates, then execs `portalwatch run`.
        podman.run(args + [image], timeout=60)

        def wait_for(predicate, timeout: float, what: str):
            deadline = time.monotonic() + timeout
            last = None
            while time.monotonic() < deadline:
                running, code = podman.state(name)
                if not running:
                    pytest.fail(f"container exited with {code} while waiting for {what}:\n{podman.logs(name)[-6000:]}")
                try:
                    last = predicate()
                except (OSError, ValueError):
                    last = None
                if last:
                    return last
                time.sleep(0.5)
            pytest.fail(f"timed out waiting for {what} (last: {last!r}):\n{podman.logs(name)[-6000:]}")

        def healthy():
            status, body = _get(port, "/healthz")
            data = json.loads(body)
            return status == 200 and data.get("last_cycle_at") and data

        health = wait_for(healthy, 120, "/healthz 200 after a first cycle")
        assert health["scheduler_running"] is True
        assert health["portals"]["mattran"]["last_success_at"], health

        # The bot polls the (fake) Bot API from inside the container and answers.
        welcome = wait_for(lambda: tg.sent_to(111), 60, "the bot's welcome")
        assert "Chào mừng" in welcome[0].text

        # A new directive on the portal becomes an alert: crawl, extraction, the monitor's bundled
        # data (detectors, rules) and the sender all work from the installed package.
        now = datetime.now(VN).replace(second=0, microsecond=0)
        site.publish([FixtureArticle(3001, "Quán triệt Chỉ thị mới của Ban Bí thư về đối ngoại", now, DIRECTIVE_TEXT)])
        alert = wait_for(lambda: [m for m in tg.sent_to(111) if "Chỉ thị mới" in m.text], 90, "the alert")
        assert "45-CT/TW" in alert[0].text

        import psycopg

        with psycopg.connect(container_database, connect_timeout=10) as conn:
            assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 4

        status, metrics = _get(port, "/metrics")
        assert status == 200 and "portalwatch_new_articles_total" in metrics, metrics[:500]

        # The image's own HEALTHCHECK command, run by podman as a Docker engine would.
        check = podman.run(["healthcheck", "run", name], timeout=60, check=False)
        assert check.returncode == 0, (check.stdout, check.stderr)
        inspect = podman.run(["inspect", "--format", "{{json .State.Health}}", name], timeout=30)
        last_check = json.loads(inspect.stdout)["Log"][-1]
        assert last_check["ExitCode"] == 0 and last_check["Output"].startswith("200 "), last_check

        # exec worked: the daemon is PID 1 (it gets SIGTERM directly), running as the non-root user.
        proc = podman.run(["exec", name, "sh", "-c", "tr '\\0' ' ' </proc/1/cmdline; echo; id -u"], timeout=30)
        cmdline, uid = proc.stdout.strip().splitlines()
        assert "portalwatch run" in cmdline and uid == "10001", proc.stdout

        logs = podman.logs(name)
        assert "database is up to date" in logs and "entrypoint: migrate attempt" not in logs, logs[-3000:]

        started = time.monotonic()
        podman.run(["kill", "--signal", "TERM", name], timeout=30)
        code = podman.wait_exit(name, timeout=15)
        seconds = time.monotonic() - started
        TIMINGS["daemon stop after SIGTERM"] = f"{seconds:.1f} s (exit {code})"
        assert code == 0, podman.logs(name)[-6000:]
        assert seconds < 15
