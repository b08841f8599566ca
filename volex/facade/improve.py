"""Self-optimisation (`volex improve`): retrain the models the autopilot uses and promote a
candidate only when it beats the model in use on bars that model never saw."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from pydantic import BaseModel

from volex.facade.models import ModelFacade
from volex.improve.drift import DriftCheck
from volex.improve.models import ModelDecision
from volex.improve.strategies import StrategyDecision

if TYPE_CHECKING:
    from volex.autopilot.clock import Clock

__all__ = ["ImproveFacade", "ImproveReport"]


class ImproveReport(BaseModel):
    """What one `volex improve` run tried, and what it promoted or kept and why."""

    started_at: datetime
    finished_at: datetime | None = None
    dry_run: bool = False
    what: str = "all"
    drift: list[DriftCheck] = []
    models: list[ModelDecision] = []
    strategies: list[StrategyDecision] = []


class ImproveFacade(ModelFacade):
    """`volex improve`: the promotion gate for models."""

    def improve(self, *, what: str = "all", dry_run: bool = False, offline: bool | None = None,
                clock: Clock | None = None) -> ImproveReport:
        """Models: judge a retrained candidate for every watchlist market at the configured
        timeframe that has a model; promote (save, audit ``model.promoted``) or keep
        (``model.kept``). Strategies: re-tune each one in paper or live walk-forward; promote
        (``strategy.params.promoted``) or keep (``strategy.params.kept``). A dry run decides
        and reports but saves and audits nothing.

        One run at a time: the job lease is taken first (LeaseHeld names the process that
        holds it) and extended after each market or strategy."""
        from volex.autopilot.clock import LiveClock
        from volex.errors import UserInputError
        from volex.improve.jobs import JobLease

        if what not in ("drift", "models", "strategies", "all"):
            raise UserInputError(f"--what is drift, models, strategies or all, not {what!r}")
        clock = clock or LiveClock()
        lease = JobLease(self.runtime.store.jobs, clock, self.settings.improve.lease_s)
        lease.take()
        try:
            report = ImproveReport(started_at=clock.wall(), dry_run=dry_run, what=what)
            if what in ("drift", "all"):  # first: a degraded model is then judged at once
                report.drift = [self.drift_check(symbol, dry_run=dry_run, offline=offline)
                                for symbol in self._models_in_use()]
            if what in ("models", "all"):
                for symbol in self._models_in_use():
                    report.models.append(self._improve_model(symbol, dry_run, offline))
                    lease.take()
            if what in ("strategies", "all"):
                for name in self._strategies_trading():
                    report.strategies.append(self._improve_strategy(name, dry_run, offline))
                    lease.take()
            report.finished_at = clock.wall()
        finally:
            lease.release()
        return report

    def drift_check(self, symbol: str, *, dry_run: bool = False,
                    offline: bool | None = None) -> DriftCheck:
        """Score the market's stored decisions whose horizon passed, then test the model's
        live hit rate against its out-of-sample one; a failing model is marked degraded
        (it stops driving trades, audited ``model.degraded``) until the next `volex improve`
        promotes a retrained one or a rollback brings an older one back."""
        from volex.adapters.storage.model_drift import scored_calls
        from volex.errors import VolexError
        from volex.improve.drift import drift_test
        from volex.ml.history import hit_rate_at, trading_record

        tf, settings = self.settings.timeframe, self.settings.improve
        registry, threshold = self._registry(), self.trading_threshold()
        check = DriftCheck(symbol=symbol, timeframe=tf)
        meta = registry.metadata(symbol, tf)
        try:
            self.runtime.signal.score_outcomes(self.candles(symbol, tf, offline=offline))
        except VolexError as exc:
            check.reason = f"outcomes not scored now: {exc}; "
        check.calls, check.right = scored_calls(self.runtime.store.db, symbol, tf,
                                                int(meta.created_at.timestamp() * 1000),
                                                threshold)
        check.expected_hit_rate = hit_rate_at(trading_record(meta), threshold)[1]
        already = registry.degraded(symbol, tf)
        if check.expected_hit_rate is None:
            check.reason += f"no out-of-sample calls at {threshold:.0%} to compare with"
        else:
            check.p_value, check.degraded = drift_test(
                check.right, check.calls, check.expected_hit_rate, alpha=settings.drift_alpha,
                min_calls=settings.drift_min_calls)
            check.reason += (f"{check.right} of {check.calls} live calls right against "
                             f"{check.expected_hit_rate:.1%} out of sample"
                             + ("" if check.p_value is None else f", p = {check.p_value:.4f}"))
        if already is not None:
            check.degraded, check.reason = True, f"degraded since before: {already}"
        elif check.degraded and not dry_run:
            check.newly_degraded = True
            registry.mark_degraded(symbol, tf, check.reason, check.numbers()
                                   | {"retrain": "the next `volex improve` run"})
            self.runtime.store.audit.record(self.actor, "model.degraded", f"{symbol} {tf}",
                                            reason=check.reason, details=check.numbers())
        return check

    def _strategies_trading(self) -> list[str]:
        from volex.strategies.lifecycle import LifecycleState

        store = self.strategy_store  # type: ignore[attr-defined]
        return sorted(r.name for r in store.all()
                      if r.state in (LifecycleState.PAPER, LifecycleState.LIVE))

    def _improve_strategy(self, name: str, dry_run: bool,
                          offline: bool | None) -> StrategyDecision:
        from volex.backtest.engine import bars_from_frame
        from volex.errors import VolexError
        from volex.improve.strategies import judge_parameters
        from volex.strategies.lifecycle import record_of, save_best_params
        from volex.strategies.registry import get_strategy

        settings = self.settings.improve
        store = self.strategy_store  # type: ignore[attr-defined]
        symbol = self.symbol(self.settings.watchlist[0]) if self.settings.watchlist else ""
        try:
            strategy = get_strategy(name)
            current = strategy.resolve(None, base=record_of(store, name).best_params)
            candles = self.candles(symbol, self.settings.timeframe, offline=offline,
                                   bars=settings.strategy_bars)
            decision = judge_parameters(
                strategy, bars_from_frame(candles.frame.tail(settings.strategy_bars)), current,
                symbol=symbol, folds=settings.strategy_folds,
                config=self._backtest_config(None, None, 0.0),  # type: ignore[attr-defined]
                objective=settings.objective, min_trades=settings.min_trades)
        except VolexError as exc:  # one strategy that cannot be judged must not stop the rest
            decision = StrategyDecision(strategy=name, symbol=symbol, outcome="kept",
                                        reason=f"not judged: {exc}")
        if dry_run:
            return decision
        if decision.new_params is not None:
            save_best_params(store, name, decision.new_params, decision.objective,
                             float(decision.tuned_score or 0.0))
        self.runtime.store.audit.record(self.actor, f"strategy.params.{decision.outcome}", name,
                                        reason=decision.reason, details=decision.numbers())
        return decision

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
