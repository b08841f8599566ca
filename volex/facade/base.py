"""What every part of the facade shares: settings, the actor, the wired runtime."""

from __future__ import annotations

from typing import Any, Self

from volex.bootstrap import Runtime
from volex.config import Settings, load_settings
from volex.domain.symbols import normalize_symbol

__all__ = ["FacadeBase"]


class FacadeBase:
    """Settings, who acts, and the runtime (adapters and agents built on first use).

    ``actor`` names who acts (cli, shell, dashboard, agent, remote, api) in the audit log.
    Keyword overrides win over config and env (``Volex(exchange="kraken", offline=True)``).
    """

    def __init__(self, settings: Settings | None = None, *, actor: str = "api", live: bool = False,
                 **overrides: Any) -> None:
        self.settings = settings or load_settings(**overrides)
        self.actor = actor
        self.runtime = Runtime(self.settings, live=live)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        self.runtime.close()

    def symbol(self, text: str) -> str:
        """Canonical ``BASE/QUOTE`` for any spelling, with the configured default quote."""
        return normalize_symbol(text, self.settings.quote)
