"""Ports: the interfaces agents use to reach the outside world. Adapters implement them.

Agents receive ports in their constructors (bootstrap wires them) and never import adapters.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, runtime_checkable

if TYPE_CHECKING:
    from datetime import datetime
    from decimal import Decimal

    import pandas as pd
    from pydantic import BaseModel

    from volex.domain.alerts import Alert
    from volex.domain.audit import AuditRecord
    from volex.domain.candles import CachedSeries
    from volex.domain.news import RawItem
    from volex.domain.orders import Balance, Fill, Market, Order, OrderRequest, Ticker
    from volex.domain.risk import Reservation
    from volex.domain.signals import Decision, SignalOutcomes
    from volex.strategies.lifecycle import StrategyStateStore

__all__ = ["LLM", "AlertBook", "AuditLog", "Cache", "CandleCache", "EventBus", "Exchange",
           "Executor", "FearGreedFeed", "MarketData", "NewsSource", "Notification", "Notifier",
           "OrderJournal", "OrdersInFlight", "ProtectionIntents", "Repositories", "SecretStore",
           "SharedState", "SignalLog", "Storage", "TokenUsage", "UnitOfWork"]


@runtime_checkable
class MarketData(Protocol):
    """A venue's public market data (candles and markets)."""

    name: str

    def markets(self) -> set[str]:
        """Symbols the venue lists, as ``BASE/QUOTE``."""
        ...

    def fetch_candles(self, symbol: str, timeframe: str, since_ms: int | None = None,
                      limit: int | None = None) -> pd.DataFrame:
        """Candles from ``since_ms`` on (the newest ``limit`` when since is None)."""
        ...


@runtime_checkable
class NewsSource(Protocol):
    """A news source: an RSS/Atom feed, a Reddit search, CryptoPanic.

    ``fetch`` reads the source once over the network within the adapter's timeout and returns
    plain-text items (markup and control characters already removed). Errors are VolexErrors:
    ``NetworkError`` (unreachable, timed out, 5xx), ``DataUnavailable`` (refused, unreadable,
    too large). It never stores anything: the news agent does, with the time it first saw it.
    """

    name: str
    kind: str  # "rss", "reddit", "cryptopanic"

    def fetch(self, assets: Sequence[str] = ()) -> list[RawItem]:
        """Current items; a per-asset source (Reddit) searches for each of ``assets``."""
        ...


@runtime_checkable
class FearGreedFeed(Protocol):
    """A market-wide mood index with one value per UTC day (alternative.me's Fear & Greed)."""

    name: str
    kind: str  # "feargreed"

    def fetch_index(self, days: int | None) -> list[tuple[datetime, int, str]]:
        """(day, 0..100, classification) for the last ``days`` days; every day when None."""
        ...


@runtime_checkable
class Exchange(Protocol):
    """A trading venue: the paper simulator or a live exchange, behind one contract.

    The contract (checked by ``tests/contract/exchange_contract.py`` against every adapter):

    - Symbols are ``BASE/QUOTE``; amounts are base-asset Decimals, prices quote Decimals;
      times are UTC. Nothing returns floats. A fee is a Decimal in ``fee_currency``, the asset
      the venue charged: the quote on paper, the asset received on Binance (BTC on a BTC/USDT
      buy, so less is held than was bought), or BNB when BNB pays.
    - ``create_order`` is idempotent on ``request.client_order_id``: when the venue already
      holds an order with that id (a retry after a timeout), it returns that order and creates
      nothing. A market order comes back ``closed`` (filled) or ``rejected``; a limit,
      stop_loss or take_profit order comes back ``open`` unless it filled at once.
      It never decides about risk or halts; that is the execution agent's job.
    - Errors are VolexErrors: ``InsufficientFunds`` (not enough quote to buy or base to sell),
      ``InvalidOrder`` (below the market's minimums, unknown order id, cancel of a closed
      order), ``UnknownSymbol``, ``NetworkError`` (temporary: the order's fate is unknown;
      look it up with ``fetch_order_by_client_id`` before retrying), ``ExchangeError``.
    - Amounts and prices are rounded down to ``market(symbol)`` precision before sending.
    - ``cancel_order`` returns the order with status ``canceled``; cancelling an order that is
      already canceled returns it unchanged; cancelling a filled one raises ``InvalidOrder``.
    - ``fetch_order`` raises ``InvalidOrder`` for an unknown id; ``fetch_order_by_client_id``
      returns ``None`` instead (it is the duplicate check).
    - ``open_orders`` lists orders with status ``open`` (all symbols when ``symbol`` is None),
      oldest first; ``my_trades`` lists fills oldest first.
    - ``balances`` maps asset -> Balance for every asset with a non-zero total (the quote asset
      always present on paper); ``free + used == total``.
    - Optional: a venue with ``places_protective_pairs`` true also has
      ``create_protective_pair(stop, target) -> [stop, target]``, a sell stop-loss and
      take-profit on the same coins as one one-cancels-other list (idempotent on the legs'
      client order ids). Without it the two are separate orders (paper cancels the other leg
      of the same parent itself).
    """

    name: str          # venue id, e.g. "paper" or "binance"
    mode: str          # "paper" or "live"

    def markets(self) -> dict[str, Market]:
        """Tradable spot markets by symbol."""
        ...

    def market(self, symbol: str) -> Market:
        """One market's precision and minimums; ``UnknownSymbol`` when not listed."""
        ...

    def ticker(self, symbol: str) -> Ticker:
        """Last, bid and ask, with ``source`` saying whether the price is live or offline."""
        ...

    def balances(self) -> dict[str, Balance]:
        ...

    def create_order(self, request: OrderRequest) -> Order:
        ...

    def cancel_order(self, order_id: str, symbol: str) -> Order:
        ...

    def fetch_order(self, order_id: str, symbol: str) -> Order:
        ...

    def fetch_order_by_client_id(self, client_order_id: str, symbol: str) -> Order | None:
        ...

    def open_orders(self, symbol: str | None = None) -> list[Order]:
        ...

    def my_trades(self, symbol: str | None = None, since: datetime | None = None) -> list[Fill]:
        """Fills from ``since`` on (all when None); live venues may require ``symbol``."""
        ...


@runtime_checkable
class EventBus(Protocol):
    """Publish/subscribe for events (signals, decisions, orders, fills, alerts, halt).

    ``durable`` topics (halt, orders) must reach a consumer that was down when they were
    published (Redis Streams); others are fire-and-forget.
    """

    def publish(self, topic: str, event: dict) -> None: ...

    def subscribe(self, topic: str, handler: Callable[[dict], None], *,
                  group: str | None = None) -> Callable[[], None]:
        """Call ``handler`` for each new event on ``topic``; returns an unsubscribe function.

        ``group`` names a durable consumer: on a durable topic it also receives what was
        published while it was away (Redis consumer group). The in-process bus ignores it.
        """
        ...

    def close(self) -> None: ...


@runtime_checkable
class Cache(Protocol):
    """A key-value cache with time-to-live (market data, tickers)."""

    def get(self, key: str) -> bytes | None: ...

    def set(self, key: str, value: bytes, ttl_s: float) -> None: ...


@runtime_checkable
class SecretStore(Protocol):
    """Named secrets (e.g. ``binance`` -> {api_key, secret[, password]}); values never logged."""

    backend: str

    def get(self, name: str) -> dict[str, str] | None: ...

    def set(self, name: str, values: dict[str, str]) -> None: ...

    def delete(self, name: str) -> bool: ...

    def names(self) -> list[str]: ...


ModelT = TypeVar("ModelT", bound="BaseModel")


@dataclass(frozen=True)
class TokenUsage:
    """Tokens one LLM call used (zero for the local stand-in)."""

    prompt_tokens: int = 0
    completion_tokens: int = 0

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


@runtime_checkable
class LLM(Protocol):
    """A language model that answers in a given JSON schema (OpenAI, a compatible server, local).

    ``complete_json`` returns ``(None, usage)`` when the model has no opinion (the local
    stand-in always does); it raises ``LLMError`` when the model is unreachable or answers
    something that does not validate. Messages never contain the API key.
    """

    name: str

    def complete_json(
        self, system: str, user: str, schema: type[ModelT]
    ) -> tuple[ModelT | None, TokenUsage]: ...


_T = TypeVar("_T")
_R = TypeVar("_R")


@runtime_checkable
class Executor(Protocol):
    """Runs independent pieces of heavy work (grid slices, markets, folds) somewhere else:
    a local process pool or a Dask cluster. ``fn`` and the items must pickle; results come
    back in the items' order whatever order they finish in, and a piece whose worker died
    is run again elsewhere (the cluster's job), never lost."""

    where: str

    def map(self, fn: Callable[[_T], _R], items: list[_T]) -> Iterator[_R]:
        """``fn(item)`` for each item, yielded in order as each becomes available."""


@dataclass(frozen=True)
class Notification:
    """One message to a person: a title, a body, how urgent, and whether to make a sound."""

    title: str
    body: str
    level: str = "info"      # info, warning or critical
    silent: bool = False     # deliver without sound where the service can (Telegram, ntfy...)


@runtime_checkable
class Notifier(Protocol):
    """Sends notifications to channel URLs (apprise syntax: tgram://, discord://, mailto://...).

    URLs hold tokens: implementations never put them in messages, logs or exceptions.
    ``send`` raises ``NotifyError`` when the service did not take the message (the caller's
    outbox retries); ``check`` raises ``UserInputError`` for a URL no plugin understands.
    """

    def service(self, url: str) -> str:
        """The service a URL reaches, in words (``Telegram``, ``Discord``...); checks it."""
        ...

    def send(self, url: str, message: Notification) -> None: ...


# -- storage ------------------------------------------------------------------------------------
#
# The store is a set of repositories and a unit of work. A repository used straight from the
# store (``store.audit.record(...)``) commits each call on its own; the same repositories taken
# from ``with store.transaction() as tx:`` (``tx.audit``, ``tx.state``...) commit together when
# the block ends, or not at all when it raises. Agents write ``(tx or self.store).state.get(...)``
# and never learn which database (if any) is behind it.
#
# Implementations: ``volex.adapters.storage.store.Store`` (SQLAlchemy: SQLite, PostgreSQL) and
# ``volex.adapters.storage.memory.MemoryStore`` (tests, throwaway sessions); both pass
# ``tests/contract/test_storage_port.py``.
#
# To add a repository (news, notifications, a journal...): write its Protocol here and add it
# as a read-only property to ``Repositories``; in the SQL store add one ``cached_property`` to
# ``SqlRepositories`` (the repository class takes ``(db, conn)`` and runs every call in
# ``self.begin()``); in ``MemoryStore`` keep its data in ``MemoryTables`` (snapshotted on
# rollback); then add its cases to the contract tests.


@runtime_checkable
class AuditLog(Protocol):
    """Every state change that matters: when, who (actor), what (action, subject) and why."""

    def record(self, actor: str, action: str, subject: str | None = None,
               reason: str | None = None, details: dict[str, Any] | None = None) -> None: ...

    def list(self, since_ms: int | None = None, limit: int = 200) -> list[AuditRecord]:
        """The newest ``limit`` records (from ``since_ms`` on), oldest first."""
        ...


@runtime_checkable
class SharedState(Protocol):
    """Small named JSON values every process sees (halt flag, risk limits, the day's start)."""

    def get(self, key: str, default: Any = None) -> Any: ...

    def set(self, key: str, value: Any) -> None: ...


@runtime_checkable
class OrderJournal(Protocol):
    """Every order the execution agent sent, keyed by client order id (rows are dicts with
    the columns of ``trade_orders``: money as ``str(Decimal)``, times as epoch ms)."""

    def record_pending(self, *, exchange: str, mode: str, actor: str,
                       request: dict[str, Any]) -> None:
        """Note an order about to be sent (its fate is unknown until the venue answers)."""
        ...

    def record_result(self, client_order_id: str, *, order_id: str | None, status: str,
                      filled: Decimal = ..., average: Decimal | None = None,
                      fee: Decimal = ...) -> None: ...

    def exists(self, client_order_id: str) -> bool: ...

    def get(self, client_order_id: str) -> dict[str, Any] | None: ...

    def unsettled(self, exchange: str) -> list[dict[str, Any]]:
        """Orders sent to ``exchange`` whose last known status is pending or open, oldest first."""
        ...

    def symbols(self, exchange: str) -> set[str]: ...

    def clear(self, exchange: str) -> None: ...


@runtime_checkable
class AlertBook(Protocol):
    """Price alerts; ids are assigned by the store, increasing."""

    def add(self, symbol: str, condition: str, price: Decimal, note: str | None) -> Alert: ...

    def get(self, alert_id: int) -> Alert | None: ...

    def list(self, *, include_triggered: bool = False) -> list[Alert]: ...

    def remove(self, alert_id: int) -> bool: ...

    def mark_triggered(self, alert_id: int, price: Decimal) -> bool:
        """Fire an alert once: False when it was fired already (by another process too)."""
        ...


@runtime_checkable
class CandleCache(Protocol):
    """Cached candles, upserted by (exchange, symbol, timeframe, bar open time)."""

    def save(self, exchange: str, symbol: str, timeframe: str, frame: pd.DataFrame) -> int: ...

    def load(self, exchange: str, symbol: str, timeframe: str, since_ms: int | None = None,
             until_ms: int | None = None, limit: int | None = None) -> pd.DataFrame: ...

    def last_ts(self, exchange: str, symbol: str, timeframe: str) -> int | None: ...

    def series(self) -> list[CachedSeries]:
        """Every cached series with its range and gaps."""
        ...


class OrdersInFlight(Protocol):
    """Orders between acceptance and the venue's answer: reservations that count against the
    limits of every process until settled, and their owner (host, pid, heartbeat)."""

    def generation(self, account: str) -> int:
        """The account's settle counter: read it before reading the account from the venue."""
        ...

    def outstanding(self, account: str, seen_gen: int) -> list[Reservation]: ...

    def hold(self, account: str, client_order_id: str, symbol: str, side: str, amount: Decimal,
             notional: Decimal = ..., cost: Decimal = ...) -> None: ...

    def settle(self, account: str, client_order_ids: list[str]) -> None: ...

    def owned_elsewhere(self, client_order_id: str, *, settled: bool = False) -> bool: ...

    def orphans(self, account: str) -> list[str]: ...

    def clear(self, account: str) -> None: ...


class ProtectionIntents(Protocol):
    """The stop and target asked for with an entry, until someone has placed them."""

    def record(self, account: str, client_order_id: str, symbol: str,
               stop_loss_pct: Decimal | None, take_profit_pct: Decimal | None) -> None: ...

    def open(self, account: str) -> list[str]: ...

    def status(self, client_order_id: str) -> str | None: ...

    def close(self, client_order_id: str, status: str, note: str | None = None) -> None: ...

    def clear(self, account: str) -> None: ...


@runtime_checkable
class SignalLog(Protocol):
    """The signal agent's decisions and how they turned out (SQL: ``SignalRepo``; its tables
    live beside the store's, it is not part of a unit of work)."""

    def save(self, batch: Iterable[Decision], actor: str | None = None) -> int: ...

    def unscored(self, symbol: str, timeframe: str) -> list[dict]:
        """Decisions of a market not scored yet (id, as_of_ts, close, horizon)."""
        ...

    def pending_markets(self) -> list[tuple[str, str]]: ...

    def outcomes(self, timeframe: str | None = None) -> list[SignalOutcomes]: ...

    def record_outcome(self, decision_id: str, forward_return: float,
                       right: bool | None) -> None: ...


class Repositories(Protocol):
    """The repositories agents use; the store and each unit of work both offer them."""

    @property
    def audit(self) -> AuditLog: ...

    @property
    def state(self) -> SharedState: ...

    @property
    def journal(self) -> OrderJournal: ...

    @property
    def alerts(self) -> AlertBook: ...

    @property
    def strategies(self) -> StrategyStateStore: ...

    @property
    def inflight(self) -> OrdersInFlight: ...

    @property
    def intents(self) -> ProtectionIntents: ...


class UnitOfWork(Repositories, Protocol):
    """The repositories inside one transaction: everything written commits together."""


class Storage(Repositories, Protocol):
    """Everything Volex keeps. Each repository call commits on its own, except in a
    ``transaction()``, whose repositories commit together when the block ends without error."""

    @property
    def candles(self) -> CandleCache: ...

    def transaction(self) -> AbstractContextManager[UnitOfWork]: ...

    def locked(self, key: str) -> AbstractContextManager[UnitOfWork]:
        """A transaction holding the lock named ``key`` across processes until it ends."""
        ...

    def close(self) -> None: ...
