"""The signal agent: candles -> technical verdict + calibrated model -> LLM check -> Decision.

Models come from the registry and stay loaded (reloaded when retrained). Training happens
only when the caller asks (``train=True``): a missing model is a reason to hold, with the
command that trains one. Every decision is stored with its inputs and published on the bus
("decisions", and its one-line form on "signals").
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from volex.agents.decision import (
    apply_review,
    components,
    market_facts,
    model_facts,
    propose,
    technical_facts,
)
from volex.agents.sentiment_check import apply_sentiment
from volex.domain.signals import (
    Decision,
    DecisionInputs,
    LLMReview,
    MarketFacts,
    SignalOutcomes,
    TechnicalFacts,
)
from volex.domain.timeframes import timeframe_ms
from volex.errors import BusError, DataUnavailable, StorageError
from volex.ml.paths import train_hint

if TYPE_CHECKING:
    from volex.agents.llm_review import Reviewer
    from volex.config import Settings
    from volex.domain.analysis import Analysis
    from volex.domain.candles import CandleSet
    from volex.domain.news import SentimentFacts
    from volex.ml.predict import TrainedModel
    from volex.ml.registry import ModelRegistry
    from volex.ml.reports import ModelOutlook
    from volex.ports import EventBus, SignalLog

__all__ = ["SignalAgent", "train_hint"]

_DAY_MS = 86_400_000
log = logging.getLogger(__name__)

_MAX_PARALLEL_REVIEWS = 8


def _technical(candles: CandleSet) -> tuple[datetime, MarketFacts, TechnicalFacts]:
    """Indicators and the technical verdict at the last bar over the same trailing bars as
    `volex analyze` (its market summary is left out: it costs a third of the time)."""
    import numpy as np

    from volex.agents.research import DEFAULT_BARS
    from volex.analysis.indicators import compute_indicators, indicators_at
    from volex.analysis.verdict import read_indicators, technical_verdict
    from volex.domain.timeframes import timeframe_ms

    frame = candles.frame.iloc[-DEFAULT_BARS:]
    indicators = indicators_at(compute_indicators(frame))
    close = frame["close"].to_numpy(dtype=np.float64)
    verdict = technical_verdict(read_indicators(indicators, float(close[-1])), indicators.adx_14)
    per_day = _DAY_MS // timeframe_ms(candles.timeframe)
    change = (round((close[-1] / close[-1 - per_day] - 1) * 100, 4)
              if 0 < per_day < len(close) and close[-1 - per_day] else None)
    return (frame["timestamp"].iat[-1].to_pydatetime(),
            market_facts(indicators, float(close[-1]), change), technical_facts(verdict))


def _from_analysis(analysis: Analysis) -> tuple[datetime, MarketFacts, TechnicalFacts]:
    return (analysis.as_of, market_facts(analysis.indicators, analysis.market.last_close,
                                         analysis.market.change_pct_24h),
            technical_facts(analysis.verdict))


class SignalAgent:
    """Decisions for one market or many, from candles the caller already holds."""

    def __init__(self, registry: ModelRegistry, reviewer: Reviewer, repo: SignalLog | None,
                 bus: EventBus | None, settings: Settings, *, actor: str = "agent",
                 sentiment: Callable[[str, datetime], SentimentFacts | None] | None = None
                 ) -> None:
        self.registry = registry
        self.sentiment = sentiment  # (symbol, bar close) -> stored news seen by then
        self.reviewer = reviewer
        self.repo = repo
        self.bus = bus
        self.settings = settings
        self.actor = actor
        self._models: dict[tuple[str, str], tuple[float, TrainedModel]] = {}
        self._recent: dict[tuple[str, str, bool], Decision] = {}

    # -- models -------------------------------------------------------------------------

    def has_model(self, symbol: str, timeframe: str) -> bool:
        """True when a saved model exists (cheap: no unpickling)."""
        from volex.ml.paths import model_saved

        return model_saved(self.registry.root, symbol, timeframe)

    def model(self, candles: CandleSet, *, train: bool = False) -> tuple[TrainedModel | None, str | None]:
        """The loaded model for ``candles``' market, or None and why; trains only if asked."""
        from volex.ml.features import FEATURE_VERSION

        key = (candles.symbol, candles.timeframe)
        degraded = self.registry.degraded(*key)
        if degraded is not None:  # the drift watch found its live calls failing: hold
            return None, f"the {key[0]} {key[1]} model is degraded: {degraded}"
        if train:
            from volex.ml.registry import ensure_model

            model = ensure_model(self.registry, candles.frame, *key, self.settings)
            self._models[key] = (self._stamp(*key), model)
            return model, None
        if not self.has_model(*key):
            return None, train_hint(*key)
        stamp = self._stamp(*key)
        cached = self._models.get(key)
        if cached is None or cached[0] != stamp:
            try:
                cached = (stamp, self.registry.load(*key, predict_only=True))
            except StorageError as exc:
                return None, str(exc)
            self._models[key] = cached
        model = cached[1]
        if model.metadata.feature_version != FEATURE_VERSION:
            return None, (f"the {key[0]} {key[1]} model was built from older features; retrain "
                          f"with `volex model train {key[0]} --timeframe {key[1]}`")
        return model, None

    def _stamp(self, symbol: str, timeframe: str) -> float:
        try:
            return (self.registry.path_for(symbol, timeframe) / "metadata.json").stat().st_mtime
        except OSError:
            return 0.0

    # -- decisions ----------------------------------------------------------------------

    def decide(self, candles: CandleSet, *, analysis: Analysis | None = None,
               train: bool = False, review: bool = True, save: bool = True) -> Decision:
        """The decision at the last closed bar of ``candles``."""
        return self.decide_batch([candles], analyses=[analysis], train=train, review=review,
                                 review_holds=True, save=save)[0]

    def decide_batch(self, batch: Sequence[CandleSet], *,
                     analyses: Sequence[Analysis | None] | None = None, train: bool = False,
                     review: bool = True, review_holds: bool = False,
                     save: bool = True) -> list[Decision]:
        """Decisions for many markets: one prediction pass, reviews in parallel, one write.

        A remote LLM is only asked about proposed trades unless ``review_holds`` (it can
        veto or lower a trade, never turn a hold into one); the local stand-in always runs.
        """
        analyses = list(analyses) if analyses else [None] * len(batch)
        ready = [_from_analysis(a) if a is not None else _technical(c)
                 for c, a in zip(batch, analyses, strict=True)]
        outlooks = self._outlooks(batch, train)
        proposals = [self._inputs(c, a, *outlooks[i])
                     for i, (c, a) in enumerate(zip(batch, ready, strict=True))]
        inputs = [p for p, _ in proposals]
        digests = [i.digest() for i in inputs]
        known = [self._known(i, d, review) for i, d in zip(inputs, digests, strict=True)]
        consult = [review and k is None and (self.reviewer.is_local or review_holds
                                             or i.proposed_action != "hold")
                   for i, k in zip(inputs, known, strict=True)]
        reviews = self._reviews(inputs, consult)
        decisions = [k or self._decision(i, reasons, d, r) for (i, reasons), d, k, r
                     in zip(proposals, digests, known, reviews, strict=True)]
        if save:
            fresh = [d for d, k in zip(decisions, known, strict=True) if k is None]
            self._record(fresh)
            self._recent.update({(d.symbol, d.timeframe, review): d for d in fresh})
        return decisions

    def _known(self, inputs: DecisionInputs, digest: str, review: bool) -> Decision | None:
        """The stored decision made from exactly these inputs in this process, if any: polling
        the same bar again (a dashboard, --watch) neither re-asks the LLM nor stores twice."""
        recent = self._recent.get((inputs.symbol, inputs.timeframe, review))
        return recent if recent is not None and recent.inputs_digest == digest else None

    def _outlooks(self, batch: Sequence[CandleSet],
                  train: bool) -> list[tuple[TrainedModel | None, ModelOutlook | None, str | None]]:
        from volex.ml.predict import predict_batch

        found: list[tuple[TrainedModel | None, str | None]] = []
        for candles in batch:
            try:
                found.append(self.model(candles, train=train))
            except DataUnavailable as exc:  # too little history to train on
                found.append((None, str(exc)))
        jobs = {i: (m, c.frame) for i, (c, (m, _)) in enumerate(zip(batch, found, strict=True))
                if m is not None}
        predicted = predict_batch(jobs) if jobs else {}
        out: list[tuple[TrainedModel | None, ModelOutlook | None, str | None]] = []
        for i, (model, missing) in enumerate(found):
            result = predicted.get(i)
            if isinstance(result, DataUnavailable):
                out.append((model, None, str(result)))
            else:
                out.append((model, result, missing))
        return out

    def _inputs(self, candles: CandleSet, view: tuple[datetime, MarketFacts, TechnicalFacts],
                model: TrainedModel | None, outlook: ModelOutlook | None,
                missing: str | None) -> tuple[DecisionInputs, list[str]]:
        as_of, market, technical = view
        facts = None
        if model is not None and outlook is not None:
            facts = model_facts(outlook, model.metadata)
        action, confidence, reasons = propose(technical, facts, missing)
        mood = None
        if self.sentiment is not None:  # what was known when the bar closed, not later
            mood = self.sentiment(candles.symbol,
                                  as_of + timedelta(milliseconds=timeframe_ms(candles.timeframe)))
        return DecisionInputs(symbol=candles.symbol, timeframe=candles.timeframe, as_of=as_of,
                              market=market, technical=technical, model=facts,
                              model_missing=missing, proposed_action=action,
                              proposed_confidence=confidence, sentiment=mood), reasons

    def _reviews(self, inputs: list[DecisionInputs], consult: list[bool]) -> list[LLMReview | None]:
        wanted = [i for i, ask in enumerate(consult) if ask]
        out: list[LLMReview | None] = [None] * len(inputs)
        if self.reviewer.is_local or len(wanted) <= 1:
            for i in wanted:
                out[i] = self.reviewer.review(inputs[i])
            return out
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=min(_MAX_PARALLEL_REVIEWS, len(wanted))) as pool:
            for i, result in zip(wanted, pool.map(lambda k: self.reviewer.review(inputs[k]), wanted),
                                 strict=True):
                out[i] = result
        return out

    @staticmethod
    def _decision(inputs: DecisionInputs, reasons: list[str], digest: str,
                  review: LLMReview | None) -> Decision:
        action, confidence, vetoed, notes = apply_review(inputs.proposed_action,
                                                         inputs.proposed_confidence, review)
        if not vetoed:
            action, confidence, vetoed, news = apply_sentiment(action, confidence,
                                                               inputs.sentiment)
            notes = news + notes if vetoed else notes + news
        return Decision(
            id=uuid.uuid4().hex, symbol=inputs.symbol, timeframe=inputs.timeframe,
            as_of=inputs.as_of, decided_at=datetime.now(UTC), action=action,
            confidence=confidence, vetoed=vetoed,
            reasons=notes + reasons if vetoed else reasons + notes,
            components=components(inputs.technical, inputs.model, inputs.model_missing, review),
            review=review, inputs=inputs, inputs_digest=digest)

    def _record(self, decisions: list[Decision]) -> None:
        if self.repo is not None:
            self.repo.save(decisions, self.actor)
        if self.bus is None:
            return
        try:
            for decision in decisions:
                self.bus.publish("decisions", decision.model_dump(mode="json"))
                self.bus.publish("signals", decision.to_signal().model_dump(mode="json"))
        except BusError as exc:  # stored already: a bus outage must not cost the decision
            log.warning("decisions stored but not published: %s", exc)

    # -- outcomes -----------------------------------------------------------------------

    def pending_markets(self) -> list[tuple[str, str]]:
        """Markets with stored decisions still waiting for their outcome."""
        return self.repo.pending_markets() if self.repo is not None else []

    def outcomes(self, timeframe: str | None = None) -> list[SignalOutcomes]:
        """How each market's stored decisions turned out (scored ones only)."""
        return self.repo.outcomes(timeframe) if self.repo is not None else []

    def score_outcomes(self, candles: CandleSet) -> int:
        """Score stored decisions of this market whose horizon has passed; returns how many."""
        if self.repo is None:
            return 0
        stamps = candles.frame["timestamp"]
        if stamps.dtype != "int64":  # bar open times as epoch ms, as the decisions store them
            stamps = stamps.dt.as_unit("ms").astype("int64")
        index = {int(ts): i for i, ts in enumerate(stamps.to_numpy())}
        close = candles.frame["close"].to_numpy()
        scored = 0
        for row in self.repo.unscored(candles.symbol, candles.timeframe):
            at = index.get(int(row["as_of_ts"]))
            if at is None or at + row["horizon"] >= len(close):
                continue
            forward = float(close[at + row["horizon"]] / row["last_close"] - 1)
            right: Any = {"buy": forward > 0, "sell": forward < 0}.get(row["action"])
            self.repo.record_outcome(row["id"], forward, right)
            scored += 1
        return scored
