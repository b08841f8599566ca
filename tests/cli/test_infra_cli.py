"""`volex secrets`, `volex doctor` and `volex db` as a trader uses them."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pandas as pd
import pytest

from tests.support.cli import run
from tests.support.openbao import free_port, openbao_server
from volex.adapters.storage.store import Store

KEY = "cli-test-api-key-7f3a9c2e51"
SECRET = "cli-test-api-secret-0d8b6e4a93"


def one_line_error(result, code: int | None = None) -> str:
    """The single-line error a user sees (and no traceback)."""
    assert result.exit_code != 0, result.output
    if code is not None:
        assert result.exit_code == code, result.output
    assert "Traceback" not in result.output + result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("Error: ")]
    assert len(errors) == 1 and errors[0] == lines[-1], result.stderr  # prompts may come first
    return errors[0]


def no_values(*texts: str) -> None:
    for text in texts:
        assert KEY not in text and SECRET not in text


# -- secrets ---------------------------------------------------------------------------------


def test_set_from_stdin_then_list_and_delete(volex_home: Path) -> None:
    result = run("secrets", "set", "binance", "--stdin", input=f"{KEY}\n{SECRET}\n")
    assert result.exit_code == 0, result.output
    assert "stored binance (api_key, secret) in file" in result.output
    path = volex_home / "secrets.toml"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    listed = run("secrets", "list")
    assert listed.exit_code == 0 and "binance" in listed.output and "file" in listed.output
    as_json = run("secrets", "list", "--json")
    assert json.loads(as_json.stdout) == [{"name": "binance", "backends": ["file"],
                                           "location": f"file {path} [binance]"}]
    no_values(result.output, listed.output, as_json.output)
    deleted = run("secrets", "delete", "binance")
    assert deleted.exit_code == 0 and "deleted binance" in deleted.output
    assert "no secrets stored" in run("secrets", "list").output
    assert "no secret named 'binance'" in one_line_error(run("secrets", "delete", "binance"), 1)
    actions = [r.action for r in Store(f"sqlite:///{volex_home / 'volex.db'}").audit.list()]
    assert actions == ["secret.set", "secret.delete"]


def test_typed_values_are_hidden(volex_home: Path) -> None:
    result = run("secrets", "set", "kraken", "--password",
                 input=f"{KEY}\n{SECRET}\npass-phrase-0042\n")
    assert result.exit_code == 0, result.output
    assert "API key" in result.output and "Password" in result.output
    no_values(result.output)
    assert "pass-phrase-0042" not in result.output
    assert "kraken" in (volex_home / "secrets.toml").read_text()


@pytest.mark.parametrize(("args", "stdin", "message"), [
    (["binance", "--stdin"], f"{KEY}\n", "missing: secret"),
    (["binance", "--stdin"], "", "missing: api_key, secret"),
    (["bad name", "--stdin"], f"{KEY}\n{SECRET}\n", "bad secret name"),
    (["binance", "--stdin", "--backend", "env"], f"{KEY}\n{SECRET}\n", "env backend is read-only"),
    (["binance", "--stdin", "--backend", "etcd"], f"{KEY}\n{SECRET}\n", "unknown secrets backend"),
    (["binance"], "", "no input"),
])
def test_bad_input_is_one_line_and_stores_nothing(args: list[str], stdin: str, message: str,
                                                  volex_home: Path) -> None:
    result = run("secrets", "set", *args, input=stdin)
    assert message in one_line_error(result)
    no_values(result.output, result.stderr)
    assert not (volex_home / "secrets.toml").exists()


def test_a_key_without_a_secret(volex_home: Path) -> None:
    result = run("secrets", "set", "openai", "--stdin", "--key-only", input=f"sk-{KEY}\n")
    assert result.exit_code == 0 and "stored openai (api_key) in file" in result.output
    assert 'api_key = "sk-' in (volex_home / "secrets.toml").read_text()


def test_a_file_others_can_read_is_refused(volex_home: Path) -> None:
    run("secrets", "set", "binance", "--stdin", input=f"{KEY}\n{SECRET}\n")
    (volex_home / "secrets.toml").chmod(0o644)
    line = one_line_error(run("secrets", "list"), 1)
    assert "other users can access it (mode 644); run: chmod 600" in line


def test_check_reads_every_secret_from_env_and_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VOLEX_OFFLINE", "true")  # no venue calls: reading only
    monkeypatch.setenv("VOLEX_BYBIT_API_KEY", KEY + "-env")
    run("secrets", "set", "binance", "--stdin", input=f"{KEY}\n{SECRET}\n")
    run("secrets", "set", "binance-sub", "--stdin", input=f"{KEY}\n{SECRET}\n")
    result = run("secrets", "check", "--json")
    rows = {r["component"]: r for r in json.loads(result.stdout)}
    assert rows["secret binance"]["status"] == "ok"
    assert "api_key, secret readable from file" in rows["secret binance"]["detail"]
    assert rows["secret bybit"]["status"] == "warn"  # an exchange key without its secret
    assert "needs api_key and secret" in rows["secret bybit"]["detail"]
    assert result.exit_code == 0
    no_values(result.output)


def test_secrets_in_openbao_through_the_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            unique_prefix: str, volex_home: Path) -> None:
    with openbao_server(tmp_path) as bao:
        monkeypatch.setenv("VOLEX_SECRETS_BACKEND", "vault")
        monkeypatch.setenv("VAULT_ADDR", bao.addr)
        monkeypatch.setenv("VAULT_TOKEN", bao.root_token)
        (volex_home / "config.toml").write_text(f'[secrets]\nvault_prefix = "{unique_prefix}"\n')
        assert run("secrets", "set", "binance", "--stdin", input=f"{KEY}\n{SECRET}\n").exit_code == 0
        listed = run("secrets", "list", "--json")
        assert json.loads(listed.stdout) == [{"name": "binance", "backends": ["vault"],
                                              "location": f"vault {bao.addr} {unique_prefix}/binance"}]
        assert not (volex_home / "secrets.toml").exists()
        stored = bao.client().secrets.kv.v2.read_secret_version(
            path=f"{unique_prefix}/binance", mount_point="secret", raise_on_deleted_version=True)
        assert stored["data"]["data"] == {"api_key": KEY, "secret": SECRET}
        doctor = run("doctor", "--json")
        secrets_row = next(r for r in json.loads(doctor.stdout) if r["component"] == "secrets")
        assert secrets_row["status"] == "ok" and "version 2." in secrets_row["detail"]
        no_values(listed.output, doctor.output)
    down = run("secrets", "list")  # the server is gone now
    assert "unreachable" in one_line_error(down, 1)


# -- doctor ----------------------------------------------------------------------------------


def test_doctor_embedded_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VOLEX_OFFLINE", "true")
    result = run("doctor", "--json")
    rows = {r["component"]: r for r in json.loads(result.stdout)}
    assert set(rows) == {"store", "event bus", "outbox", "cache", "secrets", "exchange binance",
                         "autopilot", "llm local"}
    assert rows["store"]["status"] == "ok" and "sqlite" in rows["store"]["detail"]
    assert rows["autopilot"]["status"] == "off" and "not running" in rows["autopilot"]["detail"]
    assert rows["event bus"]["status"] == "ok" and "in-process" in rows["event bus"]["detail"]
    assert rows["exchange binance"]["status"] == "off"
    assert all(r["latency_ms"] is not None for r in rows.values())
    assert result.exit_code == 0
    table = run("doctor")
    for word in ("Component", "Status", "Latency", "Hint", "store", "event bus"):
        assert word in table.output


def test_doctor_with_redis_and_postgresql(monkeypatch: pytest.MonkeyPatch, redis_url: str,
                                          pg_url: str) -> None:
    monkeypatch.setenv("VOLEX_OFFLINE", "true")
    monkeypatch.setenv("VOLEX_BUS_URL", redis_url)
    monkeypatch.setenv("VOLEX_CACHE_URL", redis_url)
    monkeypatch.setenv("VOLEX_DATABASE_URL", pg_url)
    result = run("doctor", "--json")
    rows = {r["component"]: r for r in json.loads(result.stdout)}
    assert result.exit_code == 0, result.output
    assert rows["store"]["status"] == "ok" and "postgresql" in rows["store"]["detail"]
    assert rows["event bus"]["detail"].startswith("Redis ")
    assert rows["cache"]["detail"].startswith("Redis ")


def test_doctor_names_what_fails_and_how_to_fix_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VOLEX_OFFLINE", "true")
    monkeypatch.setenv("VOLEX_BUS_URL", f"redis://:redis-pass-123456@127.0.0.1:{free_port()}/0")
    monkeypatch.setenv("VOLEX_DATABASE_URL",
                       f"postgresql+psycopg://volex:pg-pass-123456@127.0.0.1:{free_port()}/volex")
    result = run("doctor", "--json")
    assert result.exit_code == 1
    rows = {r["component"]: r for r in json.loads(result.stdout)}
    assert rows["event bus"]["status"] == "fail" and "redis-server" in rows["event bus"]["hint"]
    assert rows["store"]["status"] == "fail" and "volex db upgrade" in rows["store"]["hint"]
    assert rows["secrets"]["status"] == "ok"  # the rest is still checked
    assert "redis-pass-123456" not in result.output and "pg-pass-123456" not in result.output
    assert "Traceback" not in result.output + result.stderr


def test_doctor_shows_events_waiting_for_the_bus(monkeypatch: pytest.MonkeyPatch) -> None:
    from volex import Volex

    monkeypatch.setenv("VOLEX_OFFLINE", "true")
    monkeypatch.setenv("VOLEX_BUS_URL", f"redis://127.0.0.1:{free_port()}/0")
    with Volex() as app:
        app.runtime.events.emit("orders", {"action": "order.new", "order_id": 7})
    rows = {r["component"]: r for r in json.loads(run("doctor", "--json").stdout)}
    assert rows["outbox"]["status"] == "warn"
    assert rows["outbox"]["detail"] == "1 event(s) waiting for the bus"
    assert rows["event bus"]["status"] == "fail"


def test_doctor_checks_an_openai_compatible_llm(monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.support.openai_server import OpenAIServer

    monkeypatch.setenv("VOLEX_OFFLINE", "true")
    monkeypatch.setenv("VOLEX_LLM__PROVIDER", "openai")
    with OpenAIServer() as server:
        monkeypatch.setenv("VOLEX_LLM__BASE_URL", server.base_url)
        missing = {r["component"]: r for r in json.loads(run("doctor", "--json").stdout)}
        assert missing["llm openai"]["status"] == "fail"
        assert "no API key" in missing["llm openai"]["detail"]
        assert "OPENAI_API_KEY" in missing["llm openai"]["hint"]
        monkeypatch.setenv("OPENAI_API_KEY", "sk-doctor-test-key")
        result = run("doctor", "--json")
        row = {r["component"]: r for r in json.loads(result.stdout)}["llm openai"]
        assert row["status"] == "ok" and server.base_url in row["detail"]
        assert server.requests[-1].headers["authorization"] == "Bearer sk-doctor-test-key"
        assert "sk-doctor-test-key" not in result.output
        assert result.exit_code == 0


# -- db --------------------------------------------------------------------------------------


def test_db_upgrade_on_sqlite_and_postgresql(monkeypatch: pytest.MonkeyPatch, pg_url: str) -> None:
    first = run("db", "upgrade")
    assert first.exit_code == 0 and "upgraded (empty) ->" in first.output
    assert "already up to date" in run("db", "upgrade").output
    monkeypatch.setenv("VOLEX_DATABASE_URL", pg_url)
    result = run("db", "upgrade", "--json")
    data = json.loads(result.stdout)
    assert data["before"] == [] and "0005" in data["after"]
    assert data["timescale"]  # detected one way or the other, never an error


def test_db_migrate_from_sqlite_into_postgresql(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                pg_url: str) -> None:
    old = Store(f"sqlite:///{tmp_path / 'old.db'}")
    stamps = pd.date_range("2024-01-01", periods=500, freq="1h", tz="UTC")
    old.candles.save("binance", "BTC/USDT", "1h", pd.DataFrame({
        "timestamp": stamps, "open": 1.0, "high": 2.0, "low": 0.5, "close": 1.5, "volume": 3.0}))
    old.close()
    monkeypatch.setenv("VOLEX_DATABASE_URL", pg_url)
    result = run("db", "migrate-from", f"sqlite:///{tmp_path / 'old.db'}")
    assert result.exit_code == 0, result.output
    assert "copied 500 rows" in result.output
    again = run("db", "migrate-from", str(tmp_path / "old.db"))
    assert "already holds data" in one_line_error(again, 2)
    merged = run("db", "migrate-from", str(tmp_path / "old.db"), "--merge", "--json")
    assert json.loads(merged.stdout)["tables"]["candles"] == {"read": 500, "written": 0}
    assert "no SQLite store at" in one_line_error(run("db", "migrate-from", "/nope/volex.db"), 2)
    assert "must be a SQLite store" in one_line_error(run("db", "migrate-from", pg_url), 2)
