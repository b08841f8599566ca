"""`volex news`: items and sentiment per asset, fetching sources, and the source list.

``volex news BTC ETH`` is ``volex news show BTC ETH``: a first word that is not a
subcommand is a symbol. Everything a source wrote is escaped before Rich sees it.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import typer
from typer.core import TyperGroup

from volex.commands.common import console, json_option, offline_option, print_json, volex

if TYPE_CHECKING:
    from rich.console import RenderableType

    from volex.agents.news import FetchReport
    from volex.domain.news import FearGreed, NewsReport, SentimentSummary

__all__ = ["fear_greed_line", "register", "render_news", "render_sentiment", "when_seen"]


class _DefaultShow(TyperGroup):
    """``volex news [SYMBOL...]`` runs ``show``; ``volex news fetch`` runs ``fetch``."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ("-h", "--help")):
            args = ["show", *args]
        return super().parse_args(ctx, args)


news_app = typer.Typer(cls=_DefaultShow, help="News and sentiment per asset (`volex news BTC`).")
sources_app = typer.Typer(help="The news sources ([research.news] in config).",
                          invoke_without_command=True)


def _age(when: datetime | None, now: datetime) -> str:
    if when is None:
        return "never"
    seconds = max(0, (now - when).total_seconds())
    for size, unit in ((86400, "d"), (3600, "h"), (60, "m")):
        if seconds >= size:
            return f"{int(seconds // size)}{unit} ago"
    return "just now"


def _score(value: float | None) -> str:
    if value is None:
        return "[dim]n/a[/]"
    style = "green" if value >= 0.05 else "red" if value <= -0.05 else "dim"
    return f"[{style}]{value:+.2f}[/]"


def when_seen(summary: SentimentSummary) -> str:
    return _age(summary.newest_seen, summary.as_of)


def fear_greed_line(reading: FearGreed | None) -> str:
    if reading is None:
        return "Fear & Greed: [dim]not fetched yet[/]"
    style = "red" if reading.value < 45 else "green" if reading.value > 55 else "yellow"
    return (f"Fear & Greed: [{style}]{reading.value} {reading.classification}[/] "
            f"[dim]({reading.day:%Y-%m-%d})[/]")


def render_sentiment(summaries: list[SentimentSummary]) -> RenderableType:
    """One row per asset: mean, trend, items and bullish/bearish over 24h and 7d."""
    from rich.table import Table

    table = Table(box=None, padding=(0, 1), show_edge=False)
    table.add_column("Asset", style="cyan")
    for window in ("24h", "7d"):
        table.add_column(f"{window} mean", justify="right")
        table.add_column("trend", justify="right")
        table.add_column("items", justify="right")
        table.add_column("bull/bear", justify="right")
    for summary in summaries:
        cells = [summary.asset]
        for name in ("24h", "7d"):
            w = summary.window(name)
            cells += [_score(w.mean), _score(w.trend), str(w.items), f"{w.bullish}/{w.bearish}"]
        table.add_row(*cells)
    return table


def render_news(report: NewsReport, *, now: datetime | None = None) -> list[RenderableType]:
    from rich.markup import escape
    from rich.panel import Panel
    from rich.table import Table

    now = now or datetime.now(UTC)
    items = Table(box=None, padding=(0, 1), show_edge=False, expand=True)
    items.add_column("When", style="dim", no_wrap=True)
    items.add_column("Source", no_wrap=True, max_width=22)
    items.add_column("Score", justify="right")
    items.add_column("Headline", ratio=1)
    for item in report.items:
        source = escape(item.source) + (f" [dim]+{len(item.also_in)}[/]" if item.also_in else "")
        detail = [f"[bold]{escape(item.title)}[/]"]
        if item.drivers:
            detail.append(f"[dim]{escape(', '.join(item.drivers))}[/]")
        if item.link:
            detail.append(f"[dim blue]{escape(item.link)}[/]")
        items.add_row(_age(item.published_at or item.seen_at, now), source, _score(item.score),
                      "\n".join(detail))
    if not report.items:
        items.add_row("", "", "", "[dim]no stored items in this window[/]")
    hours = round((report.as_of - report.since).total_seconds() / 3600)
    span = f"{hours / 24:.0f}d" if hours >= 48 else f"{max(hours, 1)}h"
    panels: list[RenderableType] = [Panel(items, title=f"News · last {span}", title_align="left")]
    if report.summaries:
        panels.append(Panel(render_sentiment(report.summaries), title="Sentiment (-1 .. +1)",
                            title_align="left"))
    where = "offline: stored items only" if report.offline else "stored items"
    notes = [fear_greed_line(report.fear_greed),
             f"[dim]{where}; last fetch {_age(report.last_fetch, now)}[/]"]
    notes += [f"[yellow]! {escape(name)}: {escape(error)}[/]"
              for name, error in report.problems.items()]
    panels.append("\n".join(notes))
    if report.commentary:
        panels.append(Panel(escape(report.commentary), title=f"Commentary ({report.commentary_by})",
                            title_align="left", border_style="cyan"))
    return panels


@news_app.command("show")
def show(
    ctx: typer.Context,
    symbols: list[str] = typer.Argument(None, help="Assets or markets: BTC, eth, solana, BTC/USDT (default: every item; summaries for the watchlist)."),
    since: str = typer.Option("24h", "--since", help="How far back: 30m 6h 24h 7d 2w, or a date."),
    source: str = typer.Option(None, "--source", help="Only this source (see `volex news sources`)."),
    as_json: bool = json_option("Print JSON."),
    offline: bool = offline_option("Stored items only: no fetch."),
    limit: int = typer.Option(30, "--limit", min=1, max=500, help="At most this many items."),
    commentary: bool = typer.Option(False, "--commentary", help="Add a short commentary by the configured LLM (the local summary without one)."),
) -> None:
    """Latest items per asset with scores and their drivers, sentiment over 24h and 7d, and
    the Fear & Greed index."""
    from volex.commands.orders import parse_since

    report = volex(ctx).news(symbols or None, since=parse_since(since), source=source,
                             offline=offline or None, limit=limit, commentary=commentary)
    if as_json:
        print_json(report.model_dump(mode="json"))
        return
    for part in render_news(report):
        console.print(part)


def _print_fetch(report: FetchReport, as_json: bool) -> None:
    from rich.markup import escape

    if as_json:
        print_json({"at": report.at.isoformat(), "new": report.new, "errors": report.errors,
                    "skipped": report.skipped})
        return
    stamp = f"[dim]{report.at:%Y-%m-%d %H:%M:%S} UTC[/]"
    for name, count in report.new.items():
        console.print(f"{stamp} {escape(name)}: {count} new")
    for error in report.errors.values():  # each error names its source
        console.print(f"{stamp} [yellow]{escape(error)}[/]")
    for name, why in report.skipped.items():
        console.print(f"{stamp} [dim]{escape(name)}: skipped ({escape(why)})[/]")


@news_app.command("fetch")
def fetch(
    ctx: typer.Context,
    symbols: list[str] = typer.Argument(None, help="Assets searched per asset (Reddit); default: the watchlist."),
    source: str = typer.Option(None, "--source", help="Only this source."),
    watch: bool = typer.Option(False, "--watch", help="Keep fetching every --every minutes; Ctrl-C stops."),
    every: float = typer.Option(None, "--every", min=0.01, help="Minutes between fetches with --watch (default: research.news.refresh_minutes)."),
    rounds: int = typer.Option(None, "--rounds", hidden=True, min=1, help="Stop --watch after N fetches."),
    as_json: bool = json_option("One JSON line per fetch."),
) -> None:
    """Read every configured source now and store what is new (with the time it was seen)."""
    app = volex(ctx)
    interval = 60 * (every or app.settings.research.news.refresh_minutes)
    done = 0
    try:
        while True:
            _print_fetch(app.fetch_news(symbols or None, source=source), as_json)
            done += 1
            if not watch or (rounds and done >= rounds):
                return
            time.sleep(interval)
    except KeyboardInterrupt:
        return


@sources_app.callback()
def sources(ctx: typer.Context,
            as_json: bool = json_option("Print JSON.")) -> None:
    """List the sources with their kind, state and last fetch."""
    if ctx.invoked_subcommand is not None:
        return
    from rich.markup import escape
    from rich.table import Table

    states = volex(ctx).news_sources()
    if as_json:
        print_json([s.model_dump(mode="json") for s in states])
        return
    now = datetime.now(UTC)
    table = Table(box=None, padding=(0, 2), show_edge=False, expand=True)
    for column in ("Name", "Kind", "State", "Last ok"):
        table.add_column(column, no_wrap=True)
    table.add_column("URL", no_wrap=True, overflow="ellipsis", ratio=1)
    notes = []
    for s in states:
        failing = s.last_error_at and (s.last_ok is None or s.last_error_at > s.last_ok)
        if not s.enabled:
            state = "[dim]skipped[/]"
            notes.append(f"[dim]{escape(s.name)}: {escape(s.note or '')}[/]")
        elif failing:
            state = f"[yellow]failing[/] [dim]{_age(s.last_error_at, now)}[/]"
            notes.append(f"[yellow]! {escape(s.last_error or '')}[/]")
        else:
            state = f"ok, {s.items} new" if s.last_ok else "[dim]not fetched yet[/]"
        table.add_row(escape(s.name), s.kind, state, _age(s.last_ok, now), escape(s.url))
    console.print(table)
    for note in notes:
        console.print(note)


@sources_app.command("add")
def add(ctx: typer.Context,
        url: str = typer.Argument(..., help="Feed URL (Reddit: a search URL with {query})."),
        name: str = typer.Option(None, "--name", help="Name to show (default: from the host)."),
        kind: str = typer.Option("rss", "--kind", help="rss, reddit or cryptopanic.")) -> None:
    """Add a source to [research.news] in config.toml."""
    from volex.errors import UserInputError

    if kind not in ("rss", "reddit", "cryptopanic"):
        raise UserInputError(f"bad --kind {kind!r}; use rss, reddit or cryptopanic")
    added = volex(ctx).add_news_source(url, name=name, kind=kind)
    console.print(f"added news source {added!r} ({kind})", markup=False)


@sources_app.command("remove")
def remove(ctx: typer.Context, name: str = typer.Argument(..., help="The source's name.")) -> None:
    """Remove a source from [research.news] (its stored items stay)."""
    volex(ctx).remove_news_source(name)
    console.print(f"removed news source {name!r}", markup=False)


def register(app: typer.Typer) -> None:
    news_app.add_typer(sources_app, name="sources")
    app.add_typer(news_app, name="news")
