"""`volex strategy run` as a trader uses it: paper runs on the bundled sample, a fixed clock.

The candles are the bundled BTC/USDT daily sample replayed from a file; the clock decides
which bars have closed. With sma_cross (10/30) the fast average crosses above the slow one on
the bars of 2025-06-30 and 2025-08-13 and below on 2025-08-04 and 2025-08-22, so at
2025-08-14 12:00 the latest closed bar (2025-08-13) is a cross up, and at 2025-08-23 12:00
(bar 2025-08-22) the target is flat.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from tests.support.cli import one_line_error, run

LONG_AT = datetime(2025, 8, 14, 12, tzinfo=UTC)
FLAT_AT = datetime(2025, 8, 23, 12, tzinfo=UTC)


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """Prices from the bundled sample: these tests never reach the network."""
    monkeypatch.setenv("VOLEX_OFFLINE", "true")


@pytest.fixture
def sample(tmp_path: Path) -> str:
    """The bundled BTC/USDT daily candles as a file to replay."""
    from volex.adapters.market_data.files import sample_candles

    path = tmp_path / "btc_1d.csv"
    sample_candles("BTC/USDT", "1d").to_csv(path, index=False)
    return str(path)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch):
    """Set the runner's clock: ``clock(moment)``."""
    def set_to(moment: datetime) -> None:
        monkeypatch.setattr("volex.agents.strategy_runner.utcnow", lambda: moment)

    set_to(LONG_AT)
    return set_to


def _promote(*states: str) -> None:
    for state in states:
        result = run("strategy", "promote", "sma_cross", state)
        assert result.exit_code == 0, result.output


def _run(sample: str, *extra: str):
    return run("strategy", "run", "sma_cross", "btc", "--data", sample, "--once", "--yes",
               "--json", *extra)


def _bar(result) -> dict:
    assert result.exit_code == 0, result.output
    [line] = result.stdout.splitlines()
    return json.loads(line)


def _json(*args: str):
    result = run(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _held() -> Decimal:
    return next((Decimal(p["amount"]) for p in _json("positions")
                 if p["symbol"] == "BTC/USDT"), Decimal(0))


def _orders_by_runner() -> list[dict]:
    return [r for r in _json("audit") if r["action"].startswith("order.")
            and r["actor"] == "agent"]


def test_a_draft_strategy_is_refused_with_the_command_that_promotes_it(sample: str,
                                                                        clock) -> None:
    line = one_line_error(_run(sample))
    assert "sma_cross is draft" in line and "volex strategy promote sma_cross paper" in line
    assert _held() == 0 and _orders_by_runner() == []


def test_on_paper_it_goes_long_once_per_bar_then_flat(sample: str, clock) -> None:
    _promote("backtested", "paper")
    first = _bar(_run(sample, "--quote", "500", "--stop-loss", "5"))
    assert (first["bar"], first["target"], first["action"]) == (
        "2025-08-13T00:00:00+00:00", "long", "buy")
    assert first["mode"] == "paper" and first["order_id"]
    held = _held()
    assert held > 0

    again = _bar(_run(sample, "--quote", "500"))  # a restart on the same bar
    assert again["action"] == "done" and again["bar"] == first["bar"]
    assert _held() == held
    sent = [r for r in _orders_by_runner() if r["action"] == "order.send"]
    assert len(sent) == 2  # the entry and its stop-loss, nothing more
    assert all("strategy sma_cross" in r["reason"] for r in sent)

    clock(FLAT_AT)
    flat = _bar(_run(sample))
    assert (flat["bar"], flat["target"], flat["action"]) == (
        "2025-08-22T00:00:00+00:00", "flat", "sell")
    assert Decimal(flat["position"]) == held and _held() == 0
    assert _json("orders") == []  # the stop went with the holding
    actions = [r["action"] for r in _orders_by_runner()]
    assert actions.count("order.filled") == 2 and "order.cancel" in actions


def test_a_rule_that_blocks_is_named(sample: str, clock) -> None:
    _promote("backtested", "paper")
    assert run("risk", "set", "max_order_quote", "100").exit_code == 0
    blocked = _bar(_run(sample, "--quote", "300"))
    assert (blocked["action"], blocked["blocked_by"]) == ("blocked", "max_order_quote")
    assert _held() == 0


def test_after_a_stop_it_waits_for_the_strategy_to_go_flat(sample: str, clock) -> None:
    _promote("backtested", "paper")
    assert _bar(_run(sample, "--quote", "300"))["action"] == "buy"
    assert run("sell", "btc", "--yes").exit_code == 0  # as a stop would
    clock(datetime(2025, 8, 16, 12, tzinfo=UTC))
    report = _bar(_run(sample, "--quote", "300"))
    assert (report["target"], report["action"]) == ("long", "no change")
    assert "go flat" in report["detail"] and _held() == 0
    clock(FLAT_AT)
    assert _bar(_run(sample))["action"] == "no change"
    clock(datetime(2025, 8, 16, 12, tzinfo=UTC))  # an older bar is never acted on
    assert _bar(_run(sample))["action"] == "done"


def test_no_change_when_the_holding_already_matches(sample: str, clock) -> None:
    _promote("backtested", "paper")
    clock(FLAT_AT)
    report = _bar(_run(sample))
    assert (report["target"], report["action"]) == ("flat", "no change")
    assert _orders_by_runner() == []


def test_the_text_output_says_what_happened_per_bar(sample: str, clock) -> None:
    _promote("backtested", "paper")
    result = run("strategy", "run", "sma_cross", "btc", "--data", sample, "--once", "--yes",
                 "--quote", "300")
    assert result.exit_code == 0, result.output
    assert "2025-08-13 00:00 BTC/USDT 1d" in result.output
    assert "target long" in result.output and "buy" in result.output


def test_a_halt_in_the_same_store_blocks_the_runner_and_it_says_so(sample: str, clock) -> None:
    _promote("backtested", "paper")
    assert run("halt", "--reason", "lunch").exit_code == 0
    blocked = _bar(_run(sample, "--quote", "300"))
    assert (blocked["action"], blocked["blocked_by"]) == ("blocked", "halt")
    assert "trading halted" in blocked["detail"]
    assert _held() == 0
    assert "order.blocked" in [r["action"] for r in _orders_by_runner()]
    text = run("strategy", "run", "sma_cross", "btc", "--data", sample, "--once", "--yes")
    assert "blocked by halt" in text.output
    # a blocked bar was not traded, so after resuming the same bar is tried again
    assert run("resume", "--yes").exit_code == 0
    assert _bar(_run(sample, "--quote", "300"))["action"] == "buy"


def test_a_halt_from_another_process_at_send_time_blocks_the_order(
        sample: str, clock, volex_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from volex.agents.execution import ExecutionAgent

    _promote("backtested", "paper")
    planned = ExecutionAgent.plan
    env = {**os.environ, "VOLEX_HOME": str(volex_home)}

    def plan_then_halt_elsewhere(self, *args, **kwargs):
        plan = planned(self, *args, **kwargs)
        if not self.halt_state().active:  # another process halts after the runner planned
            done = subprocess.run([sys.executable, "-m", "volex", "halt", "--reason", "desk"],
                                  check=False, env=env, capture_output=True, text=True,
                                  timeout=60)
            assert done.returncode == 0, done.stderr
        return plan

    monkeypatch.setattr(ExecutionAgent, "plan", plan_then_halt_elsewhere)
    blocked = _bar(_run(sample, "--quote", "300"))
    assert (blocked["action"], blocked["blocked_by"]) == ("blocked", "halt")
    assert "desk" in blocked["detail"]
    assert _held() == 0 and not any(r["action"] == "order.send" for r in _orders_by_runner())


def test_live_needs_a_live_strategy_and_live_mode(sample: str, clock) -> None:
    _promote("backtested", "paper")
    line = one_line_error(run("strategy", "run", "sma_cross", "btc", "--live", "--once",
                              "--yes"))
    assert "sma_cross is paper" in line and "volex strategy promote sma_cross live" in line
    _promote("live")
    line = one_line_error(run("strategy", "run", "sma_cross", "btc", "--live", "--once",
                              "--yes"))
    assert 'trading.mode = "live"' in line
    assert _orders_by_runner() == []


@pytest.mark.parametrize(("args", "message"), [
    (["-p", "fast=50", "-p", "slow=20"], "fast < slow"),
    (["-p", "speed=3"], "no parameter 'speed'"),
    (["-p", "fast"], "expected NAME=VALUE"),
    (["-p", "fast=abc"], "not a number"),
    (["--quote", "abc"], "--quote"),
    (["--quote", "100", "--percent", "5"], "one size"),
    (["--percent", "150"], "at most 100"),
    (["--stop-loss", "150"], "--stop-loss"),
    (["--timeframe", "7x"], "timeframe"),
])
def test_bad_input_is_one_line_and_exit_2(sample: str, clock, args: list[str],
                                          message: str) -> None:
    _promote("backtested", "paper")
    line = one_line_error(run("strategy", "run", "sma_cross", "btc", "--once", "--yes", *args))
    assert message in line
    assert _orders_by_runner() == []


def test_an_unknown_strategy_or_market_is_one_line() -> None:
    assert "unknown strategy" in one_line_error(run("strategy", "run", "nope", "btc", "--yes"))
    _promote("backtested", "paper")
    line = one_line_error(run("strategy", "run", "sma_cross", "NOPE/USDT", "--once", "--yes"),
                          code=1)
    assert "no 1d candles for NOPE/USDT" in line


def test_ctrl_c_stops_the_loop_cleanly(sample: str, clock,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    _promote("backtested", "paper")
    waits: list[float] = []

    def interrupted(seconds: float) -> None:
        waits.append(seconds)
        raise KeyboardInterrupt

    monkeypatch.setattr("volex.agents.strategy_runner.time.sleep", interrupted)
    result = run("strategy", "run", "sma_cross", "btc", "--data", sample, "--yes",
                 "--quote", "300")
    assert result.exit_code == 0, result.output
    assert "buy" in result.output and "stopped sma_cross on BTC/USDT" in result.output
    assert len(waits) == 1 and 0 < waits[0] <= 60


def test_an_order_the_venue_refuses_is_reported_and_the_bar_tried_again(
        sample: str, clock, monkeypatch: pytest.MonkeyPatch) -> None:
    from volex.adapters.exchange.paper import PaperExchange
    from volex.errors import InsufficientFunds

    _promote("backtested", "paper")
    with monkeypatch.context() as patch:
        def refuse(self, request):
            raise InsufficientFunds("not enough USDT")

        patch.setattr(PaperExchange, "create_order", refuse)
        refused = _bar(_run(sample, "--quote", "300"))
    assert (refused["action"], refused["blocked_by"]) == ("blocked", "venue")
    assert "not enough USDT" in refused["detail"] and _held() == 0
    assert _bar(_run(sample, "--quote", "300"))["action"] == "buy"


def test_it_starts_only_when_confirmed(sample: str, clock) -> None:
    _promote("backtested", "paper")
    result = run("strategy", "run", "sma_cross", "btc", "--data", sample, "--once", input="n\n")
    assert result.exit_code == 1 and "not started" in result.output
    assert "send PAPER orders on its own?" in result.output
    assert _orders_by_runner() == []


def test_started_mid_trend_it_waits_for_the_next_cross_and_says_so(sample: str, clock) -> None:
    _promote("backtested", "paper")
    clock(datetime(2025, 7, 10, 12, tzinfo=UTC))  # long since the cross of 2025-06-30
    waiting = _bar(_run(sample, "--quote", "500"))
    assert (waiting["target"], waiting["action"]) == ("long", "no change")
    assert "started mid-trend" in waiting["detail"] and "2025-06-30" in waiting["detail"]
    assert "waiting for the next cross" in waiting["detail"]
    assert _held() == 0 and _orders_by_runner() == []

    clock(datetime(2025, 7, 20, 12, tzinfo=UTC))  # still the same move: still waiting
    later = _bar(_run(sample, "--quote", "500"))
    assert later["action"] == "no change" and "waiting for the next cross" in later["detail"]

    clock(datetime(2025, 8, 5, 12, tzinfo=UTC))  # crossed below: flat, nothing to sell
    assert _bar(_run(sample, "--quote", "500"))["target"] == "flat"

    clock(LONG_AT)  # the next cross up is bought on its bar
    bought = _bar(_run(sample, "--quote", "500"))
    assert (bought["bar"], bought["action"]) == ("2025-08-13T00:00:00+00:00", "buy")
    assert _held() > 0


def test_a_level_rule_may_be_entered_while_it_holds(tmp_path: Path, clock) -> None:
    """rsi_reversion holds as a state: a run started while it is long buys at once."""
    from volex.adapters.market_data.files import sample_candles
    from volex.backtest.engine import bars_from_frame
    from volex.strategies import get_strategy

    frame = sample_candles("BTC/USDT", "1d")
    params = {"period": 14, "lower": 45, "upper": 80}
    held = get_strategy("rsi_reversion").targets(bars_from_frame(frame), params)
    # the second bar of some long stretch: long, and long already on the bar before
    at = next(i for i in range(len(held) - 1, 0, -1) if held[i] and held[i - 1])
    path = tmp_path / "cut.csv"
    frame.iloc[:at + 1].to_csv(path, index=False)
    clock(frame["timestamp"].iloc[at].to_pydatetime() + timedelta(days=1, hours=1))
    result = run("strategy", "promote", "rsi_reversion", "backtested")
    assert result.exit_code == 0 and run("strategy", "promote", "rsi_reversion",
                                         "paper").exit_code == 0
    line = _bar(run("strategy", "run", "rsi_reversion", "btc", "--data", str(path), "--once",
                    "--yes", "--json", "--quote", "500", "-p", "lower=45", "-p", "upper=80"))
    assert (line["target"], line["action"]) == ("long", "buy")
