"""Phrasings a new user typed while walking the README, read as a trader means them."""

from __future__ import annotations

import pytest

from volex.nl.parser import parse


@pytest.mark.parametrize("text", ["how much bitcoin do I have", "how many eth have i got",
                                  "how much btc do i own", "how much sol do i hold"])
def test_how_much_of_a_coin_is_a_balance_question(text: str) -> None:
    assert parse(text).intent == "balance"


@pytest.mark.parametrize("text", ["backtest golden cross on btc over the past 4 years",
                                  "backtest the death cross on eth"])
def test_golden_and_death_cross_mean_the_50_and_200_averages(text: str) -> None:
    command = parse(text)
    assert command.strategy == "sma_cross" and command.params == {"fast": 50, "slow": 200}


def test_numbers_said_with_a_golden_cross_win() -> None:
    assert parse("backtest golden cross 20 100 on btc").params == {"fast": 20, "slow": 100}
