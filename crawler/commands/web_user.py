"""`portalwatch web-user`: the web pages' logins, in the users file PORTALWATCH_WEB_USERS names.

``add NAME --role admin|viewer`` asks for the password twice (or reads one line from stdin with
``--password-stdin``) and writes ``name:role:scrypt-hash``; no password is stored. Adding a name that
exists replaces its role and password. The running daemon reads the file again when it changes.
"""

from __future__ import annotations

import getpass
import sys
from pathlib import Path

from crawler.config import Settings
from crawler.errors import UserError

MIN_PASSWORD = 8


def register(sub) -> None:
    parser = sub.add_parser("web-user", help="add, list or remove logins of the web pages (PORTALWATCH_WEB_USERS)")
    parser.add_argument("--file", type=Path, help="the users file (default: PORTALWATCH_WEB_USERS)")
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    actions.add_parser("list", help="every login and its role (default)")
    add = actions.add_parser("add", help="add a login, or change one's password and role")
    add.add_argument("name")
    add.add_argument("--role", choices=("admin", "viewer"), default="viewer", help="admin may pause and resume portals")
    add.add_argument("--password-stdin", action="store_true", help="read the password from one line of stdin (scripts)")
    remove = actions.add_parser("remove", help="remove a login")
    remove.add_argument("name")
    parser.set_defaults(handler=handle, action="list")


def _path(args, settings: Settings) -> Path:
    path = args.file or settings.web_users
    if path is None:
        raise UserError("no users file: set PORTALWATCH_WEB_USERS=/path/to/users (or pass --file)")
    if path.is_dir():
        raise UserError(f"{path} is a folder, not a users file")
    if not path.parent.is_dir():
        raise UserError(f"folder {path.parent} does not exist")
    return path


def _password(args) -> str:
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        try:
            password = getpass.getpass(f"Password for {args.name}: ")
            again = getpass.getpass("Again: ")
        except EOFError:
            raise UserError("no password given") from None
        if password != again:
            raise UserError("the two passwords differ; nothing written")
    if len(password) < MIN_PASSWORD:
        raise UserError(f"the password is too short (at least {MIN_PASSWORD} characters); nothing written")
    return password


def handle(args, settings: Settings) -> int:
    from web.auth import NAME, hash_password, read_users, remove_user, write_user

    path = _path(args, settings)
    try:
        if args.action == "list":
            users = read_users(path) if path.exists() else {}
            for name, (role, _) in sorted(users.items()):
                print(f"{name}\t{role}")
            if not users:
                print(f"no logins in {path}")
            return 0
        if not NAME.fullmatch(args.name):
            raise UserError("a user name is 1-64 letters, digits or . _ @ -")
        if args.action == "remove":
            if not path.exists() or not remove_user(path, args.name):
                raise UserError(f"no login {args.name!r} in {path}")
            print(f"removed {args.name} from {path}")
            return 0
        hashed = hash_password(_password(args))
        new = write_user(path, args.name, args.role, hashed)
    except ValueError as exc:  # the file as it is cannot be read: fix it first
        raise UserError(str(exc)) from None
    except OSError as exc:
        raise UserError(f"{path}: {exc.strerror or exc}") from None
    print(f"{'added' if new else 'updated'} {args.name} ({args.role}) in {path}")
    return 0
