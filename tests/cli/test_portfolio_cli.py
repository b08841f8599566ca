"""`volex backtest ... --portfolio` and `volex optimize ... --portfolio` as a user types them
(the bundled 2h sample of BTC, ETH and DOGE, offline)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.cli import one_line_error, run

BASKET = ["BTC/USDT", "ETH/USDT", "DOGE/USDT"]
OFFLINE = ["-t", "2h", "--offline"]


def _json(*args: str) -> dict:
    result = run(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_a_portfolio_backtest_shares_one_account_and_reports_every_trade_and_refusal() -> None:
    out = _json("backtest", "sma_cross", *BASKET, *OFFLINE, "--portfolio", "--max-open", "2",
                "--fee", "0.001")
    assert out["symbols"] == BASKET and out["portfolio"]["max_open"] == 2
    trades, refused = out["trades"], out["refused_signals"]
    assert {t["symbol"] for t in trades} == set(BASKET)
    assert len(trades) == out["metrics"]["trades"]
    # One account: what the trades made is all the equity moved.
    pnl = sum(t["pnl"] for t in trades)
    assert out["metrics"]["final_equity"] == pytest.approx(10_000 + pnl, rel=1e-9)
    stats = out["portfolio_metrics"]
    assert stats["max_open_positions"] == 2
    assert stats["refused_signals"] == len(refused) > 0
    assert {r["reason"] for r in refused} == {"max_open"}
    assert set(refused[0]) == {"symbol", "time", "bar", "reason"}
    markets = {m["symbol"]: m for m in out["markets"]}
    assert sum(m["contribution"] for m in markets.values()) == pytest.approx(pnl / 10_000)
    assert sum(m["refused"] for m in markets.values()) == len(refused)


def test_a_portfolio_of_one_with_one_slot_is_the_plain_backtest() -> None:
    plain = _json("backtest", "ema_cross", "ETH/USDT", *OFFLINE, "--stop-loss", "4")
    one = _json("backtest", "ema_cross", "ETH/USDT", *OFFLINE, "--stop-loss", "4",
                "--portfolio", "--max-open", "1")
    assert one["metrics"] == plain["metrics"]
    assert [t["pnl"] for t in one["trades"]] == [t["pnl"] for t in plain["trades"]]


def test_the_portfolio_tables_chart_and_report(tmp_path: Path) -> None:
    report = tmp_path / "portfolio.html"
    result = run("backtest", "sma_cross", *BASKET, *OFFLINE, "--portfolio", "--stake", "equal",
                 "--stake-amount", "2500", "--max-asset-pct", "30", "--report", str(report))
    assert result.exit_code == 0, result.output
    for label in ("Max open positions", "Time in market", "Refused entry signals", "Per market",
                  "Contribution", "DOGE/USDT", "portfolio: equity"):
        assert label in result.output
    page = report.read_text()
    for label in ("Exposure (% of equity)", "Contribution to the return by market",
                  "Drawdown", "Plotly.newPlot", "stake equal"):
        assert label in page


def test_volatility_stakes_and_walk_forward_run_over_the_basket() -> None:
    out = _json("backtest", "ema_cross", *BASKET, *OFFLINE, "--portfolio", "--stake",
                "volatility", "--walk-forward", "2")
    assert out["portfolio"]["stake"] == "volatility"
    assert len(out["walk_forward"]["folds"]) == 2 and out["metrics"]["trades"] > 0
    assert all(t["size"] > 0 for t in out["trades"])


def test_optimize_searches_one_parameter_set_for_the_whole_basket(tmp_path: Path) -> None:
    out = _json("optimize", "sma_cross", *BASKET, *OFFLINE, "--portfolio", "--max-open", "2",
                "--trials", "12", "--walk-forward", "2")
    assert out["symbol"] == ",".join(BASKET) and out["evaluated"] == 12
    assert out["top"][0]["value"] >= out["top"][-1]["value"]
    assert len(out["walk_forward"]["folds"]) == 2
    storage = f"sqlite:///{tmp_path / 'studies.db'}"
    for _ in range(2):  # a second worker joins the same study
        bayes = _json("optimize", "sma_cross", *BASKET, *OFFLINE, "--portfolio", "--method",
                      "bayes", "--trials", "4", "--storage", storage, "--study", "basket")
    assert bayes["method"] == "bayes"
    assert bayes["evaluated"] + bayes["skipped_by_constraints"] == 8  # both workers' trials


@pytest.mark.parametrize(("args", "message"), [
    (["backtest", "sma_cross", "BTC/USDT", "--max-open", "3"], "--max-open only applies with"),
    (["backtest", "sma_cross", *BASKET, "--portfolio", "--stake", "equal"], "--stake-amount"),
    (["backtest", "sma_cross", *BASKET, "--portfolio", "--stake", "kelly"], "unknown --stake"),
    (["backtest", "sma_cross", *BASKET, "--portfolio", "--max-asset-pct", "0"],
     "--max-asset-pct"),
    (["backtest", "sma_cross", "BTC/USDT", "BTC/USDT", "--offline", "--portfolio"],
     "named twice"),
    (["optimize", "sma_cross", "BTC/USDT", "ETH/USDT"], "several with --portfolio"),
])
def test_bad_portfolio_input_is_one_line_and_exit_2(args: list[str], message: str) -> None:
    assert message in one_line_error(run(*args))
