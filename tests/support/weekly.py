"""A renderer for the weekly delivery's tests: a real matplotlib PNG of the week, with a caption
and a link, called with the same arguments as the web's ``week_picture``; calls are recorded."""

from __future__ import annotations

import io
from dataclasses import dataclass


@dataclass(frozen=True)
class WeekPicture:
    png: bytes
    caption: str
    link: str


CALLS: list[tuple[int, int, str]] = []


def draw_png(iso_year: int, iso_week: int) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    figure = Figure(figsize=(4, 2.5), dpi=80)
    axes = figure.subplots()
    days = ["T2", "T3", "T4", "T5", "T6", "T7", "CN"]
    axes.bar(days, [(iso_week * (n + 3)) % 7 + 1 for n in range(7)], color="#2a6f97")
    axes.set_title(f"Tuần {iso_week}/{iso_year}")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def render(session, iso_year: int, iso_week: int, base_url: str) -> WeekPicture:
    CALLS.append((iso_year, iso_week, base_url))
    caption = f"Tuần {iso_week}/{iso_year}: 3 văn bản mới, 2 đoàn nước ngoài (Lào, Nhật Bản) & <12> bài"
    return WeekPicture(draw_png(iso_year, iso_week), caption, f"{base_url.rstrip('/')}/tuan/{iso_year}-W{iso_week:02d}")
