"""Where settings come from, readable without pydantic: the home folder, config.toml, env.

``volex.config`` builds the typed settings from these; `volex halt` reads the one setting it
needs before storing the halt (the database URL) from here directly, so an emergency stop does
not wait for the settings machinery.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from volex.errors import ConfigError

__all__ = ["SHORT_ENV", "bus_configured", "config_path", "database_url", "execution_is_remote",
           "prepare_home", "read_config_file", "volex_home"]

SHORT_ENV = {
    "VOLEX_DATABASE_URL": ("database_url",),
    "VOLEX_BUS_URL": ("bus", "url"),
    "VOLEX_CACHE_URL": ("cache", "url"),
    "VOLEX_SECRETS_BACKEND": ("secrets", "backend"),
}


def volex_home() -> Path:
    """The directory holding config.toml, volex.db, models/ and logs/."""
    return Path(os.environ.get("VOLEX_HOME") or Path.home() / ".volex").expanduser()


def config_path() -> Path:
    return volex_home() / "config.toml"


def read_config_file() -> dict[str, Any]:
    path = config_path()
    if not path.exists():
        return {}
    try:
        return tomllib.loads(path.read_text())
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from exc


def database_url(configured: str | None = None) -> str:
    """The store's URL: ``configured`` (a flag), else VOLEX_DATABASE_URL, else config.toml's
    ``database_url``, else the SQLite file in the home folder (the precedence of ``Settings``)."""
    url = (configured or os.environ.get("VOLEX_DATABASE_URL")
           or read_config_file().get("database_url"))
    return str(url) if url else f"sqlite:///{volex_home() / 'volex.db'}"


def bus_configured() -> bool:
    """Whether any source names a bus URL (VOLEX_BUS_URL, VOLEX_BUS__URL, ``[bus] url``): a
    quick look, so that `volex halt` loads the settings only when there is a bus to tell."""
    names = {name.upper() for name, value in os.environ.items() if value}
    if {"VOLEX_BUS_URL", "VOLEX_BUS__URL"} & names:
        return True
    bus = read_config_file().get("bus")
    return isinstance(bus, dict) and bool(bus.get("url"))


def execution_is_remote() -> bool:
    """Whether the execution agent (and so the halt) lives on another machine
    (``[agents.execution] url`` or VOLEX_AGENTS__EXECUTION__URL): then `volex halt` is sent
    there and confirmed once stored there, never written to this machine's store."""
    if os.environ.get("VOLEX_AGENTS__EXECUTION__URL"):
        return True
    agents = read_config_file().get("agents")
    execution = agents.get("execution") if isinstance(agents, dict) else None
    return isinstance(execution, dict) and bool(execution.get("url"))


def prepare_home(home: Path, *, logs: bool = False) -> None:
    """Create VOLEX_HOME (and with ``logs`` its log folder), or say in one line why they
    cannot be used. Logging itself is the front end's to set up: a library configures none."""
    try:
        home.mkdir(parents=True, exist_ok=True)
        if not os.access(home, os.W_OK | os.X_OK):
            raise PermissionError(13, "Permission denied", str(home))
        if logs:
            (home / "logs").mkdir(exist_ok=True)
    except OSError as exc:
        where = exc.filename or home
        why = ("a file where a folder should be"
               if isinstance(exc, FileExistsError | NotADirectoryError)
               else exc.strerror or str(exc))
        raise ConfigError(f"VOLEX_HOME {home} cannot be used: {where}: {why} "
                          "(point VOLEX_HOME at a writable folder)") from None
