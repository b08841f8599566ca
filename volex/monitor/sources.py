"""What the watch reads, gathered through the facade: candles, the account, the exchange's
record, the components' health, the autopilots' heartbeats.

``autopilot_heartbeats`` reads the autopilot's lease table (``AutopilotRepo.state``): each
account whose autopilot claims to run (RUNNING, HALTED or STOPPING) with its last heartbeat.
A lease still claimed with an old heartbeat means the autopilot died (a ``kill -9``, an
out-of-memory kill) without saying so; a clean stop sets STOPPED and is not missed.
"""

from __future__ import annotations

from collections import deque
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from volex.adapters.storage.autopilot import AutopilotRepo
    from volex.facade import Volex

__all__ = ["WatchSources", "autopilot_heartbeats"]

_ORDER_OK = frozenset({"order.filled", "order.placed"})


def autopilot_heartbeats(repo: AutopilotRepo) -> dict[str, int]:
    """Account -> last heartbeat (ms since the epoch) of each autopilot that claims to run."""
    return {row["account"]: int(row["heartbeat_ts"]) for row in repo.state()
            if row["alive"] or row["status"] in ("RUNNING", "HALTED", "STOPPING")}


def _agent_health(url: str, timeout_s: float) -> tuple[str, str]:
    """A remote agent's ``/v1/health``: ("ok", ...) or ("fail", why)."""
    import httpx

    from volex.adapters.secrets.redact import redact_text

    try:
        answer = httpx.get(f"{url.rstrip('/')}/v1/health", timeout=timeout_s)
        answer.raise_for_status()
        return "ok", f"version {answer.json().get('version', '?')}"
    except (httpx.HTTPError, ValueError) as exc:
        return "fail", redact_text(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)


class WatchSources:
    """Reads for the watch, each one a facade call (so it works the same local or remote)."""

    def __init__(self, volex: Volex) -> None:
        self.volex = volex
        settings = volex.settings
        self.symbols = list(settings.watchlist)
        self.timeframe = settings.monitor.timeframe or settings.timeframe
        self._latencies: deque[float] = deque(maxlen=20)

    def candles(self, symbol: str, timeframe: str, bars: int) -> tuple[pd.DataFrame, bool]:
        """Closed candles with ``timestamp_ms``; True when they come from the venue (so their
        age means something) rather than the bundled sample or a file."""
        got = self.volex.candles(symbol, timeframe, bars=bars)
        frame = got.frame[["timestamp", "close", "volume"]].copy()
        frame["timestamp_ms"] = [int(t.timestamp() * 1000) for t in frame["timestamp"]]
        live = got.source.kind in ("exchange", "cache") and not self.volex.settings.offline
        return frame, live

    def venue_prices(self, symbol: str) -> dict[str, float]:
        """The last 1m close of ``symbol`` on each of ``[monitor] venues`` (none: no check)."""
        out: dict[str, float] = {}
        for venue in self.volex.settings.monitor.venues:
            frame = self.volex.runtime.market_data(venue).fetch_candles(symbol, "1m", limit=2)
            if len(frame):
                out[venue] = float(frame["close"].iloc[-1])
        return out

    def account(self) -> tuple[float, float, float]:
        """(equity, loss today %, daily loss limit %)."""
        execution = self.volex.runtime.execution
        execution.reconcile_if_due("monitor")  # a stop or target hit is noticed (and audited)
        account = execution.account()
        risk = self.volex.runtime.risk
        return (float(account.equity), float(risk.daily_loss_pct(account)),
                float(risk.limits().max_daily_loss_pct))

    def exchange_history(self, now: datetime) -> tuple[list[bool], list[float]]:
        """Order outcomes of the last hour (True: the venue took it) and probe latencies."""
        outcomes = [r.action in _ORDER_OK for r in self.volex.audit(since=now - timedelta(hours=1),
                                                                     limit=500)
                    if r.action in _ORDER_OK or r.action == "order.rejected"]
        return outcomes, list(self._latencies)

    def components(self) -> dict[str, tuple[str, str]]:
        """Each component's status and what it said (store, bus, exchange, LLM, agents...)."""
        out = {}
        for health in self.volex.doctor():
            out[health.component] = (health.status, health.detail)
            if health.component.startswith("exchange") and health.status == "ok" and health.latency_ms:
                self._latencies.append(float(health.latency_ms))
        for name, agent in sorted(self.volex.settings.agents.items()):
            if agent.url:
                out[f"agent {name}"] = _agent_health(agent.url, self.volex.settings.network_timeout_s)
        return out

    def autopilot_heartbeats(self) -> dict[str, int]:
        return autopilot_heartbeats(self.volex.runtime.store.autopilot)

    def summary(self, now: datetime) -> str:
        """Equity, PnL today, trades today and open positions, in one paragraph."""
        equity, loss_pct, _ = self.account()
        midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
        trades = sum(1 for r in self.volex.audit(since=midnight, limit=5000)
                     if r.action == "order.filled")
        positions: list[Any] = [p for p in self.volex.positions() if p.amount > 0]
        held = ", ".join(f"{p.symbol} {p.amount.normalize():f}" for p in positions) or "none"
        pnl = f"-{loss_pct:.2f}%" if loss_pct else "flat or up"
        return (f"equity {equity:,.2f} {self.volex.settings.quote}; today {pnl}; "
                f"{trades} trade(s) today; open positions: {held}")
