"""The decisions panel: each recent decision with its components and reasons."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Static

from volex.domain.printable import printable
from volex.tui.feed import Section, attr
from volex.tui.widgets import fmt, set_subtitle

__all__ = ["DecisionsPanel", "render_decision"]


def _components(decision: Any) -> list[tuple[str, str]]:
    """(name, view) pairs of what went into a decision: technical, model, LLM check..."""
    found = attr(decision, "components", default=None)
    if found is None:
        return []
    if isinstance(found, dict):
        items = list(found.items())
    elif hasattr(type(found), "model_fields"):
        items = [(name, getattr(found, name)) for name in type(found).model_fields]
    else:
        items = [(attr(c, "name", default="?"), c) for c in found]
    pairs = []
    for name, value in items:
        if isinstance(value, (int, float)):
            pairs.append((str(name), f"{value:+.2f}"))
            continue
        view = attr(value, "view", "action", default="")
        confidence = attr(value, "confidence")
        shown = str(view) + (f" {confidence:.0%}" if isinstance(confidence, float) else "")
        reasons = attr(value, "reasons", default=[]) or []
        if reasons:
            shown += f" — {reasons[0]}"
        pairs.append((str(name), printable(shown)))
    return pairs


def render_decision(decision: Any) -> Text:
    """One decision: when, symbol, action and confidence, then components and reasons."""
    text = Text()
    at = attr(decision, "decided_at", "at", "as_of")
    if at is not None:
        text.append(f"{at:%H:%M} ", style="dim")
    text.append(str(attr(decision, "symbol", default="?")), style="bold")
    text.append(" ")
    text.append_text(fmt.action(attr(decision, "action", "side")))
    confidence = attr(decision, "confidence")
    if isinstance(confidence, (int, float)):
        text.append(f" {confidence:.0%}")
    blocked = attr(decision, "blocked", "vetoed")
    if blocked:
        text.append(" blocked", style="bold red")
    for name, value in _components(decision):
        text.append(f"\n  {name}: ", style="cyan")
        text.append(value)
    for reason in attr(decision, "reasons", default=[]) or []:
        text.append(f"\n  - {printable(str(reason))}", style="dim")
    return text


def _when(decision: Any) -> datetime:
    return attr(decision, "decided_at", "at", "as_of", default=None) or datetime.min.replace(
        tzinfo=UTC)


class DecisionsPanel(VerticalScroll):
    """Newest decision first; says "not available" until the signal agent provides them."""

    DEFAULT_CSS = """
    DecisionsPanel {
        height: 1fr;
    }
    """


    class Shown(Message):
        """Decisions not shown before appeared (the app notes the actionable ones)."""

        def __init__(self, decisions: list[Any]) -> None:
            super().__init__()
            self.decisions = decisions

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="panel")
        self.border_title = "Decisions"
        self._shown: list[str] = []

    def compose(self) -> ComposeResult:
        yield Static(Text("waiting for decisions…", style="dim"), id="decisions-body")

    def show(self, section: Section[Any], limit: int = 20) -> None:
        body = self.query_one("#decisions-body", Static)
        if not section.ok:
            set_subtitle(self, ("not available" if section.error == "not available"
                                    else f"stale: {section.error}"))
            if not self._shown:
                body.update(Text(f"decisions {self.border_subtitle}", style="dim"))
            return
        items = sorted(section.value or [], key=_when, reverse=True)[:limit]  # newest first
        set_subtitle(self, str(len(items)))
        keys = [str(attr(d, "id", default=id(d))) for d in items]
        if keys == self._shown:
            return
        new = [d for d, key in zip(items, keys, strict=True) if key not in self._shown]
        self._shown = keys
        rendered = [render_decision(d) for d in items]
        body.update(Group(*rendered) if rendered else Text("no decisions yet", style="dim"))
        if new:
            self.post_message(self.Shown(new))
