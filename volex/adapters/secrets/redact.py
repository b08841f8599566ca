"""Redaction: every secret value this process has seen is replaced with ``***`` in text and logs.

Secret stores register each value they read or write (``remember``); environment variables that
hold credentials and passwords inside configured URLs are registered by ``remember_environment``.
``redact_text`` is what the CLI applies to unexpected error text; ``RedactingFilter`` does the
same to log records, and ``install`` puts it on the root logger, its handlers and the log record
factory (so handlers added later by anyone are covered too).
"""

from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path
from urllib.parse import unquote, urlsplit

__all__ = [
    "MASK",
    "RedactingFilter",
    "SecretValues",
    "forget_all",
    "install",
    "mask_notify_urls",
    "mask_url_passwords",
    "redact_text",
    "remember",
    "remember_environment",
    "remember_file",
    "remember_notify_url",
    "remember_url_password",
]

MASK = "***"
# Shorter values would mask ordinary words; real keys and tokens are far longer.
_MIN_LENGTH = 6
_SECRET_ENV = re.compile(r"^(VOLEX_.+_(API_KEY|SECRET|API_SECRET|PASSWORD|PASSPHRASE|TOKEN|UID)|"
                         r"VAULT_TOKEN|VAULT_SECRET_ID|OPENAI_API_KEY)$")
_URL_ENV = ("VOLEX_DATABASE_URL", "VOLEX_BUS_URL", "VOLEX_CACHE_URL", "VAULT_ADDR")

# Apprise URL schemes: the part after "://" carries a bot token, webhook key or password.
_NOTIFY_URL = re.compile(
    r"\b(tgram|discord|slack|msteams|json|jsons|form|forms|xml|xmls|mailto|mailtos|ntfy|ntfys|"
    r"pover|pbul|gotify|gotifys|mmost|mmosts|matrix|matrixs|rocket|rockets|signal|signals|"
    r"apprise|apprises|pushed|join|line|ifttt|zulip|twist)://[^\s'\"<>]+", re.IGNORECASE)

_lock = threading.Lock()
_known: set[str] = set()
_pattern: re.Pattern[str] | None = None


def remember(values: Iterable[str] | Mapping[str, str] | str | None) -> None:
    """Register secret values so that they are masked from now on in this process."""
    if values is None:
        return
    if isinstance(values, str):
        values = [values]
    elif isinstance(values, Mapping):
        values = list(values.values())
    global _pattern
    fresh = {v for v in values if isinstance(v, str) and len(v.strip()) >= _MIN_LENGTH} - _known
    if not fresh:
        return
    with _lock:
        _known.update(fresh)
        # Longest first, so a value containing another is masked whole.
        ordered = sorted(_known, key=len, reverse=True)
        # Case-insensitive: a key that was lower-cased on its way (a name, a URL) is still masked.
        _pattern = re.compile("|".join(re.escape(v) for v in ordered), re.IGNORECASE)


def remember_url_password(url: str | None) -> None:
    """Register the password of a URL (postgresql://user:PASSWORD@host/db)."""
    if not url:
        return
    try:
        password = urlsplit(url).password
    except ValueError:
        return
    if password:
        remember([password, unquote(password)])


def remember_notify_url(url: str | None) -> None:
    """Register a notification URL and its token-bearing parts (path, password, query values).

    The host counts too when it has no dot (``tgram://BOT_TOKEN/CHAT``, ``discord://ID/TOKEN``):
    there it is a token, not a machine's name.
    """
    if not url:
        return
    try:
        parts = urlsplit(url)
        password = parts.password
        host = parts.hostname or ""
    except ValueError:
        remember(url)
        return
    values = [url]
    if password:
        values += [password, unquote(password)]
    values += [segment for segment in parts.path.split("/") if segment]
    values += [pair.split("=", 1)[1] for pair in parts.query.split("&") if "=" in pair]
    if host and "." not in host and host != "localhost":
        where = parts.netloc.rsplit("@", 1)[-1]
        values += [where, host, where.split(":", 1)[-1]]
    remember(values)


def mask_notify_urls(text: str) -> str:
    """``text`` with every notification URL (apprise syntax) shown as ``scheme://***``."""
    return _NOTIFY_URL.sub(lambda m: f"{m.group(1)}://{MASK}", text) if "://" in text else text


def mask_url_passwords(value: object) -> object:
    """``value`` (a settings dump: dicts, lists, strings) with URL passwords shown as ``***``."""
    if isinstance(value, dict):
        return {k: mask_url_passwords(v) for k, v in value.items()}
    if isinstance(value, list):
        return [mask_url_passwords(v) for v in value]
    if isinstance(value, str) and "://" in value:
        try:
            password = urlsplit(value).password
        except ValueError:
            return value
        if password:
            return value.replace(f":{password}@", f":{MASK}@", 1)
    return value


def remember_environment(environ: Mapping[str, str] | None = None) -> None:
    """Register credentials held in the environment (exchange keys, Vault token, URL passwords)."""
    environ = os.environ if environ is None else environ
    remember([value for key, value in environ.items() if _SECRET_ENV.match(key)])
    for key in _URL_ENV:
        remember_url_password(environ.get(key))


def remember_file(path: Path) -> None:
    """Register the values of a private secrets file (cheap: one small TOML read)."""
    import stat
    import tomllib

    try:
        if stat.S_IMODE(path.stat().st_mode) & 0o077:
            return  # the file store refuses it anyway, with its own message
        data = tomllib.loads(path.read_text())
    except (OSError, ValueError):
        return
    remember([str(v) for entry in data.values() if isinstance(entry, dict) for v in entry.values()])


def forget_all() -> None:
    """Drop every registered value (tests use it to act as a fresh process)."""
    global _pattern
    with _lock:
        _known.clear()
        _pattern = None


def redact_text(text: str) -> str:
    """``text`` with every known secret value, and every notification URL, masked."""
    if not text:
        return text
    text = mask_notify_urls(text)
    pattern = _pattern
    return text if pattern is None else pattern.sub(MASK, text)


class SecretValues(dict):
    """A secret's fields (api_key, secret, ...): a plain dict whose repr never shows values."""

    def __repr__(self) -> str:
        return "{" + ", ".join(f"{k!r}: '{MASK}'" for k in self) + "}"

    __str__ = __repr__


class RedactingFilter(logging.Filter):
    """Masks known secrets in a record's message, arguments, traceback and stack."""

    def filter(self, record: logging.LogRecord) -> bool:
        _scrub(record)
        return True


def _scrub(record: logging.LogRecord) -> None:
    if _pattern is None or getattr(record, "_volex_redacted", False):
        return
    try:
        message = record.getMessage()
    except Exception:  # noqa: BLE001 - a malformed %-format: keep what we can, masked
        message = f"{record.msg} {record.args}"
    record.msg, record.args = redact_text(message), None
    if record.exc_info and not record.exc_text:
        record.exc_text = logging.Formatter().formatException(record.exc_info)
    if record.exc_text:
        record.exc_text = redact_text(record.exc_text)
    if record.stack_info:
        record.stack_info = redact_text(record.stack_info)
    record._volex_redacted = True


_installed_factory = False


def install(logger: logging.Logger | None = None) -> RedactingFilter:
    """Put a RedactingFilter on ``logger`` (the root by default), its handlers and the record
    factory; idempotent."""
    global _installed_factory
    logger = logger or logging.getLogger()
    found = next((f for f in logger.filters if isinstance(f, RedactingFilter)), None)
    flt = found or RedactingFilter()
    if found is None:
        logger.addFilter(flt)
    for handler in logger.handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(flt)
    if not _installed_factory:
        previous = logging.getLogRecordFactory()

        def factory(*args, **kwargs) -> logging.LogRecord:
            record = previous(*args, **kwargs)
            # Records of child loggers skip the root logger's own filters, and handlers added
            # later have none: masking every record at birth covers both.
            _scrub(record)
            return record

        logging.setLogRecordFactory(factory)
        _installed_factory = True
    return flt
