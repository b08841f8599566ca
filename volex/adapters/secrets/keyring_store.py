"""Secrets in the OS keyring (``keyring``): one JSON entry per secret plus an index of names.

The keyring has no "list" operation, so the names live in an index entry of their own.
Plaintext and placeholder backends (keyrings.alt's file, ``fail``, ``null``) do not count as
a working keyring unless chosen explicitly (``PYTHON_KEYRING_BACKEND`` or backend = "keyring").
"""

from __future__ import annotations

import json
import os
from typing import Any

from volex.adapters.secrets import check_name, check_values
from volex.adapters.secrets.redact import SecretValues, remember
from volex.errors import SecretError

__all__ = ["KeyringSecretStore", "keyring_backend", "keyring_usable"]

SERVICE = "volex"
_INDEX = "__volex_index__"
_WEAK = ("keyring.backends.fail", "keyring.backends.null", "keyrings.alt.file")


def keyring_backend() -> Any:
    """The keyring backend to use: PYTHON_KEYRING_BACKEND when set, else keyring's choice."""
    import keyring
    from keyring.core import load_env

    try:
        return load_env() or keyring.get_keyring()
    except Exception as exc:  # noqa: BLE001 - a bad PYTHON_KEYRING_BACKEND or a broken backend module
        raise SecretError(f"no usable keyring backend: {type(exc).__name__}: {exc}") from None


def keyring_usable(explicit: bool = False) -> bool:
    """Whether the keyring can hold secrets here (a real OS keyring, or one chosen on purpose)."""
    try:
        backend = keyring_backend()
    except SecretError:
        return False
    module = type(backend).__module__
    if module.startswith(("keyring.backends.fail", "keyring.backends.null")):
        return False
    if explicit or os.environ.get("PYTHON_KEYRING_BACKEND"):
        return True
    if module.startswith(_WEAK) or getattr(backend, "priority", 0) < 1:
        return False
    if module.startswith("keyring.backends.chainer"):
        return bool(getattr(backend, "backends", []))
    return True


class KeyringSecretStore:
    """The OS keyring (macOS Keychain, Windows Credential Locker, Secret Service, KWallet)."""

    backend = "keyring"
    writable = True

    def __init__(self, service: str = SERVICE, backend: Any = None) -> None:
        self.service = service
        self._backend = backend

    def __repr__(self) -> str:
        return f"KeyringSecretStore(service={self.service!r})"

    @property
    def ring(self) -> Any:
        if self._backend is None:
            self._backend = keyring_backend()
        return self._backend

    def location(self, name: str) -> str:
        return f"keyring {type(self.ring).__name__} ({self.service}/{check_name(name)})"

    def _call(self, what: str, fn, *args) -> Any:
        try:
            return fn(*args)
        except Exception as exc:  # noqa: BLE001 - backends raise anything; the text has no values
            raise SecretError(f"keyring {what} failed ({type(self.ring).__name__}): "
                              f"{type(exc).__name__}") from None

    def _index(self) -> list[str]:
        raw = self._call("read", self.ring.get_password, self.service, _INDEX)
        try:
            return sorted(set(json.loads(raw))) if raw else []
        except ValueError:
            return []

    def _save_index(self, names: list[str]) -> None:
        self._call("write", self.ring.set_password, self.service, _INDEX, json.dumps(sorted(names)))

    def get(self, name: str) -> dict[str, str] | None:
        raw = self._call("read", self.ring.get_password, self.service, check_name(name))
        if not raw:
            return None
        try:
            values = SecretValues({k: str(v) for k, v in json.loads(raw).items()})
        except (ValueError, AttributeError):
            raise SecretError(f"keyring entry {self.service}/{name} is not a Volex secret") from None
        remember(values)
        return values

    def set(self, name: str, values: dict[str, str]) -> None:
        name, clean = check_name(name), check_values(values)
        remember(clean)
        self._call("write", self.ring.set_password, self.service, name, json.dumps(clean))
        self._save_index([*self._index(), name])

    def delete(self, name: str) -> bool:
        name = check_name(name)
        if self.get(name) is None:
            return False
        self._call("delete", self.ring.delete_password, self.service, name)
        self._save_index([n for n in self._index() if n != name])
        return True

    def names(self) -> list[str]:
        return self._index()

    def health(self) -> str:
        return f"{type(self.ring).__module__}.{type(self.ring).__name__}: {len(self.names())} secret(s)"
