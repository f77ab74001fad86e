"""E-mail settings: URLs parsed with their TLS mode, secrets never echoed (errors, public_dict), kept across the child pipe."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from crawler.config import Settings
from monitor.alerting.email import parse_smtp_url


@pytest.mark.parametrize("url, expected", [
    ("smtps://u%40x:p%3Ass@mail.example.vn:465", ("mail.example.vn", 465, "u@x", "p:ss", True, "off")),
    ("smtp://relay.example.vn", ("relay.example.vn", 25, None, None, False, "auto")),
    ("smtp://relay.example.vn:587?starttls=1", ("relay.example.vn", 587, None, None, False, "required")),
    ("smtp://127.0.0.1:2525?starttls=0", ("127.0.0.1", 2525, None, None, False, "off")),
])
def test_smtp_urls(url, expected):
    c = parse_smtp_url(url)
    assert (c.host, c.port, c.username, c.password, c.implicit_tls, c.starttls) == expected


@pytest.mark.parametrize("url, message", [("smtpx://u:hunter2@h:465", "must start with smtp:// or smtps://"),
                                          ("smtps://u:hunter2@h:99999", "bad port"), ("smtp://", "no host")])
def test_a_bad_smtp_url_names_the_setting_never_the_password(url, message):
    with pytest.raises(ValidationError) as caught:
        Settings(smtp_url=url)
    assert "PORTALWATCH_SMTP_URL" in str(caught.value) and message in str(caught.value)
    assert "hunter2" not in str(caught.value)


def test_secrets_are_hidden_from_public_dict_and_survive_the_child_pipe():
    s = Settings(smtp_url="smtps://u:p%40ss@mail.example.vn:465", secret_key="k3y", admin_emails="A@x.vn; b@y.vn")
    public = s.public_dict()
    assert public["smtp_url"] == "smtps://u:***@mail.example.vn:465" and public["secret_key"] == "***"
    assert "p%40ss" not in str(public) and "k3y" not in str(public)
    unencoded = Settings(smtp_url="smtps://u:p@ss@mail.example.vn:465").public_dict()["smtp_url"]
    assert unencoded == "smtps://u:***@mail.example.vn:465"  # an unencoded @ in the password leaks nothing either
    again = Settings.from_json(s.to_json())
    assert again.smtp_url.get_secret_value() == "smtps://u:p%40ss@mail.example.vn:465"
    assert again.secret_key.get_secret_value() == "k3y" and again.admin_emails == ["a@x.vn", "b@y.vn"]
