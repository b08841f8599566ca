"""Self-optimisation (`volex improve`): retrain the models the autopilot uses and promote a
candidate only when it beats the model in use on bars that model never saw."""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel

from volex.facade.models import ModelFacade
from volex.improve.models import ModelDecision

__all__ = ["ImproveFacade", "ImproveReport"]


class ImproveReport(BaseModel):
    """What one `volex improve` run tried, and what it promoted or kept and why."""

    started_at: datetime
    finished_at: datetime | None = None
    dry_run: bool = False
    models: list[ModelDecision] = []


class ImproveFacade(ModelFacade):
    """`volex improve`: the promotion gate for models."""

    def improve(self, *, dry_run: bool = False, offline: bool | None = None) -> ImproveReport:
        """Judge a retrained candidate for every watchlist market at the configured timeframe
        that has a model; promote (save, audit ``model.promoted``) or keep (``model.kept``).
        A dry run decides and reports but saves and audits nothing."""
        report = ImproveReport(started_at=datetime.now(UTC), dry_run=dry_run)
        report.models = [self._improve_model(symbol, dry_run, offline)
                         for symbol in self._models_in_use()]
        report.finished_at = datetime.now(UTC)
        return report

    def _models_in_use(self) -> list[str]:
        """Watchlist markets with a model at the configured timeframe: what the autopilot
        asks for predictions."""
        from volex.ml import ModelNotFound

        registry, found = self._registry(), []
        for symbol in dict.fromkeys(self.symbol(s) for s in self.settings.watchlist):
            try:
                registry.metadata(symbol, self.settings.timeframe)
            except ModelNotFound:
                continue
            found.append(symbol)
        return found

    def _improve_model(self, symbol: str, dry_run: bool, offline: bool | None) -> ModelDecision:
        from volex.errors import VolexError
        from volex.improve.models import judge_candidate
        from volex.ml.training import TRAINING_BARS

        tf = self.settings.timeframe
        registry = self._registry()
        threshold = self.trading_threshold()
        try:
            current = registry.load(symbol, tf)
            candles = self.candles(symbol, tf, offline=offline, bars=TRAINING_BARS)
            decision, candidate = judge_candidate(current, candles.frame, self.settings.improve,
                                                  threshold)
        except VolexError as exc:  # one market without data must not stop the others
            decision = ModelDecision(symbol=symbol, timeframe=tf, outcome="kept",
                                     reason=f"not judged: {exc}", threshold=threshold)
            candidate = None
        if dry_run:
            return decision
        if candidate is not None:
            registry.save(candidate, promoted=True, reason=decision.reason,
                          gate=decision.numbers())
            decision.version = registry.history(symbol, tf).in_use()
        self.runtime.store.audit.record(self.actor, f"model.{decision.outcome}", f"{symbol} {tf}",
                                        reason=decision.reason, details=decision.numbers())
        return decision
