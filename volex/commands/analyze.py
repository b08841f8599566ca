"""`volex analyze`: market, indicators in plain words, a verdict, and where the data came from."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from volex.commands.common import (
    console,
    exchange_option,
    json_option,
    offline_option,
    print_json,
    timeframe_option,
    volex,
)
from volex.commands.halt import show_halt_banner

if TYPE_CHECKING:
    from rich.console import RenderableType

    from volex.domain.analysis import Analysis
    from volex.domain.news import SentimentSummary
    from volex.facade import Volex

__all__ = ["register", "render_analysis"]

_ACTION_STYLE = {"buy": "bold green", "sell": "bold red", "hold": "bold yellow"}


def _num(value: float | None, digits: int = 2, suffix: str = "") -> str:
    if value is None:
        return "n/a"
    if abs(value) < 1 and not suffix:
        return f"{value:.6g}"
    return f"{value:,.{digits}f}{suffix}"


def _pct(value: float | None) -> str:
    if value is None:
        return "[dim]n/a[/]"
    style = "green" if value > 0 else "red" if value < 0 else ""
    return f"[{style}]{value:+.2f}%[/]" if style else f"{value:+.2f}%"


def render_analysis(result: Analysis) -> list[RenderableType]:
    """Rich panels for one analysis: market, indicators, verdict, data source."""
    from rich.panel import Panel
    from rich.table import Table

    m = result.market
    market = Table.grid(padding=(0, 2))
    market.add_row("Last close", f"[bold]{_num(m.last_close)}[/]", "24h", _pct(m.change_pct_24h),
                   "7d", _pct(m.change_pct_7d))
    market.add_row("24h high", _num(m.high_24h), "24h low", _num(m.low_24h), "24h volume",
                   _num(m.volume_24h, 2))
    indicators = Table(show_edge=False, box=None, padding=(0, 2))
    indicators.add_column("Indicator", style="cyan")
    indicators.add_column("Value", justify="right")
    indicators.add_column("Reading")
    for reading in result.readings:
        mark = "[green]▲[/]" if reading.vote > 0 else "[red]▼[/]" if reading.vote < 0 else "[dim]•[/]"
        indicators.add_row(reading.indicator, reading.value, f"{mark} {reading.meaning}")
    verdict = result.verdict
    style = _ACTION_STYLE[verdict.action]
    reasons = "\n".join(f"  - {r}" for r in verdict.reasons)
    verdict_text = f"[{style}]{verdict.action.upper()}[/]  score {verdict.score:+.2f}\n{reasons}"
    source = f"Data: {result.source.describe()}"
    notes = "".join(f"\n[yellow]! {n}[/]" for n in result.notes)
    title = f"{result.symbol} · {result.timeframe} · as of {result.as_of:%Y-%m-%d %H:%M} UTC"
    return [
        Panel(market, title=f"[bold]{title}[/]", title_align="left"),
        Panel(indicators, title="Indicators", title_align="left"),
        Panel(verdict_text, title="Technical verdict", title_align="left", border_style=style),
        Panel(source + notes, title="Source", title_align="left", border_style="dim"),
    ]


def analyze(
    ctx: typer.Context,
    symbols: list[str] = typer.Argument(..., help="One or more symbols: BTC/USDT, BTCUSDT, btc-usdt, bitcoin, eth."),
    timeframe: str = timeframe_option("Bar length: 1m 5m 15m 30m 1h 2h 4h 6h 12h 1d 1w (default from config, 1d)."),
    exchange: str = exchange_option("ccxt exchange id (default from config, binance)."),
    data: Path = typer.Option(None, "--data", help="Analyse a CSV or Parquet candle file instead; SYMBOL is then a label."),
    offline: bool = offline_option(),
    as_json: bool = json_option("Print JSON: one object per symbol, a list for several."),
    ai: bool = typer.Option(True, "--ai/--no-ai", help="Add the AI section when a trained model exists (never trains; see `volex model train`)."),
) -> None:
    """Analyse SYMBOL(s): market, indicators read in plain words, verdict, data source, AI outlook."""
    app = volex(ctx)
    results = [app.analyze(s, timeframe, exchange=exchange, offline=offline or None, data=data)
               for s in symbols]
    sections = [_ai_section(app, r, exchange, offline) if ai and data is None else None
                for r in results]
    # Stored news only (never a fetch): analyze stays fast and works offline.
    moods = [app.sentiment(r.symbol) if data is None else None for r in results]
    if as_json:
        payload = [r.to_json_dict() | ({"ai": a} if a is not None else {})
                   | ({"sentiment": m.model_dump(mode="json")} if m is not None else {})
                   for r, a, m in zip(results, sections, moods, strict=True)]
        print_json(payload[0] if len(payload) == 1 else payload)
        return
    show_halt_banner(app)
    for result, section, mood in zip(results, sections, moods, strict=True):
        for panel in render_analysis(result):
            console.print(panel)
        if mood is not None:
            console.print(_render_sentiment(mood))
        if section is not None:
            console.print(_render_ai(section))


def _ai_section(app: Volex, result: Analysis, exchange: str | None, offline: bool) -> dict:
    """The AI section as JSON. Analyze never trains a model (that takes seconds to minutes):
    without a saved model it only says how to train one."""
    from volex.agents.signal import train_hint

    if not app.has_model(result.symbol, result.timeframe):
        return {"available": False, "note": train_hint(result.symbol, result.timeframe),
                "decision": None}
    decision = app.decide(result.symbol, result.timeframe, exchange=exchange,
                          offline=offline or None)
    return {"available": True, "note": None, "decision": decision.model_dump(mode="json")}


def _render_sentiment(mood: SentimentSummary) -> RenderableType:
    from rich.console import Group
    from rich.panel import Panel

    from volex.commands.news import fear_greed_line, render_sentiment, when_seen

    if not any(w.items for w in mood.windows):
        body = (f"[dim]no stored news about {mood.asset} in the last 7 days "
                "(`volex news fetch` collects it)[/]\n" + fear_greed_line(mood.fear_greed))
        return Panel(body, title="Sentiment", title_align="left", border_style="dim")
    notes = f"{fear_greed_line(mood.fear_greed)}\n[dim]newest item seen {when_seen(mood)}[/]"
    return Panel(Group(render_sentiment([mood]), notes), title="Sentiment (news, -1 .. +1)",
                 title_align="left")


def _render_ai(section: dict) -> RenderableType:
    from rich.panel import Panel

    from volex.commands.signals import render_decision
    from volex.domain.signals import Decision

    if section["decision"] is None:
        return Panel(f"[dim]{section['note']}[/]", title="AI outlook", title_align="left",
                     border_style="dim")
    return render_decision(Decision.model_validate(section["decision"]))


def register(app: typer.Typer) -> None:
    app.command("analyze")(analyze)
