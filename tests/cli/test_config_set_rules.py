"""`volex config set` applies the rules the commands use before it writes anything.

It once accepted `timeframe 7x`, `exchange notanexchange` and `quote usd` on Binance, after
which every command failed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.binance_sim import BinanceSim
from tests.support.cli import one_line_error, run


def _config(home: Path) -> str:
    path = home / "config.toml"
    return path.read_text() if path.exists() else ""


@pytest.mark.parametrize(("key", "value", "message"), [
    ("timeframe", "7x", "unknown timeframe '7x'"),
    ("exchange", "notanexchange", "unknown exchange 'notanexchange'"),
    ("exchanges.notanexchange.sandbox", "true", "unknown exchange 'notanexchange'"),
])
def test_a_value_no_command_could_use_is_refused_and_nothing_written(
        key: str, value: str, message: str, volex_home: Path) -> None:
    before = _config(volex_home)
    assert message in one_line_error(run("config", "set", key, value), 2)
    assert _config(volex_home) == before


def test_values_are_stored_the_way_the_commands_read_them(volex_home: Path) -> None:
    assert run("config", "set", "timeframe", "4H").exit_code == 0
    assert run("config", "set", "exchange", "Kraken").exit_code == 0
    assert 'timeframe = "4h"' in _config(volex_home) and 'exchange = "kraken"' in _config(volex_home)


def test_a_quote_the_exchange_does_not_list_is_refused(volex_home: Path) -> None:
    with BinanceSim(balances={"USDT": "10000"}) as venue:
        for key, value in (("exchanges.binance.api_base", venue.url),
                           ("exchanges.binance.rate_limit", "false"),
                           ("exchanges.binance.options", '{fetchMarkets = {types = ["spot"]}}')):
            assert run("config", "set", key, value).exit_code == 0
        refused = run("config", "set", "quote", "usd")
        assert "binance has no spot market quoted in USD" in one_line_error(refused, 2)
        assert "quote" not in _config(volex_home)
        accepted = run("config", "set", "quote", "usdt")
        assert accepted.exit_code == 0 and 'quote = "USDT"' in _config(volex_home)


def test_offline_a_quote_is_stored_with_a_note_that_it_was_not_checked(
        volex_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VOLEX_OFFLINE", "true")
    result = run("config", "set", "quote", "eur")
    assert result.exit_code == 0 and "not checked against binance" in result.stderr
