"""The LLM port over the real ``openai`` client: OpenAI itself or any compatible server."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

from volex.errors import LLMError
from volex.ports import TokenUsage

if TYPE_CHECKING:
    from pydantic import BaseModel

__all__ = ["OpenAILLM"]

ModelT = TypeVar("ModelT", bound="BaseModel")
_FENCE = re.compile(r"^\s*```(?:json)?\s*(.*?)\s*```\s*$", re.DOTALL)
# Servers that need no key (llama.cpp, vLLM, Ollama) still get one: the client insists.
_NO_KEY = "not-needed"


class OpenAILLM:
    """Structured answers from an OpenAI-compatible chat-completions endpoint.

    Every ``openai`` error becomes an ``LLMError`` naming the server and what went wrong,
    never the key. The client is built on first use, so importing this module is cheap.
    """

    name = "openai"

    def __init__(
        self,
        model: str = "gpt-4o-mini",
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout_s: float = 8.0,
        max_retries: int = 0,
        temperature: float = 0.0,
    ) -> None:
        self.model = model
        self.base_url = base_url
        self.timeout_s = timeout_s
        self.max_retries = max_retries
        self.temperature = temperature
        self._api_key = api_key
        self._client: Any = None

    @property
    def where(self) -> str:
        """Host of the server (for messages): 'api.openai.com' or '127.0.0.1:8000'."""
        return urlsplit(self.base_url).netloc if self.base_url else "api.openai.com"

    def __repr__(self) -> str:
        return f"OpenAILLM(model={self.model!r}, base_url={self.base_url!r})"

    def client(self) -> Any:
        """The ``openai.OpenAI`` client (built once)."""
        if self._client is None:
            import os

            import openai

            key = self._api_key or os.environ.get("OPENAI_API_KEY")
            if not key and self.base_url is None:
                raise LLMError("no OpenAI API key: set OPENAI_API_KEY or store the 'openai' secret")
            self._client = openai.OpenAI(
                api_key=key or _NO_KEY,
                base_url=self.base_url,
                timeout=self.timeout_s,
                max_retries=self.max_retries,
            )
        return self._client

    def complete_json(
        self, system: str, user: str, schema: type[ModelT]
    ) -> tuple[ModelT | None, TokenUsage]:
        """Ask for an answer in ``schema``'s JSON schema and validate it with ``schema``."""
        import openai
        from pydantic import ValidationError

        response_format = {
            "type": "json_schema",
            "json_schema": {
                "name": schema.__name__,
                "schema": _object_root(schema.model_json_schema()),
                "strict": False,
            },
        }
        try:
            response = self.client().chat.completions.create(
                model=self.model,
                messages=[{"role": "system", "content": system}, {"role": "user", "content": user}],
                temperature=self.temperature,
                response_format=response_format,
            )
        except openai.OpenAIError as exc:
            raise LLMError(self._describe(exc)) from exc
        usage = _usage(response)
        try:
            choice = response.choices[0].message
        except (AttributeError, IndexError, TypeError) as exc:
            raise LLMError(f"LLM at {self.where} sent no answer") from exc
        if getattr(choice, "refusal", None):
            raise LLMError(f"LLM at {self.where} refused: {str(choice.refusal)[:120]}")
        content = _unfenced(choice.content or "")
        if not content.strip():
            raise LLMError(f"LLM at {self.where} sent an empty answer")
        try:
            return schema.model_validate(json.loads(content)), usage
        except (json.JSONDecodeError, ValidationError) as exc:
            raise LLMError(
                f"LLM at {self.where} answered outside the {schema.__name__} schema: "
                f"{_first_problem(exc)}"
            ) from exc

    def _describe(self, exc: Exception) -> str:
        import openai

        where = self.where
        if isinstance(exc, openai.APITimeoutError):  # before APIConnectionError, its parent
            return f"LLM at {where} did not answer within {self.timeout_s:g}s"
        if isinstance(exc, openai.APIConnectionError):
            return f"cannot reach the LLM at {where}"
        if isinstance(exc, openai.APIStatusError):
            what = _STATUS_WORDS.get(exc.status_code, "failed with HTTP {status}")
            return f"LLM at {where} " + what.format(status=exc.status_code, model=self.model)
        return f"LLM at {where} failed: {type(exc).__name__}"


_STATUS_WORDS = {
    401: "rejected the API key (HTTP 401)",
    403: "refused access (HTTP 403)",
    404: "does not know model {model!r} (HTTP 404)",
    429: "is rate limiting us (HTTP 429)",
}


def _object_root(schema: dict[str, Any]) -> dict[str, Any]:
    """A recursive model's schema is a bare ``$ref``; APIs want an object at the root."""
    ref = schema.get("$ref", "")
    defs = schema.get("$defs", {})
    name = ref.rsplit("/", 1)[-1]
    if not ref or name not in defs:
        return schema
    return {**defs[name], "$defs": defs}


def _usage(response: Any) -> TokenUsage:
    usage = getattr(response, "usage", None)
    if usage is None:
        return TokenUsage()
    return TokenUsage(
        prompt_tokens=int(getattr(usage, "prompt_tokens", 0) or 0),
        completion_tokens=int(getattr(usage, "completion_tokens", 0) or 0),
    )


def _unfenced(content: str) -> str:
    match = _FENCE.match(content)
    return match.group(1) if match else content


def _first_problem(exc: Exception) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        first = errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ())) or "answer"
        return f"{where}: {first.get('msg', 'invalid')}"
    return "not JSON"
