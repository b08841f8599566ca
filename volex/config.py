"""Settings: defaults < $VOLEX_HOME/config.toml < VOLEX_* env < flags (init arguments).

Nested sections map to TOML tables (``[trading]``) and to env names with a double
underscore (``VOLEX_TRADING__MODE=live``). A few common settings also have short env
names: VOLEX_DATABASE_URL, VOLEX_BUS_URL, VOLEX_CACHE_URL, VOLEX_SECRETS_BACKEND.
"""

from __future__ import annotations

import json
import os
import tomllib
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

from volex.config_sources import (
    SHORT_ENV,
    config_path,
    database_url,
    read_config_file,
    volex_home,
)
from volex.errors import ConfigError

__all__ = ["ExchangeSettings", "NewsSettings", "NewsSourceSettings", "Settings", "config_path",
           "load_settings", "set_config_value", "volex_home", "write_config_file"]


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


Action = Literal["notify", "reduce_only", "halt"]


class NotifySettings(BaseModel):
    """Notifications (`volex notify`): how they are sent. Channels and URLs live elsewhere
    (the store and the secret store). ``api_base`` sends a service with a fixed address to
    another one: ``{telegram = "http://127.0.0.1:8081/bot"}`` for a self-hosted Bot API server
    (also ``discord``, ``slack``)."""

    timeout_s: float = Field(10.0, gt=0, le=120)
    group_window_s: float = Field(60.0, ge=0)   # a storm: one message per window per channel
    retry_base_s: float = Field(2.0, gt=0)      # backoff: base, 2x base, 4x base... up to max
    retry_max_s: float = Field(300.0, gt=0)
    api_base: dict[str, str] = {}


class MonitorSettings(BaseModel):
    """The watch (`volex monitor`, and inside `volex run`): detector thresholds and actions."""

    in_run: bool = True                           # `volex run` runs the watch beside the autopilot
    poll_s: float = Field(0.5, gt=0, le=60)       # audit log -> notifications
    interval_s: float = Field(60.0, gt=0)         # detectors and component checks
    timeframe: str | None = None                  # candles watched (default: timeframe)
    heartbeat_url: SecretStr | None = None        # dead man's switch, pinged while running
    heartbeat_every_s: float = Field(60.0, gt=0)
    summary_hour: int | None = Field(0, ge=0, le=23)  # UTC hour of the daily summary
    stale_margin_s: float = Field(300.0, ge=0)
    spike_k: float = Field(12.0, gt=0)
    volume_k: float = Field(5.0, gt=0)
    spike_window: int = Field(200, ge=10)
    venue_gap_pct: float = Field(2.0, gt=0)
    venues: list[str] = []                        # other venues whose prices are compared
    error_rate_max: float = Field(0.3, gt=0, le=1)
    error_window: int = Field(20, ge=5)
    latency_factor: float = Field(3.0, gt=1)
    drawdown_max_pct: float = Field(20.0, gt=0, le=100)
    daily_loss_warn: float = Field(0.8, gt=0, le=1)   # share of max_daily_loss_pct
    autopilot_max_silence_s: float = Field(180.0, gt=0)
    actions: dict[str, Action] = {"stale_data": "notify", "price_spike": "notify",
                                  "volume_spike": "notify", "venue_gap": "notify",
                                  "exchange_errors": "notify", "exchange_latency": "notify",
                                  "drawdown": "reduce_only", "daily_loss": "notify",
                                  "autopilot_heartbeat": "notify"}


# Agents whose remote client exists; `[agents.NAME] url` for any other would do nothing.
REMOTE_AGENTS = ("research", "signal", "execution", "strategy", "backtest", "optimize")


class AgentSettings(BaseModel):
    """Where agent NAME runs when not here: one URL, or several replicas of it."""

    url: str | list[str] | None = None
    # The CA (or self-signed certificate) to trust for an https URL, when not a public CA's.
    ca_file: str | None = None

    def urls(self) -> list[str]:
        return [self.url] if isinstance(self.url, str) else list(self.url or [])


class ClusterSettings(BaseModel):
    """Where heavy work goes (`--cluster` wins): a Dask scheduler, or local[:N] processes."""

    address: str | None = Field(None, pattern=r"^((tcp|tls)://\S+:\d+|local(:\d+)?)$")


class BotSettings(BaseModel):
    """`volex bot telegram`: the chat ids allowed to talk to Volex, each with its role."""

    telegram_chats: dict[str, Literal["viewer", "trader", "admin"]] = {}
    telegram_api: str = Field("https://api.telegram.org", pattern=r"^https?://\S+$")


class ServeSettings(BaseModel):
    """Limits of `volex serve`: over any of them a request gets a 4xx and a one-line reason."""

    max_body_mb: float = Field(8.0, gt=0, le=512)
    rate_per_minute: int = Field(600, ge=1)
    request_timeout_s: float = Field(60.0, gt=0)


class AutopilotSettings(BaseModel):
    """`volex run`: heartbeat and lease (expiring after a few missed heartbeats).

    ``clock_start`` and ``clock_speed`` run the market clock from a given moment at N times
    real speed (paper with --data only): failover drills with several real processes.
    """

    heartbeat_s: float = Field(10.0, gt=0, le=3600)
    lease_s: float = Field(30.0, gt=0, le=86_400)
    clock_start: datetime | None = None
    clock_speed: float = Field(1.0, gt=0)
    clock_origin: datetime | None = None


class NewsSourceSettings(BaseModel):
    """One news source: an RSS/Atom feed, a Reddit search (``{query}`` = the asset's name),
    CryptoPanic's API (token in the secret store ``cryptopanic``) or the Fear & Greed index."""

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9 _.&-]{0,39}$")
    kind: Literal["rss", "reddit", "cryptopanic", "feargreed"] = "rss"
    url: str = Field(pattern=r"^https?://\S+$")


DEFAULT_NEWS_SOURCES: list[NewsSourceSettings] = [
    NewsSourceSettings(name=name, kind=kind, url=url) for name, kind, url in (
        ("CoinDesk", "rss", "https://www.coindesk.com/arc/outboundfeeds/rss/"),
        ("Cointelegraph", "rss", "https://cointelegraph.com/rss"),
        ("Decrypt", "rss", "https://decrypt.co/feed"),
        ("The Block", "rss", "https://www.theblock.co/rss.xml"),
        ("Bitcoin Magazine", "rss", "https://bitcoinmagazine.com/.rss/full/"),
        ("CryptoSlate", "rss", "https://cryptoslate.com/feed/"),
        ("Reddit", "reddit", ("https://www.reddit.com/r/CryptoCurrency/search.rss"
                              "?q={query}&restrict_sr=on&sort=new")),
        ("CryptoPanic", "cryptopanic", "https://cryptopanic.com/api/v1/posts/?public=true"),
        ("Fear & Greed", "feargreed", "https://api.alternative.me/fng/"),
    )
]


class NewsSettings(BaseModel):
    """``[research.news]``: the sources `volex news` reads and how often it refreshes."""

    sources: list[NewsSourceSettings] = DEFAULT_NEWS_SOURCES
    refresh_minutes: float = Field(15.0, gt=0)
    timeout_s: float = Field(4.0, gt=0, le=60)  # the budget of one whole fetch of all sources


class ResearchSettings(BaseModel):
    news: NewsSettings = NewsSettings()


class ImproveRiskSettings(BaseModel):
    """``[improve.risk]``: after a drawdown of ``drawdown_pct`` % from the equity peak the
    autopilot's stakes shrink by ``factor`` until a new peak (0 turns it off)."""

    drawdown_pct: float = Field(0.0, ge=0, lt=100)
    factor: float = Field(0.5, gt=0, le=1)


class ImproveSettings(BaseModel):
    """``[improve]`` (`volex improve`): retrain and re-tune, promote only what earns it.

    A candidate model replaces the one in use only when, on the bars the current model never
    saw, its log loss is lower by ``min_logloss_gain``, it makes at least ``min_calls`` calls
    at the trading threshold (the risk limit ``min_confidence``) and its hit rate there is not
    worse. ``window`` "sliding" trains on the last ``window_bars`` bars, "expanding" on all.
    Strategies in paper or live are re-tuned walk-forward (``strategy_folds``) on their
    first watchlist market's last ``strategy_bars`` bars; new parameters need a better
    out-of-sample ``objective`` than the saved ones on the same blocks and ``min_trades``.
    The drift watch degrades a model whose live hit rate is below its out-of-sample one
    with a binomial p-value under ``drift_alpha`` (at least ``drift_min_calls`` calls).
    ``schedule`` (a cron string, UTC; none by default) runs the same jobs inside `volex run`.
    """

    schedule: str | None = None  # cron (UTC): `volex run` runs the jobs then, in a thread
    keep_models: int = Field(5, ge=1, le=100)
    window: Literal["expanding", "sliding"] = "expanding"
    window_bars: int = Field(5000, ge=500)
    blocks: int = Field(3, ge=1, le=20)
    min_new_bars: int = Field(200, ge=20)
    min_logloss_gain: float = Field(0.002, ge=0)
    min_calls: int = Field(20, ge=1)
    min_trades: int = Field(10, ge=1)
    strategy_bars: int = Field(3000, ge=200)  # the recent bars strategies are re-tuned on
    strategy_folds: int = Field(3, ge=1, le=20)
    objective: Literal["sharpe", "return", "calmar"] = "sharpe"
    lease_s: float = Field(6 * 3600.0, gt=0)
    drift_alpha: float = Field(0.01, gt=0, lt=0.5)
    drift_min_calls: int = Field(20, ge=5)
    risk: ImproveRiskSettings = ImproveRiskSettings()


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
    notify: NotifySettings = NotifySettings()
    monitor: MonitorSettings = MonitorSettings()
    autopilot: AutopilotSettings = AutopilotSettings()
    research: ResearchSettings = ResearchSettings()
    exchanges: dict[str, ExchangeSettings] = {}
    serve: ServeSettings = ServeSettings()
    bot: BotSettings = BotSettings()
    cluster: ClusterSettings = ClusterSettings()
    improve: ImproveSettings = ImproveSettings()

    @field_validator("agents")
    @classmethod
    def _remote_agents_only(cls, value: dict[str, AgentSettings]) -> dict[str, AgentSettings]:
        for name, agent in value.items():
            if agent.url and name in ("risk", "halt"):
                raise ValueError(f"{name} lives with the execution agent, next to its store: "
                                 "set agents.execution.url instead")
            if agent.url and name not in REMOTE_AGENTS:
                raise ValueError(f"the {name} agent cannot be remote yet (only "
                                 f"{', '.join(REMOTE_AGENTS)} can); remove its url")
            if name == "execution" and len(agent.urls()) > 1:
                raise ValueError("the execution agent guards one store: give one url, "
                                 "not replicas")
        return value

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
        where = ".".join(str(p) for p in exc.errors()[0]["loc"])
        raise ConfigError(f"bad setting {where}: {_message(exc)}") from None


def _message(exc: ValidationError) -> str:
    return exc.errors()[0]["msg"].removeprefix("Value error, ")


def _parse_value(raw: str) -> Any:
    try:
        return tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        return raw


def _checked(path: tuple[str, ...], value: Any, data: dict[str, Any],
             quotes: Callable[[str], set[str] | None] | None) -> tuple[Any, str | None]:
    """The rules the commands apply to a value, applied before it is written.

    Returns the value to store and, when a rule could not be checked here, a note saying so.
    """
    if path == ("timeframe",):
        from volex.domain.timeframes import normalize_timeframe

        return normalize_timeframe(str(value)), None
    if path == ("exchange",) or path[0] == "exchanges":
        name = str(value if path == ("exchange",) else path[1]).lower()
        import ccxt

        if name not in ccxt.exchanges:
            raise ConfigError(f"unknown exchange {name!r}; ccxt knows e.g. binance, kraken, "
                              "coinbase, okx, bybit")
        return (name if path == ("exchange",) else value), None
    if path == ("quote",):
        quote = str(value).upper()
        exchange = str(data.get("exchange", Settings.model_fields["exchange"].default))
        known = quotes(exchange) if quotes else None
        if known is None:
            return quote, f"not checked against {exchange}'s markets (offline or unreachable)"
        if quote not in known:
            sample = ", ".join(sorted(q for q in known if q in {"USDT", "USDC", "USD", "EUR",
                                                               "BTC", "FDUSD"})) or "none"
            raise ConfigError(f"{exchange} has no spot market quoted in {quote} "
                              f"(common quotes there: {sample})")
        return quote, None
    return value, None


def set_config_value(key: str, raw: str, *,
                     quotes: Callable[[str], set[str] | None] | None = None
                     ) -> tuple[Any, str | None]:
    """Set a dotted KEY in config.toml, validating the result before writing it atomically.

    ``quotes(exchange)`` lists an exchange's quote currencies (None when it cannot be asked).
    Returns the stored value and a note when a rule could not be checked.
    """
    path = tuple(key.split("."))
    if not _known_key(path):
        raise ConfigError(f"unknown setting {key!r} (see `volex config show`)")
    data = read_config_file()
    value, note = _checked(path, _parse_value(raw), data, quotes)
    _set_path(data, path, value)
    try:
        Settings.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(f"bad value for {key}: {_message(exc)}") from None
    write_config_file(data)
    return value, note


def write_config_file(data: dict[str, Any]) -> None:
    """Replace config.toml with ``data`` atomically (validate it first)."""
    import tomli_w

    target = config_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".toml.tmp")
    tmp.write_text(tomli_w.dumps(data))
    tmp.replace(target)


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
