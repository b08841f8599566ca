"""The secret store Volex uses: one backend, or several in lookup order.

``secrets.backend`` (VOLEX_SECRETS_BACKEND) picks a single backend; without it the stores of
``secrets.order`` (default env, keyring, file) are asked in turn, the keyring only where a real
one works. Writes go to the first writable store unless a backend is named.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from volex.adapters.secrets import check_name
from volex.errors import ConfigError, SecretError

if TYPE_CHECKING:
    from volex.config import Settings

__all__ = ["BACKENDS", "ChainedSecretStore", "build_secret_store"]

BACKENDS = ("env", "keyring", "file", "vault")


class ChainedSecretStore:
    """Asks each store in order; the first that knows a name answers."""

    backend = "chain"
    writable = True

    def __init__(self, stores: list[Any], skipped: dict[str, str] | None = None,
                 factory: Callable[[str], Any] | None = None) -> None:
        self.stores = stores
        self.skipped = skipped or {}  # backend -> why it is not in the chain
        self._factory = factory  # builds a backend outside the lookup order, on request

    def __repr__(self) -> str:
        return f"ChainedSecretStore({[s.backend for s in self.stores]})"

    def store(self, backend: str | None = None) -> Any:
        """The store named ``backend``, or the first writable one."""
        for store in self.stores:
            if (backend is None and store.writable) or store.backend == backend:
                return store
        if backend is None:
            raise SecretError("no writable secret store configured (secrets.order)")
        if backend in self.skipped:
            raise SecretError(f"the {backend} backend is not available: {self.skipped[backend]}")
        if self._factory is None:
            raise SecretError(f"the {backend} backend is not in the lookup order "
                              f"({', '.join(s.backend for s in self.stores)})")
        return self._factory(backend)

    def get(self, name: str) -> dict[str, str] | None:
        check_name(name)
        for store in self.stores:
            values = store.get(name)
            if values:
                return values
        return None

    def set(self, name: str, values: dict[str, str], backend: str | None = None) -> str:
        """Store ``values`` in ``backend`` (or the first writable store); returns the backend."""
        target = self.store(backend)
        if not target.writable:
            raise SecretError(f"the {target.backend} backend is read-only")
        target.set(name, values)
        return target.backend

    def delete(self, name: str) -> bool:
        """Remove ``name`` from every writable store holding it."""
        results = [store.delete(name) for store in self.stores if store.writable]  # all, no short cut
        removed = any(results)
        for store in self.stores:
            if not store.writable:
                store.delete(name)  # raises, saying how, when it still provides the name
        return removed

    def names(self) -> list[str]:
        return sorted({n for store in self.stores for n in store.names()})

    def locations(self) -> dict[str, list[str]]:
        """Each name with the backends holding it, in lookup order (the first one wins)."""
        out: dict[str, list[str]] = {}
        for store in self.stores:
            for name in store.names():
                out.setdefault(name, []).append(store.backend)
        return dict(sorted(out.items()))

    def where(self, name: str) -> str | None:
        name = check_name(name)
        for store in self.stores:
            if store.get(name):
                return store.location(name)
        return None


def _make(backend: str, settings: Settings, explicit: bool) -> tuple[Any | None, str]:
    if backend == "env":
        from volex.adapters.secrets.env import EnvSecretStore

        return EnvSecretStore(), ""
    if backend == "file":
        from volex.adapters.secrets.file import FileSecretStore

        return FileSecretStore(Path(settings.home) / "secrets.toml"), ""
    if backend == "keyring":
        from volex.adapters.secrets.keyring_store import KeyringSecretStore, keyring_usable

        if keyring_usable(explicit):
            return KeyringSecretStore(), ""
        return None, ("no OS keyring here (only a plaintext or placeholder backend); "
                      "set PYTHON_KEYRING_BACKEND or secrets.backend = \"keyring\" to use it anyway")
    if backend == "vault":
        from volex.adapters.secrets.vault import VaultSecretStore

        return VaultSecretStore(settings.secrets.vault_mount, settings.secrets.vault_prefix,
                                timeout_s=max(settings.network_timeout_s, 2.0)), ""
    raise ConfigError(f"unknown secrets backend {backend!r}; choose from {', '.join(BACKENDS)}")


def build_secret_store(settings: Settings) -> ChainedSecretStore:
    """The configured store: ``secrets.backend`` alone, or ``secrets.order`` in turn."""
    chosen = settings.secrets.backend
    order = [chosen.strip().lower()] if chosen else [b.strip().lower() for b in settings.secrets.order]
    if not order:
        raise ConfigError("secrets.order is empty; e.g. [\"env\", \"keyring\", \"file\"]")
    stores, skipped = [], {}
    for backend in dict.fromkeys(order):
        store, why = _make(backend, settings, explicit=bool(chosen))
        if store is None:
            skipped[backend] = why
        else:
            stores.append(store)
    if chosen and not stores:
        raise SecretError(f"the {chosen} backend is not available: {skipped.get(chosen, '')}")
    def on_request(backend: str) -> Any:
        store, why = _make(backend.strip().lower(), settings, explicit=True)
        if store is None:
            raise SecretError(f"the {backend} backend is not available: {why}")
        return store

    return ChainedSecretStore(stores, skipped, on_request)
