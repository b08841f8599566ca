"""`volex reconcile`: a real paper autopilot session against the backtest of the same bars.

The session runs the autopilot's own loop (journal, risk, execution, paper venue) on a
simulated clock over bundled BTC/USDT bars and a second market; reconcile then replays its
recorded settings and must find every trade matched. A trade placed by hand is not the
autopilot's and changes nothing; a journal that names it (and forgets one of its own) shows
as one extra and one missed trade.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.support.autopilot import btc_file
from tests.support.cli import one_line_error, run
from volex import Volex
from volex.adapters.storage.autopilot import BarRecord
from volex.autopilot.clock import ReplayClock
from volex.autopilot.scheduler import CLOSE_GRACE_S

STEP = timedelta(hours=2)


@pytest.fixture
def files(tmp_path: Path) -> list[Path]:
    """300 bundled BTC/USDT 2h bars, and a second market moving the other way."""
    btc = btc_file(tmp_path / "btc.csv", 300)
    lines = btc.read_text().splitlines()
    top = max(float(v) for row in lines[1:] for v in row.split(",")[1:5])
    flipped = [lines[0]] + [",".join([r.split(",")[0]] + [
        f"{(top * 1.1 - float(v)) / 50:.6f}" for v in r.split(",")[1:5]] + r.split(",")[5:])
        for r in lines[1:]]
    (tmp_path / "eth.csv").write_text("\n".join(flipped) + "\n")
    return [btc, tmp_path / "eth.csv"]


def _session(files: list[Path], first: int = 0, last: int = 400, **sizing: float) -> None:
    """A paper autopilot over the files' bars from the ``first``-th bar after the replay's
    start (the second bar's close) to the ``last``-th (or the end of the data)."""
    second = datetime.fromisoformat(files[0].read_text().splitlines()[2].split(",")[0])
    start = second.replace(tzinfo=UTC) + STEP + timedelta(seconds=CLOSE_GRACE_S)
    with Volex(offline=True, actor="cli") as app:
        if first == 0:
            for state in ("backtested", "paper"):
                app.set_strategy_state("sma_cross", state)
        pilot = app.prepare_autopilot(watchlist=["BTC/USDT", "ETH/USDT"], mode="strategy",
                                      strategy="sma_cross", params={"fast": 3, "slow": 8},
                                      data=files, clock=ReplayClock(start + first * STEP),
                                      **{"quote": 50, **sizing})
        pilot.heartbeat_s = 0.0
        pilot.start()
        pilot.run(until=start + last * STEP)


def _reconcile(*args: str) -> dict:
    result = run("reconcile", "--json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_a_paper_session_matches_the_backtest_trade_for_trade(files: list[Path]) -> None:
    _session(files)
    report = _reconcile()
    assert report["ran"] and report["decider"] == "strategy sma_cross"
    assert [m["symbol"] for m in report["markets"]] == ["BTC/USDT", "ETH/USDT"]
    for market in report["markets"]:
        assert market["matched"] >= 10, market  # real trades on both markets, not empty lists
        assert (market["missed"], market["extra"], market["late_bars"]) == (0, 0, 0), market
        assert market["slippage"] == pytest.approx(0, abs=1e-6)  # fills at the next open
        assert market["fees"] > 0
    pairs = report["markets"][0]["trades"]["matched"]
    assert all(p["backtest"]["bar"] == p["autopilot"]["bar"] and p["autopilot"]["order_id"]
               for p in pairs)
    assert report["protective_exits"] == 0
    table = run("reconcile")
    assert table.exit_code == 0 and "BTC/USDT" in table.output and "total" in table.output

    narrow = _reconcile("--since", "2017-08-25", "--until", "2017-08-30")
    assert 0 < narrow["matched"] < report["matched"]
    assert narrow["since"].startswith("2017-08-25") and narrow["missed"] == narrow["extra"] == 0


def test_bars_the_autopilot_was_down_for_show_as_late_fills_and_their_slippage(
        files: list[Path]) -> None:
    """Down for 4 bars over a crossover: it trades on its first bar back, 2 bars after the
    backtest, at another price; still the same trades, late, with the slippage measured."""
    _session(files, 0, 60)
    _session(files, 64)
    report = _reconcile()
    assert (report["missed"], report["extra"]) == (0, 0)
    for market in report["markets"]:
        assert market["late_bars"] == 2, market
        assert market["slippage"] != pytest.approx(0, abs=1e-6)
        assert market["cost"] == pytest.approx(market["slippage"] + market["fee_excess"])
        late = [p for p in market["trades"]["matched"] if p["late_bars"]]
        assert [p["late_bars"] for p in late] == [2]
        assert late[0]["autopilot"]["price"] != late[0]["backtest"]["price"]


def test_stop_loss_exits_are_the_autopilots_trades_and_match_the_backtests(
        files: list[Path]) -> None:
    """With a 0.5% stop the autopilot's stops fire, often on the bar that entered. Their
    fills are the autopilot's trades, marked as stops, and the replay places the same stops:
    every trade matches, stop for stop, at the same price."""
    _session(files, stop_loss=0.5)
    report = _reconcile()
    assert report["protective_exits"] >= 10, report
    assert (report["missed"], report["extra"]) == (0, 0)
    for market in report["markets"]:
        pairs = market["trades"]["matched"]
        stops = [p for p in pairs if p["autopilot"]["exit_reason"] == "stop_loss"]
        assert len(stops) == market["protective_exits"] > 0
        assert all(p["backtest"]["exit_reason"] == "stop_loss"
                   and p["backtest"]["bar"] == p["autopilot"]["bar"] for p in stops)
        assert {(p["backtest"]["exit_reason"], p["autopilot"]["exit_reason"]) for p in pairs} \
            == {(None, None), ("signal", "signal"), ("stop_loss", "stop_loss")}
        assert market["slippage"] == pytest.approx(0, abs=1e-6)


def test_a_hand_trade_counts_only_when_the_journal_names_it(files: list[Path]) -> None:
    _session(files)
    before = _reconcile()
    with Volex(offline=True, actor="cli") as app:
        hand = app.trade(app.plan_trade("ETH/USDT", "buy", quote=20), reason="by hand").order
    assert _reconcile()["markets"] == before["markets"]  # actor cli: not the autopilot's

    with Volex(offline=True) as app:
        repo, account = app.runtime.store.autopilot, app.autopilot_account
        journal = repo.bars(account, "ETH/USDT")
        fill = next(f for f in app.runtime.execution.exchange.my_trades("ETH/USDT")
                    if f.order_id == hand.id)
        bar = int(fill.at.timestamp() * 1000) // 7_200_000 * 7_200_000 - 7_200_000
        own = next(r for r in journal if r.action == "buy" and r.order_id)
        own.order_id = None  # the journal lost one of its own orders: that buy is missed
        planted = BarRecord("ETH/USDT", "2h", bar, "done", "buy", "planted", {},
                            order_id=hand.id)
        repo.put_many(account, "test", [own, planted], journal[-1].updated_ms)
    eth = _reconcile()["markets"][1]
    assert (eth["missed"], eth["extra"]) == (1, 1)
    assert eth["trades"]["extra"][0]["order_id"] == hand.id
    assert eth["matched"] == before["markets"][1]["matched"] - 1


def test_no_autopilot_ever_ran_is_one_line() -> None:
    result = run("reconcile")
    assert result.exit_code == 0
    assert result.output.strip().splitlines() == [
        "No autopilot ever ran on paper:paper: nothing to compare."]
    assert _reconcile()["ran"] is False


def test_a_bad_date_is_one_line() -> None:
    assert "bad date" in one_line_error(run("reconcile", "--since", "yesterday-ish"))
