"""Fixture portal + fake Bot API + `run --once`: baseline, then exactly the expected alerts, once each."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import select

from crawler.cycle import run_once
from crawler.store import open_store
from storage.db import transaction
from storage.models import Alert, Article, Directive
from tests.support.server import PortalServer
from tests.support.sites import FAMILIES, FixturePortal, FixtureArticle, make_articles

VN = timezone(timedelta(hours=7))

DIRECTIVE_TEXT = [
    "Sáng nay, Ban Thường vụ Tỉnh ủy tổ chức hội nghị quán triệt Chỉ thị số 45-CT/TW ngày 20/11/2026 của Ban Bí thư "
    "về tăng cường công tác đối ngoại nhân dân trong tình hình mới, đồng thời sơ kết việc thực hiện Chỉ thị số 04-CT/TW.",
    "Hội nghị yêu cầu các cấp ủy, chính quyền xây dựng kế hoạch cụ thể, bảo đảm thiết thực, phù hợp với tình hình thực tế "
    "của từng địa phương, đơn vị và báo cáo kết quả về Ban Thường vụ Tỉnh ủy trước ngày 31/12/2026.",
    "Các đại biểu đã thảo luận, đóng góp nhiều ý kiến tâm huyết nhằm nâng cao hiệu quả công tác đối ngoại của tỉnh, "
    "góp phần thúc đẩy phát triển kinh tế - xã hội và giữ vững quốc phòng, an ninh trên địa bàn.",
]
VISIT_TEXT = [
    "Chiều 21/11, tại trụ sở UBND tỉnh, Chủ tịch UBND tỉnh đã tiếp đoàn đại biểu tỉnh Luông Pha Băng (Lào) do đồng chí "
    "Phó Tỉnh trưởng làm trưởng đoàn sang thăm và làm việc tại tỉnh.",
    "Tại buổi tiếp, hai bên đã trao đổi về kết quả hợp tác thời gian qua và thống nhất tiếp tục thúc đẩy hợp tác trong "
    "các lĩnh vực giáo dục, y tế, nông nghiệp và thương mại biên giới, đáp ứng nguyện vọng của nhân dân hai tỉnh.",
    "Chủ tịch UBND tỉnh đề nghị hai bên tăng cường trao đổi đoàn các cấp, phối hợp chặt chẽ trong công tác quản lý biên "
    "giới, góp phần vun đắp mối quan hệ hữu nghị vĩ đại, đoàn kết đặc biệt Việt Nam - Lào.",
]


def test_subscriber_gets_new_directive_and_visit_alerts_once(tmp_path: Path, sqlite_url, make_settings, unlimited_telegram):
    tg = unlimited_telegram
    with PortalServer() as server:
        site = FixturePortal(server, FAMILIES["front"])
        site.publish(make_articles(5))
        registry = tmp_path / "p.yaml"
        registry.write_text(f'portals:\n  - id: mattran\n    name: Mặt trận Tổ quốc\n    start_urls: ["{site.listing_url}"]\n')
        settings = make_settings(
            sqlite_url, registry, telegram_bot_token=tg.token, telegram_api_url=tg.url, telegram_admin_chat_ids=[]
        )
        tg.push_message(111, "/start")
        tg.push_message(222, "/start")
        tg.push_message(222, '/subscribe "Luông Pha Băng"')

        first = run_once(settings)  # baseline: the archive is stored and matched, nobody alerted
        assert first.updates == 3 and first.new_articles == 5
        assert first.sent.sent == 0
        replies = len(tg.sent)
        with transaction(open_store(sqlite_url)) as session:
            assert session.scalar(select(Directive).where(Directive.code == "04-CT/TW")) is not None
            assert all(a.baseline and a.matched_at for a in session.scalars(select(Article)))

        now = datetime.now(VN).replace(second=0, microsecond=0)
        site.publish(
            [
                FixtureArticle(2001, "Quán triệt Chỉ thị mới của Ban Bí thư về đối ngoại nhân dân", now - timedelta(hours=2), DIRECTIVE_TEXT),
                FixtureArticle(2002, "Chủ tịch UBND tỉnh tiếp đoàn đại biểu tỉnh Luông Pha Băng (Lào)", now - timedelta(hours=1), VISIT_TEXT),
            ]
        )
        second = run_once(settings)
        assert second.new_articles == 2
        alerts = tg.sent[replies:]
        to_111 = [m.text for m in alerts if m.chat_id == 111]
        to_222 = [m.text for m in alerts if m.chat_id == 222]
        assert len(to_111) == 2 and len(to_222) == 2
        directive = next(t for t in to_111 if "Chỉ thị mới" in t)
        assert "45-CT/TW" in directive and "Mặt trận Tổ quốc" in directive
        # The alert shows the publication date (two hours ago: yesterday's date just after midnight).
        assert (now - timedelta(hours=2)).strftime("%d/%m/%Y") in directive and site.server.root in directive
        visit = next(t for t in to_111 if "Đoàn nước ngoài" in t)
        assert "Lào" in visit and "<b>" in visit
        keyword_visit = next(t for t in to_222 if "Luông Pha Băng" in t and "Đoàn nước ngoài" in t)
        assert "Từ khóa" in keyword_visit  # one message, both reasons
        with transaction(open_store(sqlite_url)) as session:
            statuses = sorted(session.scalars(select(Alert.status)))
            assert statuses == ["sent"] * 4
            assert session.scalar(select(Directive).where(Directive.code == "45-CT/TW")).mentions == 1

        third = run_once(settings)
        assert third.new_articles == 0 and third.sent.sent == 0
        assert len(tg.sent) == replies + 4
