"""Reconcile (`volex reconcile`): the autopilot's real trades against the backtest's."""

from __future__ import annotations

from typing import Any

from volex.facade.base import FacadeBase

__all__ = ["ReconcileFacade"]


class ReconcileFacade(FacadeBase):
    """What the autopilot did against what its replay (= the backtest) says it would have."""

    def reconcile_autopilot(self, *, since: Any = None, until: Any = None) -> dict[str, Any]:
        """What the autopilot of this account traded against what the backtest would have
        over the same bars (its recorded settings replayed): per market, trades matched,
        missed and extra, and the cost of the difference. ``ran`` is False when no
        autopilot ever ran here (nothing to compare)."""
        from volex.autopilot.reconcile import (
            actual_events,
            autopilot_orders,
            expected_events,
            match_market,
        )
        from volex.backtest.service import epoch_ns
        from volex.domain.timeframes import timeframe_ms

        lo = -1 if since is None else epoch_ns(since) // 1_000_000
        hi = 2**62 if until is None else epoch_ns(until) // 1_000_000
        account = self.autopilot_account  # type: ignore[attr-defined]
        lease = self.runtime.store.autopilot.lease(account)
        out: dict[str, Any] = {"account": account, "ran": lease is not None, "markets": []}
        if lease is None:
            return out
        info = lease["info"]
        tf, symbols = info["timeframe"], list(info["watchlist"])
        step = timeframe_ms(tf)
        journal = [r for r in self.runtime.store.autopilot.bars(account)
                   if r.timeframe == tf and r.symbol in symbols and lo <= r.bar_ms <= hi]
        out.update(mode=info.get("mode"), decider=info.get("decider"), timeframe=tf,
                   watchlist=symbols, bars=len(journal))
        if not journal:
            return out
        first, last = journal[0].bar_ms, max(r.bar_ms for r in journal)
        out.update(since=_iso_ms(first), until=_iso_ms(last + step))
        kind, _, name = str(info.get("decider") or "signals").partition(" ")
        replay = self.replay_autopilot(  # type: ignore[attr-defined]
            watchlist=symbols, timeframe=tf, mode=kind, strategy=name or None,
            params=info.get("params") or None, data=info.get("data") or None,
            until=_iso_ms(last + step), stop_loss_pct=_pct(info.get("stop_loss_pct")),
            take_profit_pct=_pct(info.get("take_profit_pct")))
        ids = autopilot_orders(journal)
        fee_rate = self.settings.trading.fee_rate
        for result in replay.results:
            symbol = result.symbol
            expected = [e for e in expected_events(result) if first < e.bar_ms <= last + step]
            actual = [e for e in actual_events(
                self.runtime.execution.exchange.my_trades(symbol), ids, step)
                if first < e.bar_ms <= last + step]
            out["markets"].append(match_market(symbol, expected, actual, step,
                                               fee_rate).to_dict())
        for key in ("matched", "missed", "extra", "protective_exits", "late_bars"):
            out[key] = sum(m[key] for m in out["markets"])
        for key in ("slippage", "fees", "fee_excess", "cost"):
            out[key] = round(sum(m[key] for m in out["markets"]), 8) + 0.0
        return out


def _pct(value: Any) -> float | None:
    return None if value in (None, "") else float(value)


def _iso_ms(ms: int) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(ms / 1000, UTC).isoformat()
