"""`volex strategy`, `volex backtest` and `volex optimize` as a user types them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import candle_file
from tests.support.cli import one_line_error, run


@pytest.fixture
def daily() -> str:
    return str(candle_file("BTC_USDT_1d"))


def test_strategy_list_shows_every_template_with_state() -> None:
    result = run("strategy", "list", "--json")
    assert result.exit_code == 0
    infos = json.loads(result.stdout)
    assert [i["name"] for i in infos] == ["sma_cross", "ema_cross", "rsi_reversion",
                                          "macd_cross", "bollinger_reversion", "breakout",
                                          "ml_forest"]
    assert {i["state"] for i in infos} == {"draft"}
    table = run("strategy", "list")
    assert table.exit_code == 0 and "bollinger_reversion" in table.output


def test_strategy_show_and_validate() -> None:
    shown = run("strategy", "show", "rsi_reversion")
    assert shown.exit_code == 0
    assert "0 < lower < upper < 100" in shown.output and "draft" in shown.output
    ok = run("strategy", "validate", "sma_cross", "--param", "fast=5", "--param", "slow=50")
    assert ok.exit_code == 0 and "fast=5, slow=50" in ok.output


@pytest.mark.parametrize(("args", "message"), [
    (["strategy", "validate", "sma_cross", "-p", "fast=50", "-p", "slow=20"], "fast < slow"),
    (["strategy", "validate", "rsi_reversion", "-p", "lower=80"], "lower < upper"),
    (["strategy", "show", "nope"], "unknown strategy 'nope'"),
    (["strategy", "promote", "sma_cross", "live"], "cannot move from draft to live"),
    (["backtest", "nope", "BTC/USDT"], "unknown strategy"),
    (["backtest", "sma_cross", "BTC/USDT", "--param", "fast"], "expected NAME=VALUE"),
    (["backtest", "sma_cross", "BTC/USDT", "-p", "fast=40", "-p", "slow=30"], "fast < slow"),
    (["backtest", "sma_cross", "BTC/USDT", "--data", "/no/such/file.csv"], "no such data file"),
    (["backtest", "sma_cross", "BTC/USDT", "--stop-loss", "150"], "--stop-loss"),
    (["backtest", "sma_cross", "BTC/USDT", "--file", "/no/such/strategy.py"],
     "no such strategy file"),
    (["optimize", "sma_cross", "BTC/USDT", "--method", "annealing"], "unknown method"),
    (["optimize", "sma_cross", "BTC/USDT", "--objective", "luck"], "unknown objective"),
    (["optimize", "sma_cross", "BTC/USDT", "--offline", "--trials", "2", "--storage",
      "nonsense://x", "--study", "s"], "bad --storage URL"),
])
def test_bad_input_is_one_line_and_exit_2(args: list[str], message: str) -> None:
    assert message in one_line_error(run(*args))


def test_backtest_json_has_metrics_and_trades(daily: str) -> None:
    result = run("backtest", "sma_cross", "BTC/USDT", "--data", daily, "--json",
                 "--stop-loss", "8", "--fee", "0.001", "--slippage-bps", "5")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["timeframe"] == "1d" and out["params"] == {"fast": 10, "slow": 30}
    for key in ("total_return", "cagr", "sharpe", "sortino", "max_drawdown", "calmar",
                "win_rate", "profit_factor", "exposure", "trades", "avg_trade", "buy_and_hold"):
        assert key in out["metrics"]
    trades = out["trades"]
    assert len(trades) == out["metrics"]["trades"] > 0
    assert {t["exit_reason"] for t in trades} <= {"signal", "stop_loss", "take_profit", "end"}
    assert "stop_loss" in {t["exit_reason"] for t in trades}
    first = trades[0]
    assert set(first) >= {"entry_time", "exit_time", "entry_price", "exit_price", "size", "pnl"}


def test_backtest_table_chart_and_report(daily: str, tmp_path: Path) -> None:
    report = tmp_path / "bt.html"
    result = run("backtest", "breakout", "BTC/USDT", "--data", daily, "--since", "2021-01-01",
                 "--until", "2023-12-31", "--report", str(report))
    assert result.exit_code == 0, result.output
    for label in ("Total return", "Sharpe", "Max drawdown", "Buy & hold return", "buy & hold"):
        assert label in result.output
    assert "2021-01-01" in result.output and "2023-12-31" in result.output  # chart's axis
    assert report.exists() and "Plotly.newPlot" in report.read_text()
    assert json.loads(run("strategy", "show", "breakout", "--json").stdout)["state"] == \
        "backtested"


def test_optimize_saves_the_best_params_for_backtest(daily: str) -> None:
    result = run("optimize", "sma_cross", "BTC/USDT", "--data", daily, "--trials", "12",
                 "--objective", "return", "--save", "--json")
    assert result.exit_code == 0, result.output
    best = json.loads(result.stdout)["best"]
    shown = json.loads(run("strategy", "show", "sma_cross", "--json").stdout)
    assert shown["saved_params"] == best["params"]
    backtest = json.loads(run("backtest", "sma_cross", "BTC/USDT", "--data", daily,
                              "--json").stdout)
    assert backtest["params"] == best["params"]
    assert backtest["metrics"]["total_return"] == pytest.approx(best["value"])


def test_walk_forward_reports_out_of_sample_next_to_in_sample(daily: str) -> None:
    result = run("optimize", "sma_cross", "BTC/USDT", "--data", daily, "--trials", "10",
                 "--walk-forward", "3")
    assert result.exit_code == 0, result.output
    assert "out-of-sample" in result.output and "in-sample" in result.output
    bt = run("backtest", "ema_cross", "BTC/USDT", "--data", daily, "--walk-forward", "2",
             "--no-chart")
    assert bt.exit_code == 0, bt.output
    assert "Walk-forward, 2 folds" in bt.output and "Best params" in bt.output


def test_a_user_strategy_file_backtests(daily: str, tmp_path: Path) -> None:
    file = tmp_path / "my_strategy.py"
    file.write_text(
        "import numpy as np\n"
        "from volex.strategies import Param, Strategy\n\n"
        "class AboveAverage(Strategy):\n"
        "    name = 'above_average'\n"
        "    params = (Param('period', 50, 5, 200, 5),)\n\n"
        "    def generate(self, candles, params):\n"
        "        import talib\n"
        "        close = np.asarray(candles['close'], dtype=float)\n"
        "        return (close > talib.SMA(close, int(params['period']))).astype(np.int8)\n")
    result = run("backtest", "above_average", "BTC/USDT", "--data", daily, "--file", str(file),
                 "-p", "period=100", "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["strategy"] == "above_average" and out["params"] == {"period": 100}
    assert out["metrics"]["trades"] > 0


def test_the_example_user_strategy_is_listed_and_validated() -> None:
    example = Path(__file__).parents[2] / "examples" / "my_strategy.py"
    listed = json.loads(run("strategy", "list", "--file", str(example), "--json").stdout)
    mine = listed[-1]
    assert mine["name"] == "above_average" and mine["source"] == str(example)
    assert [p["name"] for p in mine["params"]] == ["period", "overbought"]
    bad = run("strategy", "validate", "above_average", "--file", str(example), "-p",
              "overbought=40")
    assert "outside its range" in one_line_error(bad)
