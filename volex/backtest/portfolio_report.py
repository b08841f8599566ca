"""The HTML report of a portfolio backtest: the account's metrics, equity, drawdown, exposure
over time, and each market's contribution (built on ``report``'s page and formats)."""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from volex.backtest.chart import downsample
from volex.backtest.report import LABELS, MAX_POINTS, checked_path, fmt, write_page

if TYPE_CHECKING:
    from volex.backtest.portfolio_service import PortfolioRun

__all__ = ["write_portfolio_report"]

_EXTRA = {"max_open_positions": ("Max open positions", "int"),
          "time_in_market": ("Time in market", "pct"),
          "average_exposure": ("Average exposure", "pct"),
          "refused_signals": ("Refused entry signals", "int")}


def _figure(run: PortfolioRun) -> Any:  # plotly Figure, imported lazily
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    r = run.result
    times = r.timestamps.astype("datetime64[ms]")
    keep = downsample(r.equity, MAX_POINTS)
    peak = np.maximum.accumulate(np.maximum(r.equity, r.config.cash))
    drawdown = (r.equity / peak - 1.0) * 100
    markets = r.markets()
    fig = make_subplots(rows=4, cols=1, vertical_spacing=0.06,
                        row_heights=[0.35, 0.15, 0.2, 0.3],
                        subplot_titles=("Equity", "Drawdown (%)",
                                        "Exposure (% of equity) and open positions",
                                        "Contribution to the return by market (%)"))
    fig.add_trace(go.Scattergl(x=times[keep], y=r.equity[keep], name="portfolio",
                               line={"color": "#2ca02c"}), row=1, col=1)
    fig.add_trace(go.Scattergl(x=times[keep], y=r.hold[keep] * r.config.cash,
                               name="equal-weight buy & hold", line={"color": "#999999"}),
                  row=1, col=1)
    fig.add_trace(go.Scattergl(x=times[keep], y=drawdown[keep], name="drawdown",
                               fill="tozeroy", line={"color": "#d62728"}), row=2, col=1)
    fig.add_trace(go.Scattergl(x=times[keep], y=r.exposure[keep] * 100, name="exposure",
                               fill="tozeroy", line={"color": "#1f77b4"}), row=3, col=1)
    fig.add_trace(go.Scattergl(x=times[keep], y=r.open_positions[keep], name="open positions",
                               line={"color": "#ff7f0e", "shape": "hv"}), row=3, col=1)
    fig.add_trace(go.Bar(x=[m["symbol"] for m in markets],
                         y=[m["contribution"] * 100 for m in markets], name="contribution",
                         marker={"color": ["#2ca02c" if m["contribution"] >= 0 else "#d62728"
                                           for m in markets]}), row=4, col=1)
    fig.update_layout(height=1100, template="plotly_white",
                      margin={"l": 60, "r": 20, "t": 40, "b": 30})
    return fig


def _tables(run: PortfolioRun) -> str:
    r = run.result
    metrics, stats = r.metrics.as_dict(), r.stats()
    rows = [f"<tr><td>{label}</td><td>{fmt(metrics[key], kind)}</td></tr>"
            for key, (label, kind) in LABELS.items()]
    rows += [f"<tr><td>{label}</td><td>{fmt(stats[key], kind)}</td></tr>"
             for key, (label, kind) in _EXTRA.items()]
    head = ("<tr><th>Market</th><th>Trades</th><th>Win rate</th><th>PnL</th>"
            "<th>Contribution</th><th>Avg hold (h)</th><th>Refused</th></tr>")
    markets = "".join(
        f"<tr><td>{html.escape(m['symbol'])}</td><td>{m['trades']}</td>"
        f"<td>{fmt(m['win_rate'], 'pct')}</td><td>{fmt(m['pnl'], 'money')}</td>"
        f"<td>{fmt(m['contribution'], 'pct')}</td><td>{m['avg_hold_hours']:,.1f}</td>"
        f"<td>{m['refused']}</td></tr>" for m in r.markets())
    return f"<table>{''.join(rows)}</table><table>{head}{markets}</table>"


def write_portfolio_report(run: PortfolioRun, path: str | Path) -> Path:
    """Write the portfolio's HTML report; returns its path."""
    target = checked_path(path)
    r = run.result
    rules = r.rules
    params = ", ".join(f"{k}={v}" for k, v in r.params.items()) or "walk-forward"
    title = html.escape(f"{r.strategy} · {', '.join(r.symbols)} · {r.timeframe or ''} · "
                        f"{params}")
    how = html.escape(f"max {rules.max_open} open · stake {rules.stake} · max "
                      f"{rules.max_asset_pct:g}% per asset · max {rules.max_exposure_pct:g}% "
                      f"exposure · {run.source}")
    chart = _figure(run).to_html(full_html=False, include_plotlyjs=True)
    body = (f"<section><h2>{title}</h2><p class='src'>{how}</p>{_tables(run)}{chart}"
            "</section>")
    return write_page(target, "Volex portfolio backtest", body)
