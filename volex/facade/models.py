"""The signal model: train, list and evaluate."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from volex.facade.base import FacadeBase

if TYPE_CHECKING:
    from volex.domain.candles import CandleSet
    from volex.ml import Evaluation, ModelMetadata, ModelSpec
    from volex.ml.sentiment_features import SentimentComparison

__all__ = ["ModelFacade"]


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
        from volex.ml import ModelRegistry, ModelSpec, evaluate_model, train_model
        from volex.ml.training import TRAINING_BARS

        candles = self.candles(symbol, timeframe, exchange=exchange, offline=offline, data=data,
                               bars=TRAINING_BARS)
        spec = ModelSpec.from_settings(self.settings, kind=model)
        name = self.symbol(symbol) if data is not None else candles.symbol
        evaluation = evaluate_model(candles.frame, name, candles.timeframe, spec=spec)
        trained = train_model(candles.frame, name, candles.timeframe, spec=spec,
                              evaluation=evaluation)
        ModelRegistry(self.settings.home / "models").save(trained)
        return trained.metadata, candles, spec, evaluation

    def models(self) -> list[ModelMetadata]:
        """Every saved model's metadata: what it learned from and how it did out of sample."""
        from volex.ml import ModelRegistry

        return ModelRegistry(self.settings.home / "models").list()

    def evaluate_model(self, symbol: str, timeframe: str | None = None, *,
                       model: str | None = None, data: str | Path | None = None,
                       exchange: str | None = None, offline: bool | None = None) -> Evaluation:
        """Purged walk-forward evaluation (the saved model's spec when there is one)."""
        from volex.ml import ModelNotFound, ModelRegistry, ModelSpec, evaluate_model
        from volex.ml.training import TRAINING_BARS

        candles = self.candles(symbol, timeframe, exchange=exchange, offline=offline, data=data,
                               bars=TRAINING_BARS)
        name = self.symbol(symbol) if data is not None else candles.symbol
        try:
            spec = ModelRegistry(self.settings.home / "models").metadata(
                name, candles.timeframe).spec
        except ModelNotFound:
            spec = ModelSpec.from_settings(self.settings)
        if model is not None:
            spec = spec.model_copy(update={"kind": ModelSpec(kind=model).kind})
        return evaluate_model(candles.frame, name, candles.timeframe, spec=spec)
