"""The spot markets the loopback Binance simulator lists, with Binance's real filters.

Filter values are those Binance published for these symbols (tick size, lot step, minimum
quantity, minimum notional), so precision and minimum checks meet realistic numbers.
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from volex.adapters.market_data.files import sample_candles

__all__ = ["DEFAULT_MARKETS", "INTERVAL_MS", "BinanceApiError", "MarketSpec",
           "filter_failure", "read_klines", "ticker_json"]

INTERVAL_MS = {"1m": 60_000, "5m": 300_000, "15m": 900_000, "1h": 3_600_000,
               "2h": 7_200_000, "4h": 14_400_000, "1d": 86_400_000}


class BinanceApiError(Exception):
    """An error answer exactly as Binance sends it: HTTP status and ``{"code", "msg"}``."""

    def __init__(self, status: int, code: int, msg: str) -> None:
        super().__init__(f"{status} {code} {msg}")
        self.status, self.code, self.msg = status, code, msg


def filter_failure(name: str) -> BinanceApiError:
    return BinanceApiError(400, -1013, f"Filter failure: {name}")


@dataclass(frozen=True)
class MarketSpec:
    """One spot market: ids, assets and the PRICE_FILTER / LOT_SIZE / NOTIONAL filters."""

    symbol: str
    base: str
    quote: str
    tick_size: Decimal
    step_size: Decimal
    min_qty: Decimal
    max_qty: Decimal
    min_notional: Decimal
    fallback_price: Decimal
    candle_timeframes: tuple[str, ...] = ()  # what the package's bundled sample holds
    min_price: Decimal = Decimal("0.00000001")
    max_price: Decimal = Decimal(1000000)

    def check_price(self, price: Decimal) -> None:
        if price < self.min_price or price > self.max_price or price % self.tick_size:
            raise filter_failure("PRICE_FILTER")

    def check_quantity(self, qty: Decimal) -> None:
        if qty < self.min_qty or qty > self.max_qty or (qty - self.min_qty) % self.step_size:
            raise filter_failure("LOT_SIZE")

    def check_notional(self, notional: Decimal) -> None:
        if notional < self.min_notional:
            raise filter_failure("NOTIONAL")

    def exchange_info(self) -> dict[str, Any]:
        """The market's entry in /api/v3/exchangeInfo ``symbols``."""
        return {
            "symbol": self.symbol, "status": "TRADING", "baseAsset": self.base,
            "baseAssetPrecision": 8, "quoteAsset": self.quote, "quotePrecision": 8,
            "quoteAssetPrecision": 8, "baseCommissionPrecision": 8,
            "quoteCommissionPrecision": 8,
            "orderTypes": ["LIMIT", "LIMIT_MAKER", "MARKET", "STOP_LOSS", "STOP_LOSS_LIMIT",
                           "TAKE_PROFIT", "TAKE_PROFIT_LIMIT"],
            "icebergAllowed": True, "ocoAllowed": True, "otoAllowed": True,
            "quoteOrderQtyMarketAllowed": True, "allowTrailingStop": True,
            "cancelReplaceAllowed": True, "isSpotTradingAllowed": True,
            "isMarginTradingAllowed": False,
            "filters": [
                {"filterType": "PRICE_FILTER", "minPrice": f"{self.min_price:.8f}",
                 "maxPrice": f"{self.max_price:.8f}", "tickSize": f"{self.tick_size:.8f}"},
                {"filterType": "LOT_SIZE", "minQty": f"{self.min_qty:.8f}",
                 "maxQty": f"{self.max_qty:.8f}", "stepSize": f"{self.step_size:.8f}"},
                {"filterType": "ICEBERG_PARTS", "limit": 10},
                {"filterType": "MARKET_LOT_SIZE", "minQty": "0.00000000",
                 "maxQty": f"{self.max_qty:.8f}", "stepSize": "0.00000000"},
                {"filterType": "NOTIONAL", "minNotional": f"{self.min_notional:.8f}",
                 "applyMinToMarket": True, "maxNotional": "9000000.00000000",
                 "applyMaxToMarket": False, "avgPriceMins": 5},
                {"filterType": "MAX_NUM_ORDERS", "maxNumOrders": 200},
            ],
            "permissions": [], "permissionSets": [["SPOT"]],
            "defaultSelfTradePreventionMode": "EXPIRE_MAKER",
            "allowedSelfTradePreventionModes": ["EXPIRE_TAKER", "EXPIRE_MAKER", "EXPIRE_BOTH"],
        }


DEFAULT_MARKETS: tuple[MarketSpec, ...] = (
    MarketSpec("BTCUSDT", "BTC", "USDT", tick_size=Decimal("0.01"),
               step_size=Decimal("0.00001"), min_qty=Decimal("0.00001"),
               max_qty=Decimal(9000), min_notional=Decimal(5),
               fallback_price=Decimal(60000),
               candle_timeframes=("1d", "2h")),
    MarketSpec("ETHUSDT", "ETH", "USDT", tick_size=Decimal("0.01"),
               step_size=Decimal("0.0001"), min_qty=Decimal("0.0001"),
               max_qty=Decimal(9000), min_notional=Decimal(5),
               fallback_price=Decimal(3000), candle_timeframes=("2h",)),
    MarketSpec("DOGEUSDT", "DOGE", "USDT", tick_size=Decimal("0.00001"),
               step_size=Decimal(1), min_qty=Decimal(1), max_qty=Decimal(9000000),
               min_notional=Decimal(1), fallback_price=Decimal("0.2"),
               candle_timeframes=("2h",)),
)


def ticker_json(spec: MarketSpec, last: Decimal, day: list[list[Any]]) -> dict[str, Any]:
    """The /api/v3/ticker/24hr shape from the last day of kline rows and the current price."""
    open_ = Decimal(day[0][1]) if day else last
    high = max([Decimal(r[2]) for r in day] + [last])
    low = min([Decimal(r[3]) for r in day] + [last])
    volume = sum((Decimal(r[5]) for r in day), Decimal(0))
    step, now = spec.tick_size, int(time.time() * 1000)
    return {"symbol": spec.symbol, "priceChange": f"{last - open_:.8f}",
            "priceChangePercent": f"{(last - open_) / open_ * 100:.3f}",
            "weightedAvgPrice": f"{(high + low) / 2:.8f}", "prevClosePrice": f"{open_:.8f}",
            "lastPrice": f"{last:.8f}", "lastQty": "1.00000000",
            "bidPrice": f"{last - step:.8f}", "bidQty": "2.00000000",
            "askPrice": f"{last + step:.8f}", "askQty": "2.00000000",
            "openPrice": f"{open_:.8f}", "highPrice": f"{high:.8f}", "lowPrice": f"{low:.8f}",
            "volume": f"{volume:.8f}", "quoteVolume": f"{volume * last:.8f}",
            "openTime": now - 86_400_000, "closeTime": now, "firstId": 1,
            "lastId": 100, "count": 100}


@functools.cache
def read_klines(symbol: str, timeframe: str) -> list[list[Any]]:
    """Kline rows (Binance's 12-field shape) from the package's bundled real candles.

    The whole published series, including the bar still forming when it was captured. Cached
    per series: every simulator in a test run shares the rows (nobody mutates them).
    """
    frame = sample_candles(symbol, timeframe, closed_only=False)
    if frame is None:
        return []
    interval_ms = INTERVAL_MS[timeframe]
    opens = frame["timestamp"].astype("int64").tolist()
    rows: list[list[Any]] = []
    for open_ms, o, h, lo, c, v in zip(opens, *(frame[k].tolist() for k in
                                                 ("open", "high", "low", "close", "volume")),
                                       strict=True):
        volume, close = Decimal(repr(v)), Decimal(repr(c))
        rows.append([open_ms, repr(o), repr(h), repr(lo), repr(c), repr(v),
                     open_ms + interval_ms - 1, f"{volume * close:.8f}", 100,
                     f"{volume / 2:.8f}", "0", "0"])
    return rows
