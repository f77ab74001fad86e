"""The test run leaves the host as it was unless a test says otherwise with the ``container`` marker.

Installing Debian packages (podman, runc, debootstrap, docker-compose) and building images are what
the container tests do, and only they may: ``pytest -m "not container"`` changes nothing on the
machine. Two guards, loaded by ``tests/conftest.py``:

- at collection, a test without the marker that reaches a fixture declared with ``@installs(...)``
  (directly or through other fixtures) stops the run before anything starts;
- while tests run, a Python audit hook refuses to start a package manager, podman or
  ``container-base.sh`` from any test without the marker, however it got there.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import os
import shlex
import sys

import pytest

MARKER = "container"
# Programs that install packages or build/pull images on the machine.
PROGRAMS = {"apt", "apt-get", "aptitude", "dpkg", "debootstrap", "podman", "docker", "snap"}
SCRIPTS = {"container-base.sh"}
SHELLS = {"sh", "bash", "dash"}
WRAPPERS = {"sudo", "env", "nice", "timeout", "runuser", "xargs"}
_EVENTS = {"subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn"}


class HostChangeRefused(RuntimeError):
    """A test without the ``container`` marker tried to install packages or build an image."""


def installs(*what: str):
    """Declares a fixture that changes the host (``@pytest.fixture`` above it): container tests only.

    Its setup and teardown may run the programs below whichever test they happen in: a session
    fixture is torn down after the session's last test, which need not be a container test.
    """

    def declare(func):
        if inspect.isgeneratorfunction(func):

            @functools.wraps(func)
            def fixture(*args, **kwargs):
                steps = func(*args, **kwargs)
                with _permitted():
                    value = next(steps)
                yield value
                with _permitted():
                    next(steps, None)

        else:

            @functools.wraps(func)
            def fixture(*args, **kwargs):
                with _permitted():
                    return func(*args, **kwargs)

        fixture.installs = what
        return fixture

    return declare


_permits = 0


@contextlib.contextmanager
def _permitted():
    global _permits
    _permits += 1
    try:
        yield
    finally:
        _permits -= 1


def host_changing(argv: list[str]) -> bool:
    """Whether a command line runs a package manager, podman or container-base.sh (also via a shell or sudo)."""
    if not argv:
        return False
    program = os.path.basename(str(argv[0]))
    words = [program]
    for arg in argv[1:]:
        if program in SHELLS:
            try:
                words += shlex.split(str(arg))
            except ValueError:
                words += str(arg).split()
        else:
            words.append(str(arg))
    words = {os.path.basename(w) for w in words}
    if program in PROGRAMS or SCRIPTS & words:
        return True
    return program in SHELLS | WRAPPERS and bool(PROGRAMS & words)


def _argv(event: str, args: tuple) -> list[str]:
    if event == "subprocess.Popen":
        executable, command = args[0], args[1]
    elif event == "os.system":
        return ["sh", "-c", args[0].decode() if isinstance(args[0], bytes) else args[0]]
    elif event == "os.spawn":
        executable, command = args[1], args[2]
    else:  # os.exec, os.posix_spawn: (path, argv, env)
        executable, command = args[0], args[1]
    if isinstance(command, (str, bytes, os.PathLike)):
        command = os.fsdecode(command)
        try:
            command = shlex.split(command)
        except ValueError:
            command = command.split()
    command = [os.fsdecode(c) if isinstance(c, (bytes, os.PathLike)) else str(c) for c in command]
    if executable is not None and not command:
        command = [os.fsdecode(executable)]
    return command


# The running test: (node id, may it change the host); None outside tests.
_current: tuple[str, bool] | None = None


def _audit(event: str, args: tuple) -> None:
    if event not in _EVENTS or _permits or (_current is not None and _current[1]):
        return
    argv = _argv(event, args)
    if host_changing(argv):
        where = _current[0] if _current else "outside any test"
        raise HostChangeRefused(
            f"{where}: `{shlex.join(argv)}` would install packages or build images on this machine; "
            f"only tests marked `{MARKER}` may (see the README's Set up section)"
        )


def pytest_configure(config):
    sys.addaudithook(_audit)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item, nextitem):
    global _current
    _current = (item.nodeid, item.get_closest_marker(MARKER) is not None)
    try:
        return (yield)
    finally:
        _current = None


def pytest_collection_finish(session):
    """Every fixture declared ``@installs`` is reachable only from tests marked ``container``."""
    offenders = []
    for item in session.items:
        info = getattr(item, "_fixtureinfo", None)
        if info is None or item.get_closest_marker(MARKER) is not None:
            continue
        for name, definitions in info.name2fixturedefs.items():
            for definition in definitions:
                what = getattr(definition.func, "installs", None)
                if what:
                    offenders.append(f"{item.nodeid}: fixture {name!r} installs {', '.join(what)}")
    if offenders:
        raise pytest.UsageError(
            f"tests that change the host must be marked `{MARKER}`:\n  " + "\n  ".join(sorted(set(offenders)))
        )
