"""Settings -> adapters -> agents. The one place that chooses adapters.

Everything is built on first use, so a command only pays for what it touches
(`volex halt` never imports pandas or ccxt).
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from volex.config import ExchangeSettings, Settings
from volex.config_sources import prepare_home

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime

    from volex.adapters.bus.outbox import Events
    from volex.adapters.exchange.prices import PriceFeed
    from volex.adapters.secrets.chain import ChainedSecretStore
    from volex.adapters.storage.db import Database
    from volex.adapters.storage.store import Store
    from volex.agents.alerts import AlertAgent
    from volex.agents.base import Research, Signals
    from volex.agents.execution import ExecutionAgent
    from volex.agents.halt import HaltSwitch
    from volex.agents.news import NewsAgent
    from volex.agents.risk import RiskAgent
    from volex.agents.strategy_runner import StrategyRunner
    from volex.domain.news import SentimentFacts
    from volex.ports import LLM, Cache, EventBus, Exchange, MarketData, Notifier, Storage
    from volex.strategies.lifecycle import StrategyStateStore

__all__ = ["Runtime"]


class Runtime:
    """The wired application: adapters and agents for one set of settings."""

    def __init__(self, settings: Settings, *, live: bool = False) -> None:
        self.settings = settings
        self.live = live  # the command asked for --live (trading.mode must also be "live")
        # "now" for the paper venue, risk, halts and execution: the autopilot sets its own clock
        # (simulated in a replay) before anything is built.
        from volex.domain.halt import utcnow

        self.clock: Callable[[], datetime] = utcnow
        self._market_data: dict[str, MarketData] = {}
        prepare_home(settings.home)
        # Secrets are masked in errors and log records; logging itself (handlers, levels) is
        # the front end's to configure, never a library's (volex.logging_setup).
        from volex.adapters.secrets import redact

        redact.remember_environment()
        redact.remember_file(settings.home / "secrets.toml")
        redact.install_record_factory()

    @cached_property
    def sql_store(self) -> Store:
        """The SQLAlchemy store of ``database.url`` (SQLite by default)."""
        from volex.adapters.storage.store import Store

        store = Store(self.settings.db_url)
        if store.db.dialect == "postgresql":  # TimescaleDB hypertables where available
            from volex.adapters.storage.timescale import ensure_hypertables

            ensure_hypertables(store.db)
        return store

    @property
    def store(self) -> Storage:
        """The storage port agents and the facade use."""
        return self.sql_store

    @property
    def database(self) -> Database:
        """The store's database, for adapters that keep their tables in it and share its
        transactions (paper ledger, outbox, signals) and for `volex db`."""
        return self.sql_store.db

    def market_data(self, exchange: str) -> MarketData:
        """The public market data client of ``exchange`` (one per exchange per process)."""
        if exchange not in self._market_data:
            from volex.adapters.market_data.ccxt_data import CcxtMarketData
            from volex.config import ExchangeSettings

            # The same [exchanges.<id>] address as the live adapter: one venue, one place.
            where = self.settings.exchanges.get(exchange, ExchangeSettings())
            self._market_data[exchange] = CcxtMarketData(
                exchange, self.settings.network_timeout_s, client_config=where.client_config(),
                api_base=where.api_base)
        return self._market_data[exchange]

    def agent_url(self, name: str) -> list[str]:
        """The URLs of agent ``name`` when it runs elsewhere (`[agents.NAME] url`, one or more)."""
        agent = self.settings.agents.get(name)
        return agent.urls() if agent else []

    def agent_access(self, name: str) -> dict[str, str | None]:
        """How to reach remote agent ``name``: its token (secret ``agent-NAME``), its CA file."""
        from volex.agents.remote import agent_token

        agent = self.settings.agents.get(name)
        return {"token": agent_token(self.secrets, name),
                "ca_file": agent.ca_file if agent else None}

    @cached_property
    def research(self) -> Research:
        if url := self.agent_url("research"):
            from volex.agents.remote import RemoteResearch

            return RemoteResearch(url, timeout_s=max(10.0, self.settings.network_timeout_s * 3),
                                  **self.agent_access("research"))
        from volex.adapters.market_data.files import sample_columns, sample_timeframes
        from volex.adapters.storage.lazy import LazyCandleRepo
        from volex.agents.research import ResearchAgent

        candles = LazyCandleRepo(self.settings.db_url, lambda: self.store.candles)
        return ResearchAgent(candles, self.market_data, sample_columns, sample_timeframes,
                             cache=self.cache)

    @cached_property
    def bus(self) -> EventBus:
        if self.settings.bus.url:
            from volex.adapters.bus.redis_bus import RedisBus

            return RedisBus(self.settings.bus.url, namespace=self.settings.bus.namespace)
        from volex.adapters.bus.memory import MemoryBus

        return MemoryBus()

    @cached_property
    def events(self) -> Events:
        """Emit events; durable ones (halt, orders) wait in the store's outbox for the bus."""
        from volex.adapters.bus.outbox import Events

        return Events(self.database, self.bus)

    @cached_property
    def cache(self) -> Cache:
        if self.settings.cache.url:
            from volex.adapters.cache.redis_cache import RedisCache

            return RedisCache(self.settings.cache.url, namespace=self.settings.cache.namespace)
        from volex.adapters.cache.memory import MemoryCache

        return MemoryCache()

    @cached_property
    def secrets(self) -> ChainedSecretStore:
        from volex.adapters.secrets.chain import build_secret_store

        return build_secret_store(self.settings)

    @cached_property
    def llm(self) -> LLM:
        """The LLM of ``[llm]``: OpenAI or a compatible server (key from the secret store
        ``openai``, else OPENAI_API_KEY), or the local stand-in."""
        from volex.adapters.llm import build_llm

        key = None
        if self.settings.llm.provider == "openai":
            from volex.errors import SecretError

            try:
                key = (self.secrets.get("openai") or {}).get("api_key")
            except SecretError:
                key = None  # an unreachable store falls back to the environment
        return build_llm(self.settings.llm, api_key=key)

    @cached_property
    def signal(self) -> Signals:
        if url := self.agent_url("signal"):
            from volex.agents.remote import RemoteSignals

            return RemoteSignals(url, timeout_s=max(30.0, self.settings.llm.timeout_s * 3),
                                 **self.agent_access("signal"))
        from volex.adapters.storage.signals import SignalRepo
        from volex.agents.llm_review import Reviewer
        from volex.agents.signal import SignalAgent
        from volex.ml.registry import ModelRegistry

        return SignalAgent(ModelRegistry(self.settings.home / "models"),
                           Reviewer(self.llm, self.settings.llm.timeout_s),
                           SignalRepo(self.database), self.bus, self.settings,
                           sentiment=self.sentiment_facts)

    def sentiment_facts(self, symbol: str, at: datetime) -> SentimentFacts | None:
        """Stored news about ``symbol``'s base asset seen by ``at`` (None when there is none
        or the store cannot say: the news check then has no opinion)."""
        from volex.domain.news import SentimentFacts
        from volex.errors import VolexError

        try:
            summary = self.news.summary(symbol.split("/")[0], at)
        except VolexError:
            return None
        if not summary.window("24h").items and summary.fear_greed is None:
            return None
        return SentimentFacts.from_summary(summary)

    @cached_property
    def exchange(self) -> Exchange:
        """The trading venue: paper, unless trading.mode is "live" AND the command said --live.

        The live venue is reached as ``[exchanges.<id>]`` says (another URL, testnet, options).
        """
        from volex.errors import ConfigError

        trading = self.settings.trading
        if self.live and trading.mode != "live":
            raise ConfigError('--live needs trading.mode = "live" '
                              "(volex config set trading.mode live)")
        if self.live and self.settings.offline:
            raise ConfigError("--live needs the network, and offline is on (--offline, "
                              "offline = true in config or VOLEX_OFFLINE)")
        if self.live:
            try:
                from volex.adapters.exchange.ccxt_exchange import CcxtExchange
            except ImportError as exc:
                raise ConfigError(f"live trading is not available in this build ({exc})") from None
            venue = self.settings.exchange
            keys = self.secrets.get(venue) if hasattr(type(self), "secrets") else None
            if not keys:
                raise ConfigError(f"no API keys for {venue}: store them with `volex secrets` first")
            where = self.settings.exchanges.get(venue, ExchangeSettings())
            sandbox = trading.sandbox if where.sandbox is None else where.sandbox
            return CcxtExchange(venue, keys, sandbox, self.settings.network_timeout_s,
                                where.client_config(), api_base=where.api_base)
        from volex.adapters.exchange.paper import PaperExchange

        quote = self.settings.quote
        return PaperExchange(self.database, self.prices, quote=quote, fee_rate=trading.fee_rate,
                             maker_fee_rate=trading.maker_fee_rate,
                             slippage_bps=trading.slippage_bps,
                             starting_balance=trading.starting_balance,
                             symbols=[s for s in self.settings.watchlist if s.endswith(f"/{quote}")],
                             clock=self.clock)

    @cached_property
    def prices(self) -> PriceFeed:
        """Current prices: live 1m closes when the venue answers, else the freshest offline bar."""
        from volex.adapters.exchange.prices import CandlePrices

        return CandlePrices(lambda: self.research, self.settings.exchange,
                            offline=self.settings.offline)

    @cached_property
    def news(self) -> NewsAgent:
        """News sources of ``[research.news]`` fetched into the store; sentiment as of a time."""
        from datetime import UTC, datetime, timedelta

        from volex.adapters.storage.lazy import LazyNewsRepo
        from volex.agents.news import NewsAgent

        news = self.settings.research.news
        repo = LazyNewsRepo(self.settings.db_url, lambda: self.store.news)
        return NewsAgent(repo, self.news_sources, lambda: datetime.now(UTC),
                         budget_s=news.timeout_s, refresh=timedelta(minutes=news.refresh_minutes))

    def news_sources(self) -> tuple[list, dict[str, str]]:
        """The adapters of the configured sources, and why any cannot run."""
        import httpx

        from volex.adapters.news import build_source
        from volex.errors import SecretError

        def token() -> str | None:
            try:
                return (self.secrets.get("cryptopanic") or {}).get("api_key")
            except SecretError:
                return None

        if "_news_client" not in self.__dict__:
            self.__dict__["_news_client"] = httpx.Client(follow_redirects=True, max_redirects=3)
        client, adapters, skipped = self.__dict__["_news_client"], [], {}
        for source in self.settings.research.news.sources:
            adapter = build_source(source, client, self.settings.research.news.timeout_s, token)
            if adapter is None:
                skipped[source.name] = ("no token: `volex secrets set cryptopanic --key-only`")
            else:
                adapters.append(adapter)
        return adapters, skipped

    @cached_property
    def alerts(self) -> AlertAgent:
        from volex.agents.alerts import AlertAgent

        return AlertAgent(self.store, self.prices, self.emit)

    @cached_property
    def notifier(self) -> Notifier:
        """Sends notifications (apprise); ``[notify] api_base`` moves fixed service addresses."""
        from volex.adapters.notify.apprise_notifier import AppriseNotifier

        return AppriseNotifier(self.settings.notify.timeout_s, self.settings.notify.api_base)

    @cached_property
    def risk(self) -> RiskAgent:
        from volex.agents.risk import RiskAgent

        return RiskAgent(self.store, clock=self.clock)

    @cached_property
    def execution(self) -> ExecutionAgent:
        from volex.agents.execution import ExecutionAgent

        trading = self.settings.trading
        return ExecutionAgent(self.exchange, self.store, self.risk, quote=self.settings.quote,
                              fee_rate=trading.fee_rate, maker_fee_rate=trading.maker_fee_rate,
                              slippage_bps=trading.slippage_bps, halts=self.halts,
                              emit=self.emit, clock=self.clock)

    @cached_property
    def strategy_runner(self) -> StrategyRunner:
        """Trades strategies' targets bar by bar, through the execution agent (actor "agent")."""
        from volex.agents.strategy_runner import StrategyRunner

        return StrategyRunner(self.execution, self.store.state, actor="agent")

    @cached_property
    def halts(self) -> HaltSwitch:
        """The halt switch: the store and nothing else, so it works with everything else down."""
        from volex.agents.halt import HaltSwitch

        return HaltSwitch.for_url(self.settings.db_url, engine=lambda: self.store.db.engine,
                                  flush=self.flush_events, clock=self.clock)

    @cached_property
    def strategy_records(self) -> StrategyStateStore:
        """Strategies' lifecycle states and saved parameters, through sqlite3 for a SQLite
        store (a backtest then never loads SQLAlchemy), else through the store's engine."""
        from volex.adapters.storage.ledger import ledger_for_url
        from volex.adapters.storage.strategy_states import StrategyStates

        return StrategyStates(ledger_for_url(self.settings.db_url, lambda: self.store.db.engine))

    def flush_events(self) -> None:
        """Hand the events waiting in the outbox (a halt's, say) to the bus."""
        if hasattr(type(self), "events"):
            self.events.flush()

    def emit(self, topic: str, event: dict) -> None:
        """Announce an event (through the store's outbox when there is one)."""
        (self.events.emit if hasattr(type(self), "events") else self.bus.publish)(topic, event)

    def close(self) -> None:
        if "events" in self.__dict__:
            self.events.close()
        for name in ("bus", "cache"):
            if hasattr(self.__dict__.get(name), "close"):
                self.__dict__[name].close()
        for name in ("research", "signal", "_news_client"):  # these hold an HTTP client
            if hasattr(self.__dict__.get(name), "close"):
                self.__dict__[name].close()
        if "sql_store" in self.__dict__:
            self.sql_store.close()
