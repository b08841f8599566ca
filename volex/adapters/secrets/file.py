"""Secrets in a TOML file (``$VOLEX_HOME/secrets.toml``): created 0600, refused if others can read it."""

from __future__ import annotations

import os
import stat
import tomllib
from pathlib import Path
from typing import Any

from volex.adapters.secrets import check_name, check_values
from volex.adapters.secrets.redact import SecretValues, remember
from volex.errors import SecretError

__all__ = ["FileSecretStore"]


class FileSecretStore:
    """One table per secret: ``[binance]`` with ``api_key = "..."`` and ``secret = "..."``."""

    backend = "file"
    writable = True

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def __repr__(self) -> str:
        return f"FileSecretStore({str(self.path)!r})"

    def location(self, name: str) -> str:
        return f"file {self.path} [{check_name(name)}]"

    def _read(self) -> dict[str, Any]:
        try:
            info = self.path.stat()
        except FileNotFoundError:
            return {}
        except OSError as exc:
            raise SecretError(f"cannot read {self.path}: {exc.strerror}") from None
        if info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise SecretError(f"refusing to read {self.path}: other users can access it "
                              f"(mode {stat.S_IMODE(info.st_mode):o}); run: chmod 600 {self.path}")
        if hasattr(os, "getuid") and info.st_uid != os.getuid():
            raise SecretError(f"refusing to read {self.path}: it belongs to another user")
        try:
            data = tomllib.loads(self.path.read_text())
        except (OSError, UnicodeDecodeError) as exc:
            raise SecretError(f"cannot read {self.path}: {type(exc).__name__}") from None
        except tomllib.TOMLDecodeError as exc:
            # The parser's message quotes no content, only the position.
            raise SecretError(f"{self.path} is not valid TOML ({exc})") from None
        return {k: v for k, v in data.items() if isinstance(v, dict)}

    def _write(self, data: dict[str, Any]) -> None:
        import tomli_w

        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as out:
                os.fchmod(out.fileno(), 0o600)  # O_CREAT's mode is masked by umask; be explicit
                out.write(tomli_w.dumps(data))
            tmp.replace(self.path)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise SecretError(f"cannot write {self.path}: {exc.strerror}") from None

    def get(self, name: str) -> dict[str, str] | None:
        entry = self._read().get(check_name(name))
        if not entry:
            return None
        values = SecretValues({k: str(v) for k, v in entry.items()})
        remember(values)
        return values

    def set(self, name: str, values: dict[str, str]) -> None:
        clean = check_values(values)
        remember(clean)
        data = self._read()
        data[check_name(name)] = dict(clean)
        self._write(data)

    def delete(self, name: str) -> bool:
        data = self._read()
        if data.pop(check_name(name), None) is None:
            return False
        self._write(data)
        return True

    def names(self) -> list[str]:
        return sorted(self._read())

    def health(self) -> str:
        if not self.path.exists():
            return f"{self.path} (not created yet)"
        return f"{self.path}: {len(self.names())} secret(s), mode 600"
