"""The one path by which orders leave Volex: halt re-read, journal + audit, send once, record.

An entry asking for a stop-loss or take-profit is journaled with that intent in the same
transaction (``store.intents``), so protection is never forgotten by a process that dies
between the entry's fill and the stop's placement.

:class:`OrderGate` re-reads the halt state from the store immediately before calling the venue
(so a halt written by another process a moment ago is honoured), journals the orders and
audits them in one transaction, and on a temporary failure looks the orders up by their client
order ids before any retry, so an order is never sent twice. It sends one order, or a group the
venue places in one request (a stop-loss and take-profit as one OCO list).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from volex.agents.halt import HaltSwitch
from volex.domain.ledger import ZERO
from volex.domain.orders import Order, OrderRequest
from volex.errors import NetworkError, TradingHalted, VolexError

if TYPE_CHECKING:
    from volex.adapters.storage.store import Store
    from volex.ports import Exchange

__all__ = ["OrderGate"]

log = logging.getLogger(__name__)


class OrderGate:
    """Sends orders to one venue through the halt check, the journal and the audit log."""

    def __init__(self, exchange: Exchange, store: Store, halts: HaltSwitch,
                 emit: Callable[[str, dict], None] | None = None) -> None:
        self.exchange = exchange
        self.store = store
        self.halts = halts
        self.journal = store.journal
        self._emit = emit

    def submit(self, request: OrderRequest, *, actor: str, reason: str | None = None,
               flatten: bool = False) -> Order:
        """Send one order (``flatten``: a closing order of `halt --flatten`, which a full
        halt lets through because it only ever shrinks holdings)."""
        [order] = self.submit_group([request], lambda: [self.exchange.create_order(request)],
                                    actor=actor, reason=reason, flatten=flatten)
        return order

    def submit_group(self, requests: Sequence[OrderRequest], place: Callable[[], list[Order]],
                     *, actor: str, reason: str | None = None,
                     flatten: bool = False) -> list[Order]:
        """Send ``requests`` with ``place()``, one venue request for all of them.

        ``place()`` must be idempotent on the requests' client order ids. Requests journaled
        before (a retry) are looked up first and not sent again when the venue holds them all.
        """
        for request in requests:
            self._guard(request, actor, flatten)
        with self.store.db.begin() as conn:
            known = {r.client_order_id for r in requests
                     if self.journal.exists(conn, r.client_order_id)}
        if known and len(known) == len(requests):  # sent before: never send it twice
            existing = self._lookup(requests)
            if existing is not None:
                return existing
        with self.store.db.begin() as conn:
            for request in requests:
                details = request.model_dump(mode="json")
                if request.client_order_id not in known:
                    self.journal.record_pending(conn, exchange=self.exchange.name,
                                                mode=self.exchange.mode, actor=actor,
                                                request=details)
                    self.store.inflight.hold(conn, self.exchange.name, request.client_order_id,
                                             request.symbol, request.side, request.amount)
                    if request.side == "buy" and (request.stop_loss_pct or request.take_profit_pct):
                        self.store.intents.record(conn, self.exchange.name,
                                                  request.client_order_id, request.symbol,
                                                  request.stop_loss_pct, request.take_profit_pct)
                self.store.audit.record(actor, "order.send", request.symbol, reason, details,
                                        conn=conn)
        try:
            orders = place()
        except NetworkError:
            found = self._lookup(requests)
            if found is None:
                for request in requests:  # the halt may have come meanwhile
                    self._guard(request, actor, flatten)
                found = place()
            orders = found
        except VolexError as exc:
            for request in requests:
                self.record(request, actor, None, "rejected", reason=str(exc))
            raise
        for request, order in zip(requests, orders, strict=True):
            self.record(request, actor, order, order.status, reason=reason)
        return orders

    def _lookup(self, requests: Sequence[OrderRequest]) -> list[Order] | None:
        """The venue's orders for ``requests``, or None unless it holds every one."""
        found = [self.exchange.fetch_order_by_client_id(r.client_order_id, r.symbol)
                 for r in requests]
        return None if any(o is None for o in found) else found  # type: ignore[return-value]

    def _guard(self, request: OrderRequest, actor: str, flatten: bool) -> None:
        """Refuse the order if trading is halted, reading the state from the store now."""
        halt = self.halts.state()
        reduces = request.side == "sell"
        if halt.allows(reduces) or (flatten and reduces):
            return
        self.store.audit.record(actor, "order.refused", request.symbol, halt.describe(),
                                request.model_dump(mode="json"))
        raise TradingHalted(f"order not sent: {halt.describe()}")

    def record(self, request: OrderRequest, actor: str, order: Order | None, status: str,
               reason: str | None) -> None:
        """Journal and audit what the venue did with ``request`` (``order`` None: nothing)."""
        action = {"closed": "order.filled", "open": "order.placed"}.get(status, f"order.{status}")
        details: dict[str, Any] = {"client_order_id": request.client_order_id,
                                   "type": request.type, "side": request.side,
                                   "amount": str(request.amount)}
        if order is not None:
            details.update(order_id=order.id, filled=str(order.filled),
                           average=str(order.average), fee=str(order.fee),
                           fee_currency=order.fee_currency)
        with self.store.db.begin() as conn:
            self.journal.record_result(conn, request.client_order_id,
                                       order_id=order.id if order else None, status=status,
                                       filled=order.filled if order else ZERO,
                                       average=order.average if order else None,
                                       fee=order.fee if order else ZERO)
            self.store.audit.record(actor, action, request.symbol, reason, details, conn=conn)
            self.store.inflight.settle_in(conn, self.exchange.name, [request.client_order_id])
        self.publish("orders", {"action": action, **details})

    def publish(self, topic: str, event: dict[str, Any]) -> None:
        """Announce ``event`` on the bus; the store is the record, so a failure only logs."""
        if self._emit is not None:
            try:
                self._emit(topic, event)
            except VolexError as exc:
                log.warning("event %s not published: %s", topic, exc)
