"""A `-m "not container"` run installs nothing: package managers, podman and container-base.sh are
for tests marked ``container`` only (guards in tests/support/host.py)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.support.host import HostChangeRefused

PROJECT = Path(__file__).resolve().parents[1]
FAKES = ("apt-get", "apt", "dpkg", "debootstrap", "podman")


def fake_package_managers(bin_dir: Path, log: Path) -> Path:
    """Stand-ins that only write down that they were called (and fail, as an unreachable mirror would)."""
    bin_dir.mkdir()
    for name in FAKES:
        script = bin_dir / name
        script.write_text(f'#!/bin/sh\necho "{name} $*" >> "{log}"\nexit 1\n')
        script.chmod(0o755)
    return bin_dir


def test_package_managers_are_refused_outside_container_tests(tmp_path):
    log = tmp_path / "calls.log"
    bin_dir = fake_package_managers(tmp_path / "bin", log)
    for command, shell in (([str(bin_dir / "apt-get"), "update"], False), ("apt-get install -y podman", True),
                           ([str(bin_dir / "podman"), "build", "."], False), (["bash", "tests/container/container-base.sh"], False)):
        with pytest.raises(HostChangeRefused, match="only tests marked `container`"):
            subprocess.run(command, shell=shell, env={"PATH": str(bin_dir)}, cwd=PROJECT, capture_output=True)
    with pytest.raises(HostChangeRefused):
        os.system(f"PATH={bin_dir} apt-get update")
    assert not log.exists()
    # Everything else still runs.
    assert subprocess.run(["true"]).returncode == 0


def test_a_not_container_run_of_the_container_folder_installs_nothing(tmp_path):
    """On a machine without docker-compose (here: a PATH with only fake package managers), as root."""
    log = tmp_path / "calls.log"
    bin_dir = fake_package_managers(tmp_path / "bin", log)
    env = {**os.environ, "PATH": str(bin_dir)}
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "not container", "tests/container"],
        cwd=PROJECT, env=env, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert not log.exists(), log.read_text()
    assert " passed" in proc.stdout and "deselected" in proc.stdout


def test_a_fixture_that_installs_is_refused_to_a_test_without_the_marker(tmp_path):
    log = tmp_path / "calls.log"
    podman = fake_package_managers(tmp_path / "bin", log) / "podman"
    (tmp_path / "pytest.ini").write_text("[pytest]\nmarkers =\n    container: installs\n")
    (tmp_path / "conftest.py").write_text(textwrap.dedent(f"""
        import subprocess
        import pytest
        from tests.support.host import installs

        pytest_plugins = ["tests.support.host"]

        @pytest.fixture(scope="session")
        @installs("podman")
        def engine():
            subprocess.run(["{podman}", "build"])
            yield "podman"
            subprocess.run(["{podman}", "untag"])  # after the session's last test, whichever it is

        @pytest.fixture
        def image(engine):
            return engine + " image"
    """))
    (tmp_path / "test_uses.py").write_text(textwrap.dedent(f"""
        import subprocess
        import pytest
        from tests.support.host import HostChangeRefused

        @pytest.mark.container
        def test_marked(image):
            subprocess.run(["{podman}", "run", image])

        def test_unmarked(image):
            assert image

        def test_plain_last():
            with pytest.raises(HostChangeRefused):
                subprocess.run(["{podman}", "rmi"])
    """))
    env = {**os.environ, "PYTHONPATH": str(PROJECT)}

    def run(*args):
        return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
                              cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)

    refused = run()
    assert refused.returncode == pytest.ExitCode.USAGE_ERROR, refused.stdout + refused.stderr
    assert "test_uses.py::test_unmarked: fixture 'engine' installs podman" in refused.stderr
    assert "test_marked" not in refused.stderr
    assert not log.exists()
    allowed = run("-k", "not unmarked")
    assert allowed.returncode == 0 and "2 passed" in allowed.stdout, allowed.stdout + allowed.stderr
    assert log.read_text().split("\n") == ["podman build", "podman run podman image", "podman untag", ""]
