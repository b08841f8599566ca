"""The local LLM stand-in: deterministic, offline, and without opinions unless given some."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from volex.ports import TokenUsage

if TYPE_CHECKING:
    from pydantic import BaseModel

__all__ = ["LocalLLM"]

ModelT = TypeVar("ModelT", bound="BaseModel")
Responder = Callable[[str, str, type], "BaseModel | None"]


class LocalLLM:
    """The embedded default: answers ``None`` ("no opinion") to everything.

    A ``responder(system, user, schema)`` can be given to answer deterministically (tests,
    demos); whatever it returns is validated against ``schema`` like a real model's answer.
    """

    name = "local"

    def __init__(self, responder: Responder | None = None) -> None:
        self._responder = responder

    def complete_json(
        self, system: str, user: str, schema: type[ModelT]
    ) -> tuple[ModelT | None, TokenUsage]:
        if self._responder is None:
            return None, TokenUsage()
        answer = self._responder(system, user, schema)
        if answer is None:
            return None, TokenUsage()
        return schema.model_validate(answer.model_dump()), TokenUsage()
