"""Times are stored in UTC and shown in Vietnam time (+07:00), day first."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def iso_vn(value: datetime | None) -> str | None:
    return value.astimezone(VIETNAM).isoformat() if value else None


def short_vn(value: datetime | None) -> str:
    return value.astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M") if value else "-"
