"""Signals and decisions from the signal agent."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from volex.domain.timeframes import normalize_timeframe
from volex.facade.base import FacadeBase

if TYPE_CHECKING:
    from volex.domain.candles import CandleSet
    from volex.domain.signals import Decision, SignalBoard, SignalOutcomes

__all__ = ["SignalFacade"]


class SignalFacade(FacadeBase):
    """Signals and decisions from the signal agent."""

    # -- signals -------------------------------------------------------------------------

    def decide(self, symbol: str, timeframe: str | None = None, *, exchange: str | None = None,
               offline: bool | None = None, data: str | Path | None = None, train: bool = False,
               llm: bool = True) -> Decision:
        """The signal agent's decision at the last closed bar: technical verdict, calibrated
        model and LLM check combined; stored with its inputs and published on the bus.

        Without a saved model the decision is hold (saying how to train one) unless
        ``train=True``, which trains first and takes seconds.
        """
        candles = self._signal_candles(symbol, timeframe, exchange, offline, data, train)
        return self.runtime.signal.decide(candles, train=train, review=llm)

    def has_model(self, symbol: str, timeframe: str | None = None) -> bool:
        """True when a trained signal model is saved for ``symbol`` (cheap: nothing is loaded)."""
        tf = normalize_timeframe(timeframe or self.settings.timeframe)
        if self.runtime.agent_url("signal"):
            return self.runtime.signal.has_model(self.symbol(symbol), tf)
        from volex.ml.paths import model_saved  # the local agent's answer, without building it

        return model_saved(self.settings.home / "models", self.symbol(symbol), tf)

    def signals(self, symbols: list[str] | None = None, timeframe: str | None = None, *,
                exchange: str | None = None, offline: bool | None = None, train: bool = False,
                llm: bool = True) -> SignalBoard:
        """Decisions for ``symbols`` (default: the watchlist) as one batch."""
        from volex.domain.signals import SignalBoard
        from volex.errors import DataUnavailable, NetworkError

        tf = normalize_timeframe(timeframe or self.settings.timeframe)
        names = [self.symbol(s) for s in (symbols or self.settings.watchlist)]
        batch, problems = [], {}
        for name in dict.fromkeys(names):
            try:
                batch.append(self._signal_candles(name, tf, exchange, offline, None, train))
            except (DataUnavailable, NetworkError) as exc:
                problems[name] = str(exc)
        agent = self.runtime.signal
        decisions = agent.decide_batch(batch, train=train, review=llm) if batch else []
        pending = set(agent.pending_markets())
        for candles in batch:  # past decisions whose horizon has now passed get their outcome
            if (candles.symbol, candles.timeframe) in pending:
                agent.score_outcomes(candles)
        return SignalBoard(timeframe=tf, decisions=decisions, problems=problems)

    def signal_outcomes(self, timeframe: str | None = None, *, exchange: str | None = None,
                        offline: bool | None = None) -> list[SignalOutcomes]:
        """Score stored decisions whose horizon has passed, then each market's record: how
        many buy/sell calls the price agreed with, and the mean move in their direction."""
        from volex.errors import DataUnavailable, NetworkError

        tf = normalize_timeframe(timeframe) if timeframe else None
        agent = self.runtime.signal
        for symbol, market_tf in agent.pending_markets():
            if tf is None or market_tf == tf:
                try:
                    agent.score_outcomes(self._signal_candles(symbol, market_tf, exchange,
                                                              offline, None, False))
                except (DataUnavailable, NetworkError):
                    continue  # scored on a later run, when candles are at hand
        return agent.outcomes(tf)

    def _signal_candles(self, symbol: str, timeframe: str | None, exchange: str | None,
                        offline: bool | None, data: str | Path | None, train: bool) -> CandleSet:
        from volex.ml.features import WARMUP_BARS
        from volex.ml.training import TRAINING_BARS

        candles = self.candles(symbol, timeframe, exchange=exchange, offline=offline, data=data,
                               bars=TRAINING_BARS if train else WARMUP_BARS)
        if data is not None:  # a file's label names its model as `volex model train --data` does
            candles.symbol = self.symbol(symbol)
        return candles
