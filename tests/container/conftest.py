"""Fixtures for the container tests: the built image, a throw-away PostgreSQL database, timings.

The image is built once per session from the repository's own Dockerfile. Timings (build, stop)
are printed in the terminal summary (tests/conftest.py) so CI logs show what the container tests cost.
"""

from __future__ import annotations

import os
import time
import uuid

import pytest

from tests.container import podman
from tests.support.host import installs

# The machine's PostgreSQL (trust auth); .ci/run exports the same URL.
DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
TIMINGS: dict[str, str] = {}


def pytest_configure(config):
    # Registered here so the marker works without touching pyproject.toml; `-m "not container"`
    # leaves the image build out of a quick local run.
    config.addinivalue_line(
        "markers", "container: builds the Docker image with podman and runs it (needs root; minutes when cold)"
    )


@pytest.fixture(scope="session")
@installs("podman", "runc", "debootstrap", "a Debian base image", "the portalwatch image")
def image(tmp_path_factory):
    """The image id of a fresh build of the working tree (layers cached by podman between runs)."""
    started = time.monotonic()
    with podman.build_lock(podman.BASE_TIMEOUT):  # two sessions must not run apt-get at once
        base = podman.ensure_base_image()
    TIMINGS["podman + base image"] = f"{time.monotonic() - started:.1f} s (container-base.sh; ~1 s once built)"
    iidfile = tmp_path_factory.mktemp("image") / "iid"
    session_tag = f"localhost/portalwatch:session-{uuid.uuid4().hex[:10]}"
    result = podman.build(base, session_tag, iidfile)
    kind = "warm" if result.cached_steps >= result.steps else ("partly cached" if result.cached_steps else "cold")
    TIMINGS["image build"] = f"{result.seconds:.1f} s ({kind}: {result.cached_steps}/{result.steps} steps cached)"
    yield result.image_id
    podman.release(session_tag)


@pytest.fixture(scope="session")
def postgres_admin_url() -> str:
    return os.environ.get("PORTALWATCH_TEST_POSTGRES_URL") or DEFAULT_POSTGRES_URL


@pytest.fixture
def container_database(postgres_admin_url):
    """A database of its own on the machine's PostgreSQL (``pw_container_<random>``), dropped afterwards.

    A whole database rather than a schema: the container connects with a plain URL, as compose does,
    so the schema search_path trick of the other PostgreSQL tests is not needed.
    """
    import psycopg
    from sqlalchemy.engine import make_url

    name = f"pw_container_{uuid.uuid4().hex[:10]}"
    admin = make_url(postgres_admin_url)
    conninfo = admin.set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        with psycopg.connect(conninfo, autocommit=True, connect_timeout=10) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        pytest.fail(f"the container tests need PostgreSQL at {postgres_admin_url}: {exc}")
    url = admin.set(drivername="postgresql", database=name).render_as_string(hide_password=False)
    yield url
    with psycopg.connect(conninfo, autocommit=True, connect_timeout=10) as conn:
        # FORCE: a container killed mid-test may leave a connection behind.
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
