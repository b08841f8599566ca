"""The price chart of the selected symbol: candles or line, EMAs, Bollinger bands, volume, fills.

Plotting is CPU work (tens of milliseconds for a screenful of candles), so ``render_chart``
runs in a worker thread and the widget only shows the finished text.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.segment import Segment
from rich.text import Text
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from volex.tui.feed import ChartData, attr
from volex.tui.widgets import set_subtitle

if TYPE_CHECKING:
    import numpy as np

__all__ = ["CHART_STYLES", "TIMEFRAMES", "PriceChart", "render_chart", "text_strips"]

CHART_STYLES = ("candles", "line")
TIMEFRAMES = ("15m", "1h", "2h", "4h", "1d")
VOLUME_ROWS = 6


def _clean(values: np.ndarray) -> tuple[list[int], list[float]]:
    """Indexes and values where ``values`` is defined (indicators start with NaNs)."""
    import numpy as np

    keep = np.flatnonzero(~np.isnan(values))
    return keep.tolist(), values[keep].tolist()


def _ticks(data: ChartData, count: int = 5) -> tuple[list[int], list[str]]:
    stamps = data.frame["timestamp"]
    n = len(stamps)
    step = max(1, (n - 1) // max(1, count - 1))
    form = "%d %b" if data.timeframe in ("1d", "1w") else "%d %H:%M"
    where = list(range(0, n, step))
    return where, [stamps.iloc[i].strftime(form) for i in where]


def _fill_marks(data: ChartData) -> list[tuple[int, float, str]]:
    """(bar index, price, side) of each fill inside the chart's window."""
    import numpy as np

    if not data.fills or data.frame.empty:
        return []
    stamps = data.frame["timestamp"].to_numpy(dtype="datetime64[ms]")
    marks = []
    for fill in data.fills:
        at, price, side = attr(fill, "at"), attr(fill, "price"), attr(fill, "side")
        if at is None or price is None:
            continue
        when = np.datetime64(at.replace(tzinfo=None), "ms")
        index = int(np.searchsorted(stamps, when, side="right")) - 1
        if 0 <= index < len(stamps):
            marks.append((index, float(price), str(side)))
    return marks


def _size(plot: Any, width: int, height: int) -> None:
    # plotsize alone is not always honoured; textual-plotext's own widget sets both.
    plot.plotsize(width, height)
    plot._set_size(width, height)


def render_chart(data: ChartData, style: str, width: int, height: int) -> Text:
    """The chart as text for a ``width`` x ``height`` area (price above, volume below)."""
    from textual_plotext import Plot

    from volex.analysis.indicators import compute_indicators

    frame = data.frame
    width, height = max(width, 20), max(height, 9)
    volume_rows = max(3, min(VOLUME_ROWS, height // 4))  # small screens: room for the price
    xs = list(range(len(frame)))
    series = compute_indicators(frame)
    ticks = _ticks(data)
    price = Plot()
    price.theme("clear")
    _size(price, width, height - volume_rows)
    if style == "candles":
        price.candlestick(xs, {"Open": frame["open"].tolist(), "Close": frame["close"].tolist(),
                               "High": frame["high"].tolist(), "Low": frame["low"].tolist()})
    else:
        price.plot(xs, frame["close"].tolist(), color="white", label="close")
    for name, color, label in (("ema_20", "cyan", "EMA20"), ("ema_50", "orange", "EMA50"),
                               ("bb_upper", "magenta", "BB 20/2"), ("bb_lower", "magenta", None)):
        where, values = _clean(series[name])
        if values:
            price.plot(where, values, color=color, label=label, marker="braille")
    for side in ("buy", "sell"):
        marks = [(i, p) for i, p, s in _fill_marks(data) if s == side]
        if marks:
            price.scatter([i for i, _ in marks], [p for _, p in marks],
                          marker="▲" if side == "buy" else "▼",
                          color="green" if side == "buy" else "red", label=f"{side} fill")
    price.xticks(*ticks)
    volume = Plot()
    volume.theme("clear")
    _size(volume, width, volume_rows)
    volume.bar(xs, frame["volume"].tolist(), color="blue", width=0.6)
    volume.xticks([], [])
    volume.ylabel("vol")
    return Text("\n").join([Text.from_ansi(price.build()), Text.from_ansi(volume.build())])


def text_strips(text: Text) -> list[Strip]:
    """``text`` cut into lines of segments once, so repainting the chart costs nothing."""
    console = Console(width=10_000, color_system="truecolor", file=io.StringIO(),
                      legacy_windows=False)
    segments = text.render(console)
    return [Strip(line) for line in Segment.split_lines(segments)]


class PriceChart(Widget):
    """Shows the chart drawn by ``render_chart`` (line by line); says why when there is none."""

    DEFAULT_CSS = """
    PriceChart {
        height: 1fr;
    }
    """

    style_name: reactive[str] = reactive("candles")
    timeframe: reactive[str] = reactive("1h")

    class SizeChanged(Message):
        """The chart area changed size and needs a new drawing."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="panel")
        self._lines: list[Strip] = text_strips(Text("loading…", style="dim"))
        self._drawn: tuple[str, str] | None = None  # (symbol, timeframe) of the drawing shown
        self.border_title = "Chart"

    @property
    def plot_size(self) -> tuple[int, int]:
        return self.content_size.width, self.content_size.height

    @property
    def plain(self) -> str:
        """The drawing as plain text (what the chart shows, without colours)."""
        return "\n".join(strip.text for strip in self._lines)

    def show(self, data: ChartData, lines: list[Strip], *, stale: str | None = None) -> None:
        """Display a finished drawing of ``data`` (lines from ``text_strips``)."""
        self._lines = lines
        self._drawn = (data.symbol, data.timeframe)
        self.border_title = f"{data.symbol} · {data.timeframe} · {self.style_name}"
        set_subtitle(self, f"stale: {stale}" if stale else f"source: {data.source}")
        self.refresh()

    def show_problem(self, symbol: str, message: str) -> None:
        """No chart: keep the last drawing of this symbol if there is one, and say why."""
        self.border_title = f"{symbol} · {self.timeframe} · {self.style_name}"
        set_subtitle(self, f"stale: {message}")
        if self._drawn != (symbol, self.timeframe):
            self._drawn = None
            self._lines = text_strips(Text(f"no chart for {symbol}: {message}", style="dim"))
        self.refresh()

    def render_line(self, y: int) -> Strip:
        width = self.content_size.width
        if y >= len(self._lines):
            return Strip.blank(width, self.rich_style)
        return self._lines[y].crop_extend(0, width, self.rich_style).apply_style(self.rich_style)

    def on_resize(self) -> None:
        self.post_message(self.SizeChanged())
