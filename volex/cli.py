"""The root Typer app: global options, command registration, and errors as one-line messages.

Command modules are small and import nothing heavy at module level, so `volex --help`
stays fast; each one exposes ``register(app)``.
"""

from __future__ import annotations

import copy
import importlib
import sys
from typing import Any

import typer
from typer.core import TyperGroup

from volex import __version__
from volex.commands.common import error_line, masked
from volex.errors import VolexError

__all__ = ["COMMAND_MODULES", "app", "main"]

# One line per command group; the order is the order of `volex --help`.
COMMAND_MODULES = [
    "volex.commands.analyze",
    "volex.commands.ask",
    "volex.commands.shell",
    "volex.commands.parse",
    "volex.commands.data",
    "volex.commands.config",
    "volex.commands.trade",
    "volex.commands.orders",
    "volex.commands.risk",
    "volex.commands.halt",
    "volex.commands.strategy",
    "volex.commands.run",
    "volex.commands.reconcile",
    "volex.commands.backtest",
    "volex.commands.optimize",
    "volex.commands.model",
    "volex.commands.improve",
    "volex.commands.signals",
    "volex.commands.alerts",
    "volex.commands.notify",
    "volex.commands.monitor",
    "volex.commands.news",
    "volex.commands.serve",
    "volex.commands.tokens",
    "volex.commands.bot",
    "volex.commands.secrets",
    "volex.commands.doctor",
    "volex.commands.db",
    "volex.commands.dashboard",
]


class VolexGroup(TyperGroup):
    """Turns VolexError (and any unexpected error) into a one-line message and an exit code."""

    def invoke(self, ctx: typer.Context) -> Any:
        try:
            return super().invoke(ctx)
        except VolexError as exc:
            _fail(ctx, error_line(exc), exc.exit_code, exc)  # a key pasted as an argument stays hidden
        except (typer.Exit, typer.Abort):
            raise
        except typer.TyperException as exc:  # usage errors: typer (>= 0.29 carries its own click)
            if isinstance(getattr(exc, "message", None), str):  # reports them, masked here
                exc.message = error_line(exc.message)  # type: ignore[attr-defined]
            raise
        except KeyboardInterrupt:
            _fail(ctx, "interrupted", 130, None)
        except Exception as exc:  # a bug: still one line unless --debug
            _fail(ctx, f"internal error: {type(exc).__name__}: {error_line(exc)} "
                       "(run with --debug for the traceback)", 1, exc)

    def list_commands(self, ctx: typer.Context) -> list[str]:
        return list(self.commands)  # registration order, not alphabetical


def _fail(ctx: typer.Context, message: str, code: int, exc: BaseException | None) -> None:
    obj = ctx.find_root().obj or {}
    if obj.get("debug") and exc is not None:
        # the traceback, every chained exception included, through the same redaction as
        # every other output: a venue's error may repeat the key it refused
        import traceback

        typer.echo(masked("".join(traceback.format_exception(exc))), err=True, nl=False)
    from volex.domain.printable import printable

    typer.echo(f"Error: {printable(message)}", err=True)
    raise typer.Exit(code)


app = typer.Typer(
    name="volex",
    cls=VolexGroup,
    help="Volex: a natural-language trading terminal for crypto.",
    add_completion=False,
    rich_markup_mode=None,  # plain help: rich help formatting alone costs ~60 ms per start
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"volex {__version__}")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def root(
    ctx: typer.Context,
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks for errors."),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Print the version and exit."),
) -> None:
    """Volex: analyze markets, trade with guard rails, and talk to it in plain English."""
    ctx.ensure_object(dict)
    ctx.obj.setdefault("actor", "cli")
    ctx.obj["debug"] = debug or ctx.obj.get("debug", False)
    if ctx.invoked_subcommand is None:
        if "volex.commands.shell" in COMMAND_MODULES and sys.stdin.isatty() and sys.stdout.isatty():
            from volex.commands.shell import run_shell

            run_shell(ctx)
            return
        typer.echo(ctx.get_help())


for _name in COMMAND_MODULES:
    importlib.import_module(_name).register(app)


def main() -> None:
    command_app(sys.argv[1:])()


def command_app(args: list[str]) -> typer.Typer:
    """The app to run ``args`` with: only the command they name, when they name one.

    Typer turns every registered command into a click command on each start (about 40 ms for
    all of them); a command line that names its command needs only that one, with the same
    options, help and errors. Anything else (``--help``, ``--version``, no command, a name
    that is not a command) gets the whole app, so lists and suggestions stay complete.
    """
    name = next((arg for arg in args if arg not in _ROOT_FLAGS), None)
    if name is None or name.startswith("-"):
        return app
    commands = [c for c in app.registered_commands if _name(c.name, c.callback) == name]
    groups = [g for g in app.registered_groups
              if (g.name or g.typer_instance.info.name) == name]  # type: ignore[union-attr]
    if not commands and not groups:
        return app
    narrowed = copy.copy(app)
    narrowed.registered_commands, narrowed.registered_groups = commands, groups
    return narrowed


_ROOT_FLAGS = {"--debug"}  # the root's own options that take no value


def _name(name: str | None, callback: Any) -> str:
    return name or callback.__name__.lower().replace("_", "-")
