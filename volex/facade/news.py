"""News and sentiment: fetch the configured sources, read items and summaries as of a time,
and change the source list (``[research.news]`` in config.toml)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from volex.errors import UserInputError
from volex.facade.base import FacadeBase

if TYPE_CHECKING:
    from volex.agents.news import FetchReport
    from volex.domain.news import NewsReport, SentimentSummary, SourceState

__all__ = ["NewsFacade"]


class NewsFacade(FacadeBase):
    """News and sentiment from the store, refreshed from the sources when due."""

    def _assets(self, symbols: list[str] | None) -> list[str]:
        names = [self.symbol(s) for s in symbols] if symbols else list(self.settings.watchlist)
        return list(dict.fromkeys(n.split("/")[0] for n in names))

    def _check_source(self, source: str | None) -> None:
        known = [s.name for s in self.settings.research.news.sources]
        if source and source.lower() not in {k.lower() for k in known}:
            raise UserInputError(f"no news source {source!r}; known: {', '.join(known)}")

    def news(self, symbols: list[str] | None = None, *, since: datetime | None = None,
             source: str | None = None, offline: bool | None = None,
             limit: int = 30, commentary: bool = False) -> NewsReport:
        """The latest items about ``symbols`` (all items when none) and each asset's sentiment
        (the watchlist's when none). Fetches first when the last fetch is older than
        ``refresh_minutes``, unless offline; a failing source is reported, never fatal.
        ``commentary`` adds a short commentary by the configured LLM (the local summary
        without one; offline, always the local one)."""
        self._check_source(source)
        offline = self.settings.offline if offline is None else offline
        agent = self.runtime.news
        problems: dict[str, str] = {}
        if not offline and agent.due():
            fetched = agent.fetch(self._assets(symbols))
            problems = fetched.errors
        now = datetime.now(UTC)
        assets = self._assets(symbols)
        report = agent.report(assets if symbols else [], since or now - timedelta(hours=24),
                              as_of=now, source=source, offline=offline, limit=limit,
                              problems=problems)
        if not symbols:
            report.summaries = [agent.summary(a, now) for a in assets]
        if commentary:
            from volex.adapters.llm.local import LocalLLM
            from volex.agents.news_commentary import commentary as write

            report.commentary, report.commentary_by = write(
                LocalLLM() if offline else self.runtime.llm, report)
        return report

    def fetch_news(self, symbols: list[str] | None = None, *,
                   source: str | None = None) -> FetchReport:
        """Read every configured source now (or the one named) into the store."""
        self._check_source(source)
        return self.runtime.news.fetch(self._assets(symbols), only=source)

    def sentiment(self, symbol: str, as_of: datetime | None = None) -> SentimentSummary:
        """One asset's stored sentiment as of a time (now by default); never fetches."""
        return self.runtime.news.summary(self._assets([symbol])[0], as_of or datetime.now(UTC))

    def news_sources(self) -> list[SourceState]:
        """The configured sources, with how their last fetch went."""
        from volex.domain.news import SourceState

        states = self.runtime.store.news.source_states()
        _, skipped = self.runtime.news_sources()
        out = []
        for source in self.settings.research.news.sources:
            state = states.get(source.name, {})
            out.append(SourceState(name=source.name, kind=source.kind, url=source.url,
                                   enabled=source.name not in skipped,
                                   note=skipped.get(source.name), **state))
        return out

    def add_news_source(self, url: str, *, name: str | None = None, kind: str = "rss") -> str:
        """Add a source to ``[research.news] sources``; returns its name."""
        from urllib.parse import urlsplit

        host = urlsplit(url).hostname or ""
        name = name or (host.removeprefix("www.").split(".")[0].capitalize() or "Feed")
        sources = [s.model_dump() for s in self.settings.research.news.sources]
        if any(s["name"].lower() == name.lower() for s in sources):
            raise UserInputError(f"a news source named {name!r} exists; pick another --name")
        self._write_sources([*sources, {"name": name, "kind": kind, "url": url}],
                            "news.source.add", name)
        return name

    def remove_news_source(self, name: str) -> None:
        """Take a source out of ``[research.news] sources`` (stored items stay)."""
        self._check_source(name)
        sources = [s.model_dump() for s in self.settings.research.news.sources
                   if s.name.lower() != name.lower()]
        self._write_sources(sources, "news.source.remove", name)

    def _write_sources(self, sources: list[dict], action: str, name: str) -> None:
        from pydantic import ValidationError

        from volex.config import Settings, read_config_file, write_config_file

        data = read_config_file()
        data.setdefault("research", {}).setdefault("news", {})["sources"] = sources
        try:
            Settings.model_validate(data)
        except ValidationError as exc:
            err = exc.errors()[0]
            raise UserInputError(f"bad news source: {err['loc'][-1]}: {err['msg']}") from None
        write_config_file(data)
        self.runtime.store.audit.record(self.actor, action, name, details={"sources": len(sources)})
