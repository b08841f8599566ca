"""A Command as the equivalent ``volex`` command lines, so ask, the shell and the CLI share one path.

``to_argv(parse("buy $500 of eth, 5% stop"))`` gives
``[["trade", "ETH/USDT", "--side", "buy", "--quote", "500", "--stop-loss", "5"]]``:
one argv per invocation (a sequence, or a trade on several symbols, gives several).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from volex.errors import UserInputError
from volex.nl.command import Command

__all__ = ["number", "to_argv"]

_SIZE_FLAGS = {"base": "--amount", "quote": "--quote", "percent": "--percent"}


def number(value: float) -> str:
    """A number as a person would type it: 500, 0.25, 60000 (never 6e+04)."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.10f}".rstrip("0").rstrip(".")


def to_argv(command: Command) -> list[list[str]]:
    """The ``volex`` argv lists that carry out ``command``, in order.

    Raises ``UserInputError`` when the command cannot run as said (not understood, not
    acceptable, or missing what the command needs, such as a symbol to trade).
    """
    if command.error:
        raise UserInputError(command.error)
    if command.intent == "sequence":
        return [argv for step in command.steps for argv in to_argv(step)]
    build = _BUILDERS.get(command.intent)
    if build is None:
        raise UserInputError(f"nothing to run for {command.intent!r}: {command.text.strip()!r}")
    return build(command)


def _need_symbols(command: Command, what: str) -> list[str]:
    if not command.symbols:
        raise UserInputError(f"say which symbol to {what} (e.g. BTC/USDT or bitcoin)")
    return command.symbols


def _timeframe(command: Command) -> list[str]:
    return ["--timeframe", command.timeframe] if command.timeframe else []


def _analyze(command: Command) -> list[list[str]]:
    return [["analyze", *_need_symbols(command, "analyze"), *_timeframe(command)]]


def _signals(command: Command) -> list[list[str]]:
    return [["signals", *command.symbols, *_timeframe(command)]]


_NEWS_SPAN = ((re.compile(r"\b(?:this|last|past) week\b|\bweekly\b"), "7d"),
              (re.compile(r"\b(?:this|last|past) month\b"), "30d"))


def _news(command: Command) -> list[list[str]]:
    """``volex news`` for the symbols (none: every item, and Fear & Greed for the mood)."""
    since = f"{command.lookback_days}d" if command.lookback_days else next(
        (span for pattern, span in _NEWS_SPAN if pattern.search(command.text.lower())), None)
    return [["news", *command.symbols, *(["--since", since] if since else [])]]


def _trade(command: Command) -> list[list[str]]:
    out = []
    for symbol in _need_symbols(command, "trade"):
        argv = ["trade", symbol]
        if command.side:
            argv += ["--side", command.side]
        if command.amount is not None and command.amount_unit:
            argv += [_SIZE_FLAGS[command.amount_unit], number(command.amount)]
        if command.order_type == "limit" and command.price is not None:
            argv += ["--limit", number(command.price)]
        if command.stop_loss_pct is not None:
            argv += ["--stop-loss", number(command.stop_loss_pct)]
        if command.take_profit_pct is not None:
            argv += ["--take-profit", number(command.take_profit_pct)]
        if command.if_confident:
            argv.append("--if-confident")
        if command.min_confidence is not None:
            argv += ["--min-confidence", number(command.min_confidence)]
        out.append(argv)
    return out


def _cancel(command: Command) -> list[list[str]]:
    if command.order_id:
        return [["cancel", command.order_id]]
    if command.symbols:
        return [["cancel", symbol] for symbol in command.symbols]
    return [["cancel", "--all"]]


def _halt(command: Command) -> list[list[str]]:
    argv = ["halt"]
    if command.flatten:
        argv.append("--flatten")
    if command.reduce_only:
        argv.append("--reduce-only")
    return [argv]


def _autopilot(command: Command) -> list[list[str]]:
    if command.autopilot in ("stop", "status"):
        return [["run", command.autopilot]]
    if command.autopilot == "reconcile":
        return [["reconcile", *_since(command)]]
    argv = ["run"]
    if command.autopilot == "replay":
        if not command.lookback_days:
            raise UserInputError("say how far back to replay (e.g. replay the autopilot on "
                                 "btc over the last 30 days)")
        argv += ["--replay", *_since(command)]
    if command.symbols:
        argv += ["--watchlist", ",".join(command.symbols)]
    if command.strategy:
        argv += ["--mode", f"strategy:{command.strategy}"]
    for flag, value in (("--stop-loss", command.stop_loss_pct),
                        ("--take-profit", command.take_profit_pct)):
        if value is not None:
            argv += [flag, number(value)]
    return [[*argv, *_timeframe(command)]]


def _since(command: Command) -> list[str]:
    """``--since`` the first day of the last ``lookback_days`` days (UTC), when asked."""
    if not command.lookback_days:
        return []
    from datetime import UTC, datetime, timedelta

    first = datetime.now(UTC).date() - timedelta(days=command.lookback_days)
    return ["--since", first.isoformat()]


def _risk(command: Command) -> list[list[str]]:
    if command.setting is None:
        return [["risk", "show"]]
    if command.value is None:
        raise UserInputError(f"say a value for {command.setting}")
    return [["risk", "set", command.setting, number(command.value)]]


def _alert(command: Command) -> list[list[str]]:
    if command.condition is None or command.price is None:
        raise UserInputError("say a price and above or below (e.g. alert me when btc is above 70k)")
    return [["alert", symbol, f"--{command.condition}", number(command.price)]
            for symbol in _need_symbols(command, "watch")]


def _research(command: Command) -> list[list[str]]:
    if command.strategy is None:
        raise UserInputError(f"say which strategy to {command.intent} (e.g. sma_cross, rsi)")
    symbols = _need_symbols(command, command.intent)
    options = [*_timeframe(command)]
    if command.lookback_days is not None:
        options += ["--days", str(command.lookback_days)]
    for name, value in command.params.items():
        options += ["--param", f"{name}={number(value)}"]
    if command.portfolio:
        options += ["--portfolio"]
        if command.max_open is not None:
            options += ["--max-open", str(command.max_open)]
    if command.intent == "backtest":
        for flag, value in (("--stop-loss", command.stop_loss_pct),
                            ("--take-profit", command.take_profit_pct)):
            if value is not None:
                options += [flag, number(value)]
        return [["backtest", command.strategy, *symbols, *options]]
    if command.method:
        options += ["--method", command.method]
    if command.trials is not None:
        options += ["--trials", str(command.trials)]
    if command.portfolio:
        return [["optimize", command.strategy, *symbols, *options]]
    return [["optimize", command.strategy, symbol, *options] for symbol in symbols]


def _orders(command: Command) -> list[list[str]]:
    return [["orders", *command.symbols[:1]]]


def _dashboard(command: Command) -> list[list[str]]:
    symbols = [arg for symbol in command.symbols for arg in ("--symbol", symbol)]
    return [["dashboard", *symbols, *_timeframe(command)]]


def _plain(name: str) -> Callable[[Command], list[list[str]]]:
    return lambda _command: [[name]]


_BUILDERS: dict[str, Callable[[Command], list[list[str]]]] = {
    "analyze": _analyze,
    "signals": _signals,
    "news": _news,
    "trade": _trade,
    "cancel": _cancel,
    "orders": _orders,
    "positions": _plain("positions"),
    "balance": _plain("balance"),
    "halt": _halt,
    "autopilot": _autopilot,
    "resume": _plain("resume"),
    "status": _plain("status"),
    "risk": _risk,
    "alert": _alert,
    "backtest": _research,
    "optimize": _research,
    "dashboard": _dashboard,
}
