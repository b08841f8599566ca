"""`volex data`: fetch candles into the cache, import files, list what is cached."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import typer

from volex.commands.common import (
    console,
    exchange_option,
    json_option,
    print_json,
    timeframe_option,
    volex,
)
from volex.errors import UserInputError

__all__ = ["register"]

data_app = typer.Typer(help="Fetch, import and list cached candles.", no_args_is_help=True)


def _date(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise UserInputError(f"bad date {text!r}; use YYYY-MM-DD or an ISO timestamp") from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _when(ms: int) -> str:
    return f"{datetime.fromtimestamp(ms / 1000, UTC):%Y-%m-%d %H:%M}"


@data_app.command("fetch")
def fetch(
    ctx: typer.Context,
    symbol: str = typer.Argument(..., help="Symbol, e.g. BTC/USDT."),
    timeframe: str = timeframe_option(),
    since: str = typer.Option(None, "--since", help="First day to fetch (YYYY-MM-DD); default: the last 1,000 bars."),
    exchange: str = exchange_option("ccxt exchange id."),
) -> None:
    """Download candles from the exchange into the cache (only what is missing)."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    app = volex(ctx)
    start = _date(since)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn("bars"),
                  TimeRemainingColumn(), console=console, transient=True) as progress:
        task = progress.add_task(f"fetching {symbol}", total=None)
        market, rows = app.fetch_data(symbol, timeframe, since=start, exchange=exchange,
                                      progress=lambda done, total: progress.update(task, completed=done, total=total))
    console.print(f"cached {rows:,} bars of {market} from {exchange or app.settings.exchange}")


@data_app.command("import")
def import_(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="CSV or Parquet file: timestamp,open,high,low,close,volume."),
    symbol: str = typer.Option(..., "--symbol", "-s", help="Symbol the candles belong to."),
    timeframe: str = timeframe_option("Bar length of the file.", required=True),
    exchange: str = exchange_option("Cache them under this exchange (default from config)."),
) -> None:
    """Store a candle file in the cache, so analyze and backtest can use it offline."""
    rows = volex(ctx).import_data(file, symbol, timeframe, exchange=exchange)
    console.print(f"imported {rows:,} bars of {volex(ctx).symbol(symbol)} {timeframe}")


@data_app.command("list")
def list_(ctx: typer.Context, as_json: bool = json_option()) -> None:
    """What the cache holds: each series with its range, size and gaps."""
    from rich.table import Table

    series = volex(ctx).cached_data()
    if as_json:
        print_json([{"exchange": s.exchange, "symbol": s.symbol, "timeframe": s.timeframe,
                     "first": _when(s.first_ts), "last": _when(s.last_ts), "bars": s.bars,
                     "gaps": len(s.gaps), "missing_bars": s.missing_bars} for s in series])
        return
    if not series:
        console.print("the cache is empty: `volex data fetch SYMBOL` or `volex data import FILE` fills it")
        return
    table = Table("Exchange", "Symbol", "TF", "First", "Last", "Bars", "Gaps")
    for s in series:
        gaps = f"{len(s.gaps)} ({s.missing_bars:,} bars missing)" if s.gaps else "none"
        table.add_row(s.exchange, s.symbol, s.timeframe, _when(s.first_ts), _when(s.last_ts),
                      f"{s.bars:,}", gaps)
    console.print(table)


def register(app: typer.Typer) -> None:
    app.add_typer(data_app, name="data")
