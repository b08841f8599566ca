"""The autopilot replayed on history trades exactly what the backtest says it would.

The replay runs the autopilot's own loop (journal, risk, execution, paper venue) on a
simulated clock; the backtest is the vectorised engine. Same bars, same fees and slippage:
every trade's market, entry bar and exit bar must agree, and final equity within 0.01%.
"""

from __future__ import annotations

import json

import pytest

from tests.support.cli import run
from volex import Volex

MARKETS = ["BTC/USDT", "ETH/USDT", "DOGE/USDT"]
WINDOW = {"since": "2025-07-01", "until": "2025-07-23"}  # the bundled 2h data all three share


@pytest.mark.parametrize("strategy", ["sma_cross", "ema_cross"])
def test_replay_trades_equal_the_backtest_on_three_markets(strategy: str) -> None:
    with Volex(offline=True) as app:
        cash = app.settings.trading.starting_balance
        replay = app.replay_autopilot(watchlist=MARKETS, timeframe="2h", strategy=strategy,
                                      cash=cash, **WINDOW)
        backtests = app.backtest(strategy, MARKETS, timeframe="2h", cash=cash / len(MARKETS),
                                 slippage_bps=app.settings.trading.slippage_bps, **WINDOW)
    assert replay.problems == {}
    traded = 0
    for ours, theirs in zip(replay.results, backtests, strict=True):
        theirs = theirs.result
        assert ours.symbol == theirs.symbol
        assert list(ours.timestamps) == list(theirs.timestamps)
        mine = [(t["entry_bar"], t["exit_bar"], t["exit_reason"])
                for t in ours.trades.records(ours.timestamps)]
        expected = [(t["entry_bar"], t["exit_bar"], t["exit_reason"])
                    for t in theirs.trades.records(theirs.timestamps)]
        assert mine == expected, ours.symbol
        assert ours.equity[-1] == pytest.approx(theirs.equity[-1], rel=1e-4)
        traded += len(mine)
    assert traded >= 4  # the comparison is about real trades, not empty lists
    total = sum(b.result.equity[-1] for b in backtests)
    assert replay.final_equity == pytest.approx(total, rel=1e-4)


def test_replay_json_has_the_backtest_json_shape() -> None:
    args = ["--timeframe", "2h", "--since", WINDOW["since"], "--until", WINDOW["until"],
            "--offline", "--json"]
    replayed = run("run", "--replay", "--watchlist", "BTC/USDT", "--mode", "strategy:sma_cross",
                   *args)
    assert replayed.exit_code == 0, replayed.output
    backtested = run("backtest", "sma_cross", "BTC/USDT", "--slippage-bps", "5", "--cash",
                     "10000", *args)
    assert backtested.exit_code == 0, backtested.output
    ours, theirs = json.loads(replayed.stdout), json.loads(backtested.stdout)
    assert set(theirs) - {"source"} <= set(ours)
    assert set(ours["metrics"]) == set(theirs["metrics"])
    assert [(t["entry_time"], t["exit_time"]) for t in ours["trades"]] == [
        (t["entry_time"], t["exit_time"]) for t in theirs["trades"]]
    assert ours["metrics"]["final_equity"] == pytest.approx(theirs["metrics"]["final_equity"],
                                                            rel=1e-4)


def test_replay_needs_data_or_dates() -> None:
    result = run("run", "--replay", "--mode", "strategy:sma_cross", "--offline")
    assert result.exit_code == 2
    assert "--replay needs --data FILE... or --since/--until" in result.output


@pytest.mark.parametrize(("flags", "named"), [
    (["--stop-loss", "2"], "--stop-loss does not apply"),
    (["--take-profit", "5", "--quote", "100"], "--quote, --take-profit do not apply"),
    (["--percent", "10"], "--percent does not apply"),
])
def test_replay_refuses_entry_options_it_would_ignore(flags: list[str], named: str) -> None:
    """A replay sizes and exits as the backtest does; a stop it dropped silently would show a
    trader results without the stop they asked for."""
    result = run("run", "--replay", "--watchlist", "BTC/USDT", "--mode", "strategy:sma_cross",
                 "--since", WINDOW["since"], "--until", WINDOW["until"], "--offline", *flags)
    assert result.exit_code == 2
    assert named in result.output and "volex backtest --stop-loss" in result.output
    assert "Total return" not in result.output


@pytest.mark.parametrize("strategy", ["sma_cross", "ema_cross"])
@pytest.mark.parametrize("max_open", [2, 3])
def test_replay_through_the_allocator_equals_backtest_portfolio(strategy: str,
                                                                max_open: int) -> None:
    """One account, slots shared through the allocator; with 2 slots some signals are
    refused, and the replay must refuse the same ones."""
    from volex.portfolio.allocator import AllocationRules

    rules = AllocationRules(max_open=max_open)
    with Volex(offline=True) as app:
        replay = app.replay_autopilot(watchlist=MARKETS, timeframe="2h", strategy=strategy,
                                      rules=rules, **WINDOW)
        backtest = app.backtest_portfolio(strategy, MARKETS, rules, timeframe="2h",
                                          slippage_bps=app.settings.trading.slippage_bps,
                                          **WINDOW).to_dict()
    mine = sorted((r.symbol, t["entry_time"], t["exit_time"], t["exit_reason"])
                  for r in replay.results for t in r.trades.records(r.timestamps))
    theirs = sorted((t["symbol"], t["entry_time"], t["exit_time"], t["exit_reason"])
                    for t in backtest["trades"])
    assert mine == theirs
    assert len(mine) >= 4  # real trades (crosses enter on the cross: fewer than before)
    assert replay.final_equity == pytest.approx(backtest["metrics"]["final_equity"], rel=1e-4)


def test_replay_portfolio_json_is_backtest_portfolio_json() -> None:
    args = ["--timeframe", "2h", "--since", WINDOW["since"], "--until", WINDOW["until"],
            "--offline", "--json", "--portfolio", "--max-open", "2"]
    replayed = run("run", "--replay", "--watchlist", ",".join(MARKETS), "--mode",
                   "strategy:sma_cross", *args)
    assert replayed.exit_code == 0, replayed.output
    backtested = run("backtest", "sma_cross", *MARKETS, "--slippage-bps", "5", *args)
    assert backtested.exit_code == 0, backtested.output
    ours, theirs = json.loads(replayed.stdout), json.loads(backtested.stdout)
    assert set(ours) == set(theirs)
    assert ours["refused_signals"] == theirs["refused_signals"] != []
    assert [(t["symbol"], t["entry_bar"], t["exit_bar"]) for t in ours["trades"]] == [
        (t["symbol"], t["entry_bar"], t["exit_bar"]) for t in theirs["trades"]]
    for group in ("metrics", "portfolio_metrics"):
        for name, value in theirs[group].items():
            assert ours[group][name] == pytest.approx(value, rel=1e-4, abs=1e-6), name
