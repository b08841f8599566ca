"""The state behind the loopback Binance simulator: markets, balances, orders, trades.

Plain Python, no HTTP: ``binance_sim`` puts a Binance-shaped REST front end on it. Errors are
raised as ``BinanceApiError`` carrying the HTTP status, code and message Binance really sends,
so ccxt maps them to its own exception classes exactly as it would against the real venue.
Amounts are Decimals; candles are the real Binance series bundled with the package.
"""

from __future__ import annotations

import bisect
import re
import threading
import time
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from tests.support.binance_markets import (
    DEFAULT_MARKETS,
    INTERVAL_MS,
    BinanceApiError,
    MarketSpec,
    read_klines,
    ticker_json,
)

__all__ = ["BinanceApiError", "BinanceEngine", "SimOrder", "now_ms"]

TAKER_FEE = Decimal("0.001")
CLIENT_ID_RULE = re.compile(r"^[\.A-Z\:/a-z0-9_-]{1,36}$")
STOP_TYPES = {"STOP_LOSS", "TAKE_PROFIT"}


def insufficient() -> BinanceApiError:
    return BinanceApiError(400, -2010, "Account has insufficient balance for requested action.")


def now_ms() -> int:
    return int(time.time() * 1000)


@dataclass
class SimOrder:
    """One order on the simulated book."""

    order_id: int
    client_order_id: str
    symbol: str
    side: str
    type: str
    price: Decimal
    qty: Decimal
    time_in_force: str | None
    time_ms: int
    stop_price: Decimal = Decimal(0)
    list_id: int = -1
    holds_lock: bool = False
    executed: Decimal = Decimal(0)
    quote_filled: Decimal = Decimal(0)
    status: str = "NEW"
    update_ms: int = 0
    fills: list[dict[str, Any]] = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return self.status in {"NEW", "PARTIALLY_FILLED"}

    def to_json(self) -> dict[str, Any]:
        """The GET /api/v3/order shape."""
        return {
            "symbol": self.symbol, "orderId": self.order_id, "orderListId": self.list_id,
            "clientOrderId": self.client_order_id, "price": f"{self.price:.8f}",
            "origQty": f"{self.qty:.8f}", "executedQty": f"{self.executed:.8f}",
            "cummulativeQuoteQty": f"{self.quote_filled:.8f}", "status": self.status,
            "timeInForce": self.time_in_force or "GTC", "type": self.type, "side": self.side,
            "stopPrice": f"{self.stop_price:.8f}", "icebergQty": "0.00000000", "time": self.time_ms,
            "updateTime": self.update_ms or self.time_ms, "isWorking": True,
            "workingTime": self.time_ms, "origQuoteOrderQty": "0.00000000",
            "selfTradePreventionMode": "EXPIRE_MAKER",
        }


def _decimal(params: dict[str, str], name: str, required: bool = True) -> Decimal | None:
    raw = params.get(name)
    if raw in (None, ""):
        if required:
            raise BinanceApiError(400, -1102, f"Mandatory parameter '{name}' was not sent, "
                                              "was empty/null, or malformed.")
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise BinanceApiError(400, -1100, f"Illegal characters found in parameter '{name}'; "
                                          "legal range is '^([0-9]{1,20})(\\.[0-9]{1,20})?$'.")
    if value.as_tuple().exponent < -8:  # type: ignore[operator]
        raise BinanceApiError(400, -1111, f"Parameter '{name}' has too much precision.")
    return value


class BinanceEngine:
    """Markets, balances and a tiny matching engine; every public method is thread-safe."""

    def __init__(self, balances: dict[str, str] | None = None,
                 keys: dict[str, str] | None = None,
                 markets: tuple[MarketSpec, ...] = DEFAULT_MARKETS) -> None:
        self.keys = dict(keys or {})
        self.markets = {m.symbol: m for m in markets}
        self._lock = threading.RLock()
        self._balances = {k: Decimal(v) for k, v in (balances or {}).items()}
        self._locked: dict[str, Decimal] = {}
        self._orders: list[SimOrder] = []
        self._trades: list[dict[str, Any]] = []
        self._candles: dict[tuple[str, str], list[list[Any]]] = {}
        self._prices = {m.symbol: self._initial_price(m) for m in markets}

    # ----- market data -------------------------------------------------------------------
    def market(self, symbol: str | None) -> MarketSpec:
        spec = self.markets.get(symbol or "")
        if spec is None:
            raise BinanceApiError(400, -1121, "Invalid symbol.")
        return spec

    def exchange_info(self) -> dict[str, Any]:
        return {"timezone": "UTC", "serverTime": now_ms(), "rateLimits": [
            {"rateLimitType": "REQUEST_WEIGHT", "interval": "MINUTE", "intervalNum": 1,
             "limit": 6000}], "exchangeFilters": [],
            "symbols": [m.exchange_info() for m in self.markets.values()]}

    def price(self, symbol: str) -> Decimal:
        with self._lock:
            return self._prices[self.market(symbol).symbol]

    def candles(self, symbol: str, interval: str) -> list[list[Any]]:
        """All candles of ``symbol`` at ``interval`` in Binance's kline row shape."""
        spec = self.market(symbol)
        if interval not in INTERVAL_MS:
            raise BinanceApiError(400, -1120, "Invalid interval.")
        key = (spec.symbol, interval)
        if key not in self._candles:
            pair = f"{spec.base}/{spec.quote}"
            known = interval in spec.candle_timeframes
            self._candles[key] = read_klines(pair, interval) if known else []
        return self._candles[key]

    def klines(self, symbol: str, interval: str, start: int | None, end: int | None,
               limit: int) -> list[list[Any]]:
        rows = self.candles(symbol, interval)
        opens = [r[0] for r in rows]
        lo = bisect.bisect_left(opens, start) if start is not None else 0
        hi = bisect.bisect_right(opens, end) if end is not None else len(rows)
        limit = max(1, min(limit, 1000))
        return rows[lo:lo + limit] if start is not None else rows[max(lo, hi - limit):hi]

    def ticker(self, symbol: str) -> dict[str, Any]:
        """The /api/v3/ticker/24hr shape: the last 24 h of candles ending at the current price."""
        spec = self.market(symbol)
        last = self.price(spec.symbol)
        day = self.candles(spec.symbol, "2h")[-12:] or self.candles(spec.symbol, "1d")[-1:]
        return ticker_json(spec, last, day)

    def set_price(self, symbol: str, price: str | Decimal) -> None:
        """Move the last price; resting LIMIT orders that the move crosses fill at their price."""
        with self._lock:
            spec = self.market(symbol)
            self._prices[spec.symbol] = Decimal(price)
            for order in self._orders:
                if order.is_open and order.symbol == spec.symbol and self._crosses(order):
                    self._end_siblings(order, "EXPIRED")
                    limit = order.type == "LIMIT"
                    self._fill(order, order.price if limit else Decimal(price), maker=limit)

    # ----- account ---------------------------------------------------------------------------
    def balance(self, asset: str) -> tuple[Decimal, Decimal]:
        """(free, locked) of ``asset``."""
        with self._lock:
            total = self._balances.get(asset, Decimal(0))
            locked = self._locked.get(asset, Decimal(0))
            return total - locked, locked

    def convert_dust(self, asset: str) -> None:
        """Sweep away the free remainder of ``asset`` (Binance's "convert small balances")."""
        with self._lock:
            self._balances[asset] = self._locked.get(asset, Decimal(0))

    def account(self) -> dict[str, Any]:
        with self._lock:
            assets = sorted(set(self._balances) | set(self._locked))
            balances = [{"asset": a, "free": f"{self.balance(a)[0]:.8f}",
                         "locked": f"{self.balance(a)[1]:.8f}"} for a in assets]
        return {"makerCommission": 10, "takerCommission": 10, "buyerCommission": 0,
                "sellerCommission": 0, "commissionRates": {
                    "maker": "0.00100000", "taker": "0.00100000", "buyer": "0.00000000",
                    "seller": "0.00000000"}, "canTrade": True, "canWithdraw": True,
                "canDeposit": True, "brokered": False, "requireSelfTradePrevention": False,
                "preventSor": False, "updateTime": now_ms(), "accountType": "SPOT",
                "balances": balances, "permissions": ["SPOT"], "uid": 354937868}

    # ----- orders ----------------------------------------------------------------------------
    def orders(self, client_order_id: str | None = None) -> list[SimOrder]:
        """Every order ever accepted (optionally only those with ``client_order_id``)."""
        with self._lock:
            return [o for o in self._orders
                    if client_order_id is None or o.client_order_id == client_order_id]

    def new_order(self, params: dict[str, str]) -> dict[str, Any]:
        """POST /api/v3/order: validate like Binance, then book (and maybe fill) the order."""
        with self._lock:
            order = self._validated_order(params)
            self._reserve(order)
            self._orders.append(order)
            if order.type == "MARKET" or (order.type == "LIMIT" and self._crosses(order)):
                self._fill(order, self._prices[order.symbol], maker=False)
            body = order.to_json()
            body.pop("time")
            body["transactTime"] = order.time_ms
            if params.get("newOrderRespType", "FULL") == "FULL":
                body["fills"] = list(order.fills)
            return body

    def new_oco(self, params: dict[str, str]) -> dict[str, Any]:
        """POST /api/v3/orderList/oco: a SELL take-profit above and stop-loss below the price.

        One holding backs both legs (reserved once); when one leg fills the other expires,
        and cancelling either cancels the list, as on Binance.
        """
        with self._lock:
            if (params.get("side"), params.get("aboveType"), params.get("belowType")) != (
                    "SELL", "TAKE_PROFIT", "STOP_LOSS"):
                raise BinanceApiError(400, -1102, "Mandatory parameter 'aboveType' or "
                                                  "'belowType' was not sent, was empty/null, "
                                                  "or malformed.")
            leg = {"symbol": params.get("symbol", ""), "side": "SELL",
                   "quantity": params.get("quantity", "")}
            below, above = (self._validated_order({
                **leg, "type": kind, "stopPrice": params.get(f"{where}StopPrice", ""),
                "newClientOrderId": params.get(f"{where}ClientOrderId", "")})
                for kind, where in (("STOP_LOSS", "below"), ("TAKE_PROFIT", "above")))
            if above.client_order_id == below.client_order_id:
                raise BinanceApiError(400, -2010, "Duplicate order sent.")
            self._reserve(below)
            list_id = 1 + max((o.list_id for o in self._orders), default=0)
            above.order_id = below.order_id + 1
            below.list_id = above.list_id = list_id
            self._orders += [below, above]
            reports = []
            for order in (below, above):
                report = order.to_json()
                report["transactTime"] = report.pop("time")
                reports.append(report)
            return {"orderListId": list_id, "contingencyType": "OCO",
                    "listStatusType": "EXEC_STARTED", "listOrderStatus": "EXECUTING",
                    "listClientOrderId": params.get("listClientOrderId") or f"list{list_id}",
                    "transactionTime": below.time_ms, "symbol": below.symbol,
                    "orders": [{"symbol": o.symbol, "orderId": o.order_id,
                                "clientOrderId": o.client_order_id} for o in (below, above)],
                    "orderReports": reports}

    def find(self, params: dict[str, str]) -> SimOrder:
        spec = self.market(params.get("symbol"))
        order_id, client_id = params.get("orderId"), params.get("origClientOrderId")
        if order_id is None and client_id is None:
            raise BinanceApiError(400, -1102, "Param 'origClientOrderId' or 'orderId' must be "
                                              "sent, but both were empty/null!")
        with self._lock:
            for order in reversed(self._orders):
                if order.symbol == spec.symbol and (
                        str(order.order_id) == order_id if order_id else
                        order.client_order_id == client_id):
                    return order
        raise BinanceApiError(400, -2013, "Order does not exist.")

    def cancel(self, params: dict[str, str]) -> dict[str, Any]:
        with self._lock:
            try:
                order = self.find(params)
            except BinanceApiError as exc:
                if exc.code != -2013:
                    raise
                raise BinanceApiError(400, -2011, "Unknown order sent.") from None
            if not order.is_open:
                raise BinanceApiError(400, -2011, "Unknown order sent.")
            self._end_siblings(order, "CANCELED")
            self._release(order)
            order.status, order.update_ms = "CANCELED", now_ms()
            body = order.to_json()
            body.update(origClientOrderId=order.client_order_id, transactTime=order.update_ms,
                        clientOrderId=params.get("newClientOrderId") or f"cancel{order.order_id}")
            return body

    def open_orders(self, symbol: str | None) -> list[dict[str, Any]]:
        if symbol is not None:
            self.market(symbol)
        with self._lock:
            return [o.to_json() for o in self._orders
                    if o.is_open and (symbol is None or o.symbol == symbol)]

    def my_trades(self, params: dict[str, str]) -> list[dict[str, Any]]:
        spec = self.market(params.get("symbol"))
        start = int(params.get("startTime") or 0)
        end = int(params.get("endTime") or 2**62)
        limit = min(int(params.get("limit") or 500), 1000)
        with self._lock:
            rows = [t for t in self._trades if t["symbol"] == spec.symbol
                    and start <= t["time"] <= end
                    and (not params.get("orderId") or str(t["orderId"]) == params["orderId"])]
        return rows[:limit]

    # ----- internals ---------------------------------------------------------------------------
    def _validated_order(self, params: dict[str, str]) -> SimOrder:
        spec = self.market(params.get("symbol"))
        side, kind = params.get("side", ""), params.get("type", "")
        if side not in {"BUY", "SELL"} or kind not in {"MARKET", "LIMIT", *STOP_TYPES}:
            raise BinanceApiError(400, -1102, "Mandatory parameter 'side' or 'type' was not sent, "
                                              "was empty/null, or malformed.")
        qty = _decimal(params, "quantity", required=not params.get("quoteOrderQty"))
        price = _decimal(params, "price", required=kind == "LIMIT") or Decimal(0)
        stop = _decimal(params, "stopPrice", required=kind in STOP_TYPES) or Decimal(0)
        last = self._prices[spec.symbol]
        if qty is None:  # a MARKET order by quote amount
            quote = _decimal(params, "quoteOrderQty") or Decimal(0)
            qty = (quote / last).quantize(spec.step_size, rounding="ROUND_DOWN")
        if kind == "LIMIT":
            spec.check_price(price)
        if kind in STOP_TYPES:
            spec.check_price(stop)
        spec.check_quantity(qty)
        spec.check_notional(qty * (price or stop or last))
        client_id = params.get("newClientOrderId") or f"sim{len(self._orders) + 1:010d}"
        if not CLIENT_ID_RULE.match(client_id):
            raise BinanceApiError(400, -1100, "Illegal characters found in parameter "
                                              "'newClientOrderId'; legal range is "
                                              "'^[\\.A-Z\\:/a-z0-9_-]{1,36}$'.")
        if any(o.is_open and o.client_order_id == client_id for o in self._orders):
            raise BinanceApiError(400, -2010, "Duplicate order sent.")
        order = SimOrder(order_id=len(self._orders) + 1, client_order_id=client_id,
                         symbol=spec.symbol, side=side, type=kind, price=price, qty=qty,
                         time_in_force=params.get("timeInForce") if kind == "LIMIT" else "GTC",
                         time_ms=now_ms(), stop_price=stop)
        if kind in STOP_TYPES and self._crosses(order):
            raise BinanceApiError(400, -2010, "Stop price would trigger immediately.")
        return order

    def _cost_asset(self, order: SimOrder) -> tuple[str, Decimal]:
        spec = self.markets[order.symbol]
        if order.side == "SELL":
            return spec.base, order.qty - order.executed
        price = order.price or order.stop_price or self._prices[order.symbol]
        return spec.quote, (order.qty - order.executed) * price

    def _reserve(self, order: SimOrder) -> None:
        asset, amount = self._cost_asset(order)
        if self.balance(asset)[0] < amount:
            raise insufficient()
        if order.type != "MARKET":
            self._locked[asset] = self._locked.get(asset, Decimal(0)) + amount
            order.holds_lock = True

    def _release(self, order: SimOrder) -> None:
        if order.holds_lock:
            asset, amount = self._cost_asset(order)
            self._locked[asset] = self._locked.get(asset, Decimal(0)) - amount
            order.holds_lock = False

    def _end_siblings(self, order: SimOrder, status: str) -> None:
        """The other legs of ``order``'s order list end with it (and free what they held)."""
        for other in self._orders:
            if other is not order and order.list_id >= 0 and other.list_id == order.list_id \
                    and other.is_open:
                self._release(other)
                other.status, other.update_ms = status, now_ms()

    def _crosses(self, order: SimOrder) -> bool:
        """Whether the last price reaches a limit price or triggers a stop."""
        last = self._prices[order.symbol]
        if order.type == "LIMIT":
            return order.price >= last if order.side == "BUY" else order.price <= last
        falls_to = order.stop_price >= last
        rises_to = order.stop_price <= last
        if order.type == "STOP_LOSS":
            return falls_to if order.side == "SELL" else rises_to
        return rises_to if order.side == "SELL" else falls_to

    def _fill(self, order: SimOrder, price: Decimal, maker: bool) -> None:
        spec = self.markets[order.symbol]
        self._release(order)
        qty = order.qty - order.executed
        quote = qty * price
        got, paid = (spec.base, spec.quote) if order.side == "BUY" else (spec.quote, spec.base)
        received, spent = (qty, quote) if order.side == "BUY" else (quote, qty)
        commission = received * TAKER_FEE
        self._balances[paid] = self._balances.get(paid, Decimal(0)) - spent
        self._balances[got] = self._balances.get(got, Decimal(0)) + received - commission
        order.executed, order.quote_filled = order.qty, order.quote_filled + quote
        order.status, order.update_ms = "FILLED", now_ms()
        trade_id = len(self._trades) + 1
        order.fills.append({"price": f"{price:.8f}", "qty": f"{qty:.8f}",
                            "commission": f"{commission:.8f}", "commissionAsset": got,
                            "tradeId": trade_id})
        self._trades.append({
            "symbol": order.symbol, "id": trade_id, "orderId": order.order_id,
            "orderListId": order.list_id, "price": f"{price:.8f}", "qty": f"{qty:.8f}",
            "quoteQty": f"{quote:.8f}", "commission": f"{commission:.8f}",
            "commissionAsset": got, "time": order.update_ms, "isBuyer": order.side == "BUY",
            "isMaker": maker, "isBestMatch": True})

    def _initial_price(self, spec: MarketSpec) -> Decimal:
        for interval in ("2h", "1d"):
            rows = self.candles(spec.symbol, interval) if interval in spec.candle_timeframes else []
            if rows:
                return Decimal(rows[-1][4])
        return spec.fallback_price
