"""Secret stores (env, file, OS keyring, OpenBao/Vault) behind the SecretStore port.

A secret is a name (``binance``) with a few string fields (``api_key``, ``secret`` and, for
some venues, ``password`` or ``uid``). Every store registers the values it reads or writes with
``redact`` so they never reach output, logs or error text.
"""

from __future__ import annotations

import re

from volex.errors import SecretError

__all__ = ["FIELDS", "check_name", "check_values"]

FIELDS = ("api_key", "secret", "password", "uid")
# Short on purpose: exchange ids are, API keys are not (a key pasted as a name is refused).
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")


def check_name(name: str) -> str:
    """The canonical (lower-case) secret name, or SecretError naming what is wrong."""
    canonical = name.strip().lower()
    if not _NAME.match(canonical):
        # The name is not repeated: a key pasted in the wrong place must not be printed back.
        raise SecretError("bad secret name: use up to 32 letters, digits, '-' or '_' "
                          "(e.g. binance)")
    return canonical


def check_values(values: dict[str, str]) -> dict[str, str]:
    """Non-empty string fields only; SecretError when nothing is left."""
    clean = {k: v for k, v in values.items() if isinstance(v, str) and v.strip()}
    unknown = set(clean) - set(FIELDS)
    if unknown:
        raise SecretError(f"unknown secret field(s) {sorted(unknown)}; known: {', '.join(FIELDS)}")
    if not clean:
        raise SecretError("nothing to store: every field is empty")
    return clean
