"""API tokens in the Volex database: hashes, names, roles, expiry and last use.

Implements what ``volex.auth`` needs to check a bearer token. The table is created by the
Alembic revision ``auth_0001`` (``migrations/versions/auth_0001_tokens.py``).
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, String, Table, delete, insert, select, update

from volex.adapters.storage.db import Database
from volex.adapters.storage.tables import metadata
from volex.auth import ApiToken, Role
from volex.errors import UserInputError

__all__ = ["TokenRepo", "api_tokens"]

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("role", String(16), nullable=False),
    Column("created_ts", BigInteger, nullable=False),
    Column("expires_ts", BigInteger),
    Column("last_used_ts", BigInteger),
)


class TokenRepo:
    """Token records keyed by name; a token is found by its hash."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def add(self, name: str, token_hash: str, role: Role, created_ts: int,
            expires_ts: int | None) -> ApiToken:
        row = {"name": name, "token_hash": token_hash, "role": role.name,
               "created_ts": created_ts, "expires_ts": expires_ts, "last_used_ts": None}
        with self.db.begin() as conn:
            if conn.execute(select(api_tokens.c.name).where(api_tokens.c.name == name)).first():
                raise UserInputError(f"a token named {name!r} exists: revoke it first "
                                     f"(volex tokens revoke {name})")
            conn.execute(insert(api_tokens), row)
        return _token(row)

    def by_hash(self, token_hash: str) -> ApiToken | None:
        with self.db.begin() as conn:
            row = conn.execute(select(api_tokens).where(api_tokens.c.token_hash == token_hash)
                               ).mappings().first()
        return _token(row) if row else None

    def touch(self, name: str, now_ms: int) -> None:
        with self.db.begin() as conn:
            conn.execute(update(api_tokens).where(api_tokens.c.name == name)
                         .values(last_used_ts=now_ms))

    def all(self) -> list[ApiToken]:
        with self.db.begin() as conn:
            rows = conn.execute(select(api_tokens).order_by(api_tokens.c.name)).mappings().all()
        return [_token(r) for r in rows]

    def remove(self, name: str) -> bool:
        with self.db.begin() as conn:
            return conn.execute(delete(api_tokens).where(api_tokens.c.name == name)).rowcount > 0


def _token(row: object) -> ApiToken:
    values = dict(row)  # type: ignore[call-overload]
    return ApiToken(name=values["name"], role=Role[values["role"]],
                    created_ts=values["created_ts"], expires_ts=values["expires_ts"],
                    last_used_ts=values["last_used_ts"])
