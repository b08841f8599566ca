"""News sources behind the ``NewsSource`` port: RSS/Atom, Reddit, CryptoPanic, Fear & Greed.

Every adapter fetches over httpx (a timeout on each request, a size cap on each answer) and
only then parses; feedparser never fetches a URL itself. ``build_source`` picks the adapter
for a configured source.
"""

from __future__ import annotations

from volex.adapters.news.sources import build_source

__all__ = ["build_source"]
