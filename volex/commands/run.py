"""`volex run`: the autopilot. Start it (headless), ask what it does, stop it, read its log."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from volex.commands.common import (
    console,
    err_console,
    json_option,
    live_option,
    offline_option,
    print_json,
    timeframe_option,
    volex,
    yes_option,
)
from volex.commands.portfolio_options import (
    MaxAssetPct,
    MaxExposurePct,
    MaxOpen,
    PortfolioFlag,
    PortfolioOptions,
    Stake,
    StakeAmount,
    portfolio_rules,
)
from volex.commands.strategy import EntryPercent, EntryStopLoss, EntryTakeProfit, FileOption

if TYPE_CHECKING:
    from volex.adapters.storage.autopilot import BarRecord

__all__ = ["register"]

run_app = typer.Typer(help="The autopilot: trade the watchlist on every closed bar, unattended.",
                      invoke_without_command=True)

_STYLE = {"buy": "green", "sell": "red", "blocked": "bold red", "failed": "bold red",
          "missed": "yellow"}


def _mode(mode: str, strategy: str | None) -> tuple[str, str | None]:
    """``signals``, ``strategy`` with --strategy NAME, or ``strategy:NAME``."""
    kind, _, name = mode.partition(":")
    return kind.strip().lower(), (name.strip() or strategy)


def bar_line(record: BarRecord) -> str:
    """One line per bar handled: when, market, what was decided and done, and why."""
    data = record.to_dict()
    style = _STYLE.get(record.action, "dim" if record.action in ("hold", "no change") else "")
    return (f"{data['bar'][:16].replace('T', ' ')} {record.symbol} {record.timeframe} · "
            f"[{style}]{record.action}[/] {record.detail}")


@run_app.callback()
def run(
    ctx: typer.Context,
    watchlist: Annotated[str | None, typer.Option(
        "--watchlist", "-w", help="Markets, comma-separated (default: the configured watchlist).")
    ] = None,
    timeframe: str | None = timeframe_option("Bar length (default: the configured timeframe)."),
    mode: Annotated[str, typer.Option(
        "--mode", help="signals (the signal agent's calls) or strategy (with --strategy NAME, "
        "or strategy:NAME).")] = "signals",
    strategy: Annotated[str | None, typer.Option(
        "--strategy", help="The strategy whose targets --mode strategy trades.")] = None,
    param: Annotated[list[str] | None, typer.Option(
        "--param", "-p", help="Strategy parameter NAME=VALUE (repeatable).")] = None,
    quote: Annotated[str | None, typer.Option(
        "--quote", help="Size of each entry in the quote currency (default: the allocator's "
        "stake under the risk limits).")
    ] = None,
    percent: EntryPercent = None,
    stop_loss: EntryStopLoss = None,
    take_profit: EntryTakeProfit = None,
    data: Annotated[list[Path] | None, typer.Option(
        "--data", help="Candles from CSV/Parquet files, one per market (paper only).")] = None,
    replay: Annotated[bool, typer.Option(
        "--replay", help="Run on history instead: a simulated clock through the paper venue, "
        "in a private store (fills at the next bar's open, as the backtest).")] = False,
    since: Annotated[str | None, typer.Option(
        "--since", help="Replay from this date (UTC).")] = None,
    until: Annotated[str | None, typer.Option(
        "--until", help="Replay up to this date (UTC).")] = None,
    cash: Annotated[float | None, typer.Option(
        "--cash", help="Replay's starting cash, split equally across markets.")] = None,
    portfolio: PortfolioFlag = False,
    max_open: MaxOpen = None,
    stake: Stake = None,
    stake_amount: StakeAmount = None,
    max_asset_pct: MaxAssetPct = None,
    max_exposure_pct: MaxExposurePct = None,
    standby: Annotated[bool, typer.Option(
        "--standby", help="If another autopilot runs, wait and take over when it stops.")
    ] = False,
    live: bool = live_option('Trade live (needs trading.mode = "live").'),
    offline: bool = offline_option("Candles and prices from the cache or the bundled sample only."),
    file: FileOption = None,
    yes: bool = yes_option("Start without asking."),
    as_json: bool = json_option("One JSON object per bar handled."),
) -> None:
    """Start the autopilot: on every newly closed bar of each market, research, decide,
    size, check risk, execute, protect. Paper unless --live. `volex run stop` stops it."""
    if ctx.invoked_subcommand is not None:
        return
    from volex.commands.common import confirm
    from volex.errors import Cancelled
    from volex.strategies.base import parse_param_args

    kind, name = _mode(mode, strategy)
    overrides = {k: v for k, v in (("offline", offline or None), ("live", live or None)) if v}
    app = volex(ctx, **overrides)
    out = err_console if as_json else console
    options = PortfolioOptions(portfolio, max_open, stake, stake_amount, max_asset_pct,
                               max_exposure_pct)
    if replay:
        ignored = [flag for flag, value in (("--quote", quote), ("--percent", percent),
                                            ("--standby", standby)) if value]
        if ignored:
            from volex.errors import UserInputError

            # a replay sizes as the backtest does: a size it ignored silently would show
            # results the trader did not ask for
            verb = "does" if len(ignored) == 1 else "do"
            raise UserInputError(f"{', '.join(ignored)} {verb} not apply to --replay, which "
                                 "sizes as the backtest does (a sleeve per market, or "
                                 "--portfolio's stakes)")
        from volex.domain.orders import entry_size

        _, _, stop, target = entry_size(None, None, stop_loss, take_profit)
        _replay(app, watchlist, timeframe, kind, name, parse_param_args(param), data, since,
                until, cash, file, as_json, live, portfolio_rules(app, options),
                None if stop is None else float(stop), None if target is None else float(target))
        return
    if since or until or cash is not None or portfolio or options.given:
        from volex.errors import UserInputError

        raise UserInputError("--since, --until, --cash and --portfolio go with --replay "
                             "(live, the risk limits size entries: volex risk)")

    def on_bar(record: BarRecord) -> None:
        if as_json:
            print_json(record.to_dict())
        else:
            console.print(bar_line(record))

    pilot = app.prepare_autopilot(
        watchlist=watchlist.split(",") if watchlist else None, timeframe=timeframe, mode=kind,
        strategy=name, params=parse_param_args(param), quote=quote, percent=percent,
        stop_loss=stop_loss, take_profit=take_profit, data=data, file=file, on_bar=on_bar)
    if not standby:
        pilot.lease.check_free()
    info = pilot.info
    out.print(f"autopilot · {info['decider']} on [bold]{', '.join(info['watchlist'])}[/] "
              f"{info['timeframe']} · {info['mode'].upper()} · account {pilot.lease.account}")
    if not confirm(f"Let the autopilot send {info['mode'].upper()} orders on its own?", yes):
        raise Cancelled("not started (not confirmed)")

    def waiting(row: dict[str, Any]) -> None:
        from volex.autopilot.lease import describe_holder

        out.print(f"standing by: the autopilot of {describe_holder(row)} holds the lease")

    import signal

    def terminate(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt  # systemd's stop: end the step, give the lease back

    signal.signal(signal.SIGTERM, terminate)
    if not pilot.start(standby=standby, on_wait=waiting):
        return
    out.print(f"running (pid {pilot.lease.holder.pid}); stop it with `volex run stop`")
    with app.watch_beside():  # notifications, detectors, the dead man's switch ([monitor])
        outcome = pilot.run()
    out.print(f"autopilot ended: {outcome.ended} ({outcome.bars} bars handled)")


def _replay(app: Any, watchlist: str | None, timeframe: str | None, kind: str,
            name: str | None, params: dict[str, Any], data: list[Path] | None,
            since: str | None, until: str | None, cash: float | None, file: Path | None,
            as_json: bool, live: bool, rules: Any, stop_loss_pct: float | None,
            take_profit_pct: float | None) -> None:
    """`volex run --replay`: the autopilot on history; the backtest's JSON shape."""
    from volex.commands.backtest import metrics_table
    from volex.errors import UserInputError

    if live:
        raise UserInputError("--replay runs on the paper venue; it cannot trade live")
    if not data and not (since or until):
        raise UserInputError("--replay needs --data FILE... or --since/--until")
    report = app.replay_autopilot(
        watchlist=watchlist.split(",") if watchlist else None, timeframe=timeframe, mode=kind,
        strategy=name, params=params, data=data, since=since, until=until, cash=cash,
        file=file, rules=rules, stop_loss_pct=stop_loss_pct, take_profit_pct=take_profit_pct)
    if as_json:
        notes = [f"{symbol}: {problem}" for symbol, problem in report.problems.items()]
        if report.portfolio is not None:  # the shape of `volex backtest --portfolio --json`
            print_json({**report.portfolio.to_dict(), "sources": {}})
            return
        payload = [{**r.to_dict(), "bars": len(r.timestamps), "notes": notes}
                   for r in report.results]
        print_json(payload[0] if len(payload) == 1 else payload)
        return
    for symbol, problem in report.problems.items():
        err_console.print(f"[red]{symbol}[/]: {problem}")
    console.print(metrics_table(f"{report.results[0].strategy} autopilot replay",
                                [(r.symbol, r.metrics) for r in report.results]))
    console.print(f"{report.bars_handled} bars handled · final equity "
                  f"{report.final_equity:,.2f}")


@run_app.command("status")
def status(ctx: typer.Context, as_json: bool = json_option("Print JSON.")) -> None:
    """Is the autopilot running, where, its heartbeat, bars, positions and last decisions."""
    state = volex(ctx).autopilot_status()
    if as_json:
        print_json(state)
        return
    console.print(status_text(state))


def status_text(state: dict[str, Any]) -> str:
    """The status as a few lines of text (also used by `volex status`)."""
    from volex.autopilot.lease import describe_setup

    lines = [f"autopilot on {state['account']}: [bold]{state['status']}[/]"]
    if "host" in state:
        lines.append(f"  host {state['host']} pid {state['pid']} · since {state['since'][:19]} · "
                     f"heartbeat {state['heartbeat'][:19]} ({state['heartbeat_age_s']}s ago)")
        lines.append(f"  {describe_setup(state)}")
        for symbol, problem in (state.get("problems") or {}).items():
            lines.append(f"  [red]{symbol} skipped[/]: {problem}")
    for market in state.get("markets", []):
        lines.append(f"  last bar {market['symbol']} {market['bar'][:16]} · {market['action']}")
    for position in state.get("positions", []):
        lines.append(f"  holding {position['amount']} {position['symbol']} "
                     f"(entry {position['entry_price']})")
    if state.get("pnl_today") is not None:
        lines.append(f"  today's PnL {state['pnl_today']}")
    decisions = state.get("decisions", [])
    if decisions:
        lines.append("  last decisions:")
        lines.extend(f"    {d['bar'][:16]} {d['symbol']} {d['action']}: {d['detail']}"
                     for d in decisions)
    return "\n".join(lines)


@run_app.command("stop")
def stop(ctx: typer.Context) -> None:
    """Ask the autopilot to stop after its current step (positions and stops are kept)."""
    if volex(ctx).stop_autopilot():
        console.print("asked the autopilot to stop; it finishes its current step first")
    else:
        console.print("no autopilot is running on this account")


@run_app.command("logs")
def logs(ctx: typer.Context, lines: Annotated[int, typer.Option(
        "--lines", "-n", help="How many lines.")] = 40) -> None:
    """The autopilot's recent log lines (from $VOLEX_HOME/logs)."""
    from collections import deque

    from volex.logging_setup import log_file

    path = log_file(volex(ctx).settings.home)
    if not path.exists():
        console.print("no log yet")
        return
    with path.open(encoding="utf-8", errors="replace") as handle:
        tail = deque((line.rstrip("\n") for line in handle if " volex.autopilot" in line), lines)
    for line in tail:
        console.print(line, markup=False)


def register(app: typer.Typer) -> None:
    app.add_typer(run_app, name="run")
