"""Strategies, backtests and optimisation."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from volex.facade.base import FacadeBase

if TYPE_CHECKING:
    from volex.agents.strategy_runner import BarReport, RunSpec
    from volex.backtest.engine import BacktestConfig
    from volex.backtest.portfolio_service import PortfolioRun
    from volex.backtest.service import BacktestRun, OptimizeRun
    from volex.domain.candles import CandleSet
    from volex.portfolio.allocator import AllocationRules
    from volex.strategies.lifecycle import StrategyStateStore

__all__ = ["StrategyFacade"]


class StrategyFacade(FacadeBase):
    """Strategies, backtests and optimisation."""

    # -- strategies, backtests and optimisation ------------------------------------------

    @property
    def strategy_store(self) -> StrategyStateStore:
        """Lifecycle states and saved best parameters of strategies (through sqlite3 for a
        SQLite store: a backtest then never loads SQLAlchemy)."""
        return self.runtime.strategy_records

    def strategies(self, *, file: str | Path | None = None) -> list[dict[str, Any]]:
        """Every strategy template (and the one in ``file``): parameters, constraints, state."""
        from volex.strategies.catalog import strategy_catalog

        return strategy_catalog(self.strategy_store, file)

    def strategy(self, name: str, *, file: str | Path | None = None) -> dict[str, Any]:
        from volex.strategies.catalog import strategy_details

        return strategy_details(self.strategy_store, name, file)

    def validate_strategy(self, name: str, params: dict[str, Any] | None = None, *,
                          file: str | Path | None = None) -> dict[str, Any]:
        """The full, checked parameter set of ``name`` with ``params`` applied."""
        from volex.strategies.catalog import validate_params

        return validate_params(self.strategy_store, name, params or {}, file)

    def set_strategy_state(self, name: str, state: str, *,
                           file: str | Path | None = None) -> dict[str, Any]:
        """Move a strategy along draft -> backtested -> paper -> live (or back)."""
        from volex.strategies.catalog import change_state

        change = change_state(self.strategy_store, name, state, file)
        self.runtime.store.audit.record(self.actor, "strategy.state", change["strategy"],
                                        f"{change['from']} -> {change['to']}", details=change)
        return change

    def backtest(self, strategy: str, symbols: list[str], *, timeframe: str | None = None,
                 days: float | None = None, since: str | datetime | None = None,
                 until: str | datetime | None = None, data: str | Path | None = None,
                 params: dict[str, Any] | None = None, cash: float | None = None,
                 fee: float | None = None, slippage_bps: float = 0.0,
                 stop_loss_pct: float | None = None, take_profit_pct: float | None = None,
                 walk_forward: int | None = None, strategy_file: str | Path | None = None,
                 offline: bool | None = None,
                 on_step: Callable[[int, int, str], None] | None = None) -> list[BacktestRun]:
        """Backtest ``strategy`` on each symbol: next-open fills, fees, slippage, stops."""
        from volex.backtest.service import Window, run_backtests

        return run_backtests(self._candle_loader(offline), self.strategy_store, strategy, symbols,
                             timeframe=self._window_timeframe(timeframe, data),
                             window=Window(days, since, until), data=data,
                             params=params, walk_forward=walk_forward, strategy_file=strategy_file,
                             config=self._backtest_config(cash, fee, slippage_bps, stop_loss_pct,
                                                          take_profit_pct), on_step=on_step)

    def portfolio_rules(self, *, max_open: int = 3, stake: str = "slots",
                        stake_amount: float | None = None, max_asset_pct: float = 100.0,
                        max_exposure_pct: float = 100.0) -> AllocationRules:
        """Allocation rules for a portfolio backtest; ``volatility`` risks the risk agent's
        ``risk_per_trade_pct`` per trade, as live sizing does."""
        from volex.portfolio.allocator import AllocationRules

        risk = (float(self.runtime.risk.limits().risk_per_trade_pct) if stake == "volatility"
                else 1.0)
        return AllocationRules(max_open=max_open, stake=stake, stake_amount=stake_amount,
                               max_asset_pct=max_asset_pct, max_exposure_pct=max_exposure_pct,
                               risk_per_trade_pct=risk)

    def backtest_portfolio(self, strategy: str, symbols: list[str], rules: AllocationRules, *,
                           timeframe: str | None = None, days: float | None = None,
                           since: str | datetime | None = None,
                           until: str | datetime | None = None, data: str | Path | None = None,
                           params: dict[str, Any] | None = None, cash: float | None = None,
                           fee: float | None = None, slippage_bps: float = 0.0,
                           stop_loss_pct: float | None = None,
                           take_profit_pct: float | None = None,
                           walk_forward: int | None = None,
                           strategy_file: str | Path | None = None, offline: bool | None = None,
                           on_step: Callable[[int, int, str], None] | None = None
                           ) -> PortfolioRun:
        """Backtest ``strategy`` over all ``symbols`` from one account (``rules`` allocate)."""
        from volex.backtest.portfolio_service import run_portfolio_backtest
        from volex.backtest.service import Window

        return run_portfolio_backtest(
            self._candle_loader(offline), self.strategy_store, strategy, symbols, rules,
            timeframe=timeframe, window=Window(days, since, until), data=data, params=params,
            walk_forward=walk_forward, strategy_file=strategy_file,
            config=self._backtest_config(cash, fee, slippage_bps, stop_loss_pct,
                                         take_profit_pct), on_step=on_step)

    def optimize(self, strategy: str, symbol: str | list[str], *, timeframe: str | None = None,
                 days: float | None = None, since: str | datetime | None = None,
                 until: str | datetime | None = None, data: str | Path | None = None,
                 method: str = "grid", trials: int | None = None, objective: str = "sharpe",
                 walk_forward: int | None = None, jobs: int = 1, storage: str | None = None,
                 study: str | None = None, params: dict[str, Any] | None = None,
                 cash: float | None = None, fee: float | None = None, slippage_bps: float = 0.0,
                 save: bool = False, strategy_file: str | Path | None = None,
                 offline: bool | None = None,
                 on_progress: Callable[[int, int, Any], None] | None = None,
                 portfolio: AllocationRules | None = None) -> OptimizeRun:
        """Grid or Bayesian (TPE) search of ``strategy``'s parameters; ``save`` keeps the best.

        With ``portfolio``, one parameter set for every market of ``symbol`` together."""
        from volex.backtest.service import Window, run_optimization

        run = run_optimization(
            self._candle_loader(offline), self.strategy_store if save else None, strategy, symbol,
            timeframe=self._window_timeframe(timeframe, data),
            window=Window(days, since, until), data=data, method=method, trials=trials,
            objective=objective, walk_forward=walk_forward, jobs=jobs, storage=storage,
            study=study, fixed=params, config=self._backtest_config(cash, fee, slippage_bps),
            save=save, strategy_file=strategy_file, on_progress=on_progress,
            portfolio=portfolio)
        if run.saved is not None:
            self.runtime.store.audit.record(self.actor, "strategy.params", run.saved.name,
                                            details={"params": run.saved.best_params,
                                                     "objective": objective})
        return run

    def prepare_strategy_run(self, name: str, symbol: str, *, timeframe: str | None = None,
                             params: dict[str, Any] | None = None, quote: Any = None,
                             percent: Any = None, stop_loss: Any = None, take_profit: Any = None,
                             data: str | Path | None = None,
                             file: str | Path | None = None) -> RunSpec:
        """Check that ``name`` may trade ``symbol`` here and now, and describe the run.

        The lifecycle decides where a strategy may run: on paper from state ``paper``, live
        (``Volex(live=True)`` and trading.mode = "live") only in state ``live``. Parameters
        resolve as in a backtest: defaults < saved best parameters < ``params``.
        """
        from volex.agents.strategy_runner import RunSpec
        from volex.domain.orders import entry_size
        from volex.domain.timeframes import normalize_timeframe, timeframe_ms
        from volex.errors import UserInputError
        from volex.strategies.lifecycle import record_of, require_runnable
        from volex.strategies.registry import get_strategy

        strategy = get_strategy(name, file)
        record = record_of(self.strategy_store, strategy.name)
        require_runnable(record, live=self.runtime.live)
        if self.runtime.live and data is not None:
            raise UserInputError("--data replays a file on paper; it cannot trade live")
        resolved = strategy.resolve(params, base=record.best_params)
        amount, pct, stop, target = entry_size(quote, percent, stop_loss, take_profit)
        market = self.trade_symbol(symbol)
        self.runtime.execution.exchange.market(market)  # an unknown market fails now, not later
        tf = normalize_timeframe(timeframe or self.settings.timeframe)
        candles = self.candles(market, tf, data=data)  # no data: say so before starting
        if data is not None and timeframe is None:
            from volex.ml.features import infer_timeframe

            tf = infer_timeframe(candles.columns["timestamp"][:10_001])
        return RunSpec(strategy, market, tf, timeframe_ms(tf), resolved,
                       lambda: self.candles(market, tf, data=data), mode=self.trading_mode,
                       quote=amount, percent=pct, stop_loss_pct=stop, take_profit_pct=target)

    def run_strategy(self, spec: RunSpec, on_bar: Callable[[BarReport], None], *,
                     once: bool = False) -> None:
        """Trade ``spec``'s target on each newly closed bar (``once``: the latest, then stop).

        Orders go through the execution agent (risk checks, halt, journal, audit) with actor
        "agent"; runs until interrupted unless ``once``.
        """
        self.runtime.store.audit.record(
            self.actor, "strategy.run", spec.symbol,
            details={"strategy": spec.strategy.name, "timeframe": spec.timeframe,
                     "params": spec.params, "mode": spec.mode, "once": once})
        self.runtime.strategy_runner.run(spec, on_bar, once=once)

    def _window_timeframe(self, timeframe: str | None, data: str | Path | None) -> str | None:
        """The timeframe to size a window with: a data file's own is inferred, else config's.

        Without it the loader fell back to its default bar count, and --days 3000 quietly
        tested the last 1,000 bars.
        """
        return timeframe if timeframe or data else self.settings.timeframe

    def _candle_loader(self, offline: bool | None) -> Callable[..., CandleSet]:
        def load(symbol: str, timeframe: str | None, data: str | Path | None,
                 bars: int | None) -> CandleSet:
            return self.candles(symbol, timeframe, data=data, bars=bars, offline=offline)

        return load

    def _backtest_config(self, cash: float | None, fee: float | None, slippage_bps: float,
                         stop_loss_pct: float | None = None,
                         take_profit_pct: float | None = None) -> BacktestConfig:
        from volex.backtest.engine import BacktestConfig

        trading = self.settings.trading
        return BacktestConfig(
            cash=trading.starting_balance if cash is None else cash,
            fee=trading.fee_rate if fee is None else fee, slippage_bps=slippage_bps,
            stop_loss=None if stop_loss_pct is None else stop_loss_pct / 100,
            take_profit=None if take_profit_pct is None else take_profit_pct / 100)
