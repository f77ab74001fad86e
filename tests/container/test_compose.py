"""docker-compose.yml validated by docker-compose itself (``config``), with .env.example as the .env.

Fast (no podman, no engine: ``config`` only parses, interpolates and validates). docker-compose is
installed from Debian when missing and we are root with apt (without its recommended docker.io:
``config`` needs no engine), so these tests carry the ``container`` marker; on a machine where it
cannot be installed they are skipped with the reason.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.container.podman import build_lock
from tests.support.host import installs

# Installs docker-compose when missing: not part of a `-m "not container"` run.
pytestmark = pytest.mark.container
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
@installs("docker-compose")
def docker_compose() -> str:
    found = shutil.which("docker-compose")
    if found:
        return found
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        pytest.skip("docker-compose is not installed and cannot be (needs root and apt-get)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    # The container tests' lock: their container-base.sh may be running apt-get in another session.
    with build_lock(900):
        for cmd in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "docker-compose"]):
            try:
                proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600, env=env, stdin=subprocess.DEVNULL)
            except subprocess.TimeoutExpired:
                pytest.skip(f"`{' '.join(cmd)}` timed out: docker-compose not installable here")
            if proc.returncode != 0:
                pytest.skip(f"`{' '.join(cmd)}` failed, docker-compose not installable here: {proc.stderr[-500:]}")
    return shutil.which("docker-compose") or pytest.skip("docker-compose still not on PATH after apt-get install")


# Characters that break a password typed inside a URL; compose hands it over on its own instead.
PASSWORD = "p@ss:w/rd%#?"


@pytest.fixture
def project(tmp_path, docker_compose) -> Path:
    """The compose file next to .env.example copied as .env, as the README's setup does."""
    shutil.copy(ROOT / "docker-compose.yml", tmp_path / "docker-compose.yml")
    shutil.copy(ROOT / ".env.example", tmp_path / ".env")
    return tmp_path


def set_password(project: Path, password: str = PASSWORD) -> None:
    env_file = project / ".env"
    env_file.write_text(env_file.read_text().replace("\nPOSTGRES_PASSWORD=\n", f"\nPOSTGRES_PASSWORD={password}\n", 1))


def compose_config(project: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    # Only PATH/HOME from our environment: a stray POSTGRES_PASSWORD would hide a missing one.
    base = {k: os.environ[k] for k in ("PATH", "HOME") if k in os.environ}
    return subprocess.run(
        [shutil.which("docker-compose"), "--project-directory", str(project), "-f", str(project / "docker-compose.yml"), "config"],
        capture_output=True, text=True, timeout=120, cwd=project, env={**base, **(env or {})}, stdin=subprocess.DEVNULL,
    )


def test_compose_file_is_valid_and_wires_app_to_healthy_db(project):
    set_password(project)
    proc = compose_config(project)
    assert proc.returncode == 0, proc.stderr
    config = yaml.safe_load(proc.stdout)
    db, app = config["services"]["db"], config["services"]["app"]

    assert db["image"].startswith("postgres") and db["healthcheck"]["test"]
    assert any(str(v).startswith("pgdata:") or (isinstance(v, dict) and v.get("source") == "pgdata") for v in db["volumes"])
    assert db["environment"]["POSTGRES_PASSWORD"] == PASSWORD  # interpolated from .env

    assert app["build"]["context"] == str(project)
    assert app["depends_on"]["db"]["condition"] == "service_healthy"
    assert app["restart"] == "unless-stopped"
    assert app["command"] == ["portalwatch", "run"]
    # env_file was read: the app gets its settings from .env.
    assert app["environment"]["PORTALWATCH_DATABASE_URL"] == "postgresql://portalwatch@db:5432/portalwatch"
    assert app["environment"]["PORTALWATCH_DATABASE_PASSWORD"] == PASSWORD  # typed once, no URL-encoding
    assert any(str(v).startswith("appdata:") or (isinstance(v, dict) and v.get("source") == "appdata") for v in app["volumes"])
    assert {"pgdata", "appdata"} <= set(config["volumes"])


def test_compose_refuses_to_start_without_a_database_password(project):
    proc = compose_config(project)  # .env.example as shipped: the password is left empty
    assert proc.returncode != 0
    assert "POSTGRES_PASSWORD" in proc.stderr
    env_file = project / ".env"
    env_file.write_text(
        "".join(line for line in env_file.read_text().splitlines(keepends=True) if not line.startswith("POSTGRES_PASSWORD="))
    )
    proc = compose_config(project)
    assert proc.returncode != 0
    assert "POSTGRES_PASSWORD" in proc.stderr
