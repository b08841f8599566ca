"""The alert side of the monitor agent: price alerts checked against the current price."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from volex.domain.alerts import Alert
from volex.errors import UserInputError, VolexError

if TYPE_CHECKING:
    from volex.domain.orders import Ticker
    from volex.ports import Storage

__all__ = ["AlertAgent", "AlertCheck"]


class AlertCheck:
    """What one check saw: alerts fired, and symbols whose price could not be had."""

    def __init__(self) -> None:
        self.fired: list[tuple[Alert, Ticker]] = []
        self.unpriced: dict[str, str] = {}


class AlertAgent:
    """Adds, lists and removes alerts; a check fires each alert once and announces it."""

    def __init__(self, store: Storage, prices: Callable[[str], Ticker],
                 emit: Callable[[str, dict], None]) -> None:
        self._store = store
        self._prices = prices
        self._emit = emit

    def add(self, symbol: str, condition: str, price: str | Decimal, note: str | None,
            actor: str) -> Alert:
        if condition not in ("above", "below"):
            raise UserInputError(f"an alert is 'above' or 'below' a price, not {condition!r}")
        try:
            level = Decimal(str(price))
        except InvalidOperation:
            raise UserInputError(f"not a price: {price!r}") from None
        if not level.is_finite() or level <= 0:
            raise UserInputError(f"an alert price must be positive, not {price}")
        with self._store.transaction() as tx:
            alert = tx.alerts.add(symbol, condition, level, note)
            tx.audit.record(actor, "alert.add", symbol, note,
                            {"id": alert.id, "condition": condition, "price": str(level)})
        return alert

    def remove(self, alert_id: int, actor: str) -> None:
        with self._store.transaction() as tx:
            if not tx.alerts.remove(alert_id):
                raise UserInputError(f"no alert with id {alert_id} (see `volex alerts`)")
            tx.audit.record(actor, "alert.remove", str(alert_id))

    def list(self, *, include_triggered: bool = False) -> list[Alert]:
        return self._store.alerts.list(include_triggered=include_triggered)

    def check(self, actor: str) -> AlertCheck:
        """Price every symbol with an active alert once; fire those whose level was reached."""
        result = AlertCheck()
        active = self._store.alerts.list()
        tickers: dict[str, Ticker] = {}
        for symbol in sorted({a.symbol for a in active}):
            try:
                tickers[symbol] = self._prices(symbol)
            except VolexError as exc:
                result.unpriced[symbol] = str(exc)
        for alert in active:
            ticker = tickers.get(alert.symbol)
            if ticker is None or not alert.hit_by(ticker.last):
                continue
            with self._store.transaction() as tx:
                if not tx.alerts.mark_triggered(alert.id, ticker.last):
                    continue  # another process fired it first
                tx.audit.record(actor, "alert.fired", alert.symbol, alert.note,
                                {"id": alert.id, "price": str(ticker.last),
                                 "source": ticker.source})
                result.fired.append((tx.alerts.get(alert.id), ticker))
            self._emit("alerts", {"id": alert.id, "symbol": alert.symbol, "condition": alert.condition,
                                  "level": str(alert.price), "price": str(ticker.last),
                                  "price_source": ticker.source, "note": alert.note})
        return result
