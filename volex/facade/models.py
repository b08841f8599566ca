"""The signal model: train, list and evaluate."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from volex.facade.base import FacadeBase

if TYPE_CHECKING:
    from volex.domain.candles import CandleSet
    from volex.ml import Evaluation, ModelMetadata, ModelRegistry, ModelSpec
    from volex.ml.sentiment_features import SentimentComparison

__all__ = ["ModelFacade", "ModelHistoryView"]


@dataclass(frozen=True)
class ModelHistoryView:
    """What `volex model history` shows: kept versions, newest first."""

    symbol: str
    timeframe: str
    threshold: float
    versions: list[dict[str, Any]]


class ModelFacade(FacadeBase):
    """The signal model: train, list and evaluate."""

    # -- the signal model ----------------------------------------------------------------

    def train_model(self, symbol: str, timeframe: str | None = None, *, model: str | None = None,
                    data: str | Path | None = None, exchange: str | None = None,
                    offline: bool | None = None) -> ModelMetadata:
        """Train on all the history available, evaluate walk-forward, save; returns metadata."""
        return self._train(symbol, timeframe, model, data, exchange, offline)[0]

    def train_model_with_sentiment(
            self, symbol: str, timeframe: str | None = None, *, model: str | None = None,
            data: str | Path | None = None, exchange: str | None = None,
            offline: bool | None = None) -> tuple[ModelMetadata, SentimentComparison]:
        """Train and save as ``train_model`` does, then evaluate the same walk-forward with
        sentiment features (stored news and Fear & Greed as of each bar's close) and say
        whether they beat the model without them."""
        from datetime import UTC, datetime

        from volex.ml.sentiment_features import compare_with_sentiment

        meta, candles, spec, evaluation = self._train(symbol, timeframe, model, data, exchange,
                                                      offline)
        news = self.runtime.store.news
        stories = news.scores(as_of=datetime.now(UTC), since=datetime.fromtimestamp(0, UTC),
                              asset=meta.symbol.split("/")[0])
        fear_greed = [(int(r.available_at.timestamp() * 1000), r.value)
                      for r in news.fear_greed_history()]
        return meta, compare_with_sentiment(candles.frame, meta.symbol, candles.timeframe, spec,
                                            stories, fear_greed, without=evaluation)

    def _train(self, symbol: str, timeframe: str | None, model: str | None,
               data: str | Path | None, exchange: str | None, offline: bool | None
               ) -> tuple[ModelMetadata, CandleSet, ModelSpec, Evaluation]:
        from volex.ml import ModelSpec, evaluate_model, train_model
        from volex.ml.training import TRAINING_BARS

        candles = self.candles(symbol, timeframe, exchange=exchange, offline=offline, data=data,
                               bars=TRAINING_BARS)
        spec = ModelSpec.from_settings(self.settings, kind=model)
        name = self.symbol(symbol) if data is not None else candles.symbol
        evaluation = evaluate_model(candles.frame, name, candles.timeframe, spec=spec)
        trained = train_model(candles.frame, name, candles.timeframe, spec=spec,
                              evaluation=evaluation)
        self._registry().save(trained)
        return trained.metadata, candles, spec, evaluation

    def models(self) -> list[ModelMetadata]:
        """Every saved model's metadata: what it learned from and how it did out of sample."""
        return self._registry().list()

    def evaluate_model(self, symbol: str, timeframe: str | None = None, *,
                       model: str | None = None, data: str | Path | None = None,
                       exchange: str | None = None, offline: bool | None = None) -> Evaluation:
        """Purged walk-forward evaluation (the saved model's spec when there is one)."""
        from volex.ml import ModelNotFound, ModelSpec, evaluate_model
        from volex.ml.training import TRAINING_BARS

        candles = self.candles(symbol, timeframe, exchange=exchange, offline=offline, data=data,
                               bars=TRAINING_BARS)
        name = self.symbol(symbol) if data is not None else candles.symbol
        try:
            spec = self._registry().metadata(
                name, candles.timeframe).spec
        except ModelNotFound:
            spec = ModelSpec.from_settings(self.settings)
        if model is not None:
            spec = spec.model_copy(update={"kind": ModelSpec(kind=model).kind})
        return evaluate_model(candles.frame, name, candles.timeframe, spec=spec)

    # -- history and rollback --------------------------------------------------------------

    def _registry(self) -> ModelRegistry:
        from volex.ml import ModelRegistry

        return ModelRegistry(self.settings.home / "models", keep=self.settings.improve.keep_models)

    def trading_threshold(self) -> float:
        """The confidence a call needs to trade (risk limit ``min_confidence``)."""
        return float(self.runtime.risk.limits().min_confidence)

    def model_history(self, symbol: str, timeframe: str | None = None) -> ModelHistoryView:
        """The kept versions of one market's model, newest first, and which is in use."""
        from volex.ml.history import hit_rate_at

        name, tf = self.symbol(symbol), timeframe or self.settings.timeframe
        registry = self._registry()
        registry.metadata(name, tf)  # ModelNotFound says how to train one
        history = registry.history(name, tf)
        threshold = self.trading_threshold()
        rows = []
        for version in reversed(history.versions()):
            calls, hit = hit_rate_at(version.track_record, threshold)
            rows.append(version.model_dump(mode="json", exclude={"track_record"})
                        | {"calls": calls, "hit_rate": hit,
                           "in_use": version.version == history.in_use()})
        return ModelHistoryView(symbol=name, timeframe=tf, threshold=threshold, versions=rows)

    def rollback_model(self, symbol: str, timeframe: str | None = None,
                       reason: str | None = None) -> tuple[int, int]:
        """Bring back the previously promoted model (audited); returns (from, to) versions."""
        name, tf = self.symbol(symbol), timeframe or self.settings.timeframe
        was, now = self._registry().rollback(name, tf)
        self.runtime.store.audit.record(self.actor, "model.rollback", f"{name} {tf}",
                                        reason=reason or "rolled back by hand",
                                        details={"from_version": was, "to_version": now})
        return was, now
