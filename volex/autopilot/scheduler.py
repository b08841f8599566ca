"""The autopilot's loop: on every newly closed bar of every market, run the chain.

It holds the account's lease (renewed with every heartbeat), reads the halt state and the
stop flag from the store on every pass, and isolates failures: a market whose data, model
or venue fails is reported (log, audit, the heartbeat's ``problems``) and skipped for that
pass; the other markets and the loop go on. Halted, it stays alive and says HALTED; its
orders are refused at send time by the execution path, and it carries on after a resume.
Stopped (`volex run stop`), it finishes the current step and gives the lease back.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from volex.errors import VolexError

if TYPE_CHECKING:
    from volex.adapters.storage.audit import AuditRepo
    from volex.adapters.storage.autopilot import BarRecord
    from volex.agents.halt import HaltSwitch
    from volex.autopilot.chain import Chain
    from volex.autopilot.clock import Clock
    from volex.autopilot.lease import Lease

__all__ = ["Autopilot", "RunOutcome"]

log = logging.getLogger("volex.autopilot")

# Market seconds after a bar's close before acting on it (the venue needs a moment to publish).
CLOSE_GRACE_S = 5.0


@dataclass
class RunOutcome:
    """How a run ended: stopped, lost its lease, reached its end, or never started."""

    ended: str  # stopped | lease lost | end of data | not started
    bars: int = 0
    problems: dict[str, str] = field(default_factory=dict)


class Autopilot:
    """One account's loop over its markets, bar after bar."""

    def __init__(self, chain: Chain, lease: Lease, symbols: list[str], timeframe_ms: int,
                 clock: Clock, halts: HaltSwitch, audit: AuditRepo, *,
                 heartbeat_s: float, info: dict[str, Any],
                 on_bar: Callable[[BarRecord], None] | None = None,
                 before_pass: Callable[[], None] | None = None) -> None:
        self.chain = chain
        self.lease = lease
        self.symbols = symbols
        self.step_ms = timeframe_ms
        self.clock = clock
        self.halts = halts
        self.audit = audit
        self.heartbeat_s = heartbeat_s
        self.info = info
        self.on_bar = on_bar
        self.before_pass = before_pass  # side work of each pass (collecting news), isolated
        self.problems: dict[str, str] = {}  # one entry per market at most: bounded

    def start(self, *, standby: bool = False, poll_s: float | None = None,
              sleep: Callable[[float], None] | None = None,
              on_wait: Callable[[dict[str, Any]], None] | None = None) -> bool:
        """Take the lease (``standby``: wait for it); False when stopped while waiting."""
        import time

        info = self._info("RUNNING")
        if standby:
            taken = self.lease.wait_and_acquire(info, poll_s=poll_s or self.heartbeat_s,
                                                sleep=sleep or time.sleep,
                                                on_wait=on_wait)
            if not taken:
                return False
        else:
            self.lease.acquire(info)
        holder = self.lease.holder
        self.audit.record("autopilot", "autopilot.start", self.lease.account,
                          details={**self.info, "host": holder.host, "pid": holder.pid,
                                   "standby": standby})
        log.info("autopilot started on %s (%s, pid %s)", self.lease.account, holder.host,
                 holder.pid)
        return True

    def run(self, *, until: datetime | None = None) -> RunOutcome:
        """Loop until stopped, the lease is lost, or market time reaches ``until``."""
        outcome = RunOutcome("stopped")
        try:
            while until is None or self.clock.now() < until:
                status = "HALTED" if self.halts.state().active else "RUNNING"
                row = self.lease.renew(status, self._info(status))
                if row is None:
                    self.audit.record("autopilot", "autopilot.lease_lost", self.lease.account,
                                      "another autopilot took over the lease")
                    outcome.ended = "lease lost"
                    return outcome
                if row["stop_requested"]:
                    break
                outcome.bars += self.pass_once()
                self.clock.sleep_until(self._wake_at(), self.heartbeat_s)
            else:
                outcome.ended = "end of data"
        except KeyboardInterrupt:
            outcome.ended = "stopped"
        outcome.problems = dict(self.problems)
        self.lease.release("STOPPED")
        self.audit.record("autopilot", "autopilot.stop", self.lease.account, outcome.ended,
                          {"bars": outcome.bars})
        log.info("autopilot on %s ended: %s", self.lease.account, outcome.ended)
        return outcome

    def pass_once(self) -> int:
        """Run the chain on each market with a new bar; returns how many bars were handled.

        Exits and decisions market by market, then the entries that wait for the portfolio
        allocator all together (one book for the bar, as in the portfolio backtest).
        """
        handled, pending = 0, []
        if self.before_pass is not None:
            try:
                self.before_pass()
                self.problems.pop("news", None)
            except Exception as exc:  # noqa: BLE001 - side work must not stop the markets
                self._failed("news", exc)
        try:
            self.chain.begin_pass()
        except VolexError as exc:  # the venue cannot be read: every market waits
            for symbol in self.symbols:
                self._problem(symbol, f"holdings not read: {str(exc).splitlines()[0]}")
            return 0
        for symbol in self.symbols:
            try:
                record = self.chain.handle(symbol)
            except Exception as exc:  # noqa: BLE001 - one market must not stop the others
                self._failed(symbol, exc)
                continue
            if record is not None and record.stage == "decided" and record.action == "buy":
                pending.append(record)
                continue
            handled += self._handled(symbol, record)
        self.chain.end_pass()  # the no-trade bars, journaled before any entry is sent
        for record, error in self.chain.enter(pending):
            if error is not None:
                self._failed(record.symbol, error)
            else:
                handled += self._handled(record.symbol, record)
        return handled

    def _handled(self, symbol: str, record: BarRecord | None) -> int:
        if self.problems.pop(symbol, None) is not None:
            log.info("autopilot: %s works again", symbol)
        if record is None:
            return 0
        log.info("%s %s: %s %s", symbol, record.to_dict()["bar"], record.action, record.detail)
        if self.on_bar is not None:
            self.on_bar(record)
        return 1

    def _failed(self, symbol: str, exc: Exception) -> None:
        if isinstance(exc, VolexError):
            self._problem(symbol, str(exc).splitlines()[0])
            return
        log.error("autopilot: %s failed", symbol, exc_info=exc)
        self._problem(symbol, f"{type(exc).__name__}: {exc}")

    def _problem(self, symbol: str, message: str) -> None:
        """Report a market's failure once per distinct message (it is retried every pass)."""
        if self.problems.get(symbol) == message:
            return
        self.problems[symbol] = message
        log.warning("autopilot: %s skipped: %s", symbol, message)
        self.audit.record("autopilot", "autopilot.skip", symbol, message,
                          {"account": self.lease.account})

    def next_bar_due(self) -> datetime:
        """When the next bar closes (plus the grace the venue gets to publish it)."""
        now_ms = int(self.clock.now().timestamp() * 1000)
        close = (now_ms // self.step_ms + 1) * self.step_ms
        return datetime.fromtimestamp(close / 1000, UTC) + timedelta(seconds=CLOSE_GRACE_S)

    def _wake_at(self) -> datetime:
        due = self.next_bar_due()
        if self.problems:  # retry failing markets soon, not a whole bar later
            due = min(due, self.clock.now() + timedelta(seconds=min(60.0, self.step_ms / 4000)))
        return due

    def _info(self, status: str) -> dict[str, Any]:
        return {**self.info, "status": status, "next_bar_due": self.next_bar_due().isoformat(),
                "problems": dict(self.problems)}
