"""What the autopilot wants in a market at a bar: a strategy's target or the signal's call.

A decider reads the closed bars (through the feed) and returns a :class:`Want`: go long, go
flat, or hold, with the confidence and the reason. It changes nothing; the chain compares the
want with the holding and trades through the execution agent.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol

from volex.errors import DataUnavailable

if TYPE_CHECKING:
    from volex.agents.base import Signals
    from volex.autopilot.feeds import MarketFeed
    from volex.strategies.base import ParamValue, Strategy

__all__ = ["Decider", "SignalDecider", "StrategyDecider", "Want"]


@dataclass(frozen=True)
class Want:
    """A decision on one bar: ``target`` long, flat or hold (keep what is held)."""

    bar_ms: int
    target: str  # long | flat | hold
    why: str
    confidence: float | None = None
    source: str = ""
    model: str | None = None  # which model version decided: its training time (model history)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class Decider(Protocol):
    name: str

    def latest_bar(self, symbol: str, now: datetime) -> int | None:
        """Open time (epoch ms) of the newest bar closed by ``now``; None when there is none."""
        ...

    def decide(self, symbol: str, now: datetime) -> Want:
        """The want at the newest bar closed by ``now``."""
        ...

    def mark(self, symbol: str, now: datetime) -> Decimal | None:
        """The close of the newest bar closed by ``now`` (what a position is marked at)."""
        ...


def _last_close(feed: MarketFeed, symbol: str, now: datetime) -> Decimal | None:
    try:
        closes = feed.bars(symbol, now)["close"]
    except DataUnavailable:
        return None
    return Decimal(repr(float(closes[-1]))) if len(closes) else None


class StrategyDecider:
    """A strategy's target on the last closed bar: the backtest's ``targets``, same params."""

    def __init__(self, strategy: Strategy, params: dict[str, ParamValue], feed: MarketFeed) -> None:
        self.strategy = strategy
        self.params = params
        self.feed = feed
        self.name = f"strategy {strategy.name}"

    def latest_bar(self, symbol: str, now: datetime) -> int | None:
        stamps = self.feed.bars(symbol, now)["timestamp"]
        return int(stamps[-1]) if len(stamps) else None

    def mark(self, symbol: str, now: datetime) -> Decimal | None:
        return _last_close(self.feed, symbol, now)

    def decide(self, symbol: str, now: datetime) -> Want:
        bars = self.feed.bars(symbol, now)
        if len(bars["close"]) < 2:
            raise DataUnavailable(f"fewer than 2 closed bars of {symbol}")
        target = self.strategy.targets(bars, self.params)[-1] > 0
        return Want(int(bars["timestamp"][-1]), "long" if target else "flat",
                    f"{self.name} targets {'long' if target else 'flat'}", source=self.name)


class SignalDecider:
    """The signal agent's calibrated call (technical verdict, model, LLM check), traded when
    it is a buy or a sell at or above ``min_confidence``."""

    name = "signals"

    def __init__(self, signals: Signals, feed: MarketFeed, min_confidence: float,
                 review: bool = True) -> None:
        self.signals = signals
        self.feed = feed
        self.min_confidence = min_confidence
        self.review = review

    def latest_bar(self, symbol: str, now: datetime) -> int | None:
        frame = self.feed.candles(symbol, now).frame
        return int(frame["timestamp"].iloc[-1].timestamp() * 1000) if len(frame) else None

    def mark(self, symbol: str, now: datetime) -> Decimal | None:
        return _last_close(self.feed, symbol, now)

    def decide(self, symbol: str, now: datetime) -> Want:
        candles = self.feed.candles(symbol, now)
        decision = self.signals.decide(candles, review=self.review)
        bar_ms = int(decision.as_of.timestamp() * 1000)
        said = f"signal {decision.action} at {decision.confidence:.0%}"
        facts = decision.inputs.model
        model = (facts.trained_at.isoformat() if facts is not None and facts.trained_at
                 else None)
        if not decision.actionable(self.min_confidence):
            return Want(bar_ms, "hold", f"{said}: {decision.why_hold(self.min_confidence)}",
                        decision.confidence, "signals", model)
        target = "long" if decision.action == "buy" else "flat"
        return Want(bar_ms, target, f"{said}: {decision.brief()}", decision.confidence,
                    "signals", model)
