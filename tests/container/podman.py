"""Podman for the container tests: every call has a timeout, every container a name to remove.

No Docker engine runs on the test machines, podman does (rootful, runc: crun cannot set cgroups
there). ``container-base.sh`` beside this file (a copy of the shared folder's ``tools/container-base.sh``) installs podman when it is missing and builds the local
Debian base image that stands in for ``python:3.11-slim`` (no image registry is reachable).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shutil
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONTAINER_BASE = Path(__file__).resolve().parent / "container-base.sh"
# Installing podman (apt) and bootstrapping Debian take about a minute each; allow for a slow mirror.
BASE_TIMEOUT = 900
# A cold build downloads the dependencies from PyPI (about 50 s here); a warm one reuses every layer.
BUILD_TIMEOUT = 900
PODMAN = ["podman", "--runtime", "runc"]
# Set by the Dockerfile on every layer it builds.
IMAGE_LABEL = "org.opencontainers.image.title=portalwatch"


class PodmanError(AssertionError):
    """A podman call failed or timed out; the message carries the command and its output."""


def _tail(text: str | bytes | None, limit: int = 4000) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return (text or "")[-limit:]


def run(args: list[str], timeout: float, check: bool = True) -> subprocess.CompletedProcess:
    """One podman command; a timeout or (with ``check``) a non-zero exit fails with the output."""
    cmd = PODMAN + args
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as exc:
        raise PodmanError(
            f"`{' '.join(cmd)}` did not finish within {timeout} s\n"
            f"stdout: {_tail(exc.stdout)}\nstderr: {_tail(exc.stderr)}"
        ) from None
    if check and proc.returncode != 0:
        raise PodmanError(
            f"`{' '.join(cmd)}` exited {proc.returncode}\nstdout: {_tail(proc.stdout)}\nstderr: {_tail(proc.stderr)}"
        )
    return proc


def ensure_base_image() -> str:
    """Podman and the local base image, installed/built by the shared script when missing.

    Never skips: on a machine where this cannot work the test fails and says why.
    """
    if not CONTAINER_BASE.is_file():
        raise PodmanError(f"{CONTAINER_BASE} not found (a copy of the shared folder's tools/container-base.sh)")
    if os.geteuid() != 0:
        raise PodmanError("container tests need root (rootful podman, apt-get install of podman/runc)")
    try:
        proc = subprocess.run(
            ["bash", str(CONTAINER_BASE)], capture_output=True, text=True, timeout=BASE_TIMEOUT, stdin=subprocess.DEVNULL
        )
    except subprocess.TimeoutExpired as exc:
        raise PodmanError(f"{CONTAINER_BASE} did not finish within {BASE_TIMEOUT} s: {_tail(exc.stderr)}") from None
    if proc.returncode != 0 or not shutil.which("podman"):
        raise PodmanError(
            f"{CONTAINER_BASE} failed ({proc.returncode}); podman and the base image are needed\n"
            f"stdout: {_tail(proc.stdout)}\nstderr: {_tail(proc.stderr)}"
        )
    return proc.stdout.strip().splitlines()[-1]


@dataclass
class Build:
    image_id: str
    seconds: float
    cached_steps: int
    steps: int


STABLE_TAG = "localhost/portalwatch:test"
# Serialises build + prune between test sessions on one machine (a developer's run and CI, say):
# a prune must never delete the intermediate layers of a build still in progress.
BUILD_LOCK = Path("/tmp/portalwatch-container-build.lock")


@contextlib.contextmanager
def build_lock(timeout: float):
    with open(BUILD_LOCK, "a") as handle:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise PodmanError(f"another session held {BUILD_LOCK} for more than {timeout} s") from None
                time.sleep(1)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def prune() -> None:
    """Removes this Dockerfile's images (its label) that no tag and no container holds any more.

    Each code change leaves the previous build's layers behind (hundreds of MB over many CI runs).
    The dependency layer is a parent of the tagged image and stays, so the next build is still warm.
    """
    run(["image", "prune", "--force", "--filter", f"label={IMAGE_LABEL}"], timeout=300, check=False)


def build(base_image: str, session_tag: str, iidfile: Path) -> Build:
    """Builds the repository's Dockerfile exactly as a user would, with the local base swapped in.

    ``--format docker`` keeps the HEALTHCHECK (the OCI format has none); ``--network=host`` lets pip
    reach the package index; ``--pull=never`` because no registry is reachable (fail, don't hang).
    Two tags: the stable one keeps the newest build's layers cached for the next run; the session's
    own keeps this image alive (and used by id) while a concurrent session builds and prunes.
    """
    with build_lock(BUILD_TIMEOUT):
        started = time.monotonic()
        proc = run(
            [
                "build", "--network=host", "--pull=never", "--format", "docker", "--layers",
                "--build-arg", f"BASE_IMAGE={base_image}", "--iidfile", str(iidfile),
                "-t", STABLE_TAG, "-t", session_tag, str(ROOT),
            ],
            timeout=BUILD_TIMEOUT,
        )
        seconds = time.monotonic() - started
        prune()
    output = proc.stdout + proc.stderr
    # FROM steps never say "Using cache"; every other step does when its layer is reused.
    steps = len(re.findall(r" STEP \d+/\d+: (?!FROM )", output))
    cached = output.count("Using cache")
    return Build(iidfile.read_text().strip(), seconds, cached, steps)


def release(session_tag: str) -> None:
    """Drops the session's tag at the end; its image goes with the next prune unless still newest."""
    with build_lock(BUILD_TIMEOUT):
        run(["untag", session_tag, session_tag], timeout=60, check=False)
        prune()


@contextlib.contextmanager
def container_name(prefix: str = "pw-test"):
    """A unique container name, force-removed afterwards whatever happened (even on timeout)."""
    name = f"{prefix}-{uuid.uuid4().hex[:10]}"
    try:
        yield name
    finally:
        run(["rm", "--force", "--time", "0", name], timeout=60, check=False)


def logs(name: str) -> str:
    proc = run(["logs", name], timeout=30, check=False)
    return proc.stdout + proc.stderr


def state(name: str) -> tuple[bool, int | None]:
    """(running, exit code once stopped)."""
    proc = run(["inspect", "--format", "{{.State.Running}} {{.State.ExitCode}}", name], timeout=30)
    running, code = proc.stdout.split()
    return running == "true", (None if running == "true" else int(code))


def wait_exit(name: str, timeout: float) -> int:
    """Waits for the container to exit and returns its code; fails with the logs after ``timeout``."""
    try:
        proc = subprocess.run(
            PODMAN + ["wait", name], capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL
        )
    except subprocess.TimeoutExpired:
        raise PodmanError(f"container {name} still running after {timeout} s\n{_tail(logs(name))}") from None
    if proc.returncode != 0:
        raise PodmanError(f"podman wait {name} failed: {proc.stderr}")
    return int(proc.stdout.strip().splitlines()[-1])
