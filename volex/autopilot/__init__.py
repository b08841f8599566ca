"""The autopilot (`volex run`): a headless, leased, journaled loop over closed bars.

``clock`` (live, replay, scaled), ``lease`` (one autopilot per account), ``feeds`` (closed
bars, live or from files), ``deciders`` (strategy targets or signal calls), ``chain`` (one
market's bar, journaled step by step, and the allocator's entries), ``scheduler`` (the loop),
``replay`` (history through the same loop, as backtest results), ``faults`` (crash drills).
"""

from __future__ import annotations

__all__: list[str] = []
