"""What the dashboard reads, gathered from the facade into plain view data.

Every read goes through ``volex.Volex``; nothing here touches an agent or an adapter. Each
panel's read is separate: a read that fails gives a section that says why, so one failing
data source shows as stale on its panel and never takes the screen down. These functions block (network,
database, models) and run in worker threads, never on the UI thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    import pandas as pd

    from volex.facade import Volex

__all__ = [
    "ChartData",
    "DashboardData",
    "DashboardFeed",
    "EventRow",
    "Quote",
    "Section",
    "utc_clock",
]

T = TypeVar("T")
Clock = Callable[[], datetime]


def utc_clock() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Section(Generic[T]):
    """One panel's data, or why there is none (``not available`` or the failure in words)."""

    value: T | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class Quote:
    """One watchlist row: last price, change over the last 24h, signal and data source."""

    symbol: str
    last: float | None = None
    change_pct: float | None = None
    signal: str | None = None
    confidence: float | None = None
    source: str = "none"          # exchange, cache, sample, file or none
    last_bar: datetime | None = None
    error: str | None = None


@dataclass(frozen=True)
class EventRow:
    """One line of the alerts and events feed."""

    id: str
    at: datetime
    kind: str       # halt, resume, order, fill, risk, error, health, data, signal, info
    text: str
    level: str = "info"  # info, good, warning, error
    actor: str | None = None  # who did it (audit records)


@dataclass(frozen=True)
class ChartData:
    """Candles of the selected symbol, with the fills to mark on them."""

    symbol: str
    timeframe: str
    frame: pd.DataFrame
    source: str
    last_bar: datetime | None
    fills: list[Any] = field(default_factory=list)


@dataclass(frozen=True)
class DashboardData:
    """What one refresh read, at ``at``; None where a part was not read this time."""

    at: datetime
    quotes: list[Quote] | None = None
    halt: Section[Any] | None = None
    positions: Section[list[Any]] | None = None
    orders: Section[list[Any]] | None = None
    fills: Section[list[Any]] | None = None
    decisions: Section[list[Any]] | None = None
    events: Section[list[EventRow]] | None = None
    health: Section[dict[str, str]] | None = None
    news: Section[Any] | None = None


# Parts read by separate workers, so a slow one (the market, over the network) never holds
# up another (the halt state and the audit log come from the store alone).
PARTS = ("control", "account", "market")


def _words(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:160]


def attr(obj: Any, *names: str, default: Any = None) -> Any:
    """The first of ``names`` that ``obj`` has (attribute or mapping key), else ``default``."""
    for name in names:
        if isinstance(obj, dict) and name in obj:
            return obj[name]
        value = getattr(obj, name, None)
        if value is not None:
            return value
    return default


# The journal's "about to send" line; the result (filled, placed, rejected) follows it.
_QUIET_ACTIONS = frozenset({"order.send"})
_AUDIT_KINDS = (("halt", "halt", "error"), ("resume", "resume", "good"), ("fill", "fill", "good"),
                ("refused", "risk", "error"), ("risk", "risk", "warning"),
                ("reject", "risk", "warning"),
                ("block", "risk", "warning"), ("cancel", "order", "info"),
                ("order", "order", "info"), ("trade", "order", "info"),
                ("error", "error", "error"), ("health", "health", "warning"))


_MONITOR_LEVELS = {"critical": "error", "warning": "warning", "info": "info"}


def event_from_audit(record: Any) -> EventRow:
    """An audit record (halt, resume, order, fill, risk block...) as a feed line; the
    monitor's own findings in the words the notifications use (``volex.monitor.events``)."""
    action = str(attr(record, "action", default=""))
    if action.startswith("monitor."):
        from volex.monitor.events import event_from_audit as monitor_event

        event = monitor_event(record)
        if event is not None:
            return EventRow(id=f"audit-{record.id}", at=record.at, kind="health",
                            text=f"{event.line()} · {record.actor}",
                            level=_MONITOR_LEVELS[event.level], actor=record.actor)
    kind, level = "info", "info"
    for needle, found_kind, found_level in _AUDIT_KINDS:
        if needle in action:
            kind, level = found_kind, found_level
            break
    details = attr(record, "details") or {}
    parts = [action, str(attr(record, "subject") or "")]
    if details.get("side") and details.get("amount"):
        parts.append(f"{details['side']} {details['amount']}")
    if details.get("average") not in (None, "None"):
        parts.append(f"@ {details['average']}")
    if attr(record, "reason"):
        parts.append(f"({attr(record, 'reason')})")
    if attr(record, "actor"):
        parts.append(f"· {attr(record, 'actor')}")
    at = attr(record, "at", default=None) or utc_clock()
    return EventRow(id=f"audit-{attr(record, 'id', default=id(record))}", at=at, kind=kind,
                    text=" ".join(p for p in parts if p), level=level,
                    actor=attr(record, "actor"))


class DashboardFeed:
    """Reads each panel's data through the facade; blocking, so call it from a worker."""

    def __init__(self, volex: Volex, clock: Clock = utc_clock) -> None:
        self.volex = volex
        self.clock = clock
        # The account panel and the chart's fill markers both read the venue's book; one at a
        # time, so the first of them builds (and reconciles) the execution side alone.
        self._account = threading.Lock()

    @staticmethod
    def call(method: Callable[..., T], *args: Any, **kwargs: Any) -> Section[T]:
        """``method(...)`` (a facade call) as a Section: the value, or why it failed."""
        try:
            return Section(value=method(*args, **kwargs))
        except Exception as exc:  # noqa: BLE001 - a failing source shows as stale, not a crash
            return Section(error=_words(exc))

    # -- the watchlist -------------------------------------------------------------------------

    def quote(self, symbol: str, timeframe: str) -> Quote:
        """Last close and 24h change of ``symbol`` from its ``timeframe`` candles."""
        got = self.call(self.volex.candles, symbol, timeframe, bars=_day_of_bars(timeframe))
        if not got.ok:
            return Quote(symbol=symbol, error=got.error)
        candles = got.value
        frame = candles.frame
        if frame.empty:
            return Quote(symbol=symbol, error="no candles")
        closes, stamps = frame["close"], frame["timestamp"]
        last = float(closes.iloc[-1])
        day_ago = stamps.iloc[-1] - timedelta(hours=24)
        earlier = closes[stamps <= day_ago]
        base = float(earlier.iloc[-1]) if len(earlier) else float(closes.iloc[0])
        change = (last / base - 1) * 100 if base else None
        return Quote(symbol=symbol, last=last, change_pct=change, source=candles.source.kind,
                     last_bar=stamps.iloc[-1].to_pydatetime())

    def signals(self, symbols: list[str], timeframe: str) -> Section[list[Any]]:
        """The signal agent's current decisions for ``symbols`` (one batch)."""
        got = self.call(self.volex.signals, symbols, timeframe)
        if not got.ok:
            return got
        return Section(value=list(got.value.decisions))

    def quotes(self, symbols: Iterable[str], timeframe: str,
               decisions: Section[list[Any]] | None = None) -> list[Quote]:
        """Watchlist rows, with the signal of each symbol's decision when there is one."""
        rows = [self.quote(s, timeframe) for s in symbols]
        if decisions is None or not decisions.ok:
            return rows
        by_symbol = {str(attr(d, "symbol")): d for d in decisions.value or []}
        out = []
        for row in rows:
            decision = by_symbol.get(row.symbol)
            if decision is not None:
                action = str(attr(decision, "action", default="hold"))
                if attr(decision, "vetoed", default=False):
                    action = f"{action}✖"
                row = replace(row, signal=action,
                              confidence=float(attr(decision, "confidence", default=0.0)))
            out.append(row)
        return out

    # -- trading, decisions and events -----------------------------------------------------------

    def events(self, limit: int = 100) -> Section[list[EventRow]]:
        """Recent audit records (halts, orders, fills, risk blocks) as feed lines."""
        got = self.call(self.volex.audit, limit=limit)
        if not got.ok:
            return Section(error=got.error)
        return Section(value=[event_from_audit(r) for r in got.value or []
                              if attr(r, "action") not in _QUIET_ACTIONS])

    def health(self) -> Section[dict[str, str]]:
        """Each component's status (ok, warn, fail, off) from the facade's doctor."""
        got = self.call(self.volex.doctor)
        if not got.ok:
            return Section(error=got.error)
        return Section(value={str(attr(h, "component")): str(attr(h, "status"))
                              for h in got.value or []})

    def read(self, part: str, symbols: list[str], timeframe: str, *,
             slow: bool = True) -> DashboardData:
        """One part of a refresh: control (halt, events), account or market (``slow`` adds
        signals and health, which take seconds)."""
        if part == "control":
            return DashboardData(at=self.clock(), halt=self.call(self.volex.halt_state),
                                 events=self.events())
        if part == "account":
            with self._account:
                return DashboardData(at=self.clock(), positions=self.call(self.volex.positions),
                                     orders=self.call(self.volex.orders), fills=self.call(self.volex.fills))
        decisions = self.signals(symbols, timeframe) if slow else None
        return DashboardData(at=self.clock(), quotes=self.quotes(symbols, timeframe, decisions),
                             decisions=decisions, health=self.health() if slow else None,
                             news=self.news(symbols) if slow else None)

    def news(self, symbols: list[str]) -> Section[Any]:
        """The watchlist's news over 7 days (fetched first when due, unless offline)."""
        return self.call(self.volex.news, symbols, since=self.clock() - timedelta(days=7), limit=60)

    def snapshot(self, symbols: list[str], timeframe: str, *, slow: bool = True) -> DashboardData:
        """Every part of one refresh."""
        parts = [self.read(p, symbols, timeframe, slow=slow) for p in PARTS]
        merged = {k: v for part in parts for k, v in vars(part).items() if v is not None}
        return DashboardData(**{**merged, "at": self.clock()})

    def chart(self, symbol: str, timeframe: str, bars: int = 90) -> ChartData:
        """Candles for the chart; raises a VolexError the caller shows as stale."""
        candles = self.volex.candles(symbol, timeframe, bars=bars)
        with self._account:
            fills = self.call(self.volex.fills, symbol)
        frame = candles.frame.tail(bars).reset_index(drop=True)
        last = frame["timestamp"].iloc[-1].to_pydatetime() if len(frame) else None
        return ChartData(symbol=candles.symbol, timeframe=timeframe, frame=frame,
                         source=candles.source.kind, last_bar=last,
                         fills=list(fills.value or []) if fills.ok else [])


def _day_of_bars(timeframe: str) -> int:
    """Enough bars to reach back 24 hours (at most 300: a 1m watchlist is approximate)."""
    from volex.domain.timeframes import timeframe_ms

    return max(30, min(300, 86_400_000 // timeframe_ms(timeframe) + 2))
