"""LLM adapters: OpenAI or any OpenAI-compatible server, and the local stand-in."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from volex.config import LLMSettings
    from volex.ports import LLM

__all__ = ["build_llm"]


def build_llm(settings: LLMSettings, api_key: str | None = None) -> LLM:
    """The LLM ``[llm]`` settings ask for: ``provider = "openai"`` (with ``base_url`` for a
    compatible server) or ``"local"``. The key comes from ``api_key`` or OPENAI_API_KEY."""
    if settings.provider == "openai":
        from volex.adapters.llm.openai_llm import OpenAILLM

        return OpenAILLM(
            settings.model,
            api_key=api_key or os.environ.get("OPENAI_API_KEY"),
            base_url=settings.base_url,
            timeout_s=settings.timeout_s,
        )
    from volex.adapters.llm.local import LocalLLM

    return LocalLLM()
