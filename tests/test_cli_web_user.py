"""`portalwatch web-user`: logins of the web pages in the PORTALWATCH_WEB_USERS file, hashed, never plain."""

from __future__ import annotations

import fcntl
import os
import pty
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

from web.auth import Login, read_users, verify_password

ROOT = Path(__file__).resolve().parents[1]


def portalwatch(*args: str, env: dict, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "crawler.cli", *args], input=stdin, capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=60)


@pytest.fixture
def env(tmp_path):
    values = {k: v for k, v in os.environ.items() if not k.startswith("PORTALWATCH_")}
    values["PORTALWATCH_WEB_USERS"] = str(tmp_path / "users")
    values["PORTALWATCH_DATABASE_URL"] = f"sqlite:///{tmp_path / 'pw.db'}"
    return values


def test_add_update_list_remove(env, tmp_path):
    path = tmp_path / "users"
    done = portalwatch("web-user", "add", "an", "--role", "admin", "--password-stdin", env=env, stdin="mật khẩu của An\n")
    assert done.returncode == 0 and done.stdout.strip() == f"added an (admin) in {path}"
    assert portalwatch("web-user", "add", "binh", "--password-stdin", env=env, stdin="mật khẩu Bình 1\n").returncode == 0
    text = path.read_text(encoding="utf-8")
    assert "mật khẩu" not in text and text.count("scrypt$") == 2 and oct(path.stat().st_mode & 0o777) == "0o600"
    users = read_users(path)
    assert users["an"][0] == "admin" and users["binh"][0] == "viewer"  # viewer unless said otherwise
    assert verify_password("mật khẩu của An", users["an"][1]) and not verify_password("mật khẩu của an", users["an"][1])
    login = Login(None, path)
    assert login.check("an", "mật khẩu của An").admin and not login.check("binh", "mật khẩu Bình 1").admin
    assert login.check("an", "mật khẩu Bình 1") is None

    # Adding a name again changes its password and role, in place.
    done = portalwatch("web-user", "add", "binh", "--role", "admin", "--password-stdin", env=env, stdin="mật khẩu mới của Bình\n")
    assert done.returncode == 0 and done.stdout.startswith("updated binh (admin)")
    users = read_users(path)
    assert list(users) == ["an", "binh"] and users["binh"][0] == "admin" and verify_password("mật khẩu mới của Bình", users["binh"][1])
    # The daemon's login reads the changed file without a restart.
    time.sleep(0.01)
    assert login.check("binh", "mật khẩu Bình 1") is None and login.check("binh", "mật khẩu mới của Bình").admin

    listing = portalwatch("web-user", "list", env=env)
    assert listing.stdout.splitlines() == ["an\tadmin", "binh\tadmin"] and "scrypt" not in listing.stdout
    assert portalwatch("web-user", "remove", "an", env=env).returncode == 0
    assert list(read_users(path)) == ["binh"]


@pytest.mark.parametrize("args, stdin, message", [
    (["add", "an", "--password-stdin"], "ngắn\n", "the password is too short"),
    (["add", "an:admin", "--password-stdin"], "mật khẩu dài\n", "a user name is 1-64 letters"),
    (["remove", "khong-co"], "", "no login 'khong-co'"),
])
def test_bad_input_is_one_line_and_writes_nothing(env, tmp_path, args, stdin, message):
    done = portalwatch("web-user", *args, env=env, stdin=stdin)
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1 and message in done.stderr
    assert not (tmp_path / "users").exists()


def test_a_broken_users_file_is_named_by_every_command(env, tmp_path):
    (tmp_path / "users").write_text("an:admin:scrypt$16384$8$1$AAAA\n", encoding="utf-8")
    for args in (["web-user", "list"], ["migrate"]):
        done = portalwatch(*args, env=env)
        assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1
        assert done.stderr.startswith(f"portalwatch: invalid setting: PORTALWATCH_WEB_USERS: {tmp_path / 'users'} line 1: ")
    env["PORTALWATCH_WEB_USERS"] = str(tmp_path / "missing" / "users")
    done = portalwatch("web-user", "list", env=env)
    assert done.returncode == 2 and "PORTALWATCH_WEB_USERS" in done.stderr and "does not exist" in done.stderr


def test_the_password_is_asked_twice_on_the_terminal(env, tmp_path):
    """No --password-stdin: getpass prompts on the controlling terminal (a real pseudo-terminal here)."""
    leader, follower = pty.openpty()

    def controlling_terminal():
        os.setsid()
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    child = subprocess.Popen([sys.executable, "-m", "crawler.cli", "web-user", "add", "chi", "--role", "admin"],
                             stdin=follower, stdout=follower, stderr=follower, env=env, cwd=ROOT,
                             preexec_fn=controlling_terminal)
    os.close(follower)
    seen = b""

    def until(text: bytes) -> None:
        nonlocal seen
        deadline = time.monotonic() + 30
        while text not in seen and time.monotonic() < deadline:
            try:
                seen += os.read(leader, 1024)
            except OSError:
                break
        assert text in seen, seen

    until(b"Password for chi: ")
    os.write(leader, "mật khẩu của Chi\n".encode())
    until(b"Again: ")
    os.write(leader, "mật khẩu của Chi\n".encode())
    until(b"added chi (admin)")
    assert child.wait(30) == 0
    os.close(leader)
    assert b"m\xe1\xba\xadt" not in seen  # the password is not echoed
    role, hashed = read_users(tmp_path / "users")["chi"]
    assert role == "admin" and verify_password("mật khẩu của Chi", hashed)
