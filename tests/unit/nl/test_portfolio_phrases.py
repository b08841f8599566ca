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
