"""The news panel: the selected market's sentiment and latest headlines, from the store.

Headlines come from outside: they are drawn as plain ``Text`` (never parsed as markup), and
were already stripped of HTML and control characters when stored.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from volex.tui.feed import EventRow, Section, attr
from volex.tui.widgets import set_subtitle

__all__ = ["NewsPanel", "news_events"]

STRONG = 0.3  # items at least this far from neutral also go to the events feed


def _score_style(score: float) -> str:
    return "green" if score >= 0.05 else "red" if score <= -0.05 else "dim"


def _ago(when: datetime | None, now: datetime) -> str:
    if when is None:
        return "    "
    minutes = max(0, int((now - when).total_seconds() // 60))
    return f"{minutes}m" if minutes < 60 else f"{minutes // 60}h" if minutes < 2880 \
        else f"{minutes // 1440}d"


def news_events(report: Any, assets: set[str]) -> list[EventRow]:
    """Strong items about the watched assets, as lines for the events feed."""
    out = []
    for item in attr(report, "items", default=[]) or []:
        if abs(item.score) < STRONG or not assets & set(item.assets):
            continue
        out.append(EventRow(id=f"news-{item.id}", at=item.seen_at, kind="news",
                            text=f"{item.source}: {item.title} ({item.score:+.2f})",
                            level="good" if item.score > 0 else "warning"))
    return out


class NewsPanel(VerticalScroll):
    """Sentiment over 24h/7d, Fear & Greed and the latest items of the selected market."""

    DEFAULT_CSS = """
    NewsPanel {
        height: 1fr;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="panel")
        self.border_title = "News"
        self._section: Section[Any] | None = None
        self._asset: str | None = None

    def compose(self) -> ComposeResult:
        yield Static(Text("waiting for news…", style="dim"), id="news-body")

    def show(self, section: Section[Any], symbol: str | None) -> None:
        self._section = section
        self.select(symbol)

    def select(self, symbol: str | None) -> None:
        """Draw the panel for ``symbol`` from the last report read."""
        self._asset = symbol.split("/")[0] if symbol else None
        section, body = self._section, self.query_one("#news-body", Static)
        if section is None:
            return
        if not section.ok:
            set_subtitle(self, "not available" if section.error == "not available"
                         else f"stale: {section.error}")
            body.update(Text(f"news {self.border_subtitle}", style="dim"))
            return
        report = section.value
        self.border_title = f"News · {self._asset}" if self._asset else "News"
        set_subtitle(self, f"fetched {_ago(report.last_fetch, report.as_of)} ago"
                     if report.last_fetch else "never fetched")
        body.update(Group(*self._lines(report)))

    def _lines(self, report: Any) -> list[Text]:
        lines: list[Text] = []
        summary = next((s for s in report.summaries if s.asset == self._asset), None)
        if summary is not None:
            head = Text()
            for window in summary.windows:
                head.append(f"{window.window} ", style="bold")
                if window.mean is None:
                    head.append("n/a", style="dim")
                else:
                    head.append(f"{window.mean:+.2f}", style=_score_style(window.mean))
                head.append(f" {window.bullish}▲{window.bearish}▼  ", style="dim")
            lines.append(head)
        if report.fear_greed is not None:
            lines.append(Text(f"Fear & Greed {report.fear_greed.value} "
                              f"{report.fear_greed.classification}", style="cyan"))
        items = [i for i in report.items if self._asset in i.assets][:12]
        for item in items:
            line = Text(f"{_ago(item.published_at or item.seen_at, report.as_of):>4} ", style="dim")
            line.append(f"{item.score:+.2f} ", style=_score_style(item.score))
            line.append(item.title)  # plain text: a title is never parsed as markup
            lines.append(line)
        if not items:
            lines.append(Text(f"no stored news about {self._asset} in the last 7 days",
                              style="dim"))
        return lines
