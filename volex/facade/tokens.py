"""API tokens for `volex serve`: create (shown once), list, revoke, and check a bearer token."""

from __future__ import annotations

import time
from functools import cached_property
from typing import TYPE_CHECKING

from volex.facade.base import FacadeBase

if TYPE_CHECKING:
    from volex.adapters.storage.tokens import TokenRepo
    from volex.auth import ApiToken

__all__ = ["TokenFacade"]

# Last use is written at most this often per token, so a busy client does not write per call.
_TOUCH_EVERY_MS = 60_000


class TokenFacade(FacadeBase):
    """API tokens: the store keeps a hash, a name, a role, an expiry and the last use."""

    @cached_property
    def _tokens(self) -> TokenRepo:
        from volex.adapters.storage.tokens import TokenRepo

        return TokenRepo(self.runtime.store.db)

    def create_token(self, name: str, role: str, *, expires: str | None = None
                     ) -> tuple[str, ApiToken]:
        """A new token for ``name`` with ``role`` (expiring after ``expires``, e.g. 30d).

        Returns the token itself (shown once, never stored) and its record (audited).
        """
        from volex.auth import Role, check_token_name, hash_token, new_token, parse_duration_ms

        name, parsed = check_token_name(name), Role.parse(role)
        lifetime = parse_duration_ms(expires) if expires else None
        now = int(time.time() * 1000)
        token = new_token()
        record = self._tokens.add(name, hash_token(token), parsed, now,
                                  now + lifetime if lifetime else None)
        self.runtime.store.audit.record(self.actor, "token.create", name,
                                        details={"role": parsed.name, "expires": expires})
        return token, record

    def tokens(self) -> list[ApiToken]:
        return self._tokens.all()

    def revoke_token(self, name: str) -> bool:
        """Delete the token ``name``; False when there was none (audited when there was)."""
        from volex.auth import check_token_name

        name = check_token_name(name)
        removed = self._tokens.remove(name)
        if removed:
            self.runtime.store.audit.record(self.actor, "token.revoke", name)
        return removed

    def authenticate(self, token: str) -> ApiToken | None:
        """The live record of ``token``, or None when it is unknown or expired."""
        from volex.auth import hash_token

        record = self._tokens.by_hash(hash_token(token))
        now = int(time.time() * 1000)
        if record is None or record.expired(now):
            return None
        if record.last_used_ts is None or now - record.last_used_ts >= _TOUCH_EVERY_MS:
            self._tokens.touch(record.name, now)
        return record
