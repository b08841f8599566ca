"""What the terminal shows of orders and fills: fees in the asset charged, the PAPER / LIVE badge."""

from __future__ import annotations

from decimal import Decimal

from rich.console import Console

from volex.commands.trading_view import orders_table, result_lines
from volex.domain.orders import Order, OrderRequest, TradePlan, TradeResult


def _text(renderable: object) -> str:
    console = Console(width=160, record=True, color_system=None)
    console.print(renderable)
    return console.export_text()


def _order(**fields: object) -> Order:
    base = {"id": "1", "client_order_id": "vx1", "symbol": "BTC/USDT", "side": "buy",
            "type": "market", "amount": Decimal("0.01"), "status": "closed",
            "filled": Decimal("0.01"), "average": Decimal(100000), "fee": Decimal("0.00001"),
            "fee_currency": "BTC"}
    return Order(**{**base, **fields})


def _result(order: Order) -> TradeResult:
    plan = TradePlan(request=OrderRequest(symbol="BTC/USDT", side="buy", amount=order.amount),
                     exchange="binance", mode="live", price=Decimal(100000),
                     price_source="exchange", quote_amount=Decimal(1000), fee=Decimal(1),
                     fee_rate=Decimal("0.001"), quote_currency="USDT")
    return TradeResult(plan=plan, order=order)


def test_a_fill_shows_its_fee_in_the_asset_the_venue_charged() -> None:
    [line] = result_lines(_result(_order()))
    assert "fee 0.00001 BTC (order 1)" in line and "fee 0.00 USDT" not in line
    [line] = result_lines(_result(_order(fee=Decimal("1.5"), fee_currency="USDT")))
    assert "fee 1.50 USDT" in line
    [line] = result_lines(_result(_order(fee=Decimal("0.0002"), fee_currency="BNB")))
    assert "fee 0.0002 BNB" in line


def test_open_orders_show_fill_fee_currency_and_the_venue_badge() -> None:
    partly = _order(type="limit", status="open", price=Decimal(99000), filled=Decimal("0.004"),
                    fee=Decimal("0.000004"))
    text = _text(orders_table([partly], "live"))
    assert "LIVE" in text and "0.000004 BTC" in text and "0.004" in text
    assert "PAPER" in _text(orders_table([partly], "paper"))
