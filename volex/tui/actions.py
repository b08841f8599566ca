"""What the dashboard's keys and command bar do: halt, resume, trade, analyze, run a command.

Every action is a worker: the facade call runs in a thread, the confirmation is a modal the
worker waits on, and the UI thread never blocks. Nothing here decides anything about trading:
the facade plans, checks risk, halts and places orders; this module asks and shows.
"""

from __future__ import annotations

import asyncio
import shlex
import sys
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import work

from volex.errors import RiskRejected, TradingHalted
from volex.tui.feed import EventRow
from volex.tui.widgets.modals import ConfirmModal, OutputModal, TradePlanModal, TradeTicketModal

if TYPE_CHECKING:
    from volex.nl.command import Command
    from volex.tui.app import VolexApp

__all__ = ["DashboardActions", "trade_arguments"]

# Intents the dashboard shows itself; anything else runs as the equivalent CLI command.
_CLI_TIMEOUT_S = 120.0


def trade_arguments(command: Command) -> dict[str, Any]:
    """The facade's plan_trade keywords for a parsed trade command (units, not decisions)."""
    size = None if command.amount is None else Decimal(str(command.amount))
    unit = command.amount_unit or "base"
    found: dict[str, Any] = {
        "symbol": command.symbols[0] if command.symbols else None,
        "side": command.side,
        "amount": size if unit == "base" else None,
        "quote": size if unit == "quote" else None,
        "percent": size if unit == "percent" else None,
        "limit": Decimal(str(command.price)) if command.price is not None else None,
        "stop_loss": _dec(command.stop_loss_pct),
        "take_profit": _dec(command.take_profit_pct),
        "if_confident": command.if_confident or None,
        "min_confidence": command.min_confidence,
    }
    return {k: v for k, v in found.items() if v is not None}


def _dec(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value))


class DashboardActions:
    """Mixed into the app: one worker per thing a trader can ask for."""

    def note(self: VolexApp, kind: str, text: str, level: str = "info") -> None:
        """Put a line in the events feed (what the dashboard itself saw or did)."""
        self._local_events += 1
        self.events_feed.add([EventRow(id=f"local-{self._local_events}", at=self.clock(),
                                       kind=kind, text=text, level=level)])

    async def attempt(self: VolexApp, what: str, call: Any, *args: Any, quiet: bool = False,
                      **kwargs: Any) -> tuple[bool, Any]:
        """Run a facade call in a thread; a failure becomes a message and an event, not a crash."""
        try:
            return True, await asyncio.to_thread(call, *args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - whatever fails, the dashboard stays up
            words = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            refused = isinstance(exc, TradingHalted | RiskRejected)
            if not quiet:
                self.note("risk" if refused else "error", f"{what} refused: {words}" if refused
                          else f"{what} failed: {words}", "error")
            self.notify(f"{what}: {words}", severity="error")
            return False, None

    # -- halt and resume ---------------------------------------------------------------------

    @work(group="control", exit_on_error=False)
    async def action_halt(self: VolexApp, reason: str | None = None) -> None:
        """Halt trading after one confirmation; works whatever state the data sources are in."""
        body = "No order will leave Volex until you resume." + (f"\nReason: {reason}" if reason else "")
        if not await self.push_screen_wait(ConfirmModal("Halt trading?", body, yes_label="Halt",
                                                        danger=True)):
            return
        done, _ = await self.attempt("halt", self.volex.halt,
                                     reason=reason or "halted from the dashboard")
        if not done:
            return
        self.notify("Trading halted", severity="warning")
        await self.reload_halt()

    @work(group="control", exit_on_error=False)
    async def action_resume(self: VolexApp) -> None:
        """Resume trading after a confirmation."""
        if not await self.push_screen_wait(ConfirmModal(
                "Resume trading?", "Orders will be sent again.", yes_label="Resume")):
            return
        done, _ = await self.attempt("resume", self.volex.resume)
        if not done:
            return
        self.notify("Trading resumed")
        await self.reload_halt()

    async def reload_halt(self: VolexApp) -> None:
        section = await asyncio.to_thread(self.feed.call, self.volex.halt_state)
        self.show_halt(section)
        self.refresh_data()

    # -- trading -----------------------------------------------------------------------------

    @work(group="control", exit_on_error=False)
    async def action_ticket(self: VolexApp) -> None:
        """The trade ticket for the selected symbol; its plan is shown before anything is sent."""
        text = await self.push_screen_wait(TradeTicketModal(self.selected))
        if text:
            self.run_command(text)

    async def trade(self: VolexApp, command: Command) -> None:
        """Plan the trade, show the plan, and place it only when the trader says yes."""
        done, plan = await self.attempt("trade", self.volex.plan_trade, **trade_arguments(command))
        if not done:
            return
        if not await self.push_screen_wait(TradePlanModal(plan)):
            self.notify("trade cancelled")
            return
        done, result = await self.attempt("trade", self.volex.trade, plan)
        if not done:
            return
        order = result.order
        words = f"{order.side} {order.amount} {order.symbol}: {order.status}"
        self.note("order", words, "good" if order.status in ("closed", "open") else "warning")
        self.notify(f"order {words}")
        self.refresh_data()
        self.load_chart()  # the fill's marker

    @work(group="control", exit_on_error=False)
    async def cancel_order(self: VolexApp, order_id: str, symbol: str) -> None:
        if not await self.push_screen_wait(ConfirmModal(f"Cancel order {order_id} ({symbol})?")):
            return
        done, _ = await self.attempt("cancel", self.volex.cancel, order_id)
        if not done:
            return
        self.refresh_data()

    # -- analysis and other commands -----------------------------------------------------------

    @work(group="control", exit_on_error=False)
    async def action_analyze(self: VolexApp, symbol: str | None = None,
                             timeframe: str | None = None) -> None:
        """Analyze the selected symbol (or ``symbol``) and show the panels the CLI prints."""
        from rich.console import Group

        from volex.commands.analyze import render_analysis

        target = symbol or self.selected
        if not target:
            return
        self.notify(f"analyzing {target}…", timeout=2)
        done, result = await self.attempt(f"analyze {target}", self.volex.analyze, target,
                                          timeframe or self.timeframe, quiet=True)
        if not done:
            return
        await self.push_screen_wait(OutputModal(f"Analysis · {target}",
                                                Group(*render_analysis(result))))

    def run_command(self: VolexApp, text: str) -> None:
        """Run what was typed in the command bar (plain English or CLI syntax)."""
        self._command(text)

    @work(group="control", exit_on_error=False)
    async def _command(self: VolexApp, text: str) -> None:
        from volex.nl import parse

        words = shlex.split(text) if text.strip() else []
        if words and words[0] == "volex":
            words, text = words[1:], shlex.join(words[1:])
        if words and _is_cli_syntax(text) and words[0] not in _SHOWN_HERE:
            await self.run_cli([words], would_trade=parse(text).would_trade)
            return
        command = await asyncio.to_thread(parse, text)
        await self.dispatch(command, text)

    async def dispatch(self: VolexApp, command: Command, text: str) -> None:
        """Trades, halts, analyses and the account are shown here; the rest runs as the CLI."""
        from volex.nl.to_argv import to_argv

        intent = command.intent
        if intent == "sequence":
            for step in command.steps:
                await self.dispatch(step, step.text or text)
        elif intent == "trade":
            await self.trade(command)
        elif intent == "halt":
            words = command.text.strip()  # "halt because the feed looks wrong": that is why
            self.action_halt(words if len(words.split()) > 1 else None)
        elif intent == "resume":
            self.action_resume()
        elif intent == "analyze":
            for symbol in command.symbols or [self.selected]:
                self.action_analyze(symbol, command.timeframe)
        elif intent in ("positions", "orders"):
            self.query_one(f"#{intent}-table").focus()
        elif intent in ("help", "dashboard"):
            self.action_help()
        else:
            try:
                argvs = to_argv(command)
            except Exception as exc:  # noqa: BLE001 - not understood: say so, keep going
                self.notify(str(exc) or f"did not understand: {text}", severity="warning")
                return
            await self.run_cli(argvs, would_trade=command.would_trade)

    async def run_cli(self: VolexApp, argvs: list[list[str]], *, would_trade: bool) -> None:
        """Run ``volex <argv>`` in a separate process for each argv; show what it printed."""
        shown = "; ".join(f"volex {shlex.join(a)}" for a in argvs)
        if would_trade:
            if not await self.push_screen_wait(ConfirmModal(f"Run {shown}?",
                                                            "This changes orders or risk limits.")):
                return
            argvs = [[*a, "--yes"] if "--all" in a and "--yes" not in a else a for a in argvs]
        outputs = []
        for argv in argvs:
            process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "volex", *argv, stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
                env=self.child_env())
            try:
                output, _ = await asyncio.wait_for(process.communicate(), _CLI_TIMEOUT_S)
            except TimeoutError:
                process.kill()
                output = b"(took too long: stopped)"
            outputs.append(output.decode(errors="replace").rstrip() or "(no output)")
        self.refresh_data()
        await self.push_screen_wait(OutputModal(shown, Text.from_ansi("\n\n".join(outputs))))


# Root commands the dashboard shows itself (with its modals) even when typed as CLI syntax.
_SHOWN_HERE = frozenset({"trade", "buy", "sell", "halt", "resume", "analyze", "positions",
                         "orders", "dashboard", "ui", "shell", "help"})


def _is_cli_syntax(text: str) -> bool:
    """Whether ``text`` is CLI syntax (``data list``, ``risk set ...``), as the shell decides."""
    import typer

    from volex.cli import app
    from volex.commands.shell import is_cli_syntax

    commands = list(typer.main.get_command(app).commands)  # type: ignore[attr-defined]
    return is_cli_syntax(text, commands)
