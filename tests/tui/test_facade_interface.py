"""The dashboard is typed against the facade: it calls only what ``Volex`` has, passes only the
keywords ``Volex`` takes (a renamed ``stop_loss`` fails loudly, it is never dropped), and the
test fake keeps the facade's signatures."""

from __future__ import annotations

import ast
import inspect
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.tui.fakes import FixedVolex
from tests.tui.helpers import settle, type_text, wait_for
from volex import Volex
from volex.domain.orders import TradePlan
from volex.nl import parse
from volex.tui.actions import trade_arguments
from volex.tui.app import VolexApp
from volex.tui.widgets.commandbar import CommandBar
from volex.tui.widgets.events import EventsFeed
from volex.tui.widgets.modals import TradePlanModal

TUI = Path(__file__).resolve().parents[2] / "volex" / "tui"


def _shape(function: Any) -> list[tuple[str, Any, Any]]:
    return [(p.name, p.kind, p.default) for p in inspect.signature(function).parameters.values()]


def test_the_fixed_facade_keeps_every_signature_it_overrides() -> None:
    overridden = [name for name, value in vars(FixedVolex).items()
                  if callable(value) and not name.startswith("_")]
    assert len(overridden) >= 10
    for name in overridden:
        assert _shape(getattr(FixedVolex, name)) == _shape(getattr(Volex, name)), name


def test_the_dashboard_uses_nothing_the_facade_lacks() -> None:
    used: set[str] = set()
    for path in TUI.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Attribute)
                    and node.value.attr == "volex"):
                used.add(node.attr)
    assert {"plan_trade", "trade", "halt", "cancel", "positions"} <= used
    with Volex(offline=True) as facade:
        assert sorted(name for name in used if not hasattr(facade, name)) == []


@pytest.mark.parametrize("text", ["buy 0.01 btc with a 2% stop and 6% take profit",
                                  "buy 100 usdt of eth at 3000 stop loss 3% if confident",
                                  "sell 50% of my sol"])
def test_every_keyword_of_a_dashboard_trade_is_one_plan_trade_takes(text: str) -> None:
    arguments = trade_arguments(parse(text))
    bound = inspect.signature(Volex.plan_trade).bind(None, **arguments)  # TypeError if renamed
    assert {k: v for k, v in bound.arguments.items() if k != "self"} == arguments


class RenamedStop(Volex):
    """A facade whose plan_trade calls the stop ``stop_loss_pct``: the dashboard must not drop
    the trader's stop to make the call fit."""

    def plan_trade(self, symbol: str, side: str | None = None, *, amount: Any = None,  # type: ignore[override]
                   quote: Any = None, percent: Any = None, limit: Any = None,
                   stop_loss_pct: Any = None, take_profit: Any = None,
                   if_confident: bool = False, min_confidence: Any = None) -> TradePlan:
        return super().plan_trade(symbol, side, amount=amount, quote=quote, percent=percent,
                                  limit=limit, stop_loss=stop_loss_pct, take_profit=take_profit,
                                  if_confident=if_confident, min_confidence=min_confidence)


@pytest.mark.asyncio
async def test_a_renamed_stop_loss_keyword_fails_the_trade_instead_of_dropping_the_stop() -> None:
    facade = RenamedStop(offline=True, actor="dashboard")
    app = VolexApp(facade, live_refresh=False)
    try:
        async with app.run_test(size=(160, 48)) as pilot:
            await settle(pilot)
            await pilot.press("slash")
            assert pilot.app.screen.query_one(CommandBar).has_focus
            await type_text(pilot, "buy 0.01 btc with a 2% stop")
            await pilot.press("enter")
            feed = app.screen.query_one(EventsFeed)
            await wait_for(pilot, lambda: any("trade failed" in line and "stop_loss" in line
                                              for line in feed.lines_text), what="the failure")
            assert not isinstance(app.screen, TradePlanModal)
        assert facade.positions() == [] and Decimal(0) == sum(
            (o.amount for o in facade.orders()), Decimal(0))
    finally:
        facade.close()
