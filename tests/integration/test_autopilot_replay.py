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


# no protection; a stop that fires often, on entry bars too; a stop and a target together
EXITS = [{}, {"stop_loss_pct": 1.0}, {"stop_loss_pct": 1.5, "take_profit_pct": 3.0}]


@pytest.mark.parametrize("exits", EXITS, ids=["no-stops", "stop-1", "stop-1.5-target-3"])
@pytest.mark.parametrize("strategy", ["sma_cross", "ema_cross"])
def test_replay_trades_equal_the_backtest_on_three_markets(strategy: str,
                                                           exits: dict[str, float]) -> None:
    with Volex(offline=True) as app:
        cash = app.settings.trading.starting_balance
        replay = app.replay_autopilot(watchlist=MARKETS, timeframe="2h", strategy=strategy,
                                      cash=cash, **exits, **WINDOW)
        backtests = app.backtest(strategy, MARKETS, timeframe="2h", cash=cash / len(MARKETS),
                                 slippage_bps=app.settings.trading.slippage_bps, **exits,
                                 **WINDOW)
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
    reasons = {t["exit_reason"] for r in replay.results for t in r.trades.records(r.timestamps)}
    if exits:  # the protection really fired, on the paper venue as in the engine
        assert "stop_loss" in reasons
    else:
        assert reasons <= {"signal", "end"}
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
    (["--quote", "100"], "--quote does not apply"),
    (["--take-profit", "5", "--percent", "10"], "--percent does not apply"),
    (["--standby", "--stop-loss", "2"], "--standby does not apply"),
    (["--stop-loss", "100"], "--stop-loss is a distance below the fill in %, under 100"),
    (["--take-profit", "-3"], "--take-profit"),
])
def test_replay_refuses_options_it_cannot_honour(flags: list[str], named: str) -> None:
    """A replay sizes as the backtest does; a size it dropped silently would show a trader
    results they did not ask for. A bad stop is refused before anything runs."""
    result = run("run", "--replay", "--watchlist", "BTC/USDT", "--mode", "strategy:sma_cross",
                 "--since", WINDOW["since"], "--until", WINDOW["until"], "--offline", *flags)
    assert result.exit_code == 2, result.output
    assert named in result.output
    assert "Total return" not in result.output and "Traceback" not in result.output


def test_replay_with_a_stop_and_target_is_the_backtest_with_them() -> None:
    args = ["--timeframe", "2h", "--since", WINDOW["since"], "--until", WINDOW["until"],
            "--offline", "--json", "--stop-loss", "1", "--take-profit", "1.5"]
    replayed = run("run", "--replay", "--watchlist", "DOGE/USDT", "--mode",
                   "strategy:sma_cross", *args)
    assert replayed.exit_code == 0, replayed.output
    backtested = run("backtest", "sma_cross", "DOGE/USDT", "--slippage-bps", "5", "--cash",
                     "10000", *args)
    assert backtested.exit_code == 0, backtested.output
    ours, theirs = json.loads(replayed.stdout), json.loads(backtested.stdout)
    trades = [(t["entry_time"], t["exit_time"], t["exit_reason"]) for t in ours["trades"]]
    assert trades == [(t["entry_time"], t["exit_time"], t["exit_reason"])
                      for t in theirs["trades"]]
    assert {"stop_loss", "take_profit"} <= {reason for _, _, reason in trades}
    assert ours["metrics"]["final_equity"] == pytest.approx(theirs["metrics"]["final_equity"],
                                                            rel=1e-4)


@pytest.mark.parametrize(("strategy", "max_open", "exits"), [
    ("sma_cross", 2, {}), ("sma_cross", 3, {}), ("ema_cross", 2, {}), ("ema_cross", 3, {}),
    ("sma_cross", 2, EXITS[1]), ("ema_cross", 3, EXITS[2])])
def test_replay_through_the_allocator_equals_backtest_portfolio(
        strategy: str, max_open: int, exits: dict[str, float]) -> None:
    """One account, slots shared through the allocator; with 2 slots some signals are
    refused, and the replay must refuse the same ones (a stop frees a slot in both)."""
    from volex.portfolio.allocator import AllocationRules

    rules = AllocationRules(max_open=max_open)
    with Volex(offline=True) as app:
        replay = app.replay_autopilot(watchlist=MARKETS, timeframe="2h", strategy=strategy,
                                      rules=rules, **exits, **WINDOW)
        backtest = app.backtest_portfolio(strategy, MARKETS, rules, timeframe="2h",
                                          slippage_bps=app.settings.trading.slippage_bps,
                                          **exits, **WINDOW).to_dict()
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
