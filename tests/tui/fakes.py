"""A facade with fixed data for snapshot tests: the real candles and decisions of the bundled
sample, and fixed positions, orders, fills, audit records, health and clock.

``FixedVolex`` is the real ``Volex`` (offline, on the test's own VOLEX_HOME) with some reads
answered from fixed data; everything else (plan_trade, trade, cancel...) is the real thing.
``tests/tui/test_facade_interface.py`` checks every override keeps the facade's signature.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from volex.agents.monitor import Health
from volex.domain.analysis import Analysis
from volex.domain.audit import AuditRecord
from volex.domain.candles import CandleSet
from volex.domain.news import NewsReport
from volex.domain.orders import Fill, HaltReport, HaltState, Order, Position
from volex.domain.signals import SignalBoard
from volex.facade import Volex

__all__ = ["NOW", "FixedVolex"]

NOW = datetime(2025, 8, 26, 9, 30, tzinfo=UTC)


def fixed_clock() -> datetime:
    return NOW


class FixedVolex(Volex):
    """The dashboard's read methods with fixed answers; halt/resume flip a fixed state."""

    def __init__(self, *, halted: bool = False) -> None:
        super().__init__(offline=True, actor="dashboard")
        self._halt = HaltState(active=True, reason="feed looks wrong", since=NOW,
                               actor="dashboard") if halted else HaltState()

    def candles(self, symbol: str, timeframe: str | None = None, *, exchange: str | None = None,
                offline: bool | None = None, data: str | Path | None = None,
                bars: int | None = None) -> CandleSet:
        return super().candles(symbol, timeframe, bars=bars)

    def analyze(self, symbol: str, timeframe: str | None = None, *, exchange: str | None = None,
                offline: bool | None = None, data: str | Path | None = None) -> Analysis:
        return super().analyze(symbol, timeframe)

    def signals(self, symbols: list[str] | None = None, timeframe: str | None = None, *,
                exchange: str | None = None, offline: bool | None = None, train: bool = False,
                llm: bool = True) -> SignalBoard:
        board = super().signals(symbols, timeframe)
        decisions = [d.model_copy(update={"decided_at": NOW - timedelta(minutes=i)})
                     for i, d in enumerate(board.decisions)]
        if decisions:  # one actionable call, as a trained model would make
            decisions[0] = decisions[0].model_copy(update={"action": "buy", "confidence": 0.72})
        return board.model_copy(update={"decisions": decisions})

    def halt_state(self) -> HaltState:
        return self._halt

    def halt(self, *, reason: str | None = None, reduce_only: bool = False,
             flatten: bool = False) -> HaltReport:
        self._halt = HaltState(active=True, reason=reason, since=NOW, actor="dashboard",
                               reduce_only=reduce_only)
        return HaltReport(state=self._halt)

    def resume(self, *, reason: str | None = None) -> HaltState:
        self._halt = HaltState()
        return self._halt

    def positions(self) -> list[Position]:
        return [Position(symbol="BTC/USDT", amount=Decimal("0.05"), entry_price=Decimal(108500),
                         cost_basis=Decimal(5425), mark_price=Decimal("110111.98"),
                         mark_source="sample", realised_pnl=Decimal("42.10"),
                         fees=Decimal("5.43"))]

    def orders(self, symbol: str | None = None) -> list[Order]:
        return [Order(id="P00000000000000a1", client_order_id="vx-fixed-1", symbol="ETH/USDT",
                      side="buy", type="limit", amount=Decimal("0.5"), price=Decimal(3600),
                      status="open", exchange="paper", created_at=NOW, updated_at=NOW)]

    def fills(self, symbol: str | None = None, *, limit: int = 50) -> list[Fill]:
        fills = [Fill(id="PF1", order_id="P0001", symbol="BTC/USDT", side="buy",
                      amount=Decimal("0.05"), price=Decimal(108500), fee=Decimal("5.43"),
                      at=datetime(2025, 8, 20, 0, 0, tzinfo=UTC))]
        return [f for f in fills if symbol is None or f.symbol == symbol]

    def audit(self, since: datetime | None = None, limit: int = 200) -> list[AuditRecord]:
        rows = [("order.filled", "BTC/USDT", None, {"side": "buy", "amount": "0.05",
                                                     "average": "108500"}),
                ("order.blocked", "DOGE/USDT", "max_order_quote", None),
                ("order.placed", "ETH/USDT", None, {"side": "buy", "amount": "0.5"})]
        if self._halt.active:
            rows.append(("halt", "trading", self._halt.reason, None))
        return [AuditRecord(id=i, at=NOW - timedelta(minutes=30 - i), actor="dashboard",
                            action=action, subject=subject, reason=reason, details=details)
                for i, (action, subject, reason, details) in enumerate(rows, 1)]

    def news(self, symbols: list[str] | None = None, *, since: datetime | None = None,
             source: str | None = None, offline: bool | None = None,
             limit: int = 30, commentary: bool = False) -> NewsReport:
        """Three stored items and a summary per watched asset, as `volex news` reads them."""
        from volex.agents.news import scored_item
        from volex.domain.news import FearGreed, RawItem, SentimentSummary, SentimentWindow

        heads = [("CoinDesk", "Bitcoin Surges Past $112K as ETF Inflows Soar", 40),
                 ("Decrypt", "Exchange Hack Drains $50 Million in ETH", 90),
                 ("Reddit", "Still HODL, bitcoin <b>to the moon</b>", 200)]
        items = [scored_item(RawItem(source=src, title=title, link=f"https://x.example/{i}",
                                     published_at=NOW - timedelta(minutes=ago)),
                             NOW - timedelta(minutes=ago - 5)) for i, (src, title, ago)
                 in enumerate(heads)]
        summaries = [SentimentSummary(asset=s.split("/")[0], as_of=NOW, windows=[
            SentimentWindow(window="24h", items=2, mean=0.41, bullish=2, bearish=0, trend=0.1),
            SentimentWindow(window="7d", items=9, mean=0.12, bullish=5, bearish=3, trend=None)])
            for s in (symbols or ["BTC/USDT"])]
        fear_greed = FearGreed(day=NOW.replace(hour=0, minute=0), value=71,
                               classification="Greed", available_at=NOW)
        return NewsReport(as_of=NOW, since=NOW - timedelta(days=7), items=items,
                          summaries=summaries, fear_greed=fear_greed,
                          last_fetch=NOW - timedelta(minutes=4), offline=True)

    def doctor(self) -> list[Health]:
        return [Health("store", "ok", 1.0, ""), Health("event bus", "warn", 0.0, ""),
                Health("exchange binance", "off", None, "offline"),
                Health("llm local", "off", None, "")]
