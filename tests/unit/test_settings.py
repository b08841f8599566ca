"""Where settings come from: defaults < config.toml < VOLEX_* env < short env names < flags."""

from __future__ import annotations

from pathlib import Path

import pytest

from volex.config import load_settings
from volex.config_sources import database_url
from volex.errors import ConfigError


def test_sources_stack_in_order(volex_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (volex_home / "config.toml").write_text(
        'quote = "usdc"\ntimeframe = "4h"\n[trading]\nmode = "live"\nfee_rate = 0.002\n'
        '[exchanges.binance]\napi_base = "http://127.0.0.1:9"\n')
    settings = load_settings()
    assert (settings.quote, settings.timeframe, settings.trading.mode) == ("USDC", "4h", "live")
    assert settings.exchanges["binance"].api_base == "http://127.0.0.1:9"

    monkeypatch.setenv("VOLEX_TIMEFRAME", "1h")
    monkeypatch.setenv("volex_trading__fee_rate", "0.003")  # names are case-insensitive
    monkeypatch.setenv("VOLEX_WATCHLIST", '["ETH/USDT", "SOL/USDT"]')
    monkeypatch.setenv("VOLEX_OFFLINE", "true")
    monkeypatch.setenv("VOLEX_BUS__URL", "redis://nested")
    monkeypatch.setenv("VOLEX_BUS_URL", "redis://short")
    monkeypatch.setenv("VOLEX_TEST_PG", "not a setting")
    settings = load_settings(timeframe="15m")
    assert settings.timeframe == "15m"  # the flag wins
    assert settings.trading.fee_rate == 0.003 and settings.trading.mode == "live"  # merged
    assert settings.watchlist == ["ETH/USDT", "SOL/USDT"] and settings.offline is True
    assert settings.bus.url == "redis://short"
    assert settings.exchanges["binance"].api_base == "http://127.0.0.1:9"


def test_a_bad_value_names_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VOLEX_NETWORK_TIMEOUT_S", "-1")
    with pytest.raises(ConfigError, match="network_timeout_s"):
        load_settings()


def test_the_database_url_without_the_settings_machinery(
        volex_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert database_url() == f"sqlite:///{volex_home / 'volex.db'}" == load_settings().db_url
    (volex_home / "config.toml").write_text('database_url = "sqlite:////tmp/from-file.db"\n')
    assert database_url() == "sqlite:////tmp/from-file.db" == load_settings().db_url
    monkeypatch.setenv("VOLEX_DATABASE_URL", "postgresql+psycopg://u@h/db")
    assert database_url() == "postgresql+psycopg://u@h/db" == load_settings().db_url
