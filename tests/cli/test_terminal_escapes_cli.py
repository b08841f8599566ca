"""Control characters in stored text are shown escaped, never replayed to the terminal.

`volex halt --reason $'\\x1b]0;PWNED\\x07\\x1b[2J'` once retitled and cleared the terminal of
everyone who then ran `status`, `audit`, `risk show`, `positions`, `balance`, `orders`, or
had an order refused. The reason is stored as given and shown as visible escapes.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from tests.support.cli import run
from volex.domain.printable import printable

PAYLOAD = "\x1b]0;PWNED\x07\x1b[2J\u202eevil"


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VOLEX_OFFLINE", "true")


def test_printable_escapes_controls_and_keeps_layout() -> None:
    assert printable(PAYLOAD) == "\\x1b]0;PWNED\\x07\\x1b[2J\\u202eevil"
    assert printable("two\tcolumns\nand lines, 1,000.50 € ✓") == "two\tcolumns\nand lines, 1,000.50 € ✓"
    assert printable("\x9b31m\x7f\x00") == "\\x9b31m\\x7f\\x00"


@pytest.mark.parametrize("command", [("status",), ("audit",), ("risk", "show"), ("positions",),
                                     ("balance",), ("orders",),
                                     ("buy", "BTC/USDT", "--quote", "10", "--yes")])
def test_a_hostile_halt_reason_is_shown_escaped(command: tuple[str, ...]) -> None:
    assert run("halt", "--reason", PAYLOAD).exit_code == 0
    result = run(*command)
    shown = result.output
    assert "\x1b]" not in shown and "\x1b[2J" not in shown and "\u202e" not in shown
    assert "\\x1b]0;PWNED" in shown, shown


def test_the_dashboard_shows_an_llm_reason_escaped() -> None:
    from volex.tui.widgets.decisions import render_decision

    decision = SimpleNamespace(symbol="BTC/USDT", action="buy", confidence=0.7,
                               reasons=[f"the model says {PAYLOAD}"], components=[])
    plain = render_decision(decision).plain
    assert "\x1b" not in plain and "\\x1b]0;PWNED" in plain
