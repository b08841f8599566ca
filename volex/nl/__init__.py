"""The meta-agent's parser: plain English (or CLI-like text) -> a typed ``Command``.

``parse`` is the local, deterministic grammar; ``volex.nl.llm_fallback`` asks an LLM when
the grammar does not understand the text.
"""

from __future__ import annotations

from volex.nl.command import Command
from volex.nl.parser import parse

__all__ = ["Command", "parse"]
