"""The signal model: train, list and evaluate."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from volex.facade.base import FacadeBase

if TYPE_CHECKING:
    from volex.ml import Evaluation, ModelMetadata

__all__ = ["ModelFacade"]


class ModelFacade(FacadeBase):
    """The signal model: train, list and evaluate."""

    # -- the signal model ----------------------------------------------------------------

    def train_model(self, symbol: str, timeframe: str | None = None, *, model: str | None = None,
                    data: str | Path | None = None, exchange: str | None = None,
                    offline: bool | None = None) -> ModelMetadata:
        """Train on all the history available, evaluate walk-forward, save; returns metadata."""
        from volex.ml import ModelRegistry, ModelSpec, train_model
        from volex.ml.training import TRAINING_BARS

        candles = self.candles(symbol, timeframe, exchange=exchange, offline=offline, data=data,
                               bars=TRAINING_BARS)
        spec = ModelSpec.from_settings(self.settings, kind=model)
        name = self.symbol(symbol) if data is not None else candles.symbol
        trained = train_model(candles.frame, name, candles.timeframe, spec=spec)
        ModelRegistry(self.settings.home / "models").save(trained)
        return trained.metadata

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
