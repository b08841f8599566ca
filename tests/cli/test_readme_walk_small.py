"""The smaller rough edges a new user met walking the README, each as that user sees it."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from tests.support.cli import one_line_error, run


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VOLEX_OFFLINE", "true")


def test_parse_exits_2_on_what_it_calls_unacceptable() -> None:
    refused = run("parse", "buy -5 btc")
    assert refused.exit_code == 2 and "not acceptable" in refused.output
    assert run("parse", "buy 5 btc").exit_code == 0
    assert run("parse", "blorp the flurb").exit_code == 2
    assert run("parse", "buy -5 btc", "--json").exit_code == 2


def test_parse_from_stdin_prints_every_line_then_exits_2_if_any_was_unacceptable() -> None:
    result = run("parse", "--json", "-", input="buy 1 btc\nbuy -5 btc\nsell 2 eth\n")
    assert result.exit_code == 2
    assert [json.loads(line)["side"] for line in result.stdout.splitlines()] == \
        ["buy", "buy", "sell"]


def test_cancel_of_an_unknown_id_says_no_such_order() -> None:
    message = one_line_error(run("cancel", "NOSUCHID"), 2)
    assert "no open order 'NOSUCHID'" in message and "not a symbol" not in message


def _candles(path: Path, stamps: list, step: str = "1D") -> Path:
    frame = pd.DataFrame({"timestamp": stamps, "open": 1.0, "high": 2.0, "low": 0.5,
                          "close": 1.5, "volume": 3.0})
    frame.to_csv(path, index=False)
    return path


@pytest.mark.parametrize(("unit", "scale"), [("s", 1), ("ms", 1_000), ("us", 1_000_000)])
def test_epoch_timestamps_are_read_in_their_own_unit(unit: str, scale: int, tmp_path: Path) -> None:
    start = 1_700_006_400  # 2023-11-15 00:00 UTC
    path = _candles(tmp_path / f"{unit}.csv", [(start + i * 86_400) * scale for i in range(30)])
    assert run("data", "import", str(path), "-s", "BTC/USDT", "-t", "1d").exit_code == 0
    listed = json.loads(run("data", "list", "--json").stdout)
    assert listed[0]["first"].startswith("2023-11-15")


def test_numbers_that_are_no_epoch_time_are_refused(tmp_path: Path) -> None:
    path = _candles(tmp_path / "small.csv", list(range(30)))
    assert "not epoch seconds" in one_line_error(
        run("data", "import", str(path), "-s", "BTC/USDT", "-t", "1d"), 2)


def test_daily_bars_imported_as_2h_are_refused_with_the_right_timeframe(tmp_path: Path) -> None:
    path = _candles(tmp_path / "daily.csv",
                    [f"2024-01-{d:02d}T00:00:00Z" for d in range(1, 29)])
    message = one_line_error(run("data", "import", str(path), "-s", "BTC/USDT", "-t", "2h"), 2)
    assert "bars are 1d apart, not 2h" in message and "--timeframe 1d" in message
    assert json.loads(run("data", "list", "--json").stdout) == []


def test_analyze_says_how_old_the_bundled_sample_is() -> None:
    shown = run("analyze", "BTC/USDT")
    assert shown.exit_code == 0 and "months old)" in shown.output.replace("\n", " ")


def test_strategy_state_changes_are_audited_with_from_and_to() -> None:
    assert run("strategy", "promote", "sma_cross", "backtested").exit_code == 0
    rows = json.loads(run("audit", "--json").stdout)
    assert rows[-1]["action"] == "strategy.state" and rows[-1]["reason"] == "draft -> backtested"


def test_ctrl_c_ends_a_watch_quietly(volex_home: Path) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    assert run("alert", "BTC/USDT", "--above", "10000000").exit_code == 0
    env = {**os.environ, "VOLEX_HOME": str(volex_home), "VOLEX_OFFLINE": "true"}
    watch = subprocess.Popen([sys.executable, "-m", "volex", "alerts", "--watch", "--every", "1"],
                             env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(4)
    watch.send_signal(signal.SIGINT)
    out, err = watch.communicate(timeout=30)
    assert watch.returncode == 0 and "Error" not in out + err
    assert "stopped watching" in err
