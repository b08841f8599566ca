"""Public market data (markets, candles) from any ccxt exchange; no API key needed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from volex.adapters.ccxt_common import make_client, translate_ccxt_errors
from volex.domain.timeframes import normalize_timeframe

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["CcxtMarketData"]


class CcxtMarketData:
    """The MarketData port over a ccxt client."""

    def __init__(self, exchange_id: str, timeout_s: float = 2.0, client: Any = None, *,
                 client_config: dict[str, Any] | None = None, api_base: str | None = None) -> None:
        self.name = exchange_id
        self._client = client or make_client(exchange_id, timeout_s, client_config,
                                             api_base=api_base)
        self._markets: set[str] | None = None

    @property
    def page_limit(self) -> int:
        return 1000

    def markets(self) -> set[str]:
        if self._markets is None:
            with translate_ccxt_errors(self.name):
                loaded = self._client.load_markets()
            self._markets = {s for s, m in loaded.items() if m.get("spot", True)}
        return self._markets

    def fetch_candles(self, symbol: str, timeframe: str, since_ms: int | None = None,
                      limit: int | None = None) -> pd.DataFrame:
        import pandas as pd

        tf = normalize_timeframe(timeframe)
        with translate_ccxt_errors(self.name):
            rows = self._client.fetch_ohlcv(symbol, tf, since=since_ms, limit=limit or self.page_limit)
        frame = pd.DataFrame(rows, columns=["timestamp", "open", "high", "low", "close", "volume"])
        frame["timestamp"] = pd.to_datetime(frame["timestamp"].astype("int64"), unit="ms",
                                            utc=True).astype("datetime64[ms, UTC]")
        return frame.astype({c: "float64" for c in ("open", "high", "low", "close", "volume")})
