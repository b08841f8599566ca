"""Price alerts and the status of the whole system."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from volex.facade.base import FacadeBase

if TYPE_CHECKING:
    from volex.agents.alerts import AlertCheck
    from volex.domain.alerts import Alert

__all__ = ["AlertFacade"]


class AlertFacade(FacadeBase):
    """Price alerts and the status of the whole system."""

    # -- alerts and status ---------------------------------------------------------------

    def add_alert(self, symbol: str, condition: str, price: Any, *, note: str | None = None) -> Alert:
        """Alert when ``symbol`` trades ``condition`` (above/below) ``price`` (audited)."""
        return self.runtime.alerts.add(self.trade_symbol(symbol), condition, price, note, self.actor)

    def alerts(self, *, include_triggered: bool = False) -> list[Alert]:
        return self.runtime.alerts.list(include_triggered=include_triggered)

    def remove_alert(self, alert_id: int) -> None:
        self.runtime.alerts.remove(alert_id, self.actor)

    def check_alerts(self) -> AlertCheck:
        """Price each symbol with an active alert; fire (once) those whose level was reached."""
        return self.runtime.alerts.check(self.actor)

    def status(self) -> dict[str, Any]:
        """Where Volex stands, from the store and settings only (works with the network down)."""
        from volex.adapters.storage.db import redact_url

        settings = self.settings
        halt = self.halt_state()
        return {
            "trading": halt.model_dump(mode="json"),
            "mode": self.trading_mode,
            "configured_mode": settings.trading.mode,
            "exchange": settings.exchange, "offline": settings.offline,
            "store": redact_url(settings.db_url),
            "bus": "redis" if settings.bus.url else "in-process",
            "cache": "redis" if settings.cache.url else "in-process",
            "llm": settings.llm.provider if settings.llm.provider == "local" else settings.llm.model,
            "watchlist": settings.watchlist,
            "active_alerts": len(self.alerts()),
            "cached_series": len(self.cached_data()),
            "home": str(settings.home),
        }
