"""Secrets from the environment: ``VOLEX_<NAME>_API_KEY``, ``_SECRET``, ``_PASSWORD``, ``_UID``."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping

from volex.adapters.secrets import check_name
from volex.adapters.secrets.redact import SecretValues, remember
from volex.errors import SecretError

__all__ = ["EnvSecretStore"]

# Field -> env suffixes, first match wins (API_SECRET and PASSPHRASE are common spellings).
_SUFFIXES = {"api_key": ("API_KEY",), "secret": ("SECRET", "API_SECRET"),
             "password": ("PASSWORD", "PASSPHRASE"), "uid": ("UID",)}
_KEY_VAR = re.compile(r"^VOLEX_([A-Z0-9_]+?)_(API_KEY|API_SECRET|SECRET)$")


def _prefix(name: str) -> str:
    return "VOLEX_" + re.sub(r"[^A-Z0-9]", "_", check_name(name).upper()) + "_"


class EnvSecretStore:
    """Read-only: the environment belongs to whoever started the process."""

    backend = "env"
    writable = False

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self._environ = environ

    @property
    def environ(self) -> Mapping[str, str]:
        return os.environ if self._environ is None else self._environ

    def __repr__(self) -> str:
        return "EnvSecretStore()"

    def location(self, name: str) -> str:
        return f"env {_prefix(name)}API_KEY"

    def get(self, name: str) -> dict[str, str] | None:
        prefix, env = _prefix(name), self.environ
        values = SecretValues()
        for field, suffixes in _SUFFIXES.items():
            for suffix in suffixes:
                if env.get(prefix + suffix):
                    values[field] = env[prefix + suffix]
                    break
        if not values:
            return None
        remember(values)
        return values

    def set(self, name: str, values: dict[str, str]) -> None:
        raise SecretError(f"the env backend is read-only: export {_prefix(name)}API_KEY and "
                          f"{_prefix(name)}SECRET instead, or choose another backend")

    def delete(self, name: str) -> bool:
        if self.get(name) is not None:
            raise SecretError(f"{name} comes from the environment ({_prefix(name)}*); "
                              "unset those variables to remove it")
        return False

    def names(self) -> list[str]:
        return sorted({m.group(1).lower() for key in self.environ if (m := _KEY_VAR.match(key))})

    def health(self) -> str:
        return f"{len(self.names())} secret(s) in the environment"
