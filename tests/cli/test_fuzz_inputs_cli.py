"""Fuzzing the command line's inputs: whatever is typed, a bad value is one line and exit 2.

Numbers (sizes, prices, stops, limits), symbols, dates, files and config.toml are drawn by
hypothesis from what people and scripts actually produce: digits with commas, dots,
exponents, signs, NaN and infinity, very long runs, control characters, random bytes. The
answer is either success, a risk refusal (exit 3) for a size that is fine but too large, or
a single `Error:` line with exit 2 (Click's usage errors add their usage lines). Never
exit 1 (but "no price" for a well-formed symbol offline), never a traceback.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.cli import run

FUZZ = settings(max_examples=15, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

numberish = st.one_of(
    st.from_regex(r"\A-?[0-9]{0,420}([.,][0-9]{0,6}){0,3}([eE][-+]?[0-9]{1,4})?\Z"),
    st.sampled_from(["nan", "NaN", "inf", "-inf", "1e308", "1e-400", "0", "-0", "5,0",
                     "0,0001", "12,34,56", "1,000", "12,500.5", "1_000", "0x10", "١٢٣", "½"]),
    st.text(alphabet="0123456789.,eE+-_ x%$\x1b\x00", min_size=1, max_size=30),
)
printable_text = st.text(min_size=1, max_size=40).filter(lambda s: not s.startswith("-"))


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VOLEX_OFFLINE", "true")


def answered_properly(result, allowed: tuple[int, ...] = (0, 2, 3)) -> None:
    """Success, a refusal, or one Error line with exit 2: never exit 1, never a traceback."""
    output = result.output
    assert result.exit_code in allowed, (result.exit_code, output)
    assert "Traceback" not in output and "internal error" not in output, output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    if result.exit_code == 2:
        errors = [line for line in output.splitlines() if line.startswith("Error")]
        assert len(errors) == 1, output


@FUZZ
@given(option=st.sampled_from(["--quote", "--amount", "--limit", "--stop-loss", "--take-profit"]),
       value=numberish)
def test_order_numbers(option: str, value: str) -> None:
    answered_properly(run("buy", "BTC/USDT", "--dry-run", option, value))


@FUZZ
@given(name=st.sampled_from(["max_order_quote", "max_open_orders", "max_daily_loss_pct"]),
       value=numberish)
def test_risk_limit_values(name: str, value: str) -> None:
    answered_properly(run("risk", "set", name, value))


@FUZZ
@given(symbol=st.one_of(printable_text, st.from_regex(r"\A[A-Z]{1,8}[/:-]?[A-Z]{0,8}\Z")))
def test_symbols(symbol: str) -> None:
    result = run("buy", symbol, "--quote", "10", "--dry-run")
    if result.exit_code == 1:  # a well-formed symbol offline with no data: not bad input
        assert result.output.startswith("Error: no price for ") and result.output.count("\n") == 1
        return
    answered_properly(result)


@FUZZ
@given(since=st.one_of(printable_text, st.from_regex(r"\A[0-9]{1,12}[mhdwy]?\Z"),
                       st.from_regex(r"\A[0-9]{1,6}-[0-9]{1,3}-[0-9]{1,3}(T[0-9:.+Z]{0,20})?\Z")))
def test_dates(since: str) -> None:
    answered_properly(run("audit", "--since", since, "--json"))


@FUZZ
@given(content=st.binary(max_size=400))
def test_candle_files(tmp_path_factory: pytest.TempPathFactory, content: bytes) -> None:
    data = tmp_path_factory.mktemp("fuzz") / "candles.csv"
    data.write_bytes(content)
    answered_properly(run("backtest", "sma_cross", "BTC/USDT", "--data", str(data)))


@FUZZ
@given(content=st.one_of(st.binary(max_size=200),
                         st.text(max_size=200).map(str.encode),
                         st.sampled_from([b'exchange = 5\n', b'[trading]\nmode = "moon"\n',
                                          b'network_timeout_s = -1\n', b'[[x]]\n[x]\n'])))
def test_config_files(volex_home: Path, content: bytes) -> None:
    (volex_home / "config.toml").write_bytes(content)
    answered_properly(run("balance", "--json"))
