"""Overflows and a bad environment end in one line and exit 2, never "internal error" (exit 1).

Each of these once crashed with a Python exception name: an order size of 1e308 or 400
digits, `audit --since 99999999d`, `backtest --days 1e308`, `-p fast=NaN`, random bytes on
`parse -` (which also lost the lines it could read), a config.toml that is not UTF-8, and a
VOLEX_HOME (or its logs folder) that is a file or cannot be written.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.support.cli import one_line_error, run
from volex.cli import app


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VOLEX_OFFLINE", "true")


@pytest.mark.parametrize(("args", "says"), [
    (("buy", "BTC/USDT", "--yes", "--quote", "1e308"), "--quote: 1e308 is out of range"),
    (("buy", "BTC/USDT", "--yes", "--quote", "9" * 400), "(400 characters) is out of range"),
    (("buy", "BTC/USDT", "--yes", "--amount", "1e308"), "--amount: 1e308 is out of range"),
    (("sell", "BTC/USDT", "--yes", "--amount", "1e-300"), "is out of range"),
    (("risk", "set", "max_order_quote", "1e400"), "is out of range"),
    (("audit", "--since", "99999999d"), "before year 1"),
    (("backtest", "sma_cross", "BTC/USDT", "--days", "1e308"), "--days must be"),
    (("backtest", "sma_cross", "BTC/USDT", "--days", "nan"), "--days must be"),
    (("backtest", "sma_cross", "BTC/USDT", "-p", "fast=NaN"), "not a finite number"),
])
def test_an_out_of_range_number_is_a_one_line_error(args: tuple[str, ...], says: str) -> None:
    assert says in one_line_error(run(*args))


def test_parse_prints_the_lines_it_can_read_and_names_the_others() -> None:
    feed = b"buy 1 btc\n\xff\xfe\x00garbage\x9c\nsell 1 eth\n" + os.urandom(64) + b"\n"
    result = CliRunner().invoke(app, ["parse", "--json", "-"], input=feed)
    assert result.exit_code == 2
    read = [json.loads(line) for line in result.stdout.splitlines()]
    assert [c["side"] for c in read if c["intent"] == "trade"][:2] == ["buy", "sell"]
    errors = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(errors) == 1 and errors[0].startswith("Error: line(s) 2")


def test_a_config_file_that_is_not_utf8_is_named(volex_home: Path) -> None:
    (volex_home / "config.toml").write_bytes(b'exchange = "\xff\xfe"\n')
    assert "config.toml" in one_line_error(run("balance", "--json"))


@pytest.mark.parametrize("where", ["home", "logs", "below"])
def test_a_file_where_volex_home_needs_a_folder(volex_home: Path, where: str,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    home = volex_home
    if where == "home":
        home = volex_home / "volex-home-file"
        home.write_text("x")
    elif where == "logs":
        (volex_home / "logs").write_text("x")
    else:
        (volex_home / "f").write_text("x")
        home = volex_home / "f" / "sub"
    monkeypatch.setenv("VOLEX_HOME", str(home))
    for args in (("balance", "--json"), ("halt", "--reason", "x")):
        line = one_line_error(run(*args))
        assert "VOLEX_HOME" in line and "writable folder" in line


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_volex_home_is_named(volex_home: Path) -> None:
    volex_home.chmod(0o555)
    try:
        assert "Permission denied" in one_line_error(run("balance", "--json"))
    finally:
        volex_home.chmod(0o755)
