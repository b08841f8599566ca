"""`volex shell`: an interactive prompt for plain English and CLI syntax, with history.

History lives in ``$VOLEX_HOME/shell_history``; suggestions come from it as you type, and
Tab completes commands, symbols, strategies and timeframes. Ctrl-C cancels the line,
Ctrl-D (or `exit`) leaves.
"""

from __future__ import annotations

import shlex
from typing import TYPE_CHECKING, Any

import typer

from volex.commands.common import console, error_line, offline_option

if TYPE_CHECKING:
    from prompt_toolkit import PromptSession

__all__ = ["is_cli_syntax", "register", "run_shell", "shell_words"]

_EXIT = frozenset({"exit", "quit", "bye", ":q", "q"})
# Root commands that plain English also starts with ("analyze btc on the 4 hour chart").
_ENGLISH_TOO = frozenset({
    "analyze", "signals", "trade", "buy", "sell", "cancel", "orders", "positions", "balance",
    "halt", "resume", "status", "risk", "alert", "backtest", "optimize", "dashboard",
})
_PHRASES = ("if confident", "stop loss", "take profit", "on the 4 hour chart", "last 90 days",
            "close everything", "show my positions", "help")


def _root_commands() -> list[str]:
    from volex.cli import app

    root: Any = typer.main.get_command(app)
    return [name for name in root.commands if name != "shell"]


def shell_words() -> list[str]:
    """What Tab completes: commands, symbols, strategies, timeframes and common phrases."""
    from volex.domain.assets import ASSET_NAMES, TICKERS
    from volex.domain.timeframes import TIMEFRAMES
    from volex.nl.command import STRATEGIES

    pairs = [f"{t}/USDT" for t in sorted(TICKERS) if t != "USDT"]
    names = sorted(n for n in ASSET_NAMES if len(n) > 4)
    return [*_root_commands(), *pairs, *names, *STRATEGIES, *TIMEFRAMES, *_PHRASES]


def is_cli_syntax(line: str, commands: list[str]) -> bool:
    """Whether ``line`` is CLI syntax (`analyze BTC/USDT --timeframe 4h`) rather than English."""
    first = line.split(maxsplit=1)[0].lower() if line.strip() else ""
    if first not in commands:
        return False
    if first not in _ENGLISH_TOO:
        return True
    return any(token.startswith("-") and len(token) > 1 and not token[1:2].isdigit()
               for token in line.split()[1:])


def _yes_no(session: PromptSession, question: str) -> bool:
    try:
        answer = session.prompt(f"{question} [y/N] ", auto_suggest=None, completer=None)
    except (KeyboardInterrupt, EOFError):
        return False
    return answer.strip().lower() in {"y", "yes"}


def build_session(*, input: Any = None, output: Any = None) -> PromptSession:
    """The prompt: history in $VOLEX_HOME/shell_history, suggestions from it, Tab completion."""
    from prompt_toolkit import PromptSession
    from prompt_toolkit.auto_suggest import AutoSuggestFromHistory
    from prompt_toolkit.completion import WordCompleter
    from prompt_toolkit.history import FileHistory

    from volex.config import volex_home

    home = volex_home()
    home.mkdir(parents=True, exist_ok=True)
    return PromptSession(
        history=FileHistory(str(home / "shell_history")),
        auto_suggest=AutoSuggestFromHistory(),
        completer=WordCompleter(shell_words(), ignore_case=True, WORD=True),
        input=input,
        output=output,
    )


class _PlainLines:
    """Lines read from a pipe or file: no prompt, no echo, no terminal needed."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def prompt(self, _message: str = "", **_: Any) -> str:
        line = self._stream.readline()
        if not line:
            raise EOFError
        return line.rstrip("\n")


def run_shell(ctx: typer.Context, *, input: Any = None, output: Any = None) -> None:
    """The read-eval loop; ``input``/``output`` are prompt-toolkit's (tests pass pipes).

    When standard input is not a terminal (a pipe, a file), lines are read as they come,
    without prompt-toolkit's prompt and echo, and a confirmation reads the next line.
    """
    import sys

    from volex.commands.ask import HELP_TEXT, Runner, run_argv

    commands = _root_commands()
    piped = input is None and not sys.stdin.isatty()
    session: Any = _PlainLines(sys.stdin) if piped else build_session(input=input, output=output)
    runner = Runner(ctx, lambda question: _yes_no(session, question), actor="shell")
    if not piped:
        console.print("Volex shell: plain English or CLI syntax. `help` for examples, Ctrl-D "
                      "to leave.", markup=False)
    while True:
        try:
            line = _without_prefix(session.prompt("volex> ").strip())
        except KeyboardInterrupt:
            continue
        except EOFError:
            break
        if not line:
            continue
        if line.lower() in _EXIT:
            break
        if line.lower() in {"help", "?"}:
            typer.echo(HELP_TEXT)
            continue
        _run_line(line, commands, runner, run_argv)
    if not piped:
        console.print("bye", markup=False)


def _without_prefix(line: str) -> str:
    """`volex data list` typed at the prompt is `data list` (the README's commands, pasted)."""
    first, _, rest = line.partition(" ")
    return rest.strip() if first.lower() == "volex" else line


def _run_line(line: str, commands: list[str], runner: Any, run_argv: Any) -> None:
    """One line, whatever happens: an error is one line and the shell goes on."""
    from volex.errors import VolexError

    try:
        if is_cli_syntax(line, commands):
            run_argv(shlex.split(line), runner.obj)
        else:
            runner.run_text(line)
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
    except (VolexError, ValueError) as exc:  # ValueError: shlex on unbalanced quotes
        typer.echo(f"Error: {error_line(exc)}", err=True)
    except Exception as exc:  # noqa: BLE001 (a bug must not end the session)
        typer.echo(f"internal error: {type(exc).__name__}: {error_line(exc)}", err=True)


def shell(ctx: typer.Context,
          offline: bool = offline_option("No network for any line: " "cached data and the bundled sample only.")) -> None:
    """Talk to Volex: plain English or CLI syntax, with history and completion."""
    if offline:
        ctx.find_root().obj["offline"] = True  # every line's Volex is built offline
    run_shell(ctx)


def register(app: typer.Typer) -> None:
    app.command("shell")(shell)
