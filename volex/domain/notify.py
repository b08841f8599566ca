"""Notification channels: where a person is told, about what, and how loudly."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["MODES", "Channel", "Delivery"]

MODES = ("on", "silent", "off")


@dataclass(frozen=True)
class Channel:
    """One place to notify (its URL lives in the secret store, never here).

    ``modes`` maps an event kind to ``on`` or ``silent``; a kind not in it is off. Events
    below ``level`` (info < warning < critical) are not sent.
    """

    name: str
    service: str
    modes: dict[str, str] = field(default_factory=dict)
    level: str = "info"
    last_sent_ms: int | None = None

    def mode(self, kind: str) -> str:
        return self.modes.get(kind, "off")


@dataclass(frozen=True)
class Delivery:
    """One queued notification in the outbox."""

    id: int
    channel: str
    kind: str
    level: str
    silent: bool
    title: str
    body: str
    attempts: int
