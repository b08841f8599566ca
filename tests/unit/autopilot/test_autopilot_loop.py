"""The autopilot's loop in one process on a simulated clock: failures isolated per market,
the stop flag, the lease refusal, and what `volex run status` shows."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.support.autopilot import btc_file
from tests.support.cli import one_line_error, run
from volex import Volex
from volex.adapters.storage.autopilot import Holder
from volex.autopilot.clock import ReplayClock

START = datetime(2017, 8, 19, tzinfo=UTC)
FRAGILE = (
    "import numpy as np\n"
    "from volex.strategies import Param, Strategy\n\n"
    "class Fragile(Strategy):\n"
    "    name = 'fragile'\n"
    "    params = (Param('period', 3, 2, 10, 1),)\n\n"
    "    def generate(self, candles, params):\n"
    "        close = np.asarray(candles['close'], dtype=float)\n"
    "        if close[-1] < 1000:\n"
    "            raise ZeroDivisionError('cheap market')\n"
    "        return (close > close.mean()).astype(np.int8)\n")


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    """BTC bars, and the same bars scaled down (a market the fragile strategy fails on)."""
    btc = btc_file(tmp_path / "btc.csv", 200)
    lines = btc.read_text().splitlines()
    cheap = [lines[0]] + [",".join([row.split(",")[0]] + [str(float(v) / 100) for v in
                                                         row.split(",")[1:]])
                          for row in lines[1:]]
    (tmp_path / "cheap.csv").write_text("\n".join(cheap) + "\n")
    return btc, tmp_path / "cheap.csv"


def _pilot(app: Volex, files: tuple[Path, Path], clock: ReplayClock, strategy_file: Path):
    for state in ("backtested", "paper"):
        app.set_strategy_state("fragile", state, file=strategy_file)
    return app.prepare_autopilot(watchlist=["BTC/USDT", "ETH/USDT"], mode="strategy",
                                 strategy="fragile", data=list(files), file=strategy_file,
                                 clock=clock)


def test_a_failing_market_is_reported_once_and_skipped_while_the_others_trade(
        files: tuple[Path, Path], tmp_path: Path) -> None:
    strategy_file = tmp_path / "fragile.py"
    strategy_file.write_text(FRAGILE)
    clock = ReplayClock(START)
    with Volex(offline=True, actor="cli") as app:
        pilot = _pilot(app, files, clock, strategy_file)
        pilot.start()
        outcome = pilot.run(until=START + timedelta(hours=40))
        journal = app.runtime.store.autopilot.bars(app.autopilot_account)
        skips = [r for r in app.audit() if r.action == "autopilot.skip"]
        state = app.autopilot_status()
    assert outcome.ended == "end of data"
    assert {b.symbol for b in journal} == {"BTC/USDT"}
    assert len(journal) == 20  # every 2h bar of BTC/USDT in the 40 hours, none twice
    assert [s.subject for s in skips] == ["ETH/USDT"]  # retried each pass, reported once
    assert "ZeroDivisionError: cheap market" in skips[0].reason
    assert state["status"] == "STOPPED" and state["markets"][0]["symbol"] == "BTC/USDT"


def test_the_stop_flag_ends_the_loop_and_frees_the_lease(files: tuple[Path, Path],
                                                         tmp_path: Path) -> None:
    strategy_file = tmp_path / "fragile.py"
    strategy_file.write_text(FRAGILE)
    with Volex(offline=True, actor="cli") as app:
        pilot = _pilot(app, files, ReplayClock(START), strategy_file)
        pilot.start()
        assert app.stop_autopilot() is True
        assert pilot.run().ended == "stopped"
        assert app.autopilot_status()["status"] == "STOPPED"
        assert app.stop_autopilot() is False


def test_a_second_autopilot_is_refused_naming_the_holder(files: tuple[Path, Path]) -> None:
    with Volex(offline=True) as app:
        now = int(datetime.now(UTC).timestamp() * 1000)
        app.runtime.store.autopilot.acquire("paper:paper", Holder("x", "other-host", 4242), now,
                                            60_000, {"watchlist": ["BTC/USDT"]})
        app.set_strategy_state("sma_cross", "backtested")
        app.set_strategy_state("sma_cross", "paper")
    result = run("run", "--watchlist", "BTC/USDT", "--mode", "strategy:sma_cross", "--data",
                 str(files[0]), "--yes")
    line = one_line_error(result, 1)
    assert "already runs on paper:paper: host 'other-host' (pid 4242)" in line
    status = json.loads(run("run", "status", "--json").stdout)
    assert status["running"] is True and status["pid"] == 4242


def test_status_shows_the_stop_and_target_the_autopilot_protects_entries_with(
        files: tuple[Path, Path]) -> None:
    with Volex(offline=True) as app:
        app.set_strategy_state("sma_cross", "backtested")
        app.set_strategy_state("sma_cross", "paper")
        pilot = app.prepare_autopilot(watchlist=["BTC/USDT"], mode="strategy",
                                      strategy="sma_cross", data=[files[0]], stop_loss="2",
                                      take_profit="5")
        pilot.start()
        status = app.autopilot_status()
        assert (status["stop_loss_pct"], status["take_profit_pct"]) == ("2", "5")
        shown = " ".join(run("run", "status").output.split())
        assert "strategy sma_cross · BTC/USDT " in shown and "· stop 2% · target 5% ·" in shown
        from volex.tui.screens.autopilot import autopilot_lines

        assert "· stop 2% · target 5% ·" in autopilot_lines(app.autopilot_summary(), [])


@pytest.mark.parametrize(("args", "message"), [
    (["--mode", "scalping"], "--mode is signals or strategy NAME"),
    (["--mode", "strategy"], "--mode strategy needs a strategy"),
    (["--since", "2025-01-01"], "--since, --until, --cash and --portfolio go with --replay"),
])
def test_bad_input_is_a_one_line_error(args: list[str], message: str) -> None:
    assert message in one_line_error(run("run", "--watchlist", "BTC/USDT", *args, "--yes",
                                         "--offline"))


def test_one_data_file_per_market(files: tuple[Path, Path]) -> None:
    with Volex(offline=True) as app:
        app.set_strategy_state("sma_cross", "backtested")
        app.set_strategy_state("sma_cross", "paper")
    result = run("run", "--watchlist", "BTC/USDT,ETH/USDT", "--mode", "strategy:sma_cross",
                 "--data", str(files[0]), "--yes")
    assert "one --data file per market" in one_line_error(result)


def test_status_and_stop_with_no_autopilot() -> None:
    status = json.loads(run("run", "status", "--json").stdout)
    assert status["running"] is False and status["status"] == "NOT RUNNING"
    stopped = run("run", "stop")
    assert stopped.exit_code == 0 and "no autopilot is running" in stopped.output


def test_status_and_doctor_show_a_dead_autopilot(files: tuple[Path, Path]) -> None:
    """An autopilot killed without stopping: its lease expired while RUNNING."""
    with Volex(offline=True) as app:
        long_ago = int(datetime.now(UTC).timestamp() * 1000) - 120_000
        app.runtime.store.autopilot.acquire("paper:paper", Holder("x", "other-host", 4242),
                                            long_ago, 30_000, {"watchlist": ["BTC/USDT"]})
    status = json.loads(run("run", "status", "--json").stdout)
    assert status["running"] is False and status["status"] == "DEAD (lease expired)"
    assert "Autopilot: DEAD (lease expired)" in run("status").output
    rows = {r["component"]: r for r in json.loads(run("doctor", "--json").stdout)}
    assert rows["autopilot"]["status"] == "warn"
    assert "other-host pid 4242 stopped beating" in rows["autopilot"]["detail"]


def test_bars_that_closed_while_it_was_down_are_journaled_as_missed(
        files: tuple[Path, Path], tmp_path: Path) -> None:
    strategy_file = tmp_path / "fragile.py"
    strategy_file.write_text(FRAGILE)
    with Volex(offline=True, actor="cli") as app:
        first = _pilot(app, files, ReplayClock(START), strategy_file)
        first.symbols = ["BTC/USDT"]
        first.start()
        first.run(until=START + timedelta(hours=4))
    later = START + timedelta(hours=24)
    with Volex(offline=True, actor="cli") as app:
        second = _pilot(app, files, ReplayClock(later), strategy_file)
        second.symbols = ["BTC/USDT"]
        second.start()
        second.run(until=later + timedelta(hours=1))
        journal = app.runtime.store.autopilot.bars(app.autopilot_account)
    step = 2 * 3_600_000
    stamps = [b.bar_ms for b in journal]
    assert stamps == list(range(stamps[0], stamps[-1] + step, step))  # no silent gap
    missed = [b for b in journal if b.action == "missed"]
    assert len(missed) == 10 and "no autopilot was running" in missed[0].detail
    assert journal[-1].action != "missed"  # the newest bar was acted on
