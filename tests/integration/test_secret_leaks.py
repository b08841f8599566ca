"""Known secrets never leak: real `volex` processes are run into every failure we could think
of, then every stdout and stderr, every log file and every row of every table is searched."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import MetaData, create_engine, select

from tests.support.openbao import free_port, openbao_server

SECRETS = {
    "binance key": "LEAKTEST-binance-key-5e1f0c9a7b",
    "binance secret": "LEAKTEST-binance-secret-93d2a6f4e8",
    "okx key": "LEAKTEST-okx-key-1a2b3c4d5e",
    "okx secret": "LEAKTEST-okx-secret-6f7a8b9c0d",
    "kraken key": "LEAKTEST-kraken-env-key-0c4e7d2a91",
    "kraken secret": "LEAKTEST-kraken-env-secret-b83f5e6c27",
    "openai key": "sk-LEAKTEST-openai-4d9e8f7a6b5c",
    "postgres password": "LEAKTEST-pg-password-77aa",
    "redis password": "LEAKTEST-redis-password-88bb",
}

LOGGING = textwrap.dedent("""
    import logging, os
    from volex import Volex
    from volex.config import volex_home
    from volex.logging_setup import configure_logging
    configure_logging(volex_home())  # as a front end does (a library leaves logging alone)
    app = Volex()
    log = logging.getLogger("volex.leaktest")
    key = os.environ["VOLEX_KRAKEN_API_KEY"]
    log.error("placing order with key %s", key)
    log.warning("secret in the message itself: " + os.environ["VOLEX_KRAKEN_SECRET"])
    try:
        raise RuntimeError(f"venue refused {os.environ['OPENAI_API_KEY']}")
    except RuntimeError:
        log.exception("with a traceback")
    app.runtime.events.emit("halt", {"state": {"active": True, "reason": "leak test"}})
    app.close()
""")


def volex(args: list[str], env: dict[str, str], stdin: str = "") -> tuple[str, str, int]:
    """`volex ARGS` in a process of its own (slow: for what needs a real process)."""
    proc = subprocess.run([sys.executable, "-m", "volex", *args], input=stdin, text=True,
                          capture_output=True, env=env, timeout=90, check=False)
    return proc.stdout, proc.stderr, proc.returncode


def volex_here(args: list[str], env: dict[str, str], stdin: str = "") -> tuple[str, str, int]:
    """`volex ARGS` in this process, as if it were a fresh one (no secret known in advance)."""
    from tests.support.cli import run
    from volex.adapters.secrets import redact

    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    redact.forget_all()
    try:
        result = run(*args, input=stdin)
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return result.stdout, result.stderr, result.exit_code


def python(code: str, env: dict[str, str]) -> tuple[str, str, int]:
    proc = subprocess.run([sys.executable, "-c", code], text=True, capture_output=True, env=env,
                          timeout=90, check=False)
    return proc.stdout, proc.stderr, proc.returncode


def table_text(url: str) -> str:
    """Every row of every table, as text."""
    engine = create_engine(url)
    meta = MetaData()
    with engine.connect() as conn:
        meta.reflect(conn)
        rows = [f"{t.name}: {tuple(r)}" for t in meta.sorted_tables
                for r in conn.execute(select(t)).all()]
    engine.dispose()
    return "\n".join(rows)


def leaks(text: str) -> list[str]:
    return [name for name, value in SECRETS.items() if value in text]


def test_no_secret_leaks_anywhere(tmp_path: Path, pg_url: str, redis_url: str) -> None:
    home = tmp_path / "home"
    home.mkdir()
    dead_pg = (f"postgresql+psycopg://volex:{SECRETS['postgres password']}@127.0.0.1:"
               f"{free_port()}/volex")
    live_pg = pg_url.replace("postgres@", f"postgres:{SECRETS['postgres password']}@")  # trust auth
    dead_redis = f"redis://:{SECRETS['redis password']}@127.0.0.1:{free_port()}/0"
    with openbao_server(tmp_path) as bao:
        base = {k: v for k, v in os.environ.items() if not k.startswith(("VOLEX_", "VAULT_"))}
        base.update({"VOLEX_HOME": str(home), "VAULT_ADDR": bao.addr, "VAULT_TOKEN": bao.root_token,
                     "VOLEX_KRAKEN_API_KEY": SECRETS["kraken key"],
                     "VOLEX_KRAKEN_SECRET": SECRETS["kraken secret"],
                     "OPENAI_API_KEY": SECRETS["openai key"], "VOLEX_LOG_LEVEL": "DEBUG"})
        binance = f"{SECRETS['binance key']}\n{SECRETS['binance secret']}\n"
        okx = f"{SECRETS['okx key']}\n{SECRETS['okx secret']}\n"
        runs: dict[str, tuple[str, str, int]] = {}
        runs["set binance"] = volex_here(["secrets", "set", "binance", "--stdin"], base, binance)
        runs["set okx in vault"] = volex_here(
            ["secrets", "set", "okx", "--stdin", "--backend", "vault"], base, okx)
        assert runs["set binance"][2] == 0 and runs["set okx in vault"][2] == 0, runs
        failing = {
            "list": (["secrets", "list"], {}, ""),
            "check, venues unreachable or refusing fake keys": (["secrets", "check"], {}, ""),
            "check offline": (["secrets", "check"], {"VOLEX_OFFLINE": "true"}, ""),
            "key pasted as the name": (["secrets", "set", SECRETS["binance secret"], "--stdin"],
                                       {}, binance),
            "key pasted as a symbol": (["analyze", SECRETS["binance key"], "--offline"], {}, ""),
            "kraken key pasted as a symbol": (["analyze", SECRETS["kraken key"], "--offline"], {}, ""),
            "only a key on stdin": (["secrets", "set", "bybit", "--stdin"], {},
                                    SECRETS["binance key"] + "\n"),
            "env is read-only": (["secrets", "set", "kraken", "--stdin", "--backend", "env"], {},
                                 binance),
            "vault mount missing": (["secrets", "set", "okx", "--stdin"],
                                    {"VOLEX_SECRETS_BACKEND": "vault",
                                     "VOLEX_SECRETS__VAULT_MOUNT": "nomount"}, okx),
            "vault token wrong": (["secrets", "check"], {"VOLEX_SECRETS_BACKEND": "vault",
                                                         "VAULT_TOKEN": "s.wrong-token-000000"}, ""),
            "vault down": (["secrets", "set", "okx", "--stdin", "--backend", "vault"],
                           {"VAULT_ADDR": f"http://127.0.0.1:{free_port()}"}, okx),
            "doctor, everything down": (["doctor"], {"VOLEX_DATABASE_URL": dead_pg,
                                                     "VOLEX_BUS_URL": dead_redis,
                                                     "VOLEX_CACHE_URL": dead_redis,
                                                     "VOLEX_LLM__PROVIDER": "openai",
                                                     "VOLEX_LLM__BASE_URL": f"http://127.0.0.1:{free_port()}/v1"}, ""),
            "db upgrade, database down": (["db", "upgrade"], {"VOLEX_DATABASE_URL": dead_pg}, ""),
            "set into PostgreSQL": (["secrets", "set", "kucoin", "--stdin"],
                                    {"VOLEX_DATABASE_URL": live_pg}, okx),
            "doctor on PostgreSQL, bus down": (["doctor", "--json"], {"VOLEX_DATABASE_URL": live_pg,
                                                                      "VOLEX_BUS_URL": dead_redis}, ""),
            "config show": (["config", "show"], {"VOLEX_DATABASE_URL": live_pg,
                                                 "VOLEX_BUS_URL": dead_redis}, ""),
            "config show --json": (["config", "show", "--json"], {"VOLEX_DATABASE_URL": dead_pg,
                                                                 "VOLEX_CACHE_URL": dead_redis}, ""),
            "migrate-from into PostgreSQL": (["db", "migrate-from", str(home / "volex.db"), "--merge"],
                                             {"VOLEX_DATABASE_URL": live_pg}, ""),
        }
        with ThreadPoolExecutor(max_workers=3) as pool:  # what needs real processes, meanwhile
            futures = {
                "logging and an outbox event with the bus down": pool.submit(
                    python, LOGGING, {**base, "VOLEX_BUS_URL": dead_redis}),
                "same with Redis up": pool.submit(python, LOGGING, {**base, "VOLEX_BUS_URL": redis_url}),
                "--debug traceback of a database that is down": pool.submit(
                    volex, ["--debug", "db", "upgrade"], {**base, "VOLEX_DATABASE_URL": dead_pg}),
            }
            for name, (args, env, stdin) in failing.items():
                runs[name] = volex_here(args, {**base, **env}, stdin)
            runs.update({name: future.result() for name, future in futures.items()})

    for name in ("key pasted as the name", "key pasted as a symbol", "only a key on stdin",
                 "env is read-only", "vault mount missing", "vault token wrong", "vault down",
                 "doctor, everything down", "db upgrade, database down"):
        out, err, code = runs[name]
        assert code != 0, f"{name} should have failed: {out}{err}"
    assert "***" in runs["key pasted as a symbol"][1]
    assert "Traceback" in runs["--debug traceback of a database that is down"][1]
    assert runs["set into PostgreSQL"][2] == 0, runs["set into PostgreSQL"]

    found = {name: leaks(out + err) for name, (out, err, _) in runs.items()}
    logs = "".join(p.read_text() for p in (home / "logs").glob("volex.log*"))
    assert "placing order with key ***" in logs and "with a traceback" in logs
    found["log files"] = leaks(logs)
    found["SQLite tables"] = leaks(table_text(f"sqlite:///{home / 'volex.db'}"))
    found["PostgreSQL tables"] = leaks(table_text(pg_url))
    assert "secret.set" in table_text(pg_url)  # the audit row is there, without values
    assert {name: hits for name, hits in found.items() if hits} == {}


@pytest.fixture(autouse=True)
def _no_real_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)
