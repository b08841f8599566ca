"""Infrastructure: secrets, health checks and the database."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from volex.facade.base import FacadeBase

if TYPE_CHECKING:
    from volex.adapters.storage.migrate_from import CopyReport
    from volex.agents.monitor import Health

__all__ = ["InfraFacade"]


class InfraFacade(FacadeBase):
    """Infrastructure: secrets, health checks and the database."""

    # -- infrastructure ------------------------------------------------------------------

    def secrets_list(self) -> list[dict[str, Any]]:
        """Each secret's name, the backends holding it and where it is read from; never values."""
        chain = self.runtime.secrets
        return [{"name": name, "backends": backends, "location": chain.where(name)}
                for name, backends in chain.locations().items()]

    def set_secret(self, name: str, values: dict[str, str], *, backend: str | None = None) -> str:
        """Store a secret (api_key, secret, ...); returns the backend that holds it now."""
        from volex.adapters.secrets import check_name

        stored = self.runtime.secrets.set(name, values, backend=backend)
        self.runtime.store.audit.record(self.actor, "secret.set", check_name(name),
                                        details={"backend": stored, "fields": sorted(values)})
        return stored

    def delete_secret(self, name: str) -> bool:
        """Remove a secret from every writable backend; False when none held it."""
        from volex.adapters.secrets import check_name

        removed = self.runtime.secrets.delete(name)
        if removed:
            self.runtime.store.audit.record(self.actor, "secret.delete", check_name(name))
        return removed

    def check_secrets(self) -> list[Health]:
        """Each secret readable; exchange keys also tried (they must work and not withdraw)."""
        from volex.agents.monitor import Check, Degraded, key_probe

        chain, checks = self.runtime.secrets, []
        venues = set(self._exchange_ids())
        for name in chain.names():
            def readable(name: str = name) -> str:
                values = chain.get(name) or {}
                fields = ", ".join(sorted(values)) or "nothing"
                if name in venues and not {"api_key", "secret"} <= set(values):
                    raise Degraded(f"{fields} readable; an exchange needs api_key and secret")
                return f"{fields} readable from {chain.where(name)}"

            checks.append(Check(f"secret {name}", readable, "re-enter it: volex secrets set " + name))
            if name in venues and not self.settings.offline:
                checks.append(Check(f"keys {name}", key_probe(self._key_client(name)),
                                    f"check the key on {name}, or re-enter it"))
        return self._monitor().check(checks)

    def doctor(self) -> list[Health]:
        """Every configured component with its status, latency and a hint for failures."""
        from volex.agents import monitor as m

        rt, settings = self.runtime, self.settings
        checks = [
            m.Check("store", m.store_probe(lambda: rt.store),
                    "is the database up and VOLEX_DATABASE_URL right? then: volex db upgrade"),
            m.Check("event bus", m.bus_probe(lambda: rt.bus),
                    "start Redis (redis-server), or unset bus.url / VOLEX_BUS_URL"),
            m.Check("outbox", m.outbox_probe(lambda: rt.events),
                    "bring the event bus back; the next volex command delivers what waits"),
            m.Check("cache", m.cache_probe(lambda: rt.cache),
                    "start Redis (redis-server), or unset cache.url / VOLEX_CACHE_URL"),
            m.Check("secrets", m.secrets_probe(lambda: rt.secrets),
                    "vault: check VAULT_ADDR and VAULT_TOKEN; file: chmod 600 it"),
        ]
        names = set(rt.secrets.names()) if "secrets" in rt.__dict__ else set()
        venues = {settings.exchange} | (names & set(self._exchange_ids()))
        for venue in sorted(venues):
            checks.append(m.Check(
                f"exchange {venue}",
                m.exchange_probe(lambda v=venue: rt.market_data(v).markets(),
                                 lambda v=venue: rt.secrets.where(v), settings.offline),
                "check the network (or set offline = true); keys: volex secrets check"))
        checks.append(m.Check("autopilot", self.autopilot_probe,  # type: ignore[attr-defined]
                              "start it with volex run; see volex run status and volex run logs"))
        checks.append(m.Check(f"llm {settings.llm.provider}", self._llm_probe,
                              "set OPENAI_API_KEY (or volex secrets set openai --key-only), "
                              'llm.base_url, or llm.provider = "local"'))
        return self._monitor().check(checks)

    def db_upgrade(self) -> dict[str, Any]:
        """Apply pending migrations (and TimescaleDB hypertables where available)."""
        from volex.adapters.storage.db import Database, redact_url
        from volex.adapters.storage.timescale import ensure_hypertables

        db = Database(self.settings.db_url, migrate=False)
        try:
            before = db.current_revisions()
            db.migrate()
            after = db.current_revisions()
            timescale = ensure_hypertables(db).summary() if db.dialect == "postgresql" else None
        finally:
            db.dispose()
        if before != after:
            self.runtime.store.audit.record(self.actor, "db.upgrade", redact_url(db.url),
                                            details={"from": sorted(before), "to": sorted(after)})
        return {"database": redact_url(db.url), "before": sorted(before), "after": sorted(after),
                "timescale": timescale}

    def db_check(self) -> dict[str, Any]:
        """SQLite's full integrity check of the configured store (PostgreSQL checks itself)."""
        from volex.adapters.storage.db import Database, redact_url

        db = Database(self.settings.db_url, migrate=False)
        try:
            problems = db.integrity(full=True)
        finally:
            db.dispose()
        return {"database": redact_url(db.url), "ok": not problems, "problems": problems,
                "message": db.damaged(problems[0]) if problems else None}

    def db_migrate_from(self, source: str, *, merge: bool = False,
                        progress: Callable[[str, int], None] | None = None) -> CopyReport:
        """Copy a SQLite store (``sqlite:///path`` or a path) into the configured database."""
        from volex.adapters.storage.migrate_from import copy_database

        report = copy_database(source, self.runtime.store.db, merge=merge, progress=progress)
        self.runtime.store.audit.record(self.actor, "db.migrate_from", report.source,
                                        details={"rows": report.rows_written, "merge": merge})
        return report

    def _monitor(self) -> Any:
        from volex.adapters.secrets.redact import redact_text
        from volex.agents.monitor import MonitorAgent

        return MonitorAgent(timeout_s=max(6.0, self.settings.network_timeout_s * 3),
                            redact=redact_text)

    def _exchange_ids(self) -> list[str]:
        from volex.adapters.ccxt_common import exchange_ids

        return exchange_ids()

    def _key_client(self, venue: str) -> Callable[[], Any]:
        def build() -> Any:
            from volex.adapters.ccxt_common import make_client

            values = self.runtime.secrets.get(venue) or {}
            keys = {"api_key": "apiKey", "secret": "secret", "password": "password", "uid": "uid"}
            client = make_client(venue, self.settings.network_timeout_s,
                                 {keys[k]: v for k, v in values.items() if k in keys})
            if self.settings.trading.sandbox:
                client.set_sandbox_mode(True)
            return client

        return build

    def _llm_probe(self) -> str:
        import os

        from volex.agents.monitor import Off
        from volex.errors import LLMError

        llm = self.settings.llm
        if llm.provider == "local":
            raise Off("local stand-in (no model server configured)")
        stored = self.runtime.secrets.get("openai") or {}
        key = os.environ.get("OPENAI_API_KEY") or stored.get("api_key")
        if not key:
            raise LLMError("no API key: OPENAI_API_KEY is unset and no `openai` secret is stored")
        import httpx

        base = (llm.base_url or "https://api.openai.com/v1").rstrip("/")
        try:
            answer = httpx.get(f"{base}/models", headers={"Authorization": f"Bearer {key}"},
                               timeout=llm.timeout_s)
        except httpx.HTTPError as exc:
            raise LLMError(f"{base} unreachable ({type(exc).__name__})") from None
        if answer.status_code in (401, 403):
            raise LLMError(f"{base} rejected the API key (HTTP {answer.status_code})")
        if answer.status_code >= 400:
            raise LLMError(f"{base} answered HTTP {answer.status_code}")
        return f"{llm.model} at {base}"
