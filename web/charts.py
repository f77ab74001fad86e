"""The weekly picture's charts, drawn on the server by matplotlib (Agg: no display) as PNG or SVG.

Labels are Vietnamese, so matplotlib is told to use one font with every Vietnamese letter: DejaVu
Sans from Debian's ``fonts-dejavu-core`` (or Noto Sans from ``fonts-noto-core``), which the Makefile
and the Dockerfile install. Only when neither is there (a bare pip install) does it fall back to the
DejaVu Sans matplotlib ships, which has the same letters, and says so in the log.

Figures are made with the object API (``matplotlib.figure.Figure``), never pyplot's global state,
and drawn one at a time under a lock: pages are rendered in worker threads.
"""

from __future__ import annotations

import io
import logging
import threading
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

from matplotlib import font_manager  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

log = logging.getLogger("portalwatch.web")

# Debian's fonts with full Vietnamese coverage, first found wins.
FONT_FILES = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),  # fonts-dejavu-core
    Path("/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf"),  # fonts-noto-core
)
EMPTY = "Không có dữ liệu"
BRAND, INK, MUTED, GRID = "#a4161a", "#1d2733", "#5b6b7b", "#e3e8ee"
WIDTH_IN, DPI = 6.4, 100  # 640 px charts; the composite is 1280 px
_lock = threading.Lock()


def _font() -> tuple[str, Path | None]:
    for path in FONT_FILES:
        if path.is_file():
            font_manager.fontManager.addfont(str(path))
            return font_manager.FontProperties(fname=str(path)).get_name(), path
    log.warning("no Debian font with Vietnamese letters found (%s): charts use matplotlib's own DejaVu Sans; "
                "run `make fonts` or install fonts-dejavu-core", ", ".join(map(str, FONT_FILES)))
    return "DejaVu Sans", None


FONT_NAME, FONT_FILE = _font()
RC = {
    "font.family": [FONT_NAME],
    "svg.fonttype": "none",  # SVG text stays text (searchable, Vietnamese as written), in the same font
    "svg.hashsalt": "portalwatch",  # the same chart gives the same SVG
    "axes.edgecolor": GRID, "axes.labelcolor": INK, "xtick.color": MUTED, "ytick.color": INK,
    "axes.titleweight": "bold", "axes.titlesize": 13, "axes.titlecolor": INK, "axes.titlelocation": "left",
    "font.size": 10.5,
}


@dataclass(frozen=True)
class Chart:
    """One bar chart: ``bars`` are (label, value); ``horizontal`` for long labels (countries, provinces)."""

    title: str
    bars: list[tuple[str, int]]
    horizontal: bool = True
    unit: str = ""


def _draw(ax, chart: Chart, titled: bool = True) -> None:
    if titled:
        ax.set_title(chart.title, pad=10)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if not chart.bars or not any(v for _, v in chart.bars):
        ax.set_xticks([])
        ax.set_yticks([])
        for side in ("left", "bottom"):
            ax.spines[side].set_visible(False)
        ax.text(0.5, 0.5, EMPTY, ha="center", va="center", transform=ax.transAxes, color=MUTED, fontsize=14)
        return
    ax.tick_params(length=0, pad=6)
    labels = [_short(label) for label, _ in chart.bars]
    values = [value for _, value in chart.bars]
    top = max(values)
    if chart.horizontal:
        positions = list(range(len(values)))[::-1]
        ax.barh(positions, values, color=BRAND, height=0.62 if len(values) > 3 else 0.45)
        ax.set_yticks(positions, labels)
        ax.set_xlim(0, top * 1.15 + 0.5)
        ax.xaxis.grid(True, color=GRID)
        ax.set_axisbelow(True)
        ax.xaxis.get_major_locator().set_params(integer=True)
        for y, value in zip(positions, values):
            ax.text(value + top * 0.01 + 0.05, y, str(value), va="center", fontsize=9, color=INK)
        if chart.unit:
            ax.set_xlabel(chart.unit, color=MUTED)
    else:
        positions = list(range(len(values)))
        ax.bar(positions, values, color=BRAND, width=0.6)
        ax.set_xticks(positions, labels)
        ax.set_ylim(0, top * 1.2 + 0.5)
        ax.yaxis.grid(True, color=GRID)
        ax.set_axisbelow(True)
        ax.yaxis.get_major_locator().set_params(integer=True)
        for x, value in zip(positions, values):
            if value:
                ax.text(x, value + top * 0.02, str(value), ha="center", va="bottom", fontsize=9, color=INK)
        if chart.unit:
            ax.set_ylabel(chart.unit, color=MUTED)


def _short(label: str, limit: int = 34) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _height(chart: Chart) -> float:
    return max(3.6, 1.2 + 0.32 * len(chart.bars)) if chart.horizontal and chart.bars else 3.6


def _save(figure: Figure, fmt: str) -> bytes:
    out = io.BytesIO()
    FigureCanvasAgg(figure)
    figure.savefig(out, format=fmt, dpi=DPI, facecolor="white", metadata={"Date": None} if fmt == "svg" else None)
    return out.getvalue()


def render(chart: Chart, fmt: str = "png") -> bytes:
    """The chart as PNG or SVG bytes (640 px wide)."""
    if fmt not in ("png", "svg"):
        raise ValueError(f"unknown chart format {fmt!r}")
    with _lock, matplotlib.rc_context(RC):
        figure = Figure(figsize=(WIDTH_IN, _height(chart)), layout="constrained")
        figure.suptitle(chart.title, x=0.015, ha="left", fontsize=13, fontweight="bold", color=INK)
        _draw(figure.add_subplot(), chart, titled=False)
        return _save(figure, fmt)


def composite(heading: str, subheading: str, charts: list[Chart], fmt: str = "png") -> bytes:
    """Four charts on one 1280 px picture (two by two) under a heading: the week as one Telegram photo."""
    with _lock, matplotlib.rc_context(RC):
        rows = -(-len(charts) // 2)
        figure = Figure(figsize=(12.8, 1.0 + 4.2 * rows), layout="constrained")
        figure.suptitle(heading + "\n" + subheading, x=0.01, ha="left", fontsize=15, fontweight="bold", color=INK)
        for n, chart in enumerate(charts):
            _draw(figure.add_subplot(rows, 2, n + 1), chart)
        return _save(figure, fmt)

