"""The portfolio options of `volex backtest` and `volex optimize`, and the rules they make."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from volex.facade import Volex
    from volex.portfolio.allocator import AllocationRules

__all__ = ["MaxAssetPct", "MaxExposurePct", "MaxOpen", "PortfolioFlag", "PortfolioOptions",
           "Stake", "StakeAmount", "portfolio_rules"]

# The portfolio options, shared by `backtest` and `optimize`.
PortfolioFlag = Annotated[bool, typer.Option(
    "--portfolio", help="Trade all SYMBOLs from one account (slots, caps, one clock).")]
MaxOpen = Annotated[int | None, typer.Option(
    "--max-open", help="Portfolio: positions open at once (default 3).")]
Stake = Annotated[str | None, typer.Option(
    "--stake", help="Portfolio stake rule: slots (equity / max-open), equal (--stake-amount) "
                    "or volatility (k ATR risks risk_per_trade_pct).")]
StakeAmount = Annotated[float | None, typer.Option(
    "--stake-amount", help="Portfolio: quote per position with --stake equal.")]
MaxAssetPct = Annotated[float | None, typer.Option(
    "--max-asset-pct", help="Portfolio: largest share of equity one market may take, %.")]
MaxExposurePct = Annotated[float | None, typer.Option(
    "--max-exposure-pct", help="Portfolio: all positions together, % of equity (default 100).")]


class PortfolioOptions:
    """The portfolio flags as typed on the command line."""

    def __init__(self, enabled: bool, max_open: int | None, stake: str | None,
                 stake_amount: float | None, max_asset_pct: float | None,
                 max_exposure_pct: float | None) -> None:
        self.enabled = enabled
        self.given = {k: v for k, v in {
            "max_open": max_open, "stake": stake, "stake_amount": stake_amount,
            "max_asset_pct": max_asset_pct, "max_exposure_pct": max_exposure_pct}.items()
            if v is not None}


def portfolio_rules(app: Volex, options: PortfolioOptions) -> AllocationRules | None:
    """The allocation rules, or None without --portfolio (other portfolio flags refused)."""
    from volex.errors import UserInputError

    if not options.enabled:
        if options.given:
            flag = "--" + next(iter(options.given)).replace("_", "-")
            raise UserInputError(f"{flag} only applies with --portfolio")
        return None
    return app.portfolio_rules(**options.given)
