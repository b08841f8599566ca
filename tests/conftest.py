"""Fixtures every test shares: a private VOLEX_HOME, and real PostgreSQL/Redis when present.

Tests that need a service skip with the reason when it is absent, except in CI
(CI=true), where a missing service is a failure.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
TEST_DATA = REPO / "tests" / "data"
PG_ADMIN_URL = os.environ.get("VOLEX_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("VOLEX_TEST_REDIS", "redis://127.0.0.1:6379/0")

_SECRET_ENV = ("OPENAI_API_KEY", "VAULT_ADDR", "VAULT_TOKEN", "VAULT_ROLE_ID", "VAULT_SECRET_ID")


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def need_service(name: str, host: str, port: int) -> None:
    """Skip (or fail in CI) when nothing listens on host:port."""
    try:
        with socket.create_connection((host, port), timeout=1):
            return
    except OSError:
        message = f"{name} is not running on {host}:{port}"
        if in_ci():
            pytest.fail(f"{message} (CI must start it)")
        pytest.skip(message)


def candle_file(name: str) -> Path:
    """The package's bundled candle file ``name`` (e.g. "BTC_USDT_1d"): real Binance candles.

    Tests read the data a user's install carries, so a plain clone is enough to run them.
    """
    path = Path(str(resources.files("volex.data").joinpath(f"{name}.csv.gz")))
    assert path.is_file(), f"the package ships no {path.name}"
    return path


def reference_file(name: str) -> Path:
    """A reference file under tests/data (see tests/data/README.md for where each comes from)."""
    path = TEST_DATA / name
    assert path.is_file(), f"tests/data holds no {name}"
    return path


@pytest.fixture(autouse=True)
def volex_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own empty VOLEX_HOME and no Volex settings from the environment."""
    home = tmp_path / "volex-home"
    home.mkdir()
    for key in list(os.environ):
        if key.startswith("VOLEX_") and not key.startswith("VOLEX_TEST_"):
            monkeypatch.delenv(key, raising=False)
    for key in _SECRET_ENV:
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("VOLEX_HOME", str(home))
    return home


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for this test, dropped afterwards."""
    need_service("PostgreSQL", "127.0.0.1", 5432)
    from sqlalchemy import create_engine, text

    name = f"volex_t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def redis_url() -> str:
    """The Redis on this machine; tests keep their keys apart with a unique prefix."""
    need_service("Redis", "127.0.0.1", 6379)
    return REDIS_URL


@pytest.fixture
def unique_prefix() -> str:
    return f"volex-test-{uuid.uuid4().hex[:10]}"
