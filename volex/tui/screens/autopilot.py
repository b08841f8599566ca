"""The autopilot panel: the dashboard attaches to a running `volex run` (it never hosts it).

Everything shown is read from the store (lease, heartbeat, bar journal), so the panel works
from any machine sharing the store; ``s`` asks the autopilot to stop (the same flag as
`volex run stop`), after a confirmation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from volex.autopilot.lease import describe_setup

if TYPE_CHECKING:
    from volex.facade import Volex

__all__ = ["AutopilotScreen", "autopilot_lines"]


def autopilot_lines(summary: dict[str, Any], decisions: list[dict[str, Any]]) -> str:
    """The panel's text: state, where, heartbeat, next bar, skipped markets, decisions."""
    lines = [f"{summary['account']}: {summary['status']}"]
    if "host" in summary:
        lines.append(f"{summary['host']} pid {summary['pid']} · since {summary['since'][:19]}"
                     f" · heartbeat {summary['heartbeat_age_s']}s ago")
        lines.append(describe_setup(summary))
        lines.extend(f"{symbol} skipped: {why}"
                     for symbol, why in (summary.get("problems") or {}).items())
    lines.append("")
    lines.extend(f"{d['bar'][:16].replace('T', ' ')} {d['symbol']} {d['action']}: "
                 f"{d['detail'][:90]}" for d in decisions)
    return "\n".join(lines)


class AutopilotScreen(ModalScreen[None]):
    """The autopilot's state and last decisions; s stops it, escape closes."""

    DEFAULT_CSS = """
    AutopilotScreen { align: center middle; background: $background 60%; }
    AutopilotScreen > Vertical {
        width: 110; height: auto; border: thick $accent; background: $surface; padding: 1 2;
    }
    AutopilotScreen Label { text-style: bold; margin-bottom: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,p", "close", "Close"),
        Binding("s", "stop", "Stop the autopilot"),
    ]

    def __init__(self, volex: Volex) -> None:
        super().__init__()
        self.volex = volex

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Autopilot — s: stop it · escape: close")
            yield Static(self._text(), id="autopilot-state", markup=False)

    def _text(self) -> str:
        decisions = [r.to_dict() for r in self.volex.runtime.store.autopilot.recent(
            self.volex.autopilot_account, 10)]
        return autopilot_lines(self.volex.autopilot_summary(), decisions)

    def action_stop(self) -> None:
        from volex.tui.widgets.modals import ConfirmModal

        def answered(yes: bool | None) -> None:
            if yes:
                asked = self.volex.stop_autopilot()
                self.notify("asked the autopilot to stop" if asked
                            else "no autopilot is running")
                self.query_one("#autopilot-state", Static).update(self._text())

        self.app.push_screen(ConfirmModal("Stop the autopilot after its current step?",
                                          yes_label="Stop", danger=True), answered)

    def action_close(self) -> None:
        self.dismiss(None)
