"""Where Telegram cannot reach: with only PORTALWATCH_SMTP_URL set (no bot token), `run --once`
e-mails the first new directive to a subscriber added with the CLI, once."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from crawler import cli
from tests.fakes.smtp_server import SmtpServer
from tests.support.server import PortalServer
from tests.support.sites import FAMILIES, FixtureArticle, FixturePortal, make_articles
from tests.test_console_alerts import cli_env
from tests.test_end_to_end import DIRECTIVE_TEXT, VN


def test_run_once_with_only_an_smtp_server_e_mails_the_new_directive(tmp_path: Path, sqlite_url, monkeypatch, capsys):
    with PortalServer() as server, SmtpServer() as smtp:
        site = FixturePortal(server, FAMILIES["front"])
        site.publish(make_articles(4))
        registry = tmp_path / "p.yaml"
        registry.write_text(f'portals:\n  - id: mattran\n    name: Mặt trận Tổ quốc\n    start_urls: ["{site.listing_url}"]\n')
        cli_env(monkeypatch, sqlite_url, registry)
        for name in ("PORTALWATCH_MAIL_FROM", "PORTALWATCH_SECRET_KEY", "PORTALWATCH_PUBLIC_URL", "PORTALWATCH_ADMIN_EMAILS"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("PORTALWATCH_SMTP_URL", smtp.url)

        assert cli.main(["subscribers", "add", "--email", "phan.thu@example.vn"]) == 0
        assert cli.main(["run", "--once"]) == 0  # the baseline: stored, not alerted
        assert smtp.received == []

        now = datetime.now(VN).replace(second=0, microsecond=0)
        site.publish([FixtureArticle(3001, "Quán triệt Chỉ thị mới của Ban Bí thư về đối ngoại nhân dân", now - timedelta(hours=1), DIRECTIVE_TEXT)])
        assert cli.main(["run", "--once"]) == 0
        [mail] = smtp.to("phan.thu@example.vn")
        assert mail.mail_from == "portalwatch@127.0.0.1"
        body = mail.message.get_body(("plain",)).get_content()
        assert "45-CT/TW" in body and "Quán triệt Chỉ thị mới" in mail.message["Subject"] and site.server.root in body
        # No public URL configured: the mailto unsubscribe only, still signed; never a one-click POST to nowhere.
        assert mail.message["List-Unsubscribe"].startswith("<mailto:portalwatch@127.0.0.1?subject=unsubscribe")
        assert "List-Unsubscribe-Post" not in mail.message

        assert cli.main(["run", "--once"]) == 0  # nothing new: nothing sent again
        assert len(smtp.received) == 1
        out = capsys.readouterr().out
        assert out.count("--- alert ---") == 1  # the console (no bot token) printed it once too
