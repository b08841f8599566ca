"""volex.Volex: the one API that the CLI, the shell, the dashboard and HTTP services call."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from volex.bootstrap import Runtime
from volex.config import Settings, load_settings
from volex.domain.symbols import normalize_symbol
from volex.domain.timeframes import normalize_timeframe

if TYPE_CHECKING:
    from volex.agents.alerts import AlertCheck
    from volex.domain.alerts import Alert
    from decimal import Decimal

    from volex.adapters.storage.candles import CachedSeries
    from volex.adapters.storage.migrate_from import CopyReport
    from volex.agents.execution import ExecutionAgent
    from volex.agents.monitor import Health
    from volex.backtest.engine import BacktestConfig
    from volex.backtest.service import BacktestRun, OptimizeRun
    from volex.domain.analysis import Analysis
    from volex.domain.audit import AuditRecord
    from volex.domain.candles import CandleSet
    from volex.domain.orders import (
        Balance,
        Fill,
        HaltReport,
        HaltState,
        Order,
        Position,
        TradePlan,
        TradeResult,
    )
    from volex.domain.risk import RiskLimits
    from volex.domain.signals import Decision, SignalBoard, SignalOutcomes
    from volex.ml import Evaluation, ModelMetadata
    from volex.strategies.lifecycle import StrategyStateStore

__all__ = ["Volex"]


class Volex:
    """Everything a trader can do, as plain methods returning typed objects.

    ``actor`` names who acts (cli, shell, dashboard, agent, remote, api) in the audit log.
    Keyword overrides win over config and env (``Volex(exchange="kraken", offline=True)``).
    """

    def __init__(self, settings: Settings | None = None, *, actor: str = "api", live: bool = False,
                 **overrides: Any) -> None:
        self.settings = settings or load_settings(**overrides)
        self.actor = actor
        self.runtime = Runtime(self.settings, live=live)

    def __enter__(self) -> Volex:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        self.runtime.close()

    # -- market data and analysis -------------------------------------------------------

    def symbol(self, text: str) -> str:
        """Canonical ``BASE/QUOTE`` for any spelling, with the configured default quote."""
        return normalize_symbol(text, self.settings.quote)

    def candles(self, symbol: str, timeframe: str | None = None, *, exchange: str | None = None,
                offline: bool | None = None, data: str | Path | None = None,
                bars: int | None = None) -> CandleSet:
        """Closed candles from a file, the exchange, the cache or the bundled sample."""
        from volex.agents.research import DEFAULT_BARS

        tf = normalize_timeframe(timeframe or self.settings.timeframe)
        if data is not None:
            return self._file_candles(symbol, tf, data)
        return self.runtime.research.candles(
            self.symbol(symbol), tf, exchange or self.settings.exchange,
            offline=self.settings.offline if offline is None else offline, bars=bars or DEFAULT_BARS)

    def analyze(self, symbol: str, timeframe: str | None = None, *, exchange: str | None = None,
                offline: bool | None = None, data: str | Path | None = None) -> Analysis:
        """Indicators, plain-words readings and a technical verdict at the last closed bar."""
        from volex.analysis.report import analyze_candles

        if data is not None:
            return analyze_candles(self.candles(symbol, timeframe, data=data))
        return self.runtime.research.analyze(
            self.symbol(symbol), normalize_timeframe(timeframe or self.settings.timeframe),
            exchange or self.settings.exchange,
            offline=self.settings.offline if offline is None else offline)

    def _file_candles(self, label: str, timeframe: str, path: str | Path) -> CandleSet:
        from volex.adapters.market_data.files import read_candles_file
        from volex.domain.analysis import CandleSource
        from volex.domain.candles import CandleSet

        frame = read_candles_file(path)
        stamps = frame["timestamp"]
        source = CandleSource(kind="file", name=str(path), first=stamps.iloc[0].to_pydatetime(),
                              last=stamps.iloc[-1].to_pydatetime(), bars=len(frame))
        return CandleSet(label, timeframe, frame, source)

    # -- the candle cache ------------------------------------------------------------------

    def fetch_data(self, symbol: str, timeframe: str | None = None, *, since: datetime | None = None,
                   exchange: str | None = None,
                   progress: Callable[[int, int], None] | None = None) -> tuple[str, int]:
        """Download and cache candles from ``since``; returns (market, rows written)."""
        tf = normalize_timeframe(timeframe or self.settings.timeframe)
        since_ms = int(since.timestamp() * 1000) if since else None
        return self.runtime.research.fetch(self.symbol(symbol), tf, exchange or self.settings.exchange,
                                           since_ms=since_ms, progress=progress)

    def import_data(self, path: str | Path, symbol: str, timeframe: str, *,
                    exchange: str | None = None) -> int:
        """Store the candles of a CSV/Parquet file in the cache; returns rows written."""
        from volex.adapters.market_data.files import read_candles_file

        tf = normalize_timeframe(timeframe)
        frame = read_candles_file(path)
        venue = exchange or self.settings.exchange
        rows = self.runtime.store.candles.save(venue, self.symbol(symbol), tf, frame)
        self.runtime.store.audit.record(self.actor, "data.import", self.symbol(symbol),
                                        details={"file": str(path), "timeframe": tf, "rows": rows,
                                                 "exchange": venue})
        return rows

    def cached_data(self) -> list[CachedSeries]:
        """What the candle cache holds: ranges and gaps per series."""
        return self.runtime.store.candles.series()

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

    # -- signals ------------------------------------------------------------------------------

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
        return self.runtime.signal.has_model(self.symbol(symbol), tf)

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

    # -- strategies, backtests and optimisation ----------------------------------------------

    @property
    def strategy_store(self) -> StrategyStateStore:
        """Lifecycle states and saved best parameters of strategies."""
        return self.runtime.store.strategies

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
                                        details=change)
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
                             timeframe=timeframe, window=Window(days, since, until), data=data,
                             params=params, walk_forward=walk_forward, strategy_file=strategy_file,
                             config=self._backtest_config(cash, fee, slippage_bps, stop_loss_pct,
                                                          take_profit_pct), on_step=on_step)

    def optimize(self, strategy: str, symbol: str, *, timeframe: str | None = None,
                 days: float | None = None, since: str | datetime | None = None,
                 until: str | datetime | None = None, data: str | Path | None = None,
                 method: str = "grid", trials: int | None = None, objective: str = "sharpe",
                 walk_forward: int | None = None, jobs: int = 1, storage: str | None = None,
                 study: str | None = None, params: dict[str, Any] | None = None,
                 cash: float | None = None, fee: float | None = None, slippage_bps: float = 0.0,
                 save: bool = False, strategy_file: str | Path | None = None,
                 offline: bool | None = None,
                 on_progress: Callable[[int, int, Any], None] | None = None) -> OptimizeRun:
        """Grid or Bayesian (TPE) search of ``strategy``'s parameters; ``save`` keeps the best."""
        from volex.backtest.service import Window, run_optimization

        run = run_optimization(
            self._candle_loader(offline), self.strategy_store if save else None, strategy, symbol,
            timeframe=timeframe,
            window=Window(days, since, until), data=data, method=method, trials=trials,
            objective=objective, walk_forward=walk_forward, jobs=jobs, storage=storage,
            study=study, fixed=params, config=self._backtest_config(cash, fee, slippage_bps),
            save=save, strategy_file=strategy_file, on_progress=on_progress)
        if run.saved is not None:
            self.runtime.store.audit.record(self.actor, "strategy.params", run.saved.name,
                                            details={"params": run.saved.best_params,
                                                     "objective": objective})
        return run

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

    # -- trading ----------------------------------------------------------------------------

    def _execution(self) -> ExecutionAgent:
        """The execution agent, reconciled with the venue (at most every few seconds)."""
        agent = self.runtime.execution
        agent.reconcile_if_due(self.actor)
        return agent

    @property
    def trading_mode(self) -> str:
        """"live" when this Volex trades on the live venue (--live and trading.mode = live)."""
        return "live" if self.runtime.live and self.settings.trading.mode == "live" else "paper"

    def trade_symbol(self, text: str) -> str:
        """The market to trade for ``text`` (BTC/USD becomes BTC/USDT where USD is not quoted)."""
        from volex.domain.symbols import split_symbol, usd_fallback

        symbol = self.symbol(text)
        if split_symbol(symbol)[1] != self.settings.quote and usd_fallback(symbol):
            return usd_fallback(symbol) or symbol
        return symbol

    def plan_trade(self, symbol: str, side: str | None = None, *, amount: Any = None,
                   quote: Any = None, percent: Any = None, limit: Any = None,
                   stop_loss: Any = None, take_profit: Any = None, if_confident: bool = False,
                   min_confidence: Any = None) -> TradePlan:
        """The trade plan: size, expected fill and fees, stop and target, every risk check.

        Sends nothing. With no size the risk agent sizes the order. ``if_confident`` takes
        the side and confidence from the signal agent when there is one (else needs ``side``).
        """
        from volex.domain.orders import decimal_arg
        from volex.errors import UserInputError

        if sum(x is not None for x in (amount, quote, percent)) > 1:
            raise UserInputError("give one size: --amount, --quote or --percent")
        pct = decimal_arg("--percent", percent)
        if pct is not None and pct > 100:
            raise UserInputError(f"--percent must be at most 100, not {percent}")
        floor = decimal_arg("--min-confidence", min_confidence, positive=False)
        if floor is not None and not 0 <= floor <= 1:  # before a decision is paid for and stored
            raise UserInputError(f"--min-confidence must be between 0 and 1, not {min_confidence}")
        confidence = None
        if if_confident:
            side, confidence = self._confident_side(symbol, side)
        if side not in ("buy", "sell"):
            raise UserInputError("say --side buy or --side sell (or use `volex buy` / `volex sell`)")
        return self._execution().plan(
            self.trade_symbol(symbol), side, amount=decimal_arg("--amount", amount),
            quote=decimal_arg("--quote", quote), percent=pct, limit=decimal_arg("--limit", limit),
            stop_loss_pct=decimal_arg("--stop-loss", stop_loss),
            take_profit_pct=decimal_arg("--take-profit", take_profit), confidence=confidence,
            min_confidence=floor)

    def _confident_side(self, symbol: str, side: str | None) -> tuple[str | None, float | None]:
        from volex.errors import RiskRejected

        decision = self.decide(symbol)
        action, confidence = decision.action, decision.confidence
        if action not in ("buy", "sell") or (side is not None and side != action):
            why = decision.why_hold(0.0) if action == "hold" else f"not {side}"
            raise RiskRejected(f"held: the signal says {action} for {decision.symbol} "
                               f"({confidence:.2f}): {why}")
        return action, confidence

    def trade(self, plan: TradePlan, *, reason: str | None = None) -> TradeResult:
        """Send a planned trade (re-checked against the state now), then its stop and target."""
        return self._execution().execute(plan, actor=self.actor, reason=reason)

    def orders(self, symbol: str | None = None) -> list[Order]:
        """Open orders, oldest first."""
        return self._execution().open_orders(self.trade_symbol(symbol) if symbol else None)

    def cancel(self, order_id: str | None = None, *, symbol: str | None = None,
               all_orders: bool = False, reason: str | None = None) -> list[Order]:
        """Cancel one order (venue or client id), every order of ``symbol``, or all."""
        from volex.errors import UserInputError

        if sum(bool(x) for x in (order_id, symbol, all_orders)) != 1:
            raise UserInputError("say what to cancel: an ORDER_ID, a SYMBOL or --all")
        return self._execution().cancel(actor=self.actor, order_id=order_id, reason=reason,
                                        symbol=self.trade_symbol(symbol) if symbol else None)

    def positions(self) -> list[Position]:
        """Holdings with size, entry, mark, unrealised and realised PnL, stop and target."""
        agent = self._execution()
        agent.daily_loss_guard(agent.risk.daily_loss_pct(agent.account()), agent.risk.limits(), [])
        return agent.positions()

    def balances(self) -> list[Balance]:
        return self._execution().balances()

    def paper_reset(self, balance: Any = None, *, reason: str | None = None) -> Decimal:
        """Start the paper account again with ``balance`` (default: trading.starting_balance)."""
        from volex.domain.orders import decimal_arg

        return self.runtime.execution.reset_paper(decimal_arg("--balance", balance),
                                                  actor=self.actor, reason=reason)

    def halt(self, *, reason: str | None = None, reduce_only: bool = False,
             flatten: bool = False) -> HaltReport:
        """Stop trading now: the state is stored first, then open orders are cancelled."""
        from volex.domain.orders import HaltReport
        from volex.errors import VolexError

        state = self.runtime.halts.halt(self.actor, reason, reduce_only=reduce_only,
                                        details={"flatten": flatten})
        try:
            return self.runtime.execution.after_halt(state, actor=self.actor, flatten=flatten)
        except VolexError as exc:  # the halt holds even when the venue cannot be reached
            return HaltReport(state=state, problems=[f"open orders not cancelled: {exc}"])

    def resume(self, *, reason: str | None = None) -> HaltState:
        """Lift the halt."""
        return self.runtime.halts.resume(self.actor, reason)[1]

    def halt_state(self) -> HaltState:
        """Whether trading is halted, read from the store now."""
        return self.runtime.halts.state()

    def risk_limits(self) -> RiskLimits:
        return self.runtime.risk.limits()

    def set_risk_limit(self, name: str, value: str, *, reason: str | None = None) -> RiskLimits:
        """Change one risk limit (audited)."""
        return self.runtime.risk.set_limit(name, str(value), self.actor, reason)

    def audit(self, since: datetime | None = None, limit: int = 200) -> list[AuditRecord]:
        """Audit records from ``since`` on (the newest ``limit``), oldest first."""
        since_ms = int(since.timestamp() * 1000) if since else None
        return self.runtime.store.audit.list(since_ms=since_ms, limit=limit)

    # -- alerts and status ---------------------------------------------------------------------

    def add_alert(self, symbol: str, condition: str, price: Any, *, note: str | None = None) -> Alert:
        """Alert when ``symbol`` trades ``condition`` (above/below) ``price`` (audited)."""
        return self.runtime.alerts.add(self.trade_symbol(symbol), condition, price, note, self.actor)

    def alerts(self, *, include_triggered: bool = False) -> list[Alert]:
        return self.runtime.alerts.list(include_triggered=include_triggered)

    def remove_alert(self, alert_id: int) -> None:
        self.runtime.alerts.remove(alert_id, self.actor)

    def check_alerts(self) -> AlertCheck:
        """Price each symbol with an active alert; fire (once) those whose level was reached."""
        return self.runtime.alerts.check(self.actor)

    def status(self) -> dict[str, Any]:
        """Where Volex stands, from the store and settings only (works with the network down)."""
        from volex.adapters.storage.db import redact_url

        settings = self.settings
        halt = self.halt_state()
        return {
            "trading": halt.label, "halt": halt.model_dump(mode="json"),
            "mode": self.trading_mode,
            "configured_mode": settings.trading.mode,
            "exchange": settings.exchange, "offline": settings.offline,
            "store": redact_url(settings.db_url),
            "bus": "redis" if settings.bus.url else "in-process",
            "cache": "redis" if settings.cache.url else "in-process",
            "llm": settings.llm.provider if settings.llm.provider == "local" else settings.llm.model,
            "watchlist": settings.watchlist,
            "active_alerts": len(self.alerts()),
            "cached_series": len(self.cached_data()),
            "home": str(settings.home),
        }

    # -- dashboard -----------------------------------------------------------------------------

    def fills(self, symbol: str | None = None, *, limit: int = 50) -> list[Fill]:
        """The newest ``limit`` fills (of ``symbol``, or all), oldest first."""
        venue = self._execution().exchange
        return venue.my_trades(self.trade_symbol(symbol) if symbol else None)[-limit:]

    # -- infrastructure ------------------------------------------------------------------------

    def secrets_list(self) -> list[dict[str, Any]]:
        """Each secret's name, the backends holding it and where it is read from; never values."""
        chain = self.runtime.secrets
        return [{"name": name, "backends": backends, "location": chain.where(name)}
                for name, backends in chain.locations().items()]

    def set_secret(self, name: str, values: dict[str, str], *, backend: str | None = None) -> str:
        """Store a secret (api_key, secret, ...); returns the backend that holds it now."""
        from volex.adapters.secrets import check_name

        stored = self.runtime.secrets.set(name, values, backend=backend)
        self.runtime.store.audit.record(self.actor, "secret.set", check_name(name),
                                        details={"backend": stored, "fields": sorted(values)})
        return stored

    def delete_secret(self, name: str) -> bool:
        """Remove a secret from every writable backend; False when none held it."""
        from volex.adapters.secrets import check_name

        removed = self.runtime.secrets.delete(name)
        if removed:
            self.runtime.store.audit.record(self.actor, "secret.delete", check_name(name))
        return removed

    def check_secrets(self) -> list[Health]:
        """Each secret readable; exchange keys also tried (they must work and not withdraw)."""
        from volex.agents.monitor import Check, Degraded, key_probe

        chain, checks = self.runtime.secrets, []
        venues = set(self._exchange_ids())
        for name in chain.names():
            def readable(name: str = name) -> str:
                values = chain.get(name) or {}
                fields = ", ".join(sorted(values)) or "nothing"
                if name in venues and not {"api_key", "secret"} <= set(values):
                    raise Degraded(f"{fields} readable; an exchange needs api_key and secret")
                return f"{fields} readable from {chain.where(name)}"

            checks.append(Check(f"secret {name}", readable, "re-enter it: volex secrets set " + name))
            if name in venues and not self.settings.offline:
                checks.append(Check(f"keys {name}", key_probe(self._key_client(name)),
                                    f"check the key on {name}, or re-enter it"))
        return self._monitor().check(checks)

    def doctor(self) -> list[Health]:
        """Every configured component with its status, latency and a hint for failures."""
        from volex.agents import monitor as m

        rt, settings = self.runtime, self.settings
        checks = [
            m.Check("store", m.store_probe(lambda: rt.store),
                    "is the database up and VOLEX_DATABASE_URL right? then: volex db upgrade"),
            m.Check("event bus", m.bus_probe(lambda: rt.bus),
                    "start Redis (redis-server), or unset bus.url / VOLEX_BUS_URL"),
            m.Check("outbox", m.outbox_probe(lambda: rt.events),
                    "bring the event bus back; the next volex command delivers what waits"),
            m.Check("cache", m.cache_probe(lambda: rt.cache),
                    "start Redis (redis-server), or unset cache.url / VOLEX_CACHE_URL"),
            m.Check("secrets", m.secrets_probe(lambda: rt.secrets),
                    "vault: check VAULT_ADDR and VAULT_TOKEN; file: chmod 600 it"),
        ]
        names = set(rt.secrets.names()) if "secrets" in rt.__dict__ else set()
        venues = {settings.exchange} | (names & set(self._exchange_ids()))
        for venue in sorted(venues):
            checks.append(m.Check(
                f"exchange {venue}",
                m.exchange_probe(lambda v=venue: rt.market_data(v).markets(),
                                 lambda v=venue: rt.secrets.where(v), settings.offline),
                "check the network (or set offline = true); keys: volex secrets check"))
        checks.append(m.Check(f"llm {settings.llm.provider}", self._llm_probe,
                              "set OPENAI_API_KEY (or volex secrets set openai --key-only), "
                              'llm.base_url, or llm.provider = "local"'))
        return self._monitor().check(checks)

    def db_upgrade(self) -> dict[str, Any]:
        """Apply pending migrations (and TimescaleDB hypertables where available)."""
        from volex.adapters.storage.db import Database, redact_url
        from volex.adapters.storage.timescale import ensure_hypertables

        db = Database(self.settings.db_url, migrate=False)
        try:
            before = db.current_revisions()
            db.migrate()
            after = db.current_revisions()
            timescale = ensure_hypertables(db).summary() if db.dialect == "postgresql" else None
        finally:
            db.dispose()
        if before != after:
            self.runtime.store.audit.record(self.actor, "db.upgrade", redact_url(db.url),
                                            details={"from": sorted(before), "to": sorted(after)})
        return {"database": redact_url(db.url), "before": sorted(before), "after": sorted(after),
                "timescale": timescale}

    def db_migrate_from(self, source: str, *, merge: bool = False,
                        progress: Callable[[str, int], None] | None = None) -> CopyReport:
        """Copy a SQLite store (``sqlite:///path`` or a path) into the configured database."""
        from volex.adapters.storage.migrate_from import copy_database

        report = copy_database(source, self.runtime.store.db, merge=merge, progress=progress)
        self.runtime.store.audit.record(self.actor, "db.migrate_from", report.source,
                                        details={"rows": report.rows_written, "merge": merge})
        return report

    def _monitor(self) -> Any:
        from volex.adapters.secrets.redact import redact_text
        from volex.agents.monitor import MonitorAgent

        return MonitorAgent(timeout_s=max(6.0, self.settings.network_timeout_s * 3),
                            redact=redact_text)

    def _exchange_ids(self) -> list[str]:
        from volex.adapters.ccxt_common import exchange_ids

        return exchange_ids()

    def _key_client(self, venue: str) -> Callable[[], Any]:
        def build() -> Any:
            from volex.adapters.ccxt_common import make_client

            values = self.runtime.secrets.get(venue) or {}
            keys = {"api_key": "apiKey", "secret": "secret", "password": "password", "uid": "uid"}
            client = make_client(venue, self.settings.network_timeout_s,
                                 {keys[k]: v for k, v in values.items() if k in keys})
            if self.settings.trading.sandbox:
                client.set_sandbox_mode(True)
            return client

        return build

    def _llm_probe(self) -> str:
        import os

        from volex.agents.monitor import Off
        from volex.errors import LLMError

        llm = self.settings.llm
        if llm.provider == "local":
            raise Off("local stand-in (no model server configured)")
        stored = self.runtime.secrets.get("openai") or {}
        key = os.environ.get("OPENAI_API_KEY") or stored.get("api_key")
        if not key:
            raise LLMError("no API key: OPENAI_API_KEY is unset and no `openai` secret is stored")
        import httpx

        base = (llm.base_url or "https://api.openai.com/v1").rstrip("/")
        try:
            answer = httpx.get(f"{base}/models", headers={"Authorization": f"Bearer {key}"},
                               timeout=llm.timeout_s)
        except httpx.HTTPError as exc:
            raise LLMError(f"{base} unreachable ({type(exc).__name__})") from None
        if answer.status_code in (401, 403):
            raise LLMError(f"{base} rejected the API key (HTTP {answer.status_code})")
        if answer.status_code >= 400:
            raise LLMError(f"{base} answered HTTP {answer.status_code}")
        return f"{llm.model} at {base}"
