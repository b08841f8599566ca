"""`volex ask "TEXT"`: say it in plain English; Volex shows what it understood and runs it.

The Command is turned into the equivalent ``volex`` argv (``volex.nl.to_argv``) and run
through the root app in this process, so ask, the shell and the CLI share one path.
Anything that places, cancels or changes orders or risk limits is confirmed first (unless
--yes); a trade the LLM read is confirmed even with --yes. A plain halt never asks.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any

import typer

from volex.commands.common import console, error_line, masked, yes_option

if TYPE_CHECKING:
    from volex.nl.command import Command

__all__ = ["HELP_TEXT", "Runner", "command_missing", "register"]

HELP_TEXT = """\
Say what you want in plain English, or use CLI syntax
(e.g. `analyze BTC/USDT --timeframe 4h`). Things you can say:

  Markets   analyze BTC on the 4 hour chart
            how is eth looking · signals for sol
  Trading   buy $500 of eth · sell half my btc at 70k
            buy 0.1 btc if confident, 5% stop loss
            close my doge position · cancel all orders · show my orders
  Account   positions · balance · status
  Safety    halt · halt and close everything · resume trading
  Risk      show my risk limits · set max daily loss to 3%
  Research  backtest ema cross 9/21 on btc last 90 days
            optimize rsi on eth with bayes, 100 trials
  Alerts    alert me when btc goes above 70k
  Together  analyze BTC then trade it if confident
            halt and show my positions

Orders and risk changes are confirmed before anything is sent."""

Confirm = Callable[[str], bool]


def command_missing(argv: list[str]) -> str | None:
    """Why ``volex <argv>`` cannot run in this build (command or option not there), or None."""
    from volex.cli import app

    command: Any = typer.main.get_command(app)
    depth = 0
    while hasattr(command, "commands") and depth < len(argv):
        sub = command.commands.get(argv[depth])
        if sub is None:
            break
        command, depth = sub, depth + 1
    name = " ".join(argv[:depth]) or argv[0]
    if depth == 0 or (hasattr(command, "commands") and depth < len(argv)):
        shown = " ".join(argv[: depth + 1])
        return f"`volex {shown}` is not available yet"
    known = {opt for p in command.params for opt in (*p.opts, *p.secondary_opts)}
    for token in argv[depth:]:
        if token.startswith("--") and token not in known:
            return f"`volex {name} {token}` is not available yet"
    return None


def accepts(argv: list[str], option: str) -> bool:
    """Whether the command ``argv`` names takes ``option`` (e.g. --yes, --dry-run)."""
    return command_missing([*argv, option]) is None


def run_argv(argv: list[str], obj: dict[str, Any]) -> int:
    """Run ``volex <argv>`` in this process; its exit code (errors already printed)."""
    from volex.cli import app

    root: Any = typer.main.get_command(app)
    try:
        result = root.main(args=list(argv), prog_name="volex", standalone_mode=False,
                           obj={k: v for k, v in obj.items() if k in ("actor", "debug", "offline")})
    except (typer.Exit, typer.Abort) as exc:
        return int(getattr(exc, "exit_code", 1))
    except Exception as exc:  # a usage error from the vendored click: one line, not a trace
        if not hasattr(exc, "format_message"):
            raise
        typer.echo(f"Error: {error_line(exc.format_message())}", err=True)
        return int(getattr(exc, "exit_code", 2))
    return result if isinstance(result, int) else 0


def _needs_confirmation(step: Command) -> bool:
    return step.would_trade or step.intent == "resume" or (step.intent == "halt" and step.flatten)


class Runner:
    """Reads a line, shows what it understood, confirms what needs it, runs the argv."""

    def __init__(self, ctx: typer.Context, confirm: Confirm, *, actor: str = "cli") -> None:
        self.ctx = ctx
        self.confirm = confirm
        obj = ctx.find_root().obj or {}
        self.obj = {"actor": actor, "debug": bool(obj.get("debug")),
                    "offline": bool(obj.get("offline"))}

    def run_text(self, text: str, *, yes: bool = False) -> int:
        """Understand ``text`` and carry it out; the exit code."""
        from volex.commands.parse import render_command, understand
        from volex.errors import UserInputError
        from volex.nl.llm_fallback import unknown_reply
        from volex.nl.to_argv import to_argv

        command = understand(self.ctx, text)
        if command.intent == "help":
            typer.echo(HELP_TEXT)
            return 0
        if command.intent == "unknown":
            typer.echo(masked(unknown_reply(command)), err=True)
            return 2
        source = " (read by the LLM: please check it)" if command.source == "llm" else ""
        console.print(f"Understood: {render_command(command)}{source}", markup=False, soft_wrap=True)
        steps = command.steps if command.intent == "sequence" else [command]
        try:
            plans = [(step, to_argv(step)) for step in steps]
        except UserInputError as exc:
            typer.echo(f"Error: {error_line(exc)}", err=True)
            return exc.exit_code
        for _, argvs in plans:
            for argv in argvs:
                missing = command_missing(argv)
                if missing:
                    typer.echo(f"Error: {error_line(missing)}", err=True)
                    return 1
        for step, argvs in plans:
            for argv in argvs:
                code = self._run_step(step, argv, yes=yes)
                if code:
                    return code
        return 0

    def _run_step(self, step: Command, argv: list[str], *, yes: bool) -> int:
        console.print(f"$ volex {' '.join(argv)}", style="dim", markup=False, soft_wrap=True)
        if _needs_confirmation(step) and (step.source == "llm" or not yes):
            if accepts(argv, "--dry-run"):
                code = run_argv([*argv, "--dry-run"], self.obj)
                if code:
                    return code
            if not self.confirm(f"Run `volex {' '.join(argv)}`?"):
                typer.echo("not confirmed: nothing done", err=True)
                return 1
        if accepts(argv, "--yes"):
            argv = [*argv, "--yes"]
        return run_argv(argv, self.obj)


def _confirm_on_terminal(question: str) -> bool:
    """y/N on stderr; no answer (end of input, Ctrl-C) means no."""
    try:
        return typer.confirm(question, default=False, err=True)
    except (typer.Abort, EOFError, KeyboardInterrupt):
        return False
    except Exception as exc:  # click's own Abort (older typer)
        if type(exc).__name__ == "Abort":
            return False
        raise


def ask(
    ctx: typer.Context,
    text: Annotated[list[str], typer.Argument(
        help='What you want, e.g. "buy $500 of eth if confident".')],
    yes: bool = yes_option("Do not ask before orders or risk changes (a trade the LLM read is "
                           "still confirmed)."),
) -> None:
    """Say it in plain English: Volex shows what it understood, then runs it."""
    runner = Runner(ctx, _confirm_on_terminal)
    code = runner.run_text(" ".join(text), yes=yes)
    if code:
        raise typer.Exit(code)


def register(app: typer.Typer) -> None:
    app.command("ask")(ask)
