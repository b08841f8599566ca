"""`volex analyze`, `volex data`, `volex config`, `--help` and `--version` as a trader uses them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.cli import run
from volex.adapters.market_data.files import sample_candles

INDICATOR_KEYS = {"rsi_14", "macd", "bbands", "stoch", "atr_14", "ema_20", "ema_50", "ema_200",
                  "adx_14", "obv", "vwap"}


def _no_traceback(result) -> None:
    assert "Traceback" not in result.output + result.stderr


def test_offline_analyze_shows_market_indicators_verdict_and_source() -> None:
    result = run("analyze", "BTC/USDT", "--offline")
    assert result.exit_code == 0, result.output
    for text in ("Last close", "RSI 14", "MACD 12/26/9", "Bollinger 20/2", "Stochastic 14/3/3",
                 "EMA 200", "ADX 14", "Technical verdict", "bundled sample", "2025-08-25"):
        assert text in result.output, text


def test_json_has_the_documented_shape_at_the_last_closed_bar() -> None:
    result = run("analyze", "bitcoin", "--offline", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["symbol"] == "BTC/USDT" and data["timeframe"] == "1d"
    assert data["source"] == "sample" and data["as_of"].startswith("2025-08-25")
    assert set(data["indicators"]) == INDICATOR_KEYS
    assert set(data["indicators"]["macd"]) == {"macd", "signal", "hist"}
    assert set(data["indicators"]["bbands"]) == {"upper", "middle", "lower"}
    assert set(data["indicators"]["stoch"]) == {"k", "d"}
    assert data["verdict"]["action"] in {"buy", "sell", "hold"}
    assert -1 <= data["verdict"]["score"] <= 1 and data["verdict"]["reasons"]
    closes = sample_candles("BTC/USDT", "1d")["close"]
    assert data["last_close"] == closes.iloc[-1]
    assert data["change_pct_24h"] == pytest.approx((closes.iloc[-1] / closes.iloc[-2] - 1) * 100, abs=1e-3)


def test_several_symbols_give_a_json_list_in_order() -> None:
    result = run("analyze", "eth", "DOGEUSDT", "--timeframe", "2h", "--offline", "--json")
    assert result.exit_code == 0
    assert [d["symbol"] for d in json.loads(result.stdout)] == ["ETH/USDT", "DOGE/USDT"]


def test_btcusd_offline_resolves_to_btcusdt_and_says_so() -> None:
    data = json.loads(run("analyze", "BTCUSD", "--offline", "--json").stdout)
    assert data["symbol"] == "BTC/USDT"
    assert any("showing BTC/USDT" in n for n in data["notes"])


def test_short_file_gives_nulls_not_errors(tmp_path: Path) -> None:
    path = tmp_path / "short.csv"
    frame = sample_candles("ETH/USDT", "2h").head(60)
    frame.assign(timestamp=frame["timestamp"].astype("int64")).to_csv(path, index=False)  # epoch ms
    result = run("analyze", "MYDATA", "--data", str(path), "--timeframe", "2h", "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["symbol"] == "MYDATA" and data["source"] == "file"
    assert data["indicators"]["ema_200"] is None and data["indicators"]["ema_20"] is not None


def test_parquet_file_with_iso_dates(tmp_path: Path) -> None:
    path = tmp_path / "eth.parquet"
    sample_candles("ETH/USDT", "2h").to_parquet(path)
    data = json.loads(run("analyze", "ETH", "--data", str(path), "--json").stdout)
    assert data["last_close"] == sample_candles("ETH/USDT", "2h")["close"].iloc[-1]


@pytest.mark.parametrize(("args", "message"), [
    (["analyze", "BTC", "--timeframe", "7x", "--offline"], "unknown timeframe"),
    (["analyze", "$$$", "--offline"], "not a symbol"),
    (["analyze", "X", "--data", "/no/such/file.csv"], "no such data file"),
    (["analyze", "BTC", "--exchange", "nosuchexchange"], "unknown exchange"),
    (["data", "import", "/no/such.csv", "--symbol", "BTC", "--timeframe", "1d"], "no such data file"),
    (["data", "fetch", "BTC", "--since", "yesterday-ish"], "bad date"),
    (["config", "set", "trading.fee_rate", "lots"], "bad value for trading.fee_rate"),
    (["config", "set", "no.such.key", "1"], "unknown setting"),
])
def test_bad_input_is_one_line_and_exit_status_2(args: list[str], message: str) -> None:
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    _no_traceback(result)


def test_malformed_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("timestamp,open,high,low,close,volume\n2024-01-01,1,2,x,1,1\n")
    result = run("analyze", "X", "--data", str(path))
    assert result.exit_code == 2 and "malformed values" in result.stderr
    path.write_text("time,price\n1,2\n")
    result = run("analyze", "X", "--data", str(path))
    assert result.exit_code == 2 and "missing column(s)" in result.stderr


def test_data_import_then_list_then_offline_analyze_uses_the_cache(tmp_path: Path) -> None:
    path = tmp_path / "eth.csv"
    frame = sample_candles("ETH/USDT", "2h").drop(index=[10, 11])
    frame.to_csv(path, index=False)
    result = run("data", "import", str(path), "--symbol", "eth", "--timeframe", "2h")
    assert result.exit_code == 0 and "998" in result.output
    listing = json.loads(run("data", "list", "--json").stdout)
    assert listing == [{"exchange": "binance", "symbol": "ETH/USDT", "timeframe": "2h",
                        "first": "2025-04-30 22:00", "last": "2025-07-23 04:00", "bars": 998,
                        "gaps": 1, "missing_bars": 2}]
    data = json.loads(run("analyze", "ETH", "--timeframe", "2h", "--offline", "--json").stdout)
    assert data["source"] == "cache"
    table = run("data", "list").output
    assert "ETH/USDT" in table and "missing" in table


def test_config_set_show_path(volex_home: Path) -> None:
    assert run("config", "path").stdout.strip() == str(volex_home / "config.toml")
    assert run("config", "set", "trading.fee_rate", "0.002").exit_code == 0
    assert run("config", "set", "watchlist", '["BTC/USDT", "SOL/USDT"]').exit_code == 0
    shown = json.loads(run("config", "show", "--json").stdout)
    assert shown["trading"]["fee_rate"] == 0.002 and shown["watchlist"] == ["BTC/USDT", "SOL/USDT"]
    before = (volex_home / "config.toml").read_text()
    assert run("config", "set", "trading.mode", "yolo").exit_code == 2
    assert (volex_home / "config.toml").read_text() == before, "a rejected value was written"


def test_env_overrides_config_file(monkeypatch: pytest.MonkeyPatch) -> None:
    run("config", "set", "exchange", "kraken")
    monkeypatch.setenv("VOLEX_EXCHANGE", "okx")
    assert json.loads(run("config", "show", "--json").stdout)["exchange"] == "okx"


def test_version_and_help_list_every_command() -> None:
    assert run("--version").stdout.startswith("volex ")
    from volex.cli import app

    help_text = run("--help").stdout
    import typer.main

    for name in typer.main.get_command(app).commands:
        assert name in help_text


def test_help_does_not_import_heavy_libraries() -> None:
    code = ("import sys; sys.argv = ['volex', '--help']\n"
            "from volex.cli import main\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "heavy = [m for m in ('pandas', 'ccxt', 'sklearn', 'openai') if m in sys.modules]\n"
            "print('HEAVY', heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "HEAVY []" in out.stdout


def test_offline_analyze_loads_neither_pandas_nor_the_orm() -> None:
    """The candle cache and the news store are asked through sqlite3 first: when they hold
    nothing for the market, SQLAlchemy (a fifth of the command's time) is never imported; the
    bundled sample goes from pyarrow to numpy, so pandas (another fifth) is not either."""
    code = ("import sys; sys.argv = ['volex', 'analyze', 'BTC/USDT', '--offline']\n"
            "from volex.cli import main\n"
            "try:\n    main()\nexcept SystemExit as exc:\n    assert not exc.code\n"
            "print('HEAVY', [m for m in ('pandas', 'sqlalchemy') if m in sys.modules])")
    for _ in range(2):  # the first run creates the store (through SQLAlchemy); not the second
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             check=True)
    assert "Sentiment" in out.stdout and "no stored news" in out.stdout.lower()
    assert "HEAVY []" in out.stdout


def test_python_api_returns_typed_objects() -> None:
    from volex import Volex
    from volex.domain.analysis import Analysis

    with Volex(offline=True) as volex:
        result = volex.analyze("BTC/USDT")
    assert isinstance(result, Analysis)
    assert result.source.kind == "sample" and result.verdict.action in {"buy", "sell", "hold"}


@pytest.mark.parametrize("args", [["analyze"], ["analyze", "BTC", "--nope"], ["data", "bogus"],
                                  ["config", "set", "exchange"], ["serve", "--port", "0"],
                                  ["serve", "--port", "http"]])
def test_usage_errors_are_reported_by_the_parser_with_exit_status_2(args: list[str]) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert "internal error" not in result.output + result.stderr
    assert "Usage:" in result.output + result.stderr
    _no_traceback(result)
