"""The allocator: stake rules, caps, refusals, and the same answers on floats and Decimals."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from volex.errors import UserInputError
from volex.portfolio.allocator import AllocationRules, Book, allocate, entry_order


def test_slots_split_equity_into_max_open_positions() -> None:
    got = allocate(AllocationRules(max_open=4), Book(equity=10_000.0, cash=10_000.0), price=5.0)
    assert got.stake == 2_500.0 and got.refused is None
    assert "equity / 4 slots" in got.reason


def test_a_full_book_refuses_the_signal() -> None:
    book = Book(equity=10_000.0, cash=4_000.0, open_positions=3, exposure=6_000.0)
    got = allocate(AllocationRules(max_open=3), book, price=1.0)
    assert got.refused == "max_open" and got.stake == 0
    assert "every slot is taken" in got.reason


def test_equal_stake_is_a_fixed_amount_capped_by_free_cash() -> None:
    rules = AllocationRules(max_open=5, stake="equal", stake_amount=1_500.0)
    assert allocate(rules, Book(equity=10_000.0, cash=9_000.0), price=1.0).stake == 1_500.0
    capped = allocate(rules, Book(equity=10_000.0, cash=700.0, open_positions=2,
                                  exposure=9_300.0), price=1.0)
    assert capped.stake == 700.0 and capped.refused is None


def test_volatility_stake_risks_the_set_share_of_equity_over_k_atr() -> None:
    rules = AllocationRules(max_open=2, stake="volatility", risk_per_trade_pct=1.0,
                            atr_multiple=2.0)
    # 2 ATR = 10 on a price of 100 is a 10% move; 1% of 10,000 at risk -> a 1,000 position.
    got = allocate(rules, Book(equity=10_000.0, cash=10_000.0), price=100.0, atr=5.0)
    assert got.stake == pytest.approx(1_000.0)
    # A calm market would get more than a slot: the slot caps it.
    calm = allocate(rules, Book(equity=10_000.0, cash=10_000.0), price=100.0, atr=0.1)
    assert calm.stake == 5_000.0


def test_volatility_stake_refuses_while_the_atr_is_unknown() -> None:
    rules = AllocationRules(stake="volatility")
    got = allocate(rules, Book(equity=10_000.0, cash=10_000.0), price=100.0,
                   atr=float("nan"))
    assert got.refused == "no_volatility"


def test_the_asset_cap_counts_what_the_symbol_already_holds() -> None:
    rules = AllocationRules(max_open=2, max_asset_pct=40)
    got = allocate(rules, Book(equity=10_000.0, cash=10_000.0), price=1.0, held=1_000.0)
    assert got.stake == pytest.approx(3_000.0)
    full = allocate(rules, Book(equity=10_000.0, cash=10_000.0), price=1.0, held=4_000.0)
    assert full.refused == "max_asset"


def test_the_exposure_cap_leaves_the_room_that_is_left() -> None:
    rules = AllocationRules(max_open=2, max_exposure_pct=60)
    book = Book(equity=10_000.0, cash=5_000.0, open_positions=1, exposure=5_000.0)
    assert allocate(rules, book, price=1.0).stake == pytest.approx(1_000.0)
    over = Book(equity=10_000.0, cash=4_000.0, open_positions=1, exposure=6_000.0)
    assert allocate(rules, over, price=1.0).refused == "max_exposure"


def test_decimal_books_get_exact_decimal_stakes() -> None:
    rules = AllocationRules(max_open=3)
    got = allocate(rules, Book(equity=Decimal("1000.00"), cash=Decimal("1000.00")),
                   price=Decimal(3))
    assert isinstance(got.stake, Decimal)
    assert got.stake == Decimal("1000.00") / 3


def test_the_book_after_an_entry_has_less_cash_and_one_more_position() -> None:
    book = Book(equity=100.0, cash=100.0).after_entry(25.0)
    assert (book.cash, book.open_positions, book.exposure) == (75.0, 1, 25.0)


def test_same_bar_signals_are_served_strongest_first_then_by_symbol() -> None:
    assert entry_order({"SOL/USDT": 1.0, "BTC/USDT": 1.0, "ETH/USDT": 2.0}) == [
        "ETH/USDT", "BTC/USDT", "SOL/USDT"]


@pytest.mark.parametrize("kwargs", [
    {"stake": "kelly"}, {"max_open": 0}, {"stake": "equal"}, {"stake_amount": 5.0},
    {"max_asset_pct": 0}, {"max_exposure_pct": 120}, {"risk_per_trade_pct": -1},
])
def test_bad_rules_are_user_errors(kwargs: dict) -> None:
    with pytest.raises(UserInputError):
        AllocationRules(**kwargs)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(["slots", "equal", "volatility"]), st.integers(1, 8),
       st.floats(1, 1e6), st.floats(0, 1), st.integers(0, 8), st.floats(0, 1),
       st.floats(1, 100), st.floats(1, 100), st.floats(0.01, 10), st.floats(0, 1))
def test_a_stake_never_breaks_a_cap(stake: str, max_open: int, equity: float, cash_share: float,
                                    open_positions: int, held_share: float, asset_pct: float,
                                    exposure_pct: float, atr: float, amount_share: float) -> None:
    rules = AllocationRules(max_open=max_open, stake=stake, max_asset_pct=asset_pct,
                            max_exposure_pct=exposure_pct,
                            stake_amount=equity * amount_share + 1 if stake == "equal" else None)
    cash = equity * cash_share
    held = (equity - cash) * held_share
    book = Book(equity=equity, cash=cash, open_positions=open_positions, exposure=equity - cash)
    got = allocate(rules, book, price=100.0, atr=atr, held=held)
    if got.refused:
        assert got.stake == 0
        return
    assert open_positions < max_open
    assert 0 < got.stake <= cash * (1 + 1e-12)
    assert got.stake + held <= equity * asset_pct / 100 * (1 + 1e-12)
    assert got.stake + book.exposure <= equity * exposure_pct / 100 * (1 + 1e-12) + 1e-9
    assert got.stake <= equity / max_open * (1 + 1e-12) or stake == "equal"
