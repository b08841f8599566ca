"""`volex notify` as a person uses it: channels added, listed masked, tested, changed, removed,
and the URL (it holds a bot token) never shown, logged or stored in the database."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.cli import one_line_error, run
from tests.support.notify_servers import HookServer

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
HOOK_KEY = "s3cr3tW3bh00kK3y"


@pytest.fixture
def hook(volex_home: Path) -> Iterator[HookServer]:
    server = HookServer()
    (volex_home / "config.toml").write_text(
        f'[notify]\ntimeout_s = 2\napi_base = {{telegram = "{server.base}/bot"}}\n')
    yield server
    server.close()


def _everything_written(home: Path) -> bytes:
    """Every file of VOLEX_HOME but the secrets file: the database, logs, config."""
    return b"".join(p.read_bytes() for p in home.rglob("*")
                    if p.is_file() and p.name != "secrets.toml")


def test_add_list_test_and_remove_never_show_the_url(hook: HookServer, volex_home: Path) -> None:
    added = run("notify", "add", f"tgram://{TOKEN}/987654321", "--events", "halts,fills",
                "--silent", "fills", "--level", "info")
    assert added.exit_code == 0, added.output
    assert "channel telegram (Telegram) added" in added.output
    webhook = run("notify", "add", "--stdin", "--name", "ops", "--level", "warning",
                  input=f"json://127.0.0.1:{hook.port}/hook?token={HOOK_KEY}\n")
    assert webhook.exit_code == 0, webhook.output

    listed = run("notify", "list", "--json")
    assert listed.exit_code == 0
    channels = {c["name"]: c for c in json.loads(listed.stdout)}
    assert channels["telegram"]["address"] == "telegram://***"
    assert channels["telegram"]["on"] == ["halts"] and channels["telegram"]["silent"] == ["fills"]
    assert channels["ops"]["service"] == "JSON" and channels["ops"]["level"] == "warning"
    table = run("notify", "list")
    assert "telegram" in table.output and "***" in table.output

    tested = run("notify", "test")
    assert tested.exit_code == 0, tested.output
    assert "sent telegram (Telegram)" in tested.output and "sent ops (JSON)" in tested.output
    assert hook.wait_for(2)
    assert "channel telegram works" in " ".join(hook.texts())

    changed = run("notify", "set", "telegram", "fills=off", "anomalies=silent")
    assert changed.exit_code == 0, changed.output
    assert "on halts; silent anomalies" in changed.output

    removed = run("notify", "remove", "ops")
    assert removed.exit_code == 0 and "channel ops removed" in removed.output
    assert [c["name"] for c in json.loads(run("notify", "list", "--json").stdout)] == ["telegram"]
    secrets = run("secrets", "list", "--json")
    assert "notify-ops" not in secrets.output and "notify-telegram" in secrets.output

    said = "".join(r.output for r in (added, webhook, listed, table, tested, changed, removed,
                                      secrets, run("audit", "--json")))
    written = _everything_written(volex_home)
    for secret in (TOKEN, "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw", HOOK_KEY):
        assert secret not in said
        assert secret.encode() not in written


def test_a_failing_channel_test_says_why_without_the_url(hook: HookServer) -> None:
    assert run("notify", "add", f"json://127.0.0.1:{hook.port}/hook?token={HOOK_KEY}",
               "--name", "ops").exit_code == 0
    hook.fail_next = 1
    result = run("notify", "test", "ops")
    assert result.exit_code == 1
    assert "failed ops (JSON)" in result.output and "500" in result.output
    assert HOOK_KEY not in result.output


def test_bad_input_is_one_line_and_exit_2(hook: HookServer) -> None:
    line = one_line_error(run("notify", "add", f"nosuch://{TOKEN}"))
    assert "not a notification URL" in line and TOKEN not in line
    assert "unknown event kind(s) fils" in one_line_error(
        run("notify", "add", f"tgram://{TOKEN}/1", "--events", "fils"))
    assert "level is one of" in one_line_error(
        run("notify", "add", f"tgram://{TOKEN}/1", "--level", "loud"))
    assert "no notification channel 'nope'" in one_line_error(run("notify", "remove", "nope"))
    assert "no notification channels" in one_line_error(run("notify", "test"))
    assert "KIND=on|silent|off" in one_line_error(run("notify", "set", "x", "fills"))
    assert "http(s) URL" in one_line_error(run("notify", "heartbeat", "ftp://x"))


def test_the_heartbeat_url_is_a_secret(volex_home: Path) -> None:
    url = "https://hc-ping.example.com/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
    stored = run("notify", "heartbeat", url)
    assert stored.exit_code == 0 and url not in stored.output
    assert b"0f1e2d3c-4b5a" not in _everything_written(volex_home)
    assert run("notify", "heartbeat", "--remove").exit_code == 0


def test_price_alerts_notify_and_every_front_end_shows_the_same_events(
        hook: HookServer, monkeypatch: pytest.MonkeyPatch) -> None:
    from volex.facade import Volex
    from volex.tui.feed import event_from_audit

    monkeypatch.setenv("VOLEX_OFFLINE", "true")
    assert run("notify", "add", f"tgram://{TOKEN}/987654321").exit_code == 0
    with Volex(actor="cli") as app:
        app.watch().notify_once()  # the worker starts following the audit log
        assert run("alert", "BTC", "--above", "1", "--note", "sell some").exit_code == 0
        assert run("alerts", "--check").exit_code == 0
        app.runtime.store.audit.record("monitor", "monitor.anomaly", "price spike BTC/USDT 2h",
                                       "+10.10% in one bar", {"kind": "anomalies"})
        deadline = 50
        while len(hook.received) < 1 and deadline:
            app.watch().notify_once()
            hook.wait_for(1, timeout_s=0.1)
            deadline -= 1
        telegram = " ".join(hook.texts())
        listed = json.loads(run("alerts", "--events", "--json").stdout)
        feed = [event_from_audit(r).text for r in app.audit() if r.action.startswith("monitor.")]
    assert [(e["kind"], e["title"]) for e in listed] == [
        ("alerts", "price alert BTC/USDT"), ("anomalies", "price spike BTC/USDT 2h")]
    assert "price alert BTC/USDT" in telegram and "sell some" in telegram
    assert "price spike BTC/USDT 2h" in telegram
    assert feed == ["price spike BTC/USDT 2h: +10.10% in one bar · monitor"]
    shown = run("alerts", "--events")
    assert "price alert BTC/USDT: now" in shown.output
