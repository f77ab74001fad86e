""".env.example against crawler.config.Settings: every setting listed and documented, nothing stale.

Fast (no podman). A setting added to Settings without a line in .env.example fails here, so the
deployment template cannot drift from the code.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import AliasChoices

from crawler.config import Settings

ROOT = Path(__file__).resolve().parents[2]
ENV_EXAMPLE = ROOT / ".env.example"
# `NAME=value`, or the commented-out `# NAME=value` that shows a default.
LINE = re.compile(r"^(#\s*)?([A-Z][A-Z0-9_]*)=(.*)$")
# Variables in .env.example that are not Settings fields, and the file that reads each one.
NOT_SETTINGS = {
    "POSTGRES_PASSWORD": ROOT / "docker-compose.yml",
    "PORTALWATCH_MIGRATE_ATTEMPTS": ROOT / "docker" / "entrypoint.sh",
    "PORTALWATCH_MIGRATE_DELAY": ROOT / "docker" / "entrypoint.sh",
}
# Settings whose line shows an example value rather than the default.
EXAMPLE_VALUES = {"database_url", "portals", "rules", "telegram_bot_token", "smtp_url", "mail_from", "public_url", "web_users"}


def env_name(field_name: str) -> str:
    """The variable a field is read from: its upper-case alias, else prefix + name."""
    alias = Settings.model_fields[field_name].validation_alias
    if isinstance(alias, AliasChoices):
        return next(a for a in alias.choices if isinstance(a, str) and a.isupper())
    if isinstance(alias, str):
        return alias
    return Settings.model_config["env_prefix"] + field_name.upper()


def entries() -> dict[str, tuple[bool, str, str]]:
    """name -> (active, value, the comment lines right above it)."""
    found: dict[str, tuple[bool, str, str]] = {}
    comment: list[str] = []
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        match = LINE.match(line.strip())
        if match:
            commented, name, value = match.groups()
            assert name not in found, f"{name} listed twice"
            found[name] = (not commented, value, " ".join(comment))
        elif line.startswith("#") and not line.startswith("# ---"):
            comment.append(line.lstrip("# ").strip())
            continue
        comment = []
    return found


SETTINGS_VARS = {env_name(name): name for name in Settings.model_fields}


@pytest.mark.parametrize("variable", sorted(SETTINGS_VARS))
def test_every_setting_is_listed_and_documented(variable):
    listed = entries()
    assert variable in listed, f"{variable} ({SETTINGS_VARS[variable]}) is missing from .env.example"
    assert len(listed[variable][2]) >= 10, f"{variable} needs a comment saying what it does"


def test_nothing_listed_that_nobody_reads():
    for name in entries():
        if name in SETTINGS_VARS:
            continue
        assert name in NOT_SETTINGS, f"{name} in .env.example is not a setting of crawler/config.py"
        assert name in NOT_SETTINGS[name].read_text(encoding="utf-8"), f"{NOT_SETTINGS[name]} does not read {name}"


@pytest.fixture
def clean_environ(monkeypatch):
    """The tests' own environment (e.g. PORTALWATCH_TEST_POSTGRES_URL) must not leak into Settings."""
    import os

    for key in list(os.environ):
        if key.startswith(("PORTALWATCH_", "TELEGRAM_")):
            monkeypatch.delenv(key)


def test_every_value_is_valid_and_shown_defaults_are_the_defaults(tmp_path, clean_environ):
    listed = entries()
    # All lines switched on at once must make a valid Settings (a typo'd example would not).
    everything = tmp_path / "all.env"
    everything.write_text("".join(f"{name}={value}\n" for name, (_, value, _) in listed.items()), encoding="utf-8")
    Settings(_env_file=everything)

    defaults = Settings(_env_file=None)
    for name, (active, value, _) in listed.items():
        field = SETTINGS_VARS.get(name)
        if field is None or field in EXAMPLE_VALUES:
            continue
        single = tmp_path / f"{name}.env"
        single.write_text(f"{name}={value}\n", encoding="utf-8")
        assert getattr(Settings(_env_file=single), field) == getattr(defaults, field), (
            f"{name}={value} in .env.example is not the default {getattr(defaults, field)!r}; "
            "update the example or list it in EXAMPLE_VALUES"
        )


def test_the_database_password_is_left_empty_and_typed_once():
    listed = entries()
    active, value, _ = listed["POSTGRES_PASSWORD"]
    assert active and value == "", "an example password would pass compose's `:?` guard after `cp`"
    url = listed["PORTALWATCH_DATABASE_URL"][1]
    from sqlalchemy.engine import make_url

    assert make_url(url).password is None, "the password is typed once, in POSTGRES_PASSWORD"


def test_compose_refuses_to_start_without_the_password_and_hands_it_to_the_app():
    import yaml

    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    guard = "${POSTGRES_PASSWORD:?"
    assert compose["services"]["db"]["environment"]["POSTGRES_PASSWORD"].startswith(guard)
    assert compose["services"]["app"]["environment"]["PORTALWATCH_DATABASE_PASSWORD"].startswith(guard)


@pytest.mark.parametrize("password", ["plain", "p@ss:w/rd", "100%#?&=", "kh\u00f4ng d\u1ea5u"])
def test_a_password_with_url_characters_reaches_the_database_url_intact(clean_environ, password):
    from sqlalchemy.engine import make_url

    settings = Settings(database_url="postgresql://portalwatch@db:5432/portalwatch", database_password=password)
    url = make_url(settings.database_url)
    assert (url.username, url.password, url.host, url.port, url.database) == ("portalwatch", password, "db", 5432, "portalwatch")
    assert Settings.from_json(settings.to_json()).database_url == settings.database_url  # the crawl child gets it too
    public = settings.public_dict()
    assert password not in str(public) and public["database_password"] == "***"


def test_no_mount_is_promised_that_compose_lacks():
    text = ENV_EXAMPLE.read_text(encoding="utf-8")
    compose = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    for mount in re.findall(r"\.{1,2}/[\w./-]+:/[\w./-]+(?::ro|:rw)?", text):
        assert mount in compose, f".env.example mentions the mount {mount} that docker-compose.yml does not have"


def test_the_readme_shows_compose_v2_beside_v1():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "docker compose up" in readme and "docker-compose up" in readme
