"""Portfolios: several markets sharing one account.

``allocator`` decides how much one new position may take (pure arithmetic, no I/O); the
backtest engine (``volex.backtest.portfolio``) and live sizing (the risk agent) both call it.
"""

from __future__ import annotations

__all__: list[str] = []
