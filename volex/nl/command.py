"""The typed Command the parser produces: one schema for the grammar, the LLM and the wire."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "INTENTS",
    "RISK_SETTINGS",
    "STRATEGIES",
    "TRADING_INTENTS",
    "Command",
    "Intent",
    "Timeframe",
]

Intent = Literal[
    "analyze",
    "signals",
    "news",
    "trade",
    "cancel",
    "orders",
    "positions",
    "balance",
    "halt",
    "resume",
    "status",
    "risk",
    "alert",
    "backtest",
    "optimize",
    "dashboard",
    "autopilot",
    "help",
    "sequence",
    "unknown",
]
INTENTS: tuple[str, ...] = Intent.__args__  # type: ignore[attr-defined]

Strategy = Literal[
    "sma_cross",
    "ema_cross",
    "rsi_reversion",
    "macd_cross",
    "bollinger_reversion",
    "breakout",
    "ml_forest",
]
STRATEGIES: tuple[str, ...] = Strategy.__args__  # type: ignore[attr-defined]

RiskSetting = Literal[
    "max_daily_loss_pct",
    "max_position_quote",
    "max_position_pct",
    "max_exposure_pct",
    "risk_per_trade_pct",
    "max_order_quote",
    "max_open_orders",
    "max_open_positions",
    "max_asset_pct",
]
RISK_SETTINGS: tuple[str, ...] = RiskSetting.__args__  # type: ignore[attr-defined]

Timeframe = Literal["1m", "5m", "15m", "30m", "1h", "2h", "4h", "6h", "12h", "1d", "1w"]

# Intents that place, cancel or change orders or risk settings: these need confirmation.
TRADING_INTENTS: frozenset[str] = frozenset({"trade", "cancel", "risk"})


class Command(BaseModel):
    """What a person asked for, in one flat typed record (``steps`` nests for sequences)."""

    model_config = ConfigDict(extra="forbid")

    intent: Intent = "unknown"
    symbols: list[str] = Field(default_factory=list, description="canonical BASE/QUOTE pairs")
    side: Literal["buy", "sell"] | None = None
    amount: float | None = None
    amount_unit: Literal["base", "quote", "percent"] | None = None
    order_type: Literal["market", "limit"] | None = None
    price: float | None = None
    if_confident: bool = False
    min_confidence: float | None = Field(None, ge=0, le=1)
    stop_loss_pct: float | None = None
    take_profit_pct: float | None = None
    timeframe: Timeframe | None = None
    strategy: Strategy | None = None
    params: dict[str, int | float] = Field(default_factory=dict)
    lookback_days: int | None = None
    method: Literal["grid", "bayes"] | None = None
    trials: int | None = None
    portfolio: bool = Field(False, description="backtest/optimize the symbols as one account")
    max_open: int | None = Field(None, ge=1, description="portfolio slots (positions at once)")
    flatten: bool = False
    reduce_only: bool = False
    condition: Literal["above", "below"] | None = None
    setting: RiskSetting | None = None
    value: float | None = None
    order_id: str | None = None
    autopilot: Literal["start", "stop", "status", "replay", "reconcile"] | None = None
    steps: list[Command] = Field(default_factory=list)
    error: str | None = None
    text: str = ""
    confidence: float = Field(0.0, ge=0, le=1)
    source: Literal["grammar", "llm"] = "grammar"

    @property
    def would_trade(self) -> bool:
        """True when running this command places, cancels or changes orders or risk limits."""
        if self.intent == "sequence":
            return any(step.would_trade for step in self.steps)
        if self.intent == "risk":
            return self.setting is not None
        if self.intent == "autopilot":
            return self.autopilot in ("start", "stop")
        return self.intent in TRADING_INTENTS

    def to_json(self) -> dict:
        """The JSON-ready dict ``volex parse --json`` prints."""
        return self.model_dump(mode="json")
