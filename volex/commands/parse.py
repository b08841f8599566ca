"""`volex parse`: show how Volex reads a line of plain English (one JSON object per line)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from volex.commands.common import console, json_option, print_json

if TYPE_CHECKING:
    from volex.nl.command import Command
    from volex.ports import LLM

__all__ = ["register", "render_command", "understand"]


def understand(ctx: typer.Context, text: str, *, use_llm: bool = True) -> Command:
    """The grammar's reading of ``text``; the configured LLM's when the grammar has none.

    An LLM that fails is reported on stderr in one line and the grammar's reading stands.
    """
    from volex.errors import LLMError
    from volex.nl import parse
    from volex.nl.llm_fallback import parse_with_fallback

    quote, llm = _quote_and_llm(ctx, use_llm)
    if llm is None:
        return parse(text, quote)
    try:
        return parse_with_fallback(text, llm, quote)
    except LLMError as exc:
        # Said once; a batch (or a shell session) then goes on with the grammar alone.
        typer.echo(f"LLM fallback unavailable: {exc} (not asked again this session)", err=True)
        ctx.find_root().obj["nl_context"] = (quote, None)
        return parse(text, quote)


def _quote_and_llm(ctx: typer.Context, use_llm: bool) -> tuple[str, LLM | None]:
    root = ctx.find_root()
    root.ensure_object(dict)
    cached = root.obj.get("nl_context")
    if cached is None:
        from volex.commands.common import volex

        app = volex(ctx)
        llm = app.runtime.llm if app.settings.llm.provider != "local" else None
        cached = root.obj["nl_context"] = (app.settings.quote, llm)
    quote, llm = cached
    return quote, llm if use_llm else None


def render_command(command: Command) -> str:
    """One readable line: 'trade: buy 0.5 BTC/USDT · limit 60,000 · stop loss 5%'."""
    if command.intent == "sequence":
        return " then ".join(f"({render_command(step)})" for step in command.steps)
    parts = [command.intent]
    what = []
    if command.side:
        what.append(command.side)
    if command.amount is not None:
        what.append(_size(command))
    if command.symbols:
        what.append(", ".join(command.symbols))
    if what:
        parts[0] += ": " + " ".join(what)
    if command.order_type == "limit":
        parts.append(f"limit {_n(command.price)}" if command.price is not None else "limit")
    elif command.intent == "trade":
        parts.append("market")
    for label, value in (("stop loss", command.stop_loss_pct),
                         ("take profit", command.take_profit_pct)):
        if value is not None:
            parts.append(f"{label} {_n(value)}%")
    if command.if_confident:
        floor = command.min_confidence
        parts.append("only if confident" + (f" (>= {floor:.0%})" if floor is not None else ""))
    parts += _details(command)
    return " · ".join(parts)


def _details(command: Command) -> list[str]:
    out = []
    if command.strategy:
        params = ", ".join(f"{k}={_n(v)}" for k, v in command.params.items())
        out.append(command.strategy + (f" ({params})" if params else ""))
    if command.timeframe:
        out.append(f"timeframe {command.timeframe}")
    if command.lookback_days:
        out.append(f"last {command.lookback_days} days")
    if command.method:
        out.append(f"{command.method} search")
    if command.trials:
        out.append(f"{command.trials} trials")
    if command.portfolio:
        out.append("one portfolio" + (f", {command.max_open} slots" if command.max_open else ""))
    if command.flatten:
        out.append("close every position")
    if command.reduce_only:
        out.append("reduce only")
    if command.condition:
        out.append(f"when {command.condition} {_n(command.price)}")
    if command.setting:
        out.append(f"{command.setting} = {_n(command.value)}")
    elif command.intent == "risk":
        out.append("show the limits")
    if command.order_id:
        out.append(f"order {command.order_id}")
    return out


def _size(command: Command) -> str:
    amount = _n(command.amount)
    if command.amount_unit == "percent":
        return f"{amount}% of"
    if command.amount_unit == "quote":
        return f"{amount} (quote) of"
    return amount


def _n(value: float | None) -> str:
    if value is None:
        return "?"
    return f"{value:,.8f}".rstrip("0").rstrip(".")


def parse_command(
    ctx: typer.Context,
    text: Annotated[list[str] | None, typer.Argument(
        help="The command in plain English, or - to read one command per line from stdin.")
    ] = None,
    as_json: bool = json_option("Print the Command as JSON (one object per input line)."),
    llm: Annotated[bool, typer.Option(
        "--llm/--no-llm",
        help="Ask the configured LLM when the grammar does not understand a line.")] = True,
) -> None:
    """Show how Volex reads plain English: intent, symbols, side, size, limits."""
    from volex.errors import UserInputError

    words = text or []
    if not words:
        raise UserInputError('say what to parse, e.g. volex parse "buy $500 of eth" '
                             "(or - to read lines from stdin)")
    if words == ["-"]:
        unreadable, results = [], []
        for number, raw in enumerate(sys.stdin.buffer, 1):  # bytes: one bad line spoils no other
            try:
                line = raw.decode("utf-8").rstrip("\r\n")
            except UnicodeDecodeError:
                unreadable.append(str(number))
                continue
            # a blank line is shown, not held against the batch
            results.append(_show(understand(ctx, line, use_llm=llm), as_json) or not line.strip())
        if unreadable:
            raise UserInputError(f"line(s) {', '.join(unreadable[:10])} of stdin are not UTF-8 "
                                 "text and were skipped")
        acceptable = all(results)
    else:
        acceptable = _show(understand(ctx, " ".join(words), use_llm=llm), as_json)
    if not acceptable:  # as `volex ask` does: a command Volex would refuse is not a success
        raise typer.Exit(2)


def _show(command: Command, as_json: bool) -> bool:
    """Print what was understood; whether Volex would accept it."""
    if as_json:
        print_json(command.to_json())
        return command.intent != "unknown" and not command.error
    from volex.nl.llm_fallback import unknown_reply

    if command.intent == "unknown":
        console.print(unknown_reply(command), markup=False, highlight=False)
        return False
    source = " (read by the LLM)" if command.source == "llm" else ""
    console.print(f"{render_command(command)}{source}", markup=False)
    console.print(f"confidence {command.confidence:.2f}", style="dim")
    if command.error:
        console.print(f"not acceptable: {command.error}", style="yellow", markup=False)
    return not command.error


def register(app: typer.Typer) -> None:
    app.command("parse")(parse_command)
