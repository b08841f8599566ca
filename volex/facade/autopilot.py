"""The autopilot (`volex run`): start it, ask what it is doing, stop it, replay it."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from volex.facade.base import FacadeBase

if TYPE_CHECKING:
    from volex.adapters.storage.autopilot import BarRecord
    from volex.autopilot.clock import Clock
    from volex.autopilot.feeds import FileFeed, MarketFeed
    from volex.autopilot.replay import ReplayReport
    from volex.autopilot.scheduler import Autopilot
    from volex.domain.candles import CandleSet
    from volex.portfolio.allocator import AllocationRules

__all__ = ["AutopilotFacade"]


class AutopilotFacade(FacadeBase):
    """The autopilot: a headless, leased, journaled loop over the watchlist's closed bars."""

    @property
    def autopilot_account(self) -> str:
        """The account one autopilot may trade: mode and venue (``paper:paper``)."""
        mode = self.trading_mode  # type: ignore[attr-defined]
        return f"{mode}:{'paper' if mode == 'paper' else self.settings.exchange}"

    def prepare_autopilot(self, *, watchlist: Sequence[str] | None = None,
                          timeframe: str | None = None, mode: str = "signals",
                          strategy: str | None = None, params: dict[str, Any] | None = None,
                          quote: Any = None, percent: Any = None, stop_loss: Any = None,
                          take_profit: Any = None, data: Sequence[str | Path] | None = None,
                          file: str | Path | None = None, clock: Clock | None = None,
                          on_bar: Callable[[BarRecord], None] | None = None) -> Autopilot:
        """Check everything the autopilot needs and wire it; nothing is traded yet.

        ``mode`` is "signals" (the signal agent's calls at or above min_confidence) or
        "strategy" (``strategy``'s targets, its saved parameters < ``params``). The
        lifecycle applies as in `strategy run`. ``data`` replays candle files (paper only),
        one per market of ``watchlist`` in order.
        """
        from volex.autopilot.feeds import FeedPrices, ResearchFeed
        from volex.autopilot.scheduler import CLOSE_GRACE_S
        from volex.domain.timeframes import normalize_timeframe, timeframe_ms
        from volex.errors import UserInputError

        symbols = list(dict.fromkeys(self.trade_symbol(s)  # type: ignore[attr-defined]
                                     for s in (watchlist or self.settings.watchlist)))
        if not symbols:
            raise UserInputError("the watchlist is empty: give --watchlist BTC/USDT,ETH/USDT")
        if self.runtime.live and data:
            raise UserInputError("--data replays files on paper; it cannot trade live")
        if mode not in ("signals", "strategy"):
            raise UserInputError(f"--mode is signals or strategy NAME, not {mode!r}")
        if mode == "strategy" and not strategy:
            raise UserInputError("--mode strategy needs a strategy: --mode strategy:NAME or "
                                 "--strategy NAME")
        clock = clock or self._autopilot_clock(bool(data))
        self.runtime.clock = clock.now  # before the venue, risk and halts are built
        feed: MarketFeed
        if data:
            feed = self._file_feed(symbols, data, timeframe)
            tf = feed.timeframe
            self.runtime.prices = FeedPrices(feed, clock.now, lag_s=CLOSE_GRACE_S)
        else:
            tf = normalize_timeframe(timeframe or self.settings.timeframe)
            feed = ResearchFeed(lambda s: self.candles(s, tf),  # type: ignore[attr-defined]
                                timeframe_ms(tf))
        decider = self._decider(mode, strategy, params, feed, file, False)
        return self._assemble(symbols, tf, clock, decider,
                              self._sizing(quote, percent, stop_loss, take_profit), on_bar,
                              data=[str(p) for p in data] if data else None)

    def replay_autopilot(self, *, watchlist: Sequence[str] | None = None,
                         timeframe: str | None = None, mode: str = "strategy",
                         strategy: str | None = None, params: dict[str, Any] | None = None,
                         data: Sequence[str | Path] | None = None, since: Any = None,
                         until: Any = None, cash: float | None = None,
                         file: str | Path | None = None, rules: AllocationRules | None = None,
                         stop_loss_pct: float | None = None,
                         take_profit_pct: float | None = None,
                         on_bar: Callable[[BarRecord], None] | None = None) -> ReplayReport:
        """Run the autopilot on history: the same loop on a simulated clock, through the
        paper venue, in a private temporary store (the account here is not touched).
        ``stop_loss_pct`` / ``take_profit_pct`` protect each entry as `volex run` does; the
        paper venue fills them where the bars reached them, as the backtest does.

        Candles come from ``data`` files (one per market) or the cache / bundled sample,
        cut to ``since``..``until``. With allocation ``rules`` the markets share one account
        (as `backtest --portfolio`); without, each trades an equal sleeve all in (as a
        single-market backtest each). Results per market are in the backtest's own shape.
        """
        import tempfile
        from datetime import UTC, datetime, timedelta
        from decimal import Decimal

        from volex.autopilot.clock import ReplayClock
        from volex.autopilot.feeds import FeedPrices
        from volex.autopilot.reconcile import autopilot_orders
        from volex.autopilot.replay import (
            RELAXED_LIMITS,
            ReplayReport,
            blocked_orders,
            fills_to_result,
            portfolio_result,
        )
        from volex.autopilot.scheduler import CLOSE_GRACE_S
        from volex.backtest.engine import BacktestConfig
        from volex.backtest.service import Window

        symbols = [self.trade_symbol(s)  # type: ignore[attr-defined]
                   for s in (watchlist or self.settings.watchlist)]
        trading = self.settings.trading
        cash = trading.starting_balance if cash is None else cash
        # the backtest's terms (stops and targets checked before anything runs)
        config = BacktestConfig(
            cash=cash / (1 if rules else len(symbols) or 1), fee=trading.fee_rate,
            slippage_bps=trading.slippage_bps,
            stop_loss=None if stop_loss_pct is None else stop_loss_pct / 100,
            take_profit=None if take_profit_pct is None else take_profit_pct / 100)
        feed = self._replay_feed(symbols, data, timeframe, Window(since=since, until=until))
        starts = [int(feed.full(s)["timestamp"][1]) for s in symbols]
        ends = [int(feed.full(s)["timestamp"][-1]) for s in symbols]
        step = timedelta(milliseconds=feed.step_ms)
        first = datetime.fromtimestamp(min(starts) / 1000, UTC) + step

        with tempfile.TemporaryDirectory(prefix="volex-replay-") as tmp:
            settings = self.settings.model_copy(update={
                "database_url": f"sqlite:///{Path(tmp) / 'replay.db'}", "offline": True})
            child = type(self)(settings=settings, actor="autopilot")
            try:
                clock = ReplayClock(first + timedelta(seconds=CLOSE_GRACE_S))
                child.runtime.clock = clock.now
                child.runtime.prices = FeedPrices(feed, clock.now, lag_s=CLOSE_GRACE_S)
                for name, value in RELAXED_LIMITS.items():
                    child.runtime.risk.set_limit(name, value, "autopilot", "replay")
                execution = child.runtime.execution
                execution.reset_paper(Decimal(str(cash)), actor="autopilot", reason="replay")
                decider = child._decider(mode, strategy, params, feed, file, True)
                sizing = _sleeve(execution.exchange, Decimal(str(cash)) / len(symbols),
                                 Decimal(str(trading.fee_rate)), rules,
                                 stop_loss_pct, take_profit_pct)
                pilot = child._assemble(symbols, feed.timeframe, clock, decider, sizing, on_bar,
                                        data=None)
                pilot.heartbeat_s = 0.0
                pilot.start()
                outcome = pilot.run(until=datetime.fromtimestamp(max(ends) / 1000, UTC) + step)
                journal = child.runtime.store.autopilot.bars(child.autopilot_account)
                exits = autopilot_orders(journal)
                results = [fills_to_result(
                    execution.exchange.my_trades(s), feed.full(s), exits,
                    strategy=getattr(getattr(decider, "strategy", None), "name", decider.name),
                    symbol=s, timeframe=feed.timeframe,
                    params=getattr(decider, "params", {}), config=config) for s in symbols]
            finally:
                child.close()
        total = cash + sum(float(r.equity[-1]) - r.config.cash for r in results)
        whole = portfolio_result(results, journal, rules, cash) if rules else None
        return ReplayReport(results, outcome.bars, {**blocked_orders(journal), **outcome.problems},
                            total, whole)

    def autopilot_status(self, recent: int = 8) -> dict[str, Any]:
        """What the autopilot of this account is doing, from the store (and the venue's
        positions in its markets): running?, where, since, heartbeat, bars, decisions."""
        from datetime import UTC, datetime

        repo = self.runtime.store.autopilot
        account = self.autopilot_account
        now_ms = int(datetime.now(UTC).timestamp() * 1000)
        [state] = repo.state(account, now_ms) or [None]
        out: dict[str, Any] = {"account": account, "running": False, "status": "NOT RUNNING"}
        if state is not None:
            out.update(_lease_view(state, now_ms))
        out["markets"] = [r.to_dict() for r in repo.last_per_market(account)]
        out["decisions"] = [r.to_dict() for r in repo.recent(account, recent)]
        watch = set(out.get("watchlist") or [m["symbol"] for m in out["markets"]])
        try:
            positions = [p for p in self.runtime.execution.positions() if p.symbol in watch]
            out["positions"] = [p.model_dump(mode="json") for p in positions if p.amount > 0]
            out["pnl_today"] = self._pnl_today()
        except Exception as exc:  # noqa: BLE001 - the status must show even with the venue down
            out["positions"], out["pnl_today"] = [], None
            out["positions_error"] = str(exc).splitlines()[0]
        return out

    def autopilot_summary(self) -> dict[str, Any]:
        """The autopilot's lease and heartbeat only (the store, nothing else): for `status`
        and `doctor`, which must answer with the venue or the network down."""
        from datetime import UTC, datetime

        now_ms = int(datetime.now(UTC).timestamp() * 1000)
        states = self.runtime.store.autopilot.state(self.autopilot_account, now_ms)
        if not states:
            return {"account": self.autopilot_account, "running": False,
                    "status": "NOT RUNNING"}
        return {"account": self.autopilot_account, **_lease_view(states[0], now_ms)}

    def autopilot_probe(self) -> str:
        """`volex doctor`'s autopilot line: running and beating, stopped, or dead."""
        from volex.agents.monitor import Degraded, Off

        state = self.autopilot_summary()
        if state["status"] in ("NOT RUNNING", "STOPPED"):
            raise Off(f"{state['status'].lower()} on {state['account']} (start it: volex run)")
        where = f"{state['host']} pid {state['pid']}"
        if not state["running"]:
            raise Degraded(f"dead: {where} stopped beating at {state['heartbeat'][:19]} "
                           "without stopping cleanly; a --standby or a new volex run takes over")
        return (f"{state['status']} on {state['account']} at {where}, heartbeat "
                f"{state['heartbeat_age_s']}s ago")

    def stop_autopilot(self) -> bool:
        """Ask the running autopilot to stop after its current step (audited)."""
        asked = self.runtime.store.autopilot.request_stop(self.autopilot_account)
        self.runtime.store.audit.record(self.actor, "autopilot.stop_requested",
                                        self.autopilot_account, details={"running": asked})
        return asked

    # -- the pieces ---------------------------------------------------------------------------

    def _assemble(self, symbols: list[str], tf: str, clock: Clock, decider: Any, sizing: Any,
                  on_bar: Callable[[BarRecord], None] | None, *,
                  data: list[str] | None) -> Autopilot:
        """The chain and the loop around it, on this facade's store and venue."""
        from volex.autopilot.chain import Chain
        from volex.autopilot.clock import LiveClock, ReplayClock
        from volex.autopilot.lease import Lease
        from volex.autopilot.scheduler import Autopilot
        from volex.domain.timeframes import timeframe_ms

        execution = self.runtime.execution
        for symbol in symbols:  # an unknown market fails now, not on the first bar
            execution.exchange.market(symbol)
        store = self.runtime.store
        account = self.autopilot_account
        lease_s = self.settings.autopilot.lease_s
        if isinstance(clock, ReplayClock):  # simulated time jumps bars: no lease could last
            lease_s = 100 * 365 * 86_400.0
        lease = Lease(store.autopilot, account, clock, lease_s=lease_s)
        chain = Chain(execution, store.autopilot, account, lease.holder.id, decider, clock, tf,
                      sizing, governor=self._stake_governor(account))
        info = {"mode": self.trading_mode, "decider": decider.name,  # type: ignore[attr-defined]
                "watchlist": symbols, "timeframe": tf,
                "params": getattr(decider, "params", None), "data": data,
                "stop_loss_pct": _text(sizing.stop_loss_pct),
                "take_profit_pct": _text(sizing.take_profit_pct)}
        news = None if not isinstance(clock, LiveClock) or self.settings.offline \
            else self._collect_news(symbols)
        improve = None if not isinstance(clock, LiveClock) or data \
            else self._improve_in_background(clock)
        return Autopilot(chain, lease, symbols, timeframe_ms(tf), clock, self.runtime.halts,
                         store.audit, heartbeat_s=self.settings.autopilot.heartbeat_s, info=info,
                         on_bar=on_bar, before_pass=_both(news, improve))

    def _improve_in_background(self, clock: Clock) -> Callable[[], None] | None:
        """`[improve] schedule`: the improve jobs in a thread of `volex run` (never in a
        replay), under the same job lease as `volex improve --schedule`; None when off."""
        cron = self.settings.improve.schedule
        if not cron:
            return None
        from volex.improve.background import BackgroundImprove

        job = self.improve  # type: ignore[attr-defined]  # ImproveFacade, in Volex
        runner = BackgroundImprove(cron, clock, lambda: job(clock=clock),
                                   self.runtime.store.audit)
        return runner.tick

    def _collect_news(self, symbols: list[str]) -> Callable[[], None]:
        """Fetch the news sources when due, so decisions read fresh stored news (on the live
        clock only: a replay or a drill reads what was stored, as of each bar's close)."""
        assets = list(dict.fromkeys(s.split("/")[0] for s in symbols))

        def collect() -> None:
            agent = self.runtime.news
            if agent.due():
                for name, error in agent.fetch(assets).errors.items():
                    logging.getLogger("volex.news").warning("news source %s: %s", name, error)

        return collect

    def _stake_governor(self, account: str) -> Any:
        """Stakes that shrink after a drawdown (``[improve.risk]``), or None when off."""
        risk = self.settings.improve.risk
        if risk.drawdown_pct <= 0:
            return None
        from volex.improve.risk import StakeGovernor

        return StakeGovernor(self.runtime.store.state, self.runtime.store.audit, account,
                             drawdown_pct=risk.drawdown_pct, factor=risk.factor)

    def _replay_feed(self, symbols: list[str], data: Sequence[str | Path] | None,
                     timeframe: str | None, window: Any) -> FileFeed:
        """The replay's candles: files, or the cache / bundled sample, cut to the window."""
        from volex.autopilot.feeds import FileFeed
        from volex.domain.timeframes import normalize_timeframe

        if data:
            return self._file_feed(symbols, data, timeframe, window)
        tf = normalize_timeframe(timeframe or self.settings.timeframe)
        loaded = {}
        for symbol in symbols:
            candles = self.candles(symbol, tf, offline=True,  # type: ignore[attr-defined]
                                   bars=10_000_000)
            candles.frame = window.apply(candles.frame)
            candles.symbol = symbol
            loaded[symbol] = candles
        return FileFeed(loaded, tf, next_open=True)

    def _pnl_today(self) -> str | None:
        agent = self.runtime.execution
        account = agent.account()
        day = self.runtime.store.state.get("risk.day") or {}
        if "equity" not in day:
            return None
        from decimal import Decimal

        return f"{(account.equity - Decimal(day['equity'])):f}"

    def _autopilot_clock(self, has_data: bool) -> Clock:
        from volex.autopilot.clock import LiveClock, ScaledClock
        from volex.errors import UserInputError

        cfg = self.settings.autopilot
        if cfg.clock_start is None:
            return LiveClock()
        if not has_data:
            raise UserInputError("autopilot.clock_start (a drill clock) needs --data files")
        return ScaledClock(cfg.clock_start, cfg.clock_speed, cfg.clock_origin)

    def _file_feed(self, symbols: list[str], data: Sequence[str | Path],
                   timeframe: str | None, window: Any = None) -> FileFeed:
        """Candle files, one per market; with a ``window``, for a replay."""
        from volex.autopilot.feeds import FileFeed
        from volex.domain.timeframes import normalize_timeframe
        from volex.errors import UserInputError
        from volex.ml.features import infer_timeframe

        if len(data) != len(symbols):
            raise UserInputError(f"give one --data file per market of the watchlist "
                                 f"({len(symbols)} markets, {len(data)} files)")
        loaded: dict[str, CandleSet] = {}
        for symbol, path in zip(symbols, data, strict=True):
            candles = self.candles(symbol, timeframe, data=path)  # type: ignore[attr-defined]
            if window is not None:
                candles.frame = window.apply(candles.frame)
            candles.symbol = symbol
            loaded[symbol] = candles
        stamps = next(iter(loaded.values())).columns["timestamp"]
        tf = normalize_timeframe(timeframe) if timeframe else infer_timeframe(stamps[:10_001])
        for candles in loaded.values():
            candles.timeframe = tf
        return FileFeed(loaded, tf, next_open=True)

    def _decider(self, mode: str, strategy: str | None, params: dict[str, Any] | None,
                 feed: MarketFeed, file: str | Path | None, replay: bool) -> Any:
        from volex.autopilot.deciders import SignalDecider, StrategyDecider

        if mode == "signals":
            floor = float(self.runtime.risk.limits().min_confidence)
            return SignalDecider(self.runtime.signal, feed, floor)
        from volex.strategies.lifecycle import record_of, require_runnable
        from volex.strategies.registry import get_strategy

        chosen = get_strategy(strategy or "", file)
        record = record_of(self.strategy_store, chosen.name)  # type: ignore[attr-defined]
        if not replay:
            require_runnable(record, live=self.runtime.live)
        return StrategyDecider(chosen, chosen.resolve(params, base=record.best_params), feed)

    def _sizing(self, quote: Any, percent: Any, stop_loss: Any, take_profit: Any) -> Any:
        from volex.autopilot.chain import Sizing
        from volex.domain.orders import entry_size

        amount, pct, stop, target = entry_size(quote, percent, stop_loss, take_profit)
        rules = None
        if amount is None and pct is None and stop is None:
            # No size given: entries share the account through the portfolio allocator, under
            # the stored risk limits (slots = max_open_positions), as the risk agent sizes.
            from volex.portfolio.allocator import AllocationRules

            rules = AllocationRules.from_limits(self.runtime.risk.limits())
        return Sizing(quote=amount, percent=pct, stop_loss_pct=stop, take_profit_pct=target,
                      rules=rules)


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _sleeve(exchange: Any, cash_per_market: Any, fee_rate: Any, rules: AllocationRules | None,
            stop_loss_pct: float | None, take_profit_pct: float | None) -> Any:
    from decimal import Decimal

    from volex.autopilot.chain import Sizing
    from volex.autopilot.replay import sleeve_sizer

    stop = None if stop_loss_pct is None else Decimal(str(stop_loss_pct))
    target = None if take_profit_pct is None else Decimal(str(take_profit_pct))
    if rules is not None:
        return Sizing(rules=rules, stop_loss_pct=stop, take_profit_pct=target)
    return Sizing(sleeve=sleeve_sizer(exchange, cash_per_market, fee_rate),
                  stop_loss_pct=stop, take_profit_pct=target)


def _lease_view(state: dict[str, Any], now_ms: int) -> dict[str, Any]:
    from datetime import UTC, datetime

    def iso(ms: int) -> str:
        return datetime.fromtimestamp(ms / 1000, UTC).isoformat()

    info = state["info"]
    alive = state["alive"]
    status = state["status"] if alive else ("STOPPED" if state["status"] == "STOPPED"
                                            else "DEAD (lease expired)")
    return {"running": alive, "status": status, "host": state["host"], "pid": state["pid"],
            "since": iso(state["started_ts"]), "heartbeat": iso(state["heartbeat_ts"]),
            "heartbeat_age_s": round((now_ms - state["heartbeat_ts"]) / 1000, 1),
            "lease_expires": iso(state["expires_ts"]),
            "stop_requested": bool(state["stop_requested"]),
            "mode": info.get("mode"), "decider": info.get("decider"),
            "watchlist": info.get("watchlist"), "timeframe": info.get("timeframe"),
            "next_bar_due": info.get("next_bar_due"), "problems": info.get("problems") or {},
            "stop_loss_pct": info.get("stop_loss_pct"),
            "take_profit_pct": info.get("take_profit_pct")}


def _both(first: Callable[[], None] | None,
          second: Callable[[], None] | None) -> Callable[[], None] | None:
    """One side-work hook from two (either may be None)."""
    if first is None or second is None:
        return first or second

    def run() -> None:
        try:
            first()
        finally:
            second()

    return run
