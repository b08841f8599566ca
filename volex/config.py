"""Settings: defaults < $VOLEX_HOME/config.toml < VOLEX_* env < flags (init arguments).

Nested sections map to TOML tables (``[trading]``) and to env names with a double
underscore (``VOLEX_TRADING__MODE=live``). A few common settings also have short env
names: VOLEX_DATABASE_URL, VOLEX_BUS_URL, VOLEX_CACHE_URL, VOLEX_SECRETS_BACKEND.
"""

from __future__ import annotations

import json
import os
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from volex.config_sources import (
    SHORT_ENV,
    config_path,
    database_url,
    read_config_file,
    volex_home,
)
from volex.errors import ConfigError

__all__ = ["ExchangeSettings", "Settings", "config_path", "load_settings", "set_config_value",
           "volex_home"]


class TradingSettings(BaseModel):
    mode: Literal["paper", "live"] = "paper"
    fee_rate: float = Field(0.001, ge=0, le=0.05)
    maker_fee_rate: float = Field(0.001, ge=0, le=0.05)
    slippage_bps: float = Field(5.0, ge=0, le=500)
    starting_balance: float = Field(10_000.0, gt=0)
    sandbox: bool = False


class ExchangeSettings(BaseModel):
    """Where and how the live adapter reaches one venue (``[exchanges.binance]``).

    ``api_base`` sends every API call of the venue to another host, keeping the paths
    (``http://127.0.0.1:8080`` for a simulator or a self-hosted gateway); ``urls`` overrides
    single entries of ccxt's ``urls.api`` map by name (``public``, ``private``...) and wins over
    ``api_base``. ``sandbox`` (the venue's testnet) defaults to ``trading.sandbox``;
    ``rate_limit`` keeps ccxt's client-side throttle; ``options`` are merged into ccxt's.
    """

    api_base: str | None = Field(None, pattern=r"^https?://\S+$")
    urls: dict[str, str] = {}
    sandbox: bool | None = None
    rate_limit: bool = True
    options: dict[str, Any] = {}

    def client_config(self) -> dict[str, Any]:
        """These settings as ccxt constructor settings (``api_base`` is the adapter's own)."""
        config: dict[str, Any] = {"enableRateLimit": self.rate_limit}
        if self.urls:
            config["urls"] = {"api": dict(self.urls)}
        if self.options:
            config["options"] = dict(self.options)
        return config


class SecretsSettings(BaseModel):
    backend: str | None = None
    order: list[str] = ["env", "keyring", "file"]
    vault_mount: str = "secret"
    vault_prefix: str = "volex"


class UrlSettings(BaseModel):
    url: str | None = None
    # Prefix of every Redis key, so several deployments (or test runs) can share one server.
    namespace: str = Field("volex", pattern=r"^[A-Za-z0-9_.-]+$")


class LLMSettings(BaseModel):
    provider: Literal["local", "openai"] = "local"
    model: str = "gpt-4o-mini"
    base_url: str | None = None
    timeout_s: float = Field(8.0, gt=0)


class SignalSettings(BaseModel):
    horizon: int = Field(12, ge=1)
    model: Literal["random_forest", "lightgbm", "hist_gradient_boosting"] = "random_forest"
    retrain_after_bars: int = Field(500, ge=1)


class AgentSettings(BaseModel):
    url: str | None = None


class Settings(BaseModel):
    """Every setting Volex reads. Frozen once loaded (``load_settings`` gathers the sources)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    exchange: str = "binance"
    quote: str = "USDT"
    timeframe: str = "1d"
    offline: bool = False
    network_timeout_s: float = Field(2.0, gt=0, le=60)
    database_url: str | None = None
    watchlist: list[str] = ["BTC/USDT", "ETH/USDT", "SOL/USDT", "DOGE/USDT"]
    trading: TradingSettings = TradingSettings()
    secrets: SecretsSettings = SecretsSettings()
    bus: UrlSettings = UrlSettings()
    cache: UrlSettings = UrlSettings()
    llm: LLMSettings = LLMSettings()
    signal: SignalSettings = SignalSettings()
    agents: dict[str, AgentSettings] = {}
    exchanges: dict[str, ExchangeSettings] = {}

    @field_validator("quote")
    @classmethod
    def _upper(cls, value: str) -> str:
        return value.upper()

    @property
    def home(self) -> Path:
        return volex_home()

    @property
    def db_url(self) -> str:
        return database_url(self.database_url)


def _short_env_source() -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, path in SHORT_ENV.items():
        if os.environ.get(name):
            _set_path(out, path, os.environ[name])
    return out


def _env_source() -> dict[str, Any]:
    """VOLEX_* variables as nested settings: ``VOLEX_TRADING__MODE=live`` is trading.mode.

    Names are case-insensitive; a value written as JSON (``["BTC/USDT"]``, ``{...}``) is
    decoded, anything else is left for the field's validation to read (``true``, ``2.5``).
    Variables that name no setting (VOLEX_HOME, VOLEX_TEST_PG...) are ignored.
    """
    out: dict[str, Any] = {}
    for name, raw in os.environ.items():
        if not name.upper().startswith("VOLEX_"):
            continue
        path = tuple(name[6:].lower().split("__"))
        if path[0] not in Settings.model_fields or not all(path):
            continue
        value: Any = raw
        if raw[:1] in "[{":
            try:
                value = json.loads(raw)
            except ValueError:
                pass
        _set_path(out, path, value)
    return out


def _merge(base: dict[str, Any], top: dict[str, Any]) -> dict[str, Any]:
    """``base`` updated by ``top``, nested tables merged key by key."""
    out = dict(base)
    for key, value in top.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _set_path(target: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    for key in path[:-1]:
        target = target.setdefault(key, {})
    target[path[-1]] = value


def load_settings(**overrides: Any) -> Settings:
    """Settings from every source; flags (``overrides``) win. Bad values raise ConfigError.

    Defaults < config.toml < VOLEX_* env < the short env names < flags.
    """
    flags = {k: v for k, v in overrides.items() if v is not None}
    data: dict[str, Any] = {}
    for source in (read_config_file(), _env_source(), _short_env_source(), flags):
        data = _merge(data, source)
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise ConfigError(f"bad setting {where}: {err['msg']}") from None


def _parse_value(raw: str) -> Any:
    try:
        return tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        return raw


def set_config_value(key: str, raw: str) -> Any:
    """Set a dotted KEY in config.toml, validating the result before writing it atomically."""
    import tomli_w

    path = tuple(key.split("."))
    if not _known_key(path):
        raise ConfigError(f"unknown setting {key!r} (see `volex config show`)")
    data = read_config_file()
    value = _parse_value(raw)
    _set_path(data, path, value)
    try:
        Settings.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(f"bad value for {key}: {exc.errors()[0]['msg']}") from None
    target = config_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".toml.tmp")
    tmp.write_text(tomli_w.dumps(data))
    tmp.replace(target)
    return value


_NAMED_SECTIONS: dict[str, type[BaseModel]] = {"agents": AgentSettings,
                                               "exchanges": ExchangeSettings}


def _known_key(path: tuple[str, ...]) -> bool:
    model: Any = Settings
    for i, part in enumerate(path):
        fields = getattr(model, "model_fields", None)
        if fields is None or part not in fields:
            return False
        if part in _NAMED_SECTIONS:
            return len(path) == i + 3 and path[-1] in _NAMED_SECTIONS[part].model_fields
        model = fields[part].annotation
    return not hasattr(model, "model_fields")
