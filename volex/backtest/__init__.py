"""Backtesting: the engine (next-open fills, fees, slippage, stops), metrics, walk-forward,
optimisation (grid and Optuna TPE), the HTML report and the terminal equity curve.

Import the submodules directly (``volex.backtest.engine``); this package stays light.
"""

from __future__ import annotations

__all__: list[str] = []
