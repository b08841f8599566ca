"""Plain English for portfolio backtests: "together", "as a portfolio", "with 3 slots"."""

from __future__ import annotations

import pytest

from volex.nl import parse
from volex.nl.to_argv import to_argv

CASES = [
    ("backtest ema cross on btc, eth and sol together with 3 slots",
     [["backtest", "ema_cross", "BTC/USDT", "ETH/USDT", "SOL/USDT", "--portfolio",
       "--max-open", "3"]]),
    ("backtest sma on btc and eth as a portfolio",
     [["backtest", "sma_cross", "BTC/USDT", "ETH/USDT", "--portfolio"]]),
    ("optimize rsi on btc, eth and doge together, max 2 open positions",
     [["optimize", "rsi_reversion", "BTC/USDT", "ETH/USDT", "DOGE/USDT", "--portfolio",
       "--max-open", "2"]]),
    # Without the portfolio words nothing changes: one backtest per symbol, one search each.
    ("backtest ema cross on btc and eth",
     [["backtest", "ema_cross", "BTC/USDT", "ETH/USDT"]]),
    ("optimize rsi on btc and eth",
     [["optimize", "rsi_reversion", "BTC/USDT"], ["optimize", "rsi_reversion", "ETH/USDT"]]),
]


@pytest.mark.parametrize(("text", "argv"), CASES)
def test_portfolio_phrases_become_the_portfolio_form(text: str, argv: list[list[str]]) -> None:
    command = parse(text)
    assert command.confidence >= 0.9, command
    assert to_argv(command) == argv


def test_the_slots_are_read_as_a_count() -> None:
    command = parse("backtest ema cross on btc, eth and sol together with 3 slots")
    assert (command.intent, command.portfolio, command.max_open) == ("backtest", True, 3)
    assert command.strategy == "ema_cross"


@pytest.mark.parametrize(("text", "argv"), [
    ("set max open positions to 3", [["risk", "set", "max_open_positions", "3"]]),
    ("limit open positions to 4", [["risk", "set", "max_open_positions", "4"]]),
    ("set max asset to 40%", [["risk", "set", "max_asset_pct", "40"]]),
    ("set the asset cap to 30 percent", [["risk", "set", "max_asset_pct", "30"]]),
])
def test_the_portfolio_limits_are_risk_settings_in_plain_english(text: str,
                                                                 argv: list[list[str]]) -> None:
    assert to_argv(parse(text)) == argv


@pytest.mark.parametrize(("text", "error"), [
    ("set max open positions to 2.5", "max_open_positions must be a whole number"),
    ("set max asset to 140%", "percentages cannot be over 100"),
])
def test_bad_portfolio_limits_are_refused_in_words(text: str, error: str) -> None:
    assert parse(text).error == error
