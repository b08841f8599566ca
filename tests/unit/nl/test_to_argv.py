"""Commands as volex argv: the translation ask and the shell run through the CLI."""

from __future__ import annotations

import pytest
import typer

from volex.errors import UserInputError
from volex.nl import parse
from volex.nl.to_argv import number, to_argv

CASES = [
    ("analyze BTC on the 4 hour chart", [["analyze", "BTC/USDT", "--timeframe", "4h"]]),
    ("analyze btc and eth", [["analyze", "BTC/USDT", "ETH/USDT"]]),
    ("signals", [["signals"]]),
    ("signals for sol daily", [["signals", "SOL/USDT", "--timeframe", "1d"]]),
    ("buy $500 of eth with a 5% stop loss",
     [["trade", "ETH/USDT", "--side", "buy", "--quote", "500", "--stop-loss", "5"]]),
    ("buy 0.5 btc at 60k, tp 10%",
     [["trade", "BTC/USDT", "--side", "buy", "--amount", "0.5", "--limit", "60000",
       "--take-profit", "10"]]),
    ("sell half my sol", [["trade", "SOL/USDT", "--side", "sell", "--percent", "50"]]),
    ("close my doge position", [["trade", "DOGE/USDT", "--side", "sell", "--percent", "100"]]),
    ("trade btc if at least 75 percent sure",
     [["trade", "BTC/USDT", "--if-confident", "--min-confidence", "0.75"]]),
    ("buy 1 BTCUSD", [["trade", "BTC/USD", "--side", "buy", "--amount", "1"]]),
    ("cancel all orders", [["cancel", "--all"]]),
    ("cancel order 991", [["cancel", "991"]]),
    ("cancel my eth orders", [["cancel", "ETH/USDT"]]),
    ("orders", [["orders"]]),
    ("show my positions", [["positions"]]),
    ("balance", [["balance"]]),
    ("halt", [["halt"]]),
    ("close everything", [["halt", "--flatten"]]),
    ("halt, reduce only", [["halt", "--reduce-only"]]),
    ("resume trading", [["resume"]]),
    ("start the autopilot on btc and eth hourly",
     [["run", "--watchlist", "BTC/USDT,ETH/USDT", "--timeframe", "1h"]]),
    ("stop the autopilot", [["run", "stop"]]),
    ("what is the autopilot doing?", [["run", "status"]]),
    ("status", [["status"]]),
    ("show my risk limits", [["risk", "show"]]),
    ("set max daily loss to 3%", [["risk", "set", "max_daily_loss_pct", "3"]]),
    ("alert me when btc goes above 70k", [["alert", "BTC/USDT", "--above", "70000"]]),
    ("backtest ema cross 9/21 on btc 4h last 90 days",
     [["backtest", "ema_cross", "BTC/USDT", "--timeframe", "4h", "--days", "90",
       "--param", "fast=9", "--param", "slow=21"]]),
    ("optimize rsi on eth with bayes, 200 trials",
     [["optimize", "rsi_reversion", "ETH/USDT", "--method", "bayes", "--trials", "200"]]),
    ("open the dashboard", [["dashboard"]]),
    ("dashboard for btc and eth hourly",
     [["dashboard", "--symbol", "BTC/USDT", "--symbol", "ETH/USDT", "--timeframe", "1h"]]),
    ("analyze BTC then trade it if confident",
     [["analyze", "BTC/USDT"], ["trade", "BTC/USDT", "--if-confident"]]),
    ("halt and show my positions", [["halt"], ["positions"]]),
]


@pytest.mark.parametrize(("text", "argv"), CASES, ids=[c[0] for c in CASES])
def test_to_argv(text: str, argv: list[list[str]]) -> None:
    assert to_argv(parse(text)) == argv


@pytest.mark.parametrize(("text", "words"), [
    ("buy -5 btc", "positive"),
    ("buy some", "which symbol"),
    ("backtest on btc", "which strategy"),
    ("analyze", "which symbol"),
    ("hello there", "nothing to run"),
    ("alert me about btc", "price"),
])
def test_commands_that_cannot_run_say_why(text: str, words: str) -> None:
    with pytest.raises(UserInputError, match=words):
        to_argv(parse(text))


@pytest.mark.parametrize(("value", "text"), [(500.0, "500"), (0.25, "0.25"), (60000.0, "60000"),
                                             (1e-05, "0.00001"), (2500.5, "2500.5")])
def test_numbers_are_written_as_typed(value: float, text: str) -> None:
    assert number(value) == text


@pytest.mark.parametrize(("text", "_argv"), CASES, ids=[c[0] for c in CASES])
def test_argv_is_accepted_by_the_real_command_when_it_exists(text: str, _argv: object) -> None:
    from volex.cli import app

    root = typer.main.get_command(app)
    for argv in to_argv(parse(text)):
        command = root.commands.get(argv[0])  # type: ignore[attr-defined]
        assert command is not None, f"`volex {argv[0]}` does not exist"
        args = argv[1:]
        # a group: descend to the subcommand (a group that runs itself takes options first)
        while hasattr(command, "commands") and args and not args[0].startswith("-"):
            command = command.commands.get(args[0])
            assert command is not None, f"`volex {' '.join(argv[:2])}` does not exist"
            args = args[1:]
        with typer.Context(root, info_name="volex") as parent:
            command.make_context(argv[0], list(args), parent=parent)


def _days_ago(days: int) -> str:
    from datetime import UTC, datetime, timedelta

    return (datetime.now(UTC).date() - timedelta(days=days)).isoformat()


def test_the_autopilot_started_with_a_stop_starts_with_the_stop() -> None:
    """"with a 2% stop" once stopped the autopilot instead of starting it."""
    assert to_argv(parse("start the autopilot on btc with a 2% stop and a 5% take profit")) == [
        ["run", "--watchlist", "BTC/USDT", "--stop-loss", "2", "--take-profit", "5"]]
    assert to_argv(parse("start the autopilot with sma_cross on eth")) == [
        ["run", "--watchlist", "ETH/USDT", "--mode", "strategy:sma_cross"]]


def test_the_autopilot_on_history_and_against_the_backtest() -> None:
    assert to_argv(parse("replay the autopilot on eth over the last 60 days with a 2% stop")) \
        == [["run", "--replay", "--since", _days_ago(60), "--watchlist", "ETH/USDT",
             "--stop-loss", "2"]]
    assert to_argv(parse("did the autopilot match the backtest over the last week?")) == [
        ["reconcile", "--since", _days_ago(7)]]
    assert to_argv(parse("reconcile")) == [["reconcile"]]
    assert not parse("replay the autopilot on btc over the last month").would_trade
    with pytest.raises(UserInputError, match="how far back"):
        to_argv(parse("replay the autopilot on btc"))


def test_strategy_ids_name_the_same_strategies_as_the_command_model() -> None:
    from volex.nl.command import STRATEGIES
    from volex.nl.lexicon import _STRATEGY_IDS

    assert set(_STRATEGY_IDS) == set(STRATEGIES)
