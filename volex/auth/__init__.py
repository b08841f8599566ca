"""Who may call a served agent: API tokens, roles, and the rules between them.

A token is shown once when it is created; the store keeps only its SHA-256 (a token is 32
random bytes, so a plain hash cannot be reversed by guessing). Roles are ordered: a trader
may do what a viewer may, an admin what a trader may.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from enum import IntEnum

from volex.errors import UserInputError

__all__ = ["TOKEN_PREFIX", "ApiToken", "Role", "check_token_name", "hash_token", "new_token",
           "parse_duration_ms"]

TOKEN_PREFIX = "vxt_"
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
# Actors Volex writes itself: a token with one of these names would blur the audit log.
_RESERVED = {"cli", "shell", "dashboard", "agent", "remote", "api", "bot", "system"}
_DURATION = re.compile(r"^(\d{1,5})([mhdw])$")
_UNIT_MS = {"m": 60_000, "h": 3_600_000, "d": 86_400_000, "w": 7 * 86_400_000}


class Role(IntEnum):
    """viewer reads; trader also trades, cancels, halts, resumes; admin also changes settings."""

    viewer = 1
    trader = 2
    admin = 3

    @classmethod
    def parse(cls, text: str) -> Role:
        try:
            return cls[text.strip().lower()]
        except KeyError:
            raise UserInputError(f"unknown role {text!r}: use viewer, trader or admin") from None


@dataclass(frozen=True)
class ApiToken:
    """What the store knows about a token: never the token itself."""

    name: str
    role: Role
    created_ts: int
    expires_ts: int | None
    last_used_ts: int | None

    def expired(self, now_ms: int) -> bool:
        return self.expires_ts is not None and now_ms >= self.expires_ts


def check_token_name(name: str) -> str:
    """The canonical token name (it is the actor in the audit log), or UserInputError."""
    canonical = name.strip().lower()
    if not _NAME.match(canonical):
        raise UserInputError("bad token name: up to 64 lower-case letters, digits, '-' or '_'")
    if canonical in _RESERVED:
        raise UserInputError(f"token name {canonical!r} is reserved for Volex's own actors")
    return canonical


def new_token() -> str:
    """A fresh bearer token (the prefix lets secret scanners and people recognise it)."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def parse_duration_ms(text: str) -> int:
    """``30d``, ``12h``, ``90m``, ``2w`` in milliseconds."""
    match = _DURATION.match(text.strip().lower())
    if not match or int(match.group(1)) == 0:
        raise UserInputError(f"bad duration {text!r}: say e.g. 90m, 12h, 30d or 2w")
    return int(match.group(1)) * _UNIT_MS[match.group(2)]
