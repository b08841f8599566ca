"""A number that could be read two ways is refused, never multiplied: `--quote 5,0` once
bought 50 USDT and `volex ask "buy 0,5 eth"` 5 ETH. Thousands separators in their one
unambiguous form (1,000 / 12,500.5) still work, on the command line and in plain English."""

from __future__ import annotations

import json

import pytest

from tests.support.cli import one_line_error, run
from volex.domain.numbers import strip_thousands
from volex.errors import UserInputError
from volex.nl.parser import parse


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VOLEX_OFFLINE", "true")


@pytest.mark.parametrize("args", [
    ("buy", "BTC/USDT", "--yes", "--quote", "5,0"),
    ("buy", "BTC/USDT", "--yes", "--amount", "0,0001"),
    ("buy", "BTC/USDT", "--yes", "--quote", "12,34,56"),
    ("buy", "BTC/USDT", "--yes", "--quote", "0,500"),
    ("risk", "set", "max_position_quote", "5,0"),
])
def test_a_decimal_comma_is_refused_in_one_line(args: tuple[str, ...]) -> None:
    line = one_line_error(run(*args))
    assert f"{args[-1]}: use a dot for decimals" in line
    assert json.loads(run("orders", "--json").stdout) == []


def test_ask_refuses_a_decimal_comma_instead_of_buying_ten_times_more() -> None:
    result = run("ask", "--yes", "buy 0,5 eth")
    assert result.exit_code == 2, result.output
    assert result.output.splitlines()[-1] == "Error: 0,5: use a dot for decimals"
    assert json.loads(run("orders", "--json").stdout) == []
    assert json.loads(run("positions", "--json").stdout) == []
    assert parse("sell 1,5 btc").error == "1,5: use a dot for decimals"
    with pytest.raises(UserInputError, match="use a dot"):
        strip_thousands("12,34,56")


def test_thousands_separators_in_their_unambiguous_form_still_work() -> None:
    result = run("buy", "BTC/USDT", "--quote", "1,000", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "1,000.00 USDT" in result.output or "1000" in result.output
    assert strip_thousands("12,500.5") == "12500.5"
    bought = parse("buy $1,000 of btc")
    assert (bought.error, bought.amount, bought.amount_unit) == (None, 1000, "quote")
    backtest = parse("backtest sma 10,30 on btc")  # a parameter list is not a number
    assert (backtest.error, backtest.params) == (None, {"fast": 10, "slow": 30})
