"""The status bar (mode, exchange, data freshness, agents' health) and the halt banner."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Static

from volex.domain.printable import printable
from volex.tui.feed import NOT_AVAILABLE, Section, attr
from volex.tui.widgets import fmt

__all__ = ["HaltBanner", "StatusBar", "freshness"]

_HEALTH_MARK = {"ok": ("●", "green"), "warn": ("▲", "yellow"), "fail": ("✖", "bold red"),
                "off": ("○", "dim")}


def freshness(last_bar: datetime | None, source: str, now: datetime,
              bar_seconds: float) -> tuple[str, bool]:
    """How fresh the data is, in words, and whether it is stale.

    Data is stale when it is not live from the exchange or when its newest closed bar is
    more than two bars old.
    """
    if last_bar is None:
        return "no data", True
    closed_at = last_bar.timestamp() + bar_seconds
    behind = now.timestamp() - closed_at
    stale = source != "exchange" or behind > 2 * bar_seconds
    return f"{source}, last bar {fmt.age(behind + bar_seconds)} ago", stale


class HaltBanner(Static):
    """A full-width red line that is shown only while trading is halted or reduce-only."""

    DEFAULT_CSS = """
    HaltBanner {
        display: none;
        width: 1fr;
        height: 3;
        content-align: center middle;
        text-style: bold;
        background: $error;
        color: $text;
    }
    HaltBanner.reduce-only {
        background: $warning;
        color: $background;
    }
    HaltBanner.active {
        display: block;
    }
    """


    class Changed(Message):
        """Trading switched between ACTIVE, HALTED and REDUCE-ONLY."""

        def __init__(self, previous: str, label: str, text: str) -> None:
            super().__init__()
            self.previous = previous
            self.label = label
            self.text = text

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self.label = "UNKNOWN"
        self._shown = ""

    def show(self, section: Section[Any]) -> None:
        """Show the halt state; an unreadable state keeps what was last known."""
        if not section.ok:
            return
        halt = section.value
        active = bool(attr(halt, "active", default=False))
        reduce_only = bool(attr(halt, "reduce_only", default=False))
        label = "ACTIVE" if not active else "REDUCE-ONLY" if reduce_only else "HALTED"
        describe = getattr(halt, "describe", None)
        text = printable(describe() if callable(describe) else str(attr(halt, "reason", default="")))
        self.set_class(active, "active")
        self.set_class(active and reduce_only, "reduce-only")
        shown = f"■ {label} ■  {text}  ·  press r to resume" if active else ""
        if shown != self._shown:
            self._shown = shown
            self.update(shown)
        if label != self.label:
            previous, self.label = self.label, label
            self.post_message(self.Changed(previous, label, text))


class StatusBar(Horizontal):
    """One line: PAPER/LIVE, exchange, trading state, data freshness, agents' health."""

    DEFAULT_CSS = """
    StatusBar {
        height: 1;
        background: $panel;
    }
    StatusBar > Static {
        width: auto;
        padding: 0 1;
    }
    StatusBar > #status-mode.paper { background: $primary; color: $text; text-style: bold; }
    StatusBar > #status-mode.live { background: $error; color: $text; text-style: bold; }
    StatusBar > #status-trading.halted { background: $error; text-style: bold; }
    StatusBar > #status-trading.reduce-only { background: $warning; color: $background; }
    StatusBar > #status-data.stale { color: $warning; }
    StatusBar > #status-health { width: 1fr; }
    """


    class HealthChanged(Message):
        """An agent's health changed (e.g. ok -> down)."""

        def __init__(self, agent: str, before: str | None, after: str) -> None:
            super().__init__()
            self.agent = agent
            self.before = before
            self.after = after

    def __init__(self, mode: str, exchange: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.mode = mode
        self.exchange = exchange
        self._health: dict[str, str] = {}
        self._shown: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        mode = Static(self.mode.upper(), id="status-mode", classes=self.mode)
        yield mode
        yield Static(self.exchange, id="status-exchange")
        yield Static("trading: …", id="status-trading")
        yield Static("data: …", id="status-data")
        yield Static("agents: …", id="status-health")

    def _set(self, part: str, content: str | Text) -> Static | None:
        """Update one part of the bar only when it changes (an update costs a layout)."""
        key = content.markup if isinstance(content, Text) else content
        if self._shown.get(part) == key:
            return None
        self._shown[part] = key
        widget = self.query_one(f"#status-{part}", Static)
        widget.update(content)
        return widget

    def show_trading(self, label: str) -> None:
        trading = self._set("trading", f"trading: {label}")
        if trading is None:
            return
        trading.set_class(label == "HALTED", "halted")
        trading.set_class(label == "REDUCE-ONLY", "reduce-only")

    def show_data(self, words: str, stale: bool) -> None:
        data = self._set("data", f"data: {words}" + (" (stale)" if stale else ""))
        if data is not None:
            data.set_class(stale, "stale")

    def show_health(self, section: Section[dict[str, str]]) -> None:
        if not section.ok:
            self._set("health", "agents: n/a" if section.error == NOT_AVAILABLE
                      else f"agents: unknown ({section.error})")
            return
        states = {str(k): str(v) for k, v in (section.value or {}).items()}
        for agent, state in states.items():
            if self._health.get(agent) != state and agent in self._health:
                self.post_message(self.HealthChanged(agent, self._health.get(agent), state))
        self._health = states
        line = Text("agents: ")
        for agent, state in states.items():
            mark, style = _HEALTH_MARK.get(state, ("?", "yellow"))
            line.append(f"{agent} ")
            line.append(f"{mark} ", style=style)
        self._set("health", line)
