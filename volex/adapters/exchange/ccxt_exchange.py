"""The Exchange port over a live ccxt venue (binance first; any ccxt spot venue in principle).

Never a duplicate order: every order carries a client order id (``request.client_order_id``);
``create_order`` first asks the venue whether it already holds that id (a retry returns the
existing order), and when a send fails in a way that leaves its fate unknown (timeout, dropped
connection, 5xx, 429) it waits until the request can no longer execute, looks the order up
by that id, and only sends again when the venue says it has no such order. Reads and cancels
are idempotent and are retried with backoff; rate limits wait as long as the venue asks.

The wait before the lookup is the venue's receive window (``recvWindow``, which Binance
enforces when it processes a request: older requests are refused) plus a margin for clock
skew; it is set to the network timeout, so a request that timed out cannot fill afterwards.
Venues without such a window get the same wait as a best effort.

ccxt is imported here only (through ``volex.adapters.ccxt_common``), never at package import.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar

from volex import errors
from volex.adapters.ccxt_common import make_client, translate_ccxt_errors
from volex.adapters.exchange.ccxt_convert import (
    dec,
    fill_from_ccxt,
    from_ms,
    market_from_ccxt,
    order_from_ccxt,
)
from volex.adapters.exchange.order_checks import check_order, reserved_holding, short_of_funds
from volex.adapters.exchange.retry import RetryPolicy, retry_idempotent
from volex.domain.orders import Balance, Fill, Market, Order, OrderRequest, Ticker
from volex.domain.symbols import usd_fallback

__all__ = ["CcxtExchange"]

log = logging.getLogger(__name__)
T = TypeVar("T")
_CREDENTIAL_NAMES = {"api_key": "apiKey", "apiKey": "apiKey", "secret": "secret",
                     "password": "password", "passphrase": "password", "uid": "uid"}


class CcxtExchange:
    """A live venue through ccxt, behind the Exchange port.

    ``CcxtExchange(exchange_id, credentials, sandbox, timeout_s, client_config=None)``:

    - ``exchange_id``: a ccxt id (``binance``); unknown ids raise ``UnknownExchange``.
    - ``credentials``: from the secret store, ``{"api_key", "secret"[, "password"]}``, or None
      for market data only (private calls then raise ``AuthenticationError``).
    - ``sandbox``: use the venue's testnet (``set_sandbox_mode``); ``ConfigError`` if it has none.
    - ``timeout_s``: per-request network timeout; also the venue's receive window.
    - ``client_config``: extra ccxt settings merged over ours (``[exchanges.<id>]`` in the
      config: ``urls``, ``options``, ``enableRateLimit``).
    - ``api_base`` (keyword): send every API call to this host instead, keeping the paths
      (a testnet mirror, a self-hosted gateway, the loopback simulator); ``urls`` entries in
      ``client_config`` still win.
    - ``retry`` (keyword): attempts, backoff and the clock-skew margin; ``sleep`` for tests.
    """

    mode = "live"

    def __init__(self, exchange_id: str, credentials: dict[str, str] | None, sandbox: bool,
                 timeout_s: float, client_config: dict[str, Any] | None = None, *,
                 api_base: str | None = None, retry: RetryPolicy | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.name = exchange_id
        self.sandbox = sandbox
        self._retry = retry or RetryPolicy()
        self._sleep = sleep
        self._secrets = tuple(v for v in (credentials or {}).values() if v)
        window_ms = min(60_000, max(1_000, int(timeout_s * 1000)))
        self._in_flight_s = window_ms / 1000 + self._retry.in_flight_margin_s
        config: dict[str, Any] = {
            _CREDENTIAL_NAMES[k]: v for k, v in (credentials or {}).items()
            if k in _CREDENTIAL_NAMES and v}
        options = {"fetchCurrencies": False, "fetchMargins": False, "recvWindow": window_ms,
                   "adjustForTimeDifference": True, "fetchOpenOrders": {"warnWithoutSymbol": False},
                   "warnOnFetchOpenOrdersWithoutSymbol": False}
        extra = dict(client_config or {})
        options.update(extra.pop("options", {}))
        config.update(extra, options=options)
        self._client = make_client(exchange_id, timeout_s, config, api_base=api_base)
        if sandbox:
            self._enable_sandbox()
        self._markets: dict[str, Market] | None = None
        self._stale_markets = False
        # One order decision at a time in this process: two threads sending the same client
        # id could both find nothing and both send.
        self._placing = threading.Lock()
        self._traded: set[str] = set()

    def __repr__(self) -> str:
        keys = "set" if self._secrets else "none"
        return f"CcxtExchange(name={self.name!r}, mode='live', sandbox={self.sandbox}, keys={keys})"

    # -- markets and prices -------------------------------------------------------------------

    def markets(self) -> dict[str, Market]:
        if self._markets is None:
            loaded = self._read(self._client.load_markets, self._stale_markets)
            self._stale_markets = False
            mode = self._client.precisionMode
            self._markets = {s: market_from_ccxt(m, mode) for s, m in loaded.items()
                             if m.get("spot", True) and m.get("active") is not False}
        return self._markets

    def market(self, symbol: str) -> Market:
        found = self.markets().get(symbol)
        if found is None:
            alt = usd_fallback(symbol)
            hint = f" (try {alt})" if alt and alt in self.markets() else ""
            raise errors.UnknownSymbol(f"{self.name} does not list {symbol}{hint}")
        return found

    def ticker(self, symbol: str) -> Ticker:
        self.market(symbol)
        raw = self._read(self._client.fetch_ticker, symbol)
        last = dec(raw.get("last")) or dec(raw.get("close"))
        if last is None:
            raise errors.ExchangeError(f"{self.name}: no last price for {symbol}")
        return Ticker(symbol=symbol, last=last, bid=dec(raw.get("bid")), ask=dec(raw.get("ask")),
                      at=from_ms(raw.get("timestamp")), source="exchange")

    # -- account --------------------------------------------------------------------------------

    def balances(self) -> dict[str, Balance]:
        self._require_keys()
        raw = self._read(self._client.fetch_balance)
        out: dict[str, Balance] = {}
        for asset in raw.get("total") or {}:
            free = dec(raw.get("free", {}).get(asset)) or Decimal(0)
            used = dec(raw.get("used", {}).get(asset)) or Decimal(0)
            if free + used != 0:
                out[asset] = Balance(asset=asset, free=free, used=used)
        return out

    def fetch_order(self, order_id: str, symbol: str) -> Order:
        self._require_keys()
        self.market(symbol)
        try:
            return self._to_order(self._read(self._client.fetch_order, order_id, symbol))
        except errors.InvalidOrder as exc:
            raise errors.InvalidOrder(f"{self.name}: no order {order_id} on {symbol}") from exc

    def fetch_order_by_client_id(self, client_order_id: str, symbol: str) -> Order | None:
        self._require_keys()
        self.market(symbol)
        return self._read(self._lookup, client_order_id, symbol)

    def open_orders(self, symbol: str | None = None) -> list[Order]:
        self._require_keys()
        if symbol is not None:
            self.market(symbol)
        rows = self._read(self._client.fetch_open_orders, symbol)
        orders = [self._to_order(r) for r in rows]
        return sorted(orders, key=lambda o: o.created_at)

    def my_trades(self, symbol: str | None = None, since: datetime | None = None) -> list[Fill]:
        self._require_keys()
        if symbol is not None:
            self.market(symbol)
        since_ms = int(since.timestamp() * 1000) if since else None
        try:
            rows = self._read(self._client.fetch_my_trades, symbol, since_ms)
        except errors.ExchangeError as exc:
            if symbol is not None or "ArgumentsRequired" not in str(exc):
                raise
            rows = [row for each in sorted(self._symbols_of_interest())
                    for row in self._read(self._client.fetch_my_trades, each, since_ms)]
        fills = [fill_from_ccxt(r) for r in rows]
        return sorted(fills, key=lambda f: f.at)

    def _symbols_of_interest(self) -> set[str]:
        """Markets to ask for fills when the venue lists trades per market only (Binance).

        Those whose base and quote the account holds, those with open orders, and those this
        adapter traded; a market sold out before this process started is not among them.
        """
        held = {asset for asset, balance in self.balances().items() if balance.total > 0}
        symbols = {s for s, m in self.markets().items() if m.base in held and m.quote in held}
        symbols |= {o.symbol for o in self.open_orders()}
        return symbols | self._traded

    # -- orders ---------------------------------------------------------------------------------

    def create_order(self, request: OrderRequest) -> Order:
        """Place ``request`` once: an id the venue already holds returns that order."""
        self._require_keys()
        market = self.market(request.symbol)
        with self._placing:
            existing = self._read(self._lookup, request.client_order_id, request.symbol, request)
            if existing is not None:
                log.info("%s: order %s already placed; not sending it again", self.name,
                         request.client_order_id)
                return existing
            amount, price = self._checked(request, market)
            self._traded.add(request.symbol)
            return self._place(request, amount, price)

    def cancel_order(self, order_id: str, symbol: str) -> Order:
        self._require_keys()
        self.market(symbol)
        try:
            return self._to_order(self._read(self._client.cancel_order, order_id, symbol))
        except errors.InvalidOrder:
            order = self.fetch_order(order_id, symbol)
            if order.status == "canceled":
                return order
            raise errors.InvalidOrder(f"{self.name}: order {order_id} is {order.status}; "
                                      "it cannot be canceled") from None

    @property
    def places_protective_pairs(self) -> bool:
        """Whether :meth:`create_protective_pair` works on this venue (Binance spot OCO lists)."""
        return hasattr(self._client, "privatePostOrderListOco")

    def create_protective_pair(self, stop: OrderRequest, target: OrderRequest) -> list[Order]:
        """A sell stop-loss and take-profit on the same coins as one OCO list: [stop, target].

        The venue reserves the holding once and cancels one leg when the other fills; as two
        separate orders the second would need the coins a second time. Binance spot only.
        Idempotent on the legs' client order ids, with create_order's lookup before resending.
        """
        self._require_keys()
        if not self.places_protective_pairs:
            raise errors.InvalidOrder(f"{self.name}: Volex places OCO pairs on Binance only; "
                                      "place the stop and the target one by one")
        if ((stop.type, stop.side, target.type, target.side)
                != ("stop_loss", "sell", "take_profit", "sell") or stop.symbol != target.symbol):
            raise errors.InvalidOrder(f"{self.name}: an OCO pair is a sell stop_loss and a sell "
                                      "take_profit on one symbol")
        market = self.market(stop.symbol)
        with self._placing:
            found = self._read(self._find_pair, stop, target)
            if found is not None:
                return found
            amount, stop_price = self._checked(stop, market)
            target_price = self._call(self._client.price_to_precision, stop.symbol,
                                      float(market.round_price(target.price)))  # type: ignore[arg-type]
            params = {"symbol": self._client.market(stop.symbol)["id"], "side": "SELL",
                      "quantity": str(amount), "aboveType": "TAKE_PROFIT",
                      "aboveStopPrice": target_price, "aboveClientOrderId": target.client_order_id,
                      "belowType": "STOP_LOSS", "belowStopPrice": str(stop_price),
                      "belowClientOrderId": stop.client_order_id, "newOrderRespType": "FULL",
                      "listClientOrderId": f"{stop.client_order_id[:32]}-oco"}
            self._traded.add(stop.symbol)

            def send() -> list[Order]:
                raw = self._call(self._client.privatePostOrderListOco, params)
                legs = {r["clientOrderId"]: r for r in raw.get("orderReports") or []}
                where = self._client.market(stop.symbol)
                return [self._to_order(self._client.parse_order(legs[r.client_order_id], where), r)
                        for r in (stop, target)]

            return self._send_once(stop, amount, send, lambda: self._find_pair(stop, target))

    def _find_pair(self, stop: OrderRequest, target: OrderRequest) -> list[Order] | None:
        legs = [self._lookup(r.client_order_id, r.symbol, r) for r in (stop, target)]
        return None if None in legs else legs  # type: ignore[return-value]

    # -- placing --------------------------------------------------------------------------------

    def _checked(self, request: OrderRequest, market: Market) -> tuple[Decimal, Decimal | None]:
        """Amount and price checked and rounded down, in the venue's own formatting."""
        sellable = None
        if request.reduce_only:
            sellable = reserved_holding(self.name, request, market,
                                        self.balances().get(market.base))
        amount, price = check_order(self.name, request, market,
                                    lambda: self.ticker(request.symbol).last, sellable)
        amount = Decimal(self._call(self._client.amount_to_precision, request.symbol,
                                    float(amount)))
        if price is not None:
            price = Decimal(self._call(self._client.price_to_precision, request.symbol,
                                       float(price)))
        return amount, price

    def _place(self, request: OrderRequest, amount: Decimal, price: Decimal | None) -> Order:
        params: dict[str, Any] = {self._client_id_param(): request.client_order_id}
        if request.type == "stop_loss":
            params["stopLossPrice"] = float(price)  # type: ignore[arg-type]
        elif request.type == "take_profit":
            params["takeProfitPrice"] = float(price)  # type: ignore[arg-type]
        kind = "limit" if request.type == "limit" else "market"
        limit_price = float(price) if kind == "limit" and price is not None else None

        def send() -> Order:
            raw = self._call(self._client.create_order, request.symbol, kind, request.side,
                             float(amount), limit_price, params)
            return self._to_order(raw, request)

        return self._send_once(request, amount, send,
                               lambda: self._lookup(request.client_order_id, request.symbol,
                                                    request))

    def _send_once(self, request: OrderRequest, amount: Decimal, send: Callable[[], T],
                   recover: Callable[[], T | None]) -> T:
        """``send()`` so that the venue acts on it once: after a failure with an unknown
        outcome, ``recover()`` asks the venue for what was sent before anything is resent."""
        last_error: errors.VolexError | None = None
        for attempt in range(self._retry.attempts):
            sent = time.monotonic()
            try:
                return send()
            except errors.NetworkError as exc:  # the venue may or may not hold the order now
                last_error = exc
            except errors.InsufficientFunds as exc:
                venue_says = str(exc).split(": ", 2)[-1]
                raise short_of_funds(self.name, request, self.market(request.symbol), amount,
                                     venue_says) from exc
            except errors.InvalidOrder as exc:
                if "Filter failure" in str(exc):
                    raise self._rules_changed(request, exc) from exc
                if "duplicate" not in str(exc).lower():
                    raise
                last_error = exc  # the venue holds an open order with this id already
            found = self._find_after_failure(request, sent, attempt, last_error, recover)
            if found is not None:
                return found
            log.warning("%s: order %s was not placed (%s); sending it again", self.name,
                        request.client_order_id, last_error)
        raise errors.NetworkError(
            f"{self.name}: order {request.client_order_id} was not placed after "
            f"{self._retry.attempts} attempts (last: {last_error})")

    def _find_after_failure(self, request: OrderRequest, sent: float, attempt: int,
                            error: errors.VolexError, recover: Callable[[], T | None]) -> T | None:
        """After a send with an unknown outcome: wait until it cannot execute, then look."""
        in_flight = sent + self._in_flight_s - time.monotonic()
        self._sleep(max(in_flight, self._retry.delay(attempt, error)))
        try:
            return self._read(recover)
        except errors.NetworkError as exc:
            raise errors.NetworkError(
                f"{self.name}: order {request.client_order_id} may have been placed ({error}) and "
                f"the venue cannot be asked now ({exc}); look it up by its client order id "
                "before sending it again") from exc

    def _rules_changed(self, request: OrderRequest,
                       exc: errors.InvalidOrder) -> errors.InvalidOrder:
        """The venue refused what its rules as we loaded them allow: reload them next time."""
        self._markets, self._stale_markets = None, True
        return errors.InvalidOrder(
            f"{exc}; {self.name}'s trading rules for {request.symbol} differ from those Volex "
            "had loaded; they are reloaded now, plan the order again")

    def _lookup(self, client_order_id: str, symbol: str,
                request: OrderRequest | None = None) -> Order | None:
        """The venue's order with ``client_order_id``, or None; ``request`` (ours, with that
        id) supplies what the venue does not keep (parent id, reduce-only)."""
        params = {"clientOrderId": client_order_id}
        try:
            raw = self._call(self._client.fetch_order, None, symbol, params)
        except errors.InvalidOrder:
            return None
        return self._to_order(raw, request)

    def _client_id_param(self) -> str:
        return "newClientOrderId" if self._client.id.startswith("binance") else "clientOrderId"

    # -- plumbing -------------------------------------------------------------------------------

    def _call(self, fn: Callable[..., T], *args: Any) -> T:
        try:
            with translate_ccxt_errors(self.name, self._client, self._secrets):
                return fn(*args)
        except errors.NetworkError as exc:
            if "InvalidNonce" in str(exc):  # our clock and the venue's disagree: measure again
                self._resync_clock()
            raise

    def _resync_clock(self) -> None:
        import ccxt

        try:
            self._client.load_time_difference()
        except ccxt.BaseError as exc:  # best effort: the retry reports the real failure
            log.info("%s: could not read the venue's clock: %s", self.name, type(exc).__name__)

    def _read(self, fn: Callable[..., T], *args: Any) -> T:
        return retry_idempotent(lambda: self._call(fn, *args), self._retry, self._sleep)

    def _to_order(self, raw: dict[str, Any], request: OrderRequest | None = None) -> Order:
        return order_from_ccxt(raw, self.name, request)

    def _require_keys(self) -> None:
        if not self._client.apiKey:
            raise errors.AuthenticationError(
                f"{self.name}: no API key; store one in the secret store under {self.name!r} "
                "(api_key, secret) to trade live")

    def _enable_sandbox(self) -> None:
        import ccxt

        missing = errors.ConfigError(f"{self.name} offers no sandbox/testnet; set "
                                     "trading.sandbox = false to trade live")
        if not self._client.urls.get("test"):
            raise missing
        try:
            self._client.set_sandbox_mode(True)
        except ccxt.NotSupported:
            raise missing from None


