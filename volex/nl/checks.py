"""What makes an understood command unacceptable: one set of rules for the grammar and the LLM."""

from __future__ import annotations

from volex.nl.command import Command

__all__ = ["problem"]

_PCT_SETTINGS = frozenset(
    {"max_daily_loss_pct", "max_position_pct", "max_exposure_pct", "risk_per_trade_pct",
     "max_asset_pct"}
)


def problem(command: Command) -> str | None:
    """A one-line reason why ``command`` cannot be acted on as said, or None."""
    if command.intent == "sequence":
        for i, step in enumerate(command.steps, 1):
            reason = step.error or problem(step)
            if reason:
                return f"step {i}: {reason}"
        return None
    if command.amount is not None:
        if command.amount <= 0:
            return "the amount must be positive"
        if command.amount_unit == "percent" and command.amount > 100:
            return "cannot use more than 100 percent"
    if command.price is not None and command.price <= 0:
        return "the price must be positive"
    for name, value in (("stop loss", command.stop_loss_pct),
                        ("take profit", command.take_profit_pct)):
        if value is not None and not 0 < value <= 100:
            return f"the {name} must be a percentage between 0 and 100"
    if command.value is not None:
        if command.value < 0:
            return "limits cannot be negative"
        if command.setting in _PCT_SETTINGS and command.value > 100:
            return "percentages cannot be over 100"
        if (command.setting in ("max_open_orders", "max_open_positions")
                and not float(command.value).is_integer()):
            return f"{command.setting} must be a whole number"
    if command.trials is not None and command.trials <= 0:
        return "trials must be a positive whole number"
    if command.lookback_days is not None and command.lookback_days <= 0:
        return "the look-back period must be positive"
    return None
