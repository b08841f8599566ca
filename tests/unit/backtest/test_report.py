"""The HTML report and the terminal equity curve."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from volex.backtest.chart import downsample, equity_chart
from volex.backtest.engine import run_backtest
from volex.backtest.report import write_report
from volex.backtest.service import BacktestRun
from volex.errors import UserInputError
from volex.strategies import get_strategy


@pytest.fixture(scope="module")
def run(btc_daily: dict) -> BacktestRun:
    result = run_backtest(get_strategy("sma_cross"), btc_daily, symbol="BTC/USDT",
                          timeframe="1d")
    return BacktestRun(result, "test data")


def test_report_is_one_self_contained_html_file(run: BacktestRun, tmp_path: Path) -> None:
    path = write_report([run], tmp_path / "out" / "report.html")
    page = path.read_text()
    assert page.startswith("<!doctype html>")
    assert "<script src=" not in page  # plotly.js is inlined, nothing fetched
    assert page.count("Plotly.newPlot") == 1
    names = set(re.findall(r'"name":"([^"]*)"', page))
    assert {"strategy", "buy & hold", "drawdown", "close", "entry", "exit"} <= names
    assert "Sharpe" in page and "sma_cross · BTC/USDT · 1d · fast=10, slow=30" in page


def test_report_needs_an_html_name(run: BacktestRun, tmp_path: Path) -> None:
    with pytest.raises(UserInputError, match=r"\.html"):
        write_report([run], tmp_path / "report.pdf")


def test_terminal_chart_shows_both_curves_and_dates(run: BacktestRun) -> None:
    r = run.result
    text = equity_chart(r.timestamps, r.equity, r.close, "sma_cross BTC/USDT", 90, 16)
    plain = re.sub(r"\x1b\[[0-9;]*m", "", text)
    assert "sma_cross BTC/USDT" in plain and "buy & hold" in plain and "strategy" in plain
    assert "2017-08-17" in plain and "2025-08-26" in plain


def test_downsample_keeps_the_ends_and_caps_the_points() -> None:
    keep = downsample(np.arange(1_000_000), 500)
    assert keep[0] == 0 and keep[-1] == 999_999 and len(keep) <= 500
    assert downsample(np.arange(10), 500).tolist() == list(range(10))
