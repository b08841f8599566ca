"""Order checks before sending: what rounding and minimums promise, for any amount and price."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from volex import errors
from volex.adapters.exchange.order_checks import check_order, reserved_holding
from volex.domain.orders import Balance, Market, OrderRequest

BTC = Market(symbol="BTC/USDT", base="BTC", quote="USDT", amount_step=Decimal("0.00001"),
             price_step=Decimal("0.01"), min_amount=Decimal("0.00001"), min_cost=Decimal(5))
LAST = Decimal(50000)
amounts = st.decimals(min_value=Decimal("0.000001"), max_value=Decimal(100), places=9)
prices = st.decimals(min_value=Decimal("0.001"), max_value=Decimal(200000), places=4)


@given(amount=amounts, price=prices)
def test_what_is_sent_never_exceeds_what_was_asked_and_sits_on_the_steps(
        amount: Decimal, price: Decimal) -> None:
    request = OrderRequest(symbol="BTC/USDT", side="buy", type="limit", amount=amount,
                           price=price)
    try:
        sent_amount, sent_price = check_order("binance", request, BTC, lambda: LAST)
    except errors.InvalidOrder as exc:
        assert "minimum" in str(exc) or "tick size" in str(exc)
        assert "\n" not in str(exc)
        return
    assert sent_amount <= amount and sent_amount % BTC.amount_step == 0
    assert sent_price is not None and sent_price <= price and sent_price % BTC.price_step == 0
    assert amount - sent_amount < BTC.amount_step and price - sent_price < BTC.price_step
    assert sent_amount >= BTC.min_amount and sent_amount * sent_price >= BTC.min_cost


@pytest.mark.parametrize(("amount", "words"), [
    ("0.000004", "amount 0.000004 BTC is below BTC/USDT's minimum of 0.00001 BTC"),
    ("0.00009", ("order value 4.50 USDT is below BTC/USDT's minimum of 5 USDT "
                 "(at 50000 that is at least 0.0001 BTC)")),
])
def test_a_market_order_below_a_minimum_names_it(amount: str, words: str) -> None:
    request = OrderRequest(symbol="BTC/USDT", side="buy", amount=Decimal(amount))
    with pytest.raises(errors.InvalidOrder, match=re.escape(words)):
        check_order("binance", request, BTC, lambda: LAST)


def test_a_reduce_only_sell_is_capped_at_the_free_holding() -> None:
    sell = OrderRequest(symbol="BTC/USDT", side="sell", type="stop_loss", amount=Decimal("0.01"),
                        price=Decimal(45000), reduce_only=True)
    held = Balance(asset="BTC", free=Decimal("0.009990"), used=Decimal(0))
    sellable = reserved_holding("binance", sell, BTC, held)
    assert check_order("binance", sell, BTC, lambda: LAST, sellable)[0] == Decimal("0.00999")
    with pytest.raises(errors.InvalidOrder, match="already reserved by open orders"):
        reserved_holding("binance", sell, BTC, Balance(asset="BTC", used=Decimal("0.00999")))
    with pytest.raises(errors.InvalidOrder, match="cannot reduce a holding"):
        reserved_holding("binance", sell.model_copy(update={"side": "buy"}), BTC, held)
