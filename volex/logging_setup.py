"""Logging: ``$VOLEX_HOME/logs/volex.log`` (rotated), with secrets masked everywhere.

Front ends call it (the CLI for every command that builds the facade, which covers the shell
and `volex serve`, and `volex dashboard`); ``Volex()`` used as a library never does: a library
leaves the application's logging alone. Cheap and idempotent (one handler per log file).
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import sys
from pathlib import Path

__all__ = ["configure_logging", "log_file"]

_FORMAT = "%(asctime)s %(levelname)s %(process)d %(name)s: %(message)s"
_handler: logging.Handler | None = None


class _Stderr(logging.StreamHandler):
    """Warnings on whatever sys.stderr is now (as logging's last resort does without handlers)."""

    def __init__(self) -> None:
        super().__init__()
        self.setLevel(logging.WARNING)
        self.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))

    @property
    def stream(self) -> object:
        return sys.stderr

    @stream.setter
    def stream(self, _value: object) -> None:
        pass


def log_file(home: Path) -> Path:
    return Path(home) / "logs" / "volex.log"


def configure_logging(home: Path, level: str | None = None) -> Path:
    """Send Volex's log records to the home's log file through the redacting filter."""
    from volex.adapters.secrets import redact

    global _handler
    path = log_file(home)
    root = logging.getLogger()
    if _handler is None or getattr(_handler, "baseFilename", None) != str(path.resolve()):
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(path, maxBytes=5_000_000, backupCount=3,
                                                       encoding="utf-8", delay=True)
        handler.setFormatter(logging.Formatter(_FORMAT))
        if _handler is not None:
            root.removeHandler(_handler)
            _handler.close()
        root.addHandler(handler)
        _handler = handler
    volex_logger = logging.getLogger("volex")
    # Volex's own warnings (bus down, events queued...) still reach the terminal; other
    # libraries' go to the file only.
    if not any(isinstance(h, _Stderr) for h in volex_logger.handlers):
        volex_logger.addHandler(_Stderr())
    _handler.setLevel(_level(level or os.environ.get("VOLEX_LOG_LEVEL", "INFO")))
    volex_logger.setLevel(logging.DEBUG)
    if root.level > logging.INFO or root.level == logging.NOTSET:
        root.setLevel(logging.INFO)
    redact.remember_environment()
    redact.remember_file(Path(home) / "secrets.toml")  # so a pasted key is masked in any error
    redact.install(root)
    redact.install(volex_logger)
    return path


def _level(name: str) -> int:
    """A logging level by name; INFO for anything unknown (a typo must not stop a command)."""
    value = logging.getLevelName(name.strip().upper())
    return value if isinstance(value, int) else logging.INFO
