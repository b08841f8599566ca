"""Backtests and searches as JSON and back, whole: what a remote backtest or optimize agent
sends so the client gets the same BacktestRun / OptimizeRun a local run returns.

``to_dict`` is the readable summary (top trials, trade records); this form keeps every
array (bar times, closes, equity, trades) and every trial, so charts, walk-forward folds
and ``best`` work on the client as they do at home. JSON has no infinity (a profit factor
with no losing trade is one), so non-finite numbers travel as strings.
"""

from __future__ import annotations

import math
from dataclasses import asdict
from typing import Any

import numpy as np

from volex.backtest.engine import BacktestConfig, BacktestResult, TradeLog
from volex.backtest.metrics import Metrics
from volex.backtest.optimize import OptimizationResult, Trial
from volex.backtest.service import BacktestRun, OptimizeRun
from volex.backtest.walkforward import WalkForwardFold, WalkForwardResult
from volex.strategies.lifecycle import LifecycleState, StrategyRecord

__all__ = ["backtest_from_wire", "backtest_to_wire", "optimize_from_wire", "optimize_to_wire"]

_TRADE_FIELDS = ("entry_bar", "exit_bar", "entry_price", "exit_price", "size", "pnl", "reason",
                 "cost")
_INTS = {"timestamps", "entry_bar", "exit_bar", "reason"}


def _num(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value


def _unnum(value: Any) -> Any:
    return float(value) if value in ("inf", "-inf", "nan") else value


def _nums(mapping: dict[str, Any]) -> dict[str, Any]:
    return {k: _num(v) for k, v in mapping.items()}


def _unnums(mapping: dict[str, Any]) -> dict[str, Any]:
    return {k: _unnum(v) for k, v in mapping.items()}


def _metrics(data: dict[str, Any]) -> Metrics:
    return Metrics(**_unnums(data))


def _result_to_wire(r: BacktestResult) -> dict[str, Any]:
    return {"strategy": r.strategy, "symbol": r.symbol, "params": r.params,
            "config": asdict(r.config), "timeframe": r.timeframe, "extra": r.extra,
            "timestamps": r.timestamps.tolist(), "close": r.close.tolist(),
            "equity": r.equity.tolist(), "metrics": _nums(r.metrics.as_dict()),
            "trades": {name: getattr(r.trades, name).tolist() for name in _TRADE_FIELDS}}


def _array(name: str, values: list[Any]) -> np.ndarray:
    return np.asarray(values, dtype=np.int64 if name in _INTS else np.float64)


def _result_from_wire(d: dict[str, Any]) -> BacktestResult:
    trades = TradeLog(**{name: _array(name, d["trades"][name]) for name in _TRADE_FIELDS})
    return BacktestResult(d["strategy"], d["symbol"], d["params"], BacktestConfig(**d["config"]),
                          _array("timestamps", d["timestamps"]), _array("close", d["close"]),
                          _array("equity", d["equity"]), trades, _metrics(d["metrics"]),
                          d["timeframe"], d["extra"])


def _walk_to_wire(wf: WalkForwardResult | None) -> dict[str, Any] | None:
    if wf is None:
        return None
    return {"out_of_sample": _result_to_wire(wf.out_of_sample),
            "in_sample": _nums(wf.in_sample.as_dict()), "objective": wf.objective,
            "timestamps": wf.timestamps.tolist(),
            "folds": [_nums(asdict(fold)) for fold in wf.folds]}


def _walk_from_wire(d: dict[str, Any] | None) -> WalkForwardResult | None:
    if d is None:
        return None
    folds = [WalkForwardFold(f["number"], tuple(f["train"]), tuple(f["test"]), f["params"],
                             _unnum(f["in_sample"]), _unnum(f["out_of_sample"]))
             for f in d["folds"]]
    return WalkForwardResult(_result_from_wire(d["out_of_sample"]), _metrics(d["in_sample"]),
                             folds, d["objective"], _array("timestamps", d["timestamps"]))


def backtest_to_wire(run: BacktestRun) -> dict[str, Any]:
    return {"result": _result_to_wire(run.result), "source": run.source,
            "walk_forward": _walk_to_wire(run.walk_forward), "notes": run.notes}


def backtest_from_wire(d: dict[str, Any]) -> BacktestRun:
    return BacktestRun(_result_from_wire(d["result"]), d["source"],
                       _walk_from_wire(d["walk_forward"]), list(d["notes"]))


def optimize_to_wire(run: OptimizeRun) -> dict[str, Any]:
    r = run.result
    saved = None if run.saved is None else {**asdict(run.saved), "state": run.saved.state.value,
                                             "score": _num(run.saved.score)}
    return {"result": {"strategy": r.strategy, "symbol": r.symbol, "method": r.method,
                       "objective": r.objective, "study": r.study, "extra": r.extra,
                       "trials": [{"params": t.params, "value": _num(t.value),
                                   "metrics": _nums(t.metrics)} for t in r.trials]},
            "source": run.source, "walk_forward": _walk_to_wire(run.walk_forward),
            "saved": saved, "notes": run.notes}


def optimize_from_wire(d: dict[str, Any]) -> OptimizeRun:
    r = d["result"]
    trials = [Trial(t["params"], _unnum(t["value"]), _unnums(t["metrics"])) for t in r["trials"]]
    result = OptimizationResult(r["strategy"], r["symbol"], r["method"], r["objective"], trials,
                                r["study"], r["extra"])
    saved = d["saved"]
    record = None if saved is None else StrategyRecord(
        **{**saved, "state": LifecycleState(saved["state"]), "score": _unnum(saved["score"])})
    return OptimizeRun(result, d["source"], _walk_from_wire(d["walk_forward"]), record,
                       list(d["notes"]))
