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
from matplotlib.textpath import text_to_path  # noqa: E402

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


def _draw(ax, chart: Chart) -> None:
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


def _label_inches(labels: list[str]) -> float:
    """The widest tick label, in inches (measured on the font's outlines: no drawing, no layout pass)."""
    prop = font_manager.FontProperties(family=FONT_NAME, size=matplotlib.rcParams["font.size"])  # tick labels: "medium"
    widest = 0.0
    for label in labels:
        width, _, _ = text_to_path.get_text_width_height_descent(label, prop, ismath=False)
        widest = max(widest, width)
    return widest / 72


def _place(figure: Figure, chart: Chart, x: float, y: float, width: float, height: float) -> None:
    """The chart in the cell (x, y, width, height), inches from the figure's bottom left: its title at
    the cell's top left, its axes inside margins fitted to its labels.

    Margins are computed here rather than by constrained layout, which costs a second drawing pass
    (most of the time of a chart)."""
    fig_w, fig_h = figure.get_size_inches()
    figure.text((x + 0.12) / fig_w, (y + height - 0.12) / fig_h, chart.title, ha="left", va="top",
                fontsize=13, fontweight="bold", color=INK)
    empty = not chart.bars or not any(v for _, v in chart.bars)
    if empty:
        left, bottom = 0.3, 0.3
    elif chart.horizontal:
        left, bottom = _label_inches([_short(label) for label, _ in chart.bars]) + 0.25, 0.6
    else:
        left, bottom = 0.65, 0.6
    top, right = 0.55, 0.35
    figure.add_axes(((x + left) / fig_w, (y + bottom) / fig_h, (width - left - right) / fig_w,
                     (height - bottom - top) / fig_h))
    _draw(figure.axes[-1], chart)


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
        height = _height(chart)
        figure = Figure(figsize=(WIDTH_IN, height))
        _place(figure, chart, 0, 0, WIDTH_IN, height)
        return _save(figure, fmt)


COMPOSITE_WIDTH_IN, CELL_HEIGHT_IN, HEADING_IN = 12.8, 4.0, 0.9


def composite(heading: str, subheading: str, charts: list[Chart], fmt: str = "png") -> bytes:
    """Charts two by two on one 1280 px picture under a heading: the week as one Telegram photo."""
    with _lock, matplotlib.rc_context(RC):
        rows = -(-len(charts) // 2)
        height = HEADING_IN + CELL_HEIGHT_IN * rows
        figure = Figure(figsize=(COMPOSITE_WIDTH_IN, height))
        figure.text(0.12 / COMPOSITE_WIDTH_IN, 1 - 0.12 / height, heading, ha="left", va="top", fontsize=16,
                    fontweight="bold", color=INK)
        if subheading:
            figure.text(0.12 / COMPOSITE_WIDTH_IN, 1 - 0.5 / height, subheading, ha="left", va="top", fontsize=12, color=MUTED)
        cell_w = COMPOSITE_WIDTH_IN / 2
        for n, chart in enumerate(charts):
            row, column = divmod(n, 2)
            _place(figure, chart, column * cell_w, height - HEADING_IN - (row + 1) * CELL_HEIGHT_IN, cell_w, CELL_HEIGHT_IN)
        return _save(figure, fmt)
