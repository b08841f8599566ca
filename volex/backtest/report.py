"""A self-contained HTML report (plotly.js inlined): metrics, equity, drawdown, trades on price.

Long series are thinned to a few thousand points per line so the file stays small; every
trade is drawn unless there are more than ``MAX_TRADE_MARKERS``.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from volex.backtest.chart import downsample
from volex.errors import UserInputError

if TYPE_CHECKING:
    from volex.backtest.service import BacktestRun

__all__ = ["LABELS", "MAX_POINTS", "MAX_TRADE_MARKERS", "checked_path", "fmt", "write_page",
           "write_report"]

MAX_POINTS = 5000
MAX_TRADE_MARKERS = 5000

LABELS = {
    "total_return": ("Total return", "pct"), "cagr": ("CAGR", "pct"), "sharpe": ("Sharpe", "num"),
    "sortino": ("Sortino", "num"), "max_drawdown": ("Max drawdown", "pct"),
    "calmar": ("Calmar", "num"), "win_rate": ("Win rate", "pct"),
    "profit_factor": ("Profit factor", "num"), "exposure": ("Exposure", "pct"),
    "trades": ("Trades", "int"), "avg_trade": ("Average trade", "pct"),
    "buy_and_hold": ("Buy & hold return", "pct"), "final_equity": ("Final equity", "money"),
}


def fmt(value: float, kind: str) -> str:
    if value is None or (isinstance(value, float) and not np.isfinite(value)):
        return "∞" if value == float("inf") else "n/a"
    return {"pct": f"{value * 100:,.2f}%", "num": f"{value:,.2f}", "int": f"{int(value):,}",
            "money": f"{value:,.2f}"}[kind]


def _figure(run: BacktestRun) -> Any:  # plotly Figure, imported lazily
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    r = run.result
    times = r.timestamps.astype("datetime64[ms]")
    keep = downsample(r.equity, MAX_POINTS)
    peak = np.maximum.accumulate(np.maximum(r.equity, r.config.cash))
    drawdown = (r.equity / peak - 1.0) * 100
    hold = r.close / r.close[0] * r.config.cash
    fig = make_subplots(rows=3, cols=1, shared_xaxes=True, vertical_spacing=0.04,
                        row_heights=[0.4, 0.2, 0.4],
                        subplot_titles=("Equity", "Drawdown (%)", "Trades on price"))
    fig.add_trace(go.Scattergl(x=times[keep], y=r.equity[keep], name="strategy",
                               line={"color": "#2ca02c"}), row=1, col=1)
    fig.add_trace(go.Scattergl(x=times[keep], y=hold[keep], name="buy & hold",
                               line={"color": "#999999"}), row=1, col=1)
    fig.add_trace(go.Scattergl(x=times[keep], y=drawdown[keep], name="drawdown", fill="tozeroy",
                               line={"color": "#d62728"}), row=2, col=1)
    fig.add_trace(go.Scattergl(x=times[keep], y=r.close[keep], name="close",
                               line={"color": "#1f77b4"}), row=3, col=1)
    trades = r.trades
    shown = slice(0, min(len(trades), MAX_TRADE_MARKERS))
    fig.add_trace(go.Scattergl(x=times[trades.entry_bar[shown]], y=trades.entry_price[shown],
                               mode="markers", name="entry",
                               marker={"symbol": "triangle-up", "size": 9, "color": "#2ca02c"}),
                  row=3, col=1)
    fig.add_trace(go.Scattergl(x=times[trades.exit_bar[shown]], y=trades.exit_price[shown],
                               mode="markers", name="exit",
                               text=[f"{p:+,.2f}" for p in trades.pnl[shown]],
                               marker={"symbol": "triangle-down", "size": 9, "color": "#d62728"}),
                  row=3, col=1)
    fig.update_layout(height=900, template="plotly_white", hovermode="x unified",
                      margin={"l": 60, "r": 20, "t": 40, "b": 30})
    return fig


def _metrics_table(run: BacktestRun) -> str:
    metrics = run.result.metrics.as_dict()
    in_sample = run.walk_forward.in_sample.as_dict() if run.walk_forward else None
    head = "<tr><th></th><th>out-of-sample</th><th>in-sample</th></tr>" if in_sample else ""
    rows = []
    for key, (label, kind) in LABELS.items():
        extra = f"<td>{fmt(in_sample[key], kind)}</td>" if in_sample else ""
        rows.append(f"<tr><td>{label}</td><td>{fmt(metrics[key], kind)}</td>{extra}</tr>")
    return f"<table>{head}{''.join(rows)}</table>"


def write_report(runs: list[BacktestRun], path: str | Path) -> Path:
    """Write one HTML file with a section per backtest; returns its path."""
    target = checked_path(path)
    sections = []
    for i, run in enumerate(runs):
        r = run.result
        params = ", ".join(f"{k}={v}" for k, v in r.params.items()) or "walk-forward"
        title = html.escape(f"{r.strategy} · {r.symbol} · {r.timeframe or ''} · {params}")
        chart = _figure(run).to_html(full_html=False, include_plotlyjs=(i == 0))
        sections.append(f"<section><h2>{title}</h2><p class='src'>{html.escape(run.source)}</p>"
                        f"{_metrics_table(run)}{chart}</section>")
    return write_page(target, "Volex backtest", "".join(sections))


def checked_path(path: str | Path) -> Path:
    """``path`` as an HTML file name, refused before any work when it is not one."""
    target = Path(path).expanduser()
    if target.suffix.lower() not in {".html", ".htm"}:
        raise UserInputError(f"--report must name an .html file, got {target}")
    return target


def write_page(target: Path, title: str, body: str) -> Path:
    """Write a self-contained page around ``body`` (sections of tables and charts)."""
    page = (f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}"
            "</title><style>body{font-family:system-ui,sans-serif;margin:24px}table{"
            "border-collapse:collapse;margin:8px 0}td,th{padding:3px 12px;border-bottom:1px "
            "solid #eee;text-align:right}td:first-child{text-align:left}.src{color:#777}"
            f"</style></head><body><h1>{html.escape(title)}</h1>{body}</body></html>")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page, encoding="utf-8")
    except OSError as exc:
        raise UserInputError(f"cannot write {target}: {exc.strerror or exc}") from None
    return target
