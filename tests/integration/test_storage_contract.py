"""The store behaves the same on SQLite and on the PostgreSQL of this machine: one set of
migrations, candle upserts without duplicates, gap reports, audit and shared state; then what
PostgreSQL adds: two writer processes, a dropped connection, TimescaleDB detection, and
copying a SQLite store across."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import create_engine, inspect, text

from volex.adapters.storage.db import schema_heads
from volex.adapters.storage.migrate_from import copy_database
from volex.adapters.storage.store import Store
from volex.adapters.storage.timescale import ensure_hypertables, timescale_available
from volex.errors import StorageError, UserInputError

HOUR = 3_600_000


def frame(start: str, bars: int) -> pd.DataFrame:
    stamps = pd.date_range(start, periods=bars, freq="1h", tz="UTC")
    close = [100.0 + i for i in range(bars)]
    return pd.DataFrame({"timestamp": stamps, "open": close, "high": [c + 1 for c in close],
                         "low": [c - 1 for c in close], "close": close, "volume": 5.0})


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'volex.db'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def store(url: str) -> Store:
    instance = Store(url)
    yield instance
    instance.close()


def test_migrations_reach_every_head(store: Store) -> None:
    assert store.db.current_revisions() == schema_heads()
    assert "0005" in schema_heads()
    with store.db.begin() as conn:
        assert "outbox" in inspect(conn).get_table_names()


def test_sqlite_and_postgresql_get_the_same_schema(tmp_path: Path, pg_url: str) -> None:
    def shape(url: str) -> dict[str, list[str]]:
        store = Store(url)
        with store.db.begin() as conn:
            insp = inspect(conn)
            out = {t: sorted(c["name"] for c in insp.get_columns(t)) for t in insp.get_table_names()}
        store.close()
        return out

    assert shape(f"sqlite:///{tmp_path / 'a.db'}") == shape(pg_url)


def test_candle_upserts_never_duplicate_and_gaps_are_reported(store: Store) -> None:
    store.candles.save("binance", "BTC/USDT", "1h", frame("2024-01-01", 48))
    revised = frame("2024-01-02", 24)
    revised["close"] = 1.0
    store.candles.save("binance", "BTC/USDT", "1h", revised)  # overlaps the second day
    store.candles.save("binance", "BTC/USDT", "1h", frame("2024-01-04", 24))  # leaves a day out
    loaded = store.candles.load("binance", "BTC/USDT", "1h")
    assert len(loaded) == 72 and loaded["timestamp"].is_unique
    assert (loaded.iloc[24:48]["close"] == 1.0).all()
    (series,) = store.candles.series()
    assert series.bars == 72 and series.missing_bars == 24
    first_missing = int(pd.Timestamp("2024-01-03", tz="UTC").timestamp() * 1000)
    assert series.gaps == [(first_missing, first_missing + 23 * HOUR)]


def test_audit_records_join_the_callers_transaction(store: Store) -> None:
    store.audit.record("cli", "halt", "trading", "test", {"why": "manual"})
    with pytest.raises(RuntimeError), store.transaction() as tx:
        tx.audit.record("cli", "order.new", "BTC/USDT")
        raise RuntimeError("rolled back")
    records = store.audit.list()
    assert [r.action for r in records] == ["halt"]
    assert records[0].actor == "cli" and records[0].reason == "test"


def test_state_is_shared_json(store: Store, url: str) -> None:
    store.state.set("trading.halt", {"active": True, "reason": "test"})
    store.state.set("trading.halt", {"active": False})
    other = Store(url)
    assert other.state.get("trading.halt") == {"active": False}
    assert other.state.get("missing", 7) == 7
    other.close()


WRITER = textwrap.dedent("""
    import sys, pandas as pd
    from volex.adapters.storage.store import Store
    store = Store(sys.argv[1])
    who = sys.argv[2]
    stamps = pd.date_range("2024-01-01", periods=200, freq="1h", tz="UTC")
    candles = pd.DataFrame({"timestamp": stamps, "open": 1.0, "high": 2.0, "low": 0.5,
                            "close": 1.5, "volume": 1.0})
    for i in range(25):
        store.audit.record(who, "write", str(i))
        store.state.set(f"{who}.last", i)
        store.candles.save("binance", "BTC/USDT", "1h", candles.iloc[i * 4: i * 4 + 100])
    store.close()
    print("done", who)
""")


def test_two_writer_processes_on_postgresql(pg_url: str) -> None:
    # Both start on an empty database: they also race to migrate it.
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, pg_url, who], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for who in ("alpha", "beta")]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [err[-800:] for _, err in outputs]
    store = Store(pg_url)
    actions = [(r.actor, r.subject) for r in store.audit.list(limit=1000)]
    assert sorted(actions) == sorted((who, str(i)) for who in ("alpha", "beta") for i in range(25))
    assert store.state.get("alpha.last") == 24 and store.state.get("beta.last") == 24
    loaded = store.candles.load("binance", "BTC/USDT", "1h")
    assert len(loaded) == 196 and loaded["timestamp"].is_unique
    store.close()


def test_a_dropped_postgresql_connection_is_retried(pg_url: str) -> None:
    store = Store(pg_url)
    store.state.set("before", 1)
    name = pg_url.rsplit("/", 1)[1]
    admin = create_engine(pg_url.rsplit("/", 1)[0] + "/test", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        killed = conn.execute(text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                   "WHERE datname = :d AND pid <> pg_backend_pid()"), {"d": name}).scalar()
    admin.dispose()
    assert killed >= 1  # the store's pooled connection is gone...
    store.state.set("after", 2)  # ...and the next write reconnects
    assert store.state.get("before") == 1 and store.state.get("after") == 2
    store.close()


def test_an_unreachable_database_is_a_clear_error_without_the_password() -> None:
    with pytest.raises(StorageError, match=r"database error \(postgresql\)") as err:
        Store("postgresql+psycopg://volex:pg-secret-password@127.0.0.1:9/volex")
    assert "pg-secret-password" not in str(err.value)


def test_timescaledb_is_detected_never_required(pg_url: str) -> None:
    store = Store(pg_url)
    with store.db.begin() as conn:
        listed = conn.execute(text("SELECT count(*) FROM pg_available_extensions "
                                   "WHERE name = 'timescaledb'")).scalar() == 1
        assert timescale_available(conn) is listed
    report = ensure_hypertables(store.db)
    assert report.available is listed
    if not listed:
        assert report.hypertables == [] and "not available" in report.summary()
        with store.db.begin() as conn:
            assert conn.execute(text("SELECT count(*) FROM pg_extension "
                                     "WHERE extname = 'timescaledb'")).scalar() == 0
        store.close()
        pytest.skip("TimescaleDB is not installed on this PostgreSQL: detection checked, "
                    "hypertables cannot be")
    assert "candles" in report.hypertables
    store.candles.save("binance", "BTC/USDT", "1h", frame("2024-01-01", 10))
    assert len(store.candles.load("binance", "BTC/USDT", "1h")) == 10
    store.close()


def test_a_sqlite_store_is_copied_into_postgresql(tmp_path: Path, pg_url: str) -> None:
    source = Store(f"sqlite:///{tmp_path / 'old.db'}")
    source.candles.save("binance", "ETH/USDT", "1h", frame("2024-01-01", 3000))
    for i in range(5):
        source.audit.record("cli", "note", str(i), details={"i": i})
    source.state.set("trading.halt", {"active": True})
    source.close()
    target = Store(pg_url)
    report = copy_database(str(tmp_path / "old.db"), target.db)
    assert report.tables["candles"] == (3000, 3000) and report.tables["audit_log"] == (5, 5)
    assert len(target.candles.load("binance", "ETH/USDT", "1h")) == 3000
    assert target.state.get("trading.halt") == {"active": True}
    target.audit.record("cli", "after-copy")  # ids continue after the copied ones
    assert [r.subject for r in target.audit.list()][-2:] == ["4", None]
    with pytest.raises(UserInputError, match="already holds data"):
        copy_database(str(tmp_path / "old.db"), target.db)
    again = copy_database(f"sqlite:///{tmp_path / 'old.db'}", target.db, merge=True)
    assert again.rows_written == 0 and again.rows_read == report.rows_read
    with pytest.raises(UserInputError, match="no SQLite store at"):
        copy_database(str(tmp_path / "missing.db"), target.db)
    assert json.loads(json.dumps(report.tables))  # plain data, printable as JSON
    target.close()
