"""Secrets in OpenBao or HashiCorp Vault (KV v2) through hvac.

Address and credentials come from the environment, as the ``bao``/``vault`` CLIs expect:
``VAULT_ADDR`` plus either ``VAULT_TOKEN`` or an AppRole (``VAULT_ROLE_ID`` and
``VAULT_SECRET_ID``). Secrets live at ``<mount>/data/<prefix>/<name>``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from volex.adapters.secrets import check_name, check_values
from volex.adapters.secrets.redact import SecretValues, remember, remember_url_password
from volex.errors import ConfigError, SecretError

__all__ = ["VaultSecretStore"]


class VaultSecretStore:
    """A KV v2 mount of OpenBao/Vault; token or AppRole login, done once on first use."""

    backend = "vault"
    writable = True

    def __init__(self, mount: str = "secret", prefix: str = "volex",
                 environ: Mapping[str, str] | None = None, timeout_s: float = 5.0) -> None:
        env = os.environ if environ is None else environ
        self.addr = (env.get("VAULT_ADDR") or "").rstrip("/")
        self.mount, self.prefix = mount.strip("/"), prefix.strip("/")
        self.timeout_s = timeout_s
        self._token = env.get("VAULT_TOKEN") or None
        self._role = (env.get("VAULT_ROLE_ID") or None, env.get("VAULT_SECRET_ID") or None)
        remember([v for v in (self._token, self._role[1]) if v])
        remember_url_password(self.addr)
        self._client: Any = None

    def __repr__(self) -> str:
        return f"VaultSecretStore(addr={self.addr!r}, mount={self.mount!r}, prefix={self.prefix!r})"

    def location(self, name: str) -> str:
        return f"vault {self.addr} {self._path(check_name(name))}"

    def _path(self, name: str) -> str:
        return f"{self.prefix}/{name}" if self.prefix else name

    @property
    def client(self) -> Any:
        if self._client is None:
            self._client = self._login()
        return self._client

    def _login(self) -> Any:
        if not self.addr:
            raise ConfigError("the vault backend needs VAULT_ADDR (e.g. http://127.0.0.1:8200)")
        role_id, secret_id = self._role
        if not self._token and not (role_id and secret_id):
            raise ConfigError("the vault backend needs VAULT_TOKEN, or VAULT_ROLE_ID and "
                              "VAULT_SECRET_ID for AppRole login")
        import hvac

        client = hvac.Client(url=self.addr, token=self._token, timeout=self.timeout_s)
        with self._errors("login"):
            if not self._token:
                client.auth.approle.login(role_id=role_id, secret_id=secret_id)
                remember(client.token)
            elif not client.is_authenticated():
                raise SecretError(f"vault at {self.addr} rejected VAULT_TOKEN (expired or revoked?)")
        return client

    @contextmanager
    def _errors(self, what: str) -> Iterator[None]:
        """hvac and requests errors -> SecretError, naming the server but never a credential."""
        import hvac.exceptions
        import requests

        try:
            yield
        except hvac.exceptions.Forbidden:
            raise SecretError(f"vault {what} at {self.addr}: permission denied (check the "
                              f"token's policy for {self.mount}/{self.prefix})") from None
        except hvac.exceptions.Unauthorized:
            raise SecretError(f"vault {what} at {self.addr}: not authorised (bad token or "
                              "AppRole credentials)") from None
        except hvac.exceptions.VaultDown:
            raise SecretError(f"vault at {self.addr} is sealed or down") from None
        except hvac.exceptions.VaultError as exc:
            raise SecretError(f"vault {what} at {self.addr} failed: {type(exc).__name__}: "
                              f"{str(exc).splitlines()[0][:160] if str(exc) else ''}") from None
        except requests.RequestException as exc:
            raise SecretError(f"vault at {self.addr} is unreachable ({type(exc).__name__}); "
                              "is the server running and VAULT_ADDR right?") from None

    def get(self, name: str) -> dict[str, str] | None:
        import hvac.exceptions

        path = self._path(check_name(name))
        client = self.client
        with self._errors("read"):
            try:
                answer = client.secrets.kv.v2.read_secret_version(
                    path=path, mount_point=self.mount, raise_on_deleted_version=True)
            except hvac.exceptions.InvalidPath:
                return None
        values = SecretValues({k: str(v) for k, v in (answer["data"]["data"] or {}).items()})
        remember(values)
        return values or None

    def set(self, name: str, values: dict[str, str]) -> None:
        path, clean = self._path(check_name(name)), check_values(values)
        remember(clean)
        client = self.client
        with self._errors("write"):
            client.secrets.kv.v2.create_or_update_secret(path=path, secret=dict(clean),
                                                         mount_point=self.mount)

    def delete(self, name: str) -> bool:
        if self.get(name) is None:
            return False
        client = self.client
        with self._errors("delete"):
            client.secrets.kv.v2.delete_metadata_and_all_versions(
                path=self._path(check_name(name)), mount_point=self.mount)
        return True

    def names(self) -> list[str]:
        import hvac.exceptions

        client = self.client
        with self._errors("list"):
            try:
                answer = client.secrets.kv.v2.list_secrets(path=self.prefix, mount_point=self.mount)
            except hvac.exceptions.InvalidPath:
                return []
        return sorted(k for k in answer["data"]["keys"] if not k.endswith("/"))

    def health(self) -> str:
        client = self.client
        with self._errors("health check"):
            status = client.sys.read_health_status(method="GET")
        data = status if isinstance(status, dict) else status.json()
        if data.get("sealed"):
            raise SecretError(f"vault at {self.addr} is sealed")
        return f"{self.addr} {self.mount}/{self.prefix}: version {data.get('version', '?')}"
