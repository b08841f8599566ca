"""Notifications with the real apprise library against loopback servers speaking each
service's API: what a person on Telegram, Discord, Slack, email or a webhook receives, and
what happens when a service fails, hangs or is away."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest

from tests.support.notify_servers import HookServer, MailServer
from volex.facade import Volex

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VOLEX_OFFLINE", "true")


@pytest.fixture
def hook() -> Iterator[HookServer]:
    server = HookServer()
    yield server
    server.close()


def _volex(hook: HookServer, **notify: object) -> Volex:
    settings = {"timeout_s": 2.0, "retry_base_s": 0.05, "group_window_s": 0.0,
                "api_base": {"telegram": f"{hook.base}/bot", "discord": f"{hook.base}/webhooks",
                             "slack": f"{hook.base}/services"}} | notify
    app = Volex(actor="cli", notify=settings)
    app.watch().notify_once()  # the first pump starts the feed at the present
    return app


def _drain(app: Volex, done, timeout_s: float = 5.0) -> bool:
    """Run the notification worker until ``done()`` or the timeout."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        app.watch().notify_once()
        if done():
            return True
        time.sleep(0.03)
    return done()


def test_a_halt_reaches_telegram_discord_slack_a_webhook_and_email(hook: HookServer) -> None:
    mail = MailServer()
    try:
        app = _volex(hook)
        app.notify_add(f"tgram://{TOKEN}/987654321")
        app.notify_add("discord://4174216298/JHMHI8qBe7bk2ZwO5U711o3dV_js")
        app.notify_add("slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7/#alerts")
        app.notify_add(f"json://127.0.0.1:{hook.port}/hook", name="webhook")
        app.notify_add(f"mailto://127.0.0.1:{mail.port}?mode=insecure&from=bot@example.com"
                       "&to=me@example.com", name="email")
        app.halt(reason="exchange acting up")
        assert _drain(app, lambda: len(hook.received) >= 4 and mail.messages)
        by_path = {r.path.split("/")[1]: r.body for r in hook.received}
        assert "HALTED" in by_path[f"bot{TOKEN}"]["text"]
        assert "by cli (exchange acting up)" in by_path[f"bot{TOKEN}"]["text"]
        assert by_path[f"bot{TOKEN}"]["chat_id"] == 987654321
        assert "HALTED" in by_path["webhooks"]["content"]
        assert by_path["services"]["attachments"][0]["title"] == "HALTED"
        assert by_path["hook"]["title"] == "HALTED" and by_path["hook"]["type"] == "failure"
        assert "HALTED" in mail.messages[0] and "exchange acting up" in mail.messages[0]
        app.close()
    finally:
        mail.close()


def test_a_service_answering_500_three_times_still_gets_the_message_once(hook: HookServer) -> None:
    app = _volex(hook)
    app.notify_add(f"json://127.0.0.1:{hook.port}/hook", name="webhook")
    hook.fail_next = 3
    app.halt(reason="flaky receiver")
    assert _drain(app, lambda: len(hook.received) == 1)
    _drain(app, lambda: False, timeout_s=0.5)  # more rounds send nothing more
    assert hook.attempts == 4 and len(hook.received) == 1
    assert app.runtime.store.notify.pending() == 0
    app.close()


def test_a_notification_queued_while_the_service_is_away_is_sent_once_when_it_is_back() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    placeholder = HookServer()
    app = _volex(placeholder)
    app.notify_add(f"json://127.0.0.1:{port}/hook", name="webhook")  # nobody listens there yet
    app.halt(reason="while away")
    _drain(app, lambda: False, timeout_s=0.6)
    assert app.runtime.store.notify.pending("webhook") == 1
    assert app.notify_channels()[0]["last_error"].startswith("JSON: ")
    back = HookServer(port=port)
    try:
        assert _drain(app, lambda: len(back.received) == 1, timeout_s=8.0)
        _drain(app, lambda: False, timeout_s=0.5)
        assert len(back.received) == 1 and back.received[0].body["title"] == "HALTED"
    finally:
        back.close()
        placeholder.close()
        app.close()


def test_a_hanging_service_delays_neither_other_channels_nor_orders(hook: HookServer) -> None:
    stuck = HookServer()
    stuck.hang.set()
    try:
        app = _volex(hook, timeout_s=8.0)
        app.notify_add(f"json://127.0.0.1:{stuck.port}/hook", name="stuck")
        app.notify_add(f"tgram://{TOKEN}/987654321")
        app.halt(reason="first")
        app.watch().notify_once()
        started = time.monotonic()
        assert _drain(app, lambda: len(hook.received) == 1, timeout_s=2.0)
        assert time.monotonic() - started < 2.0
        assert stuck.attempts == 1 and not stuck.received  # still hanging on its first try
        app.resume(reason="go on")
        plan = app.plan_trade("BTC", "buy", quote="100")
        started = time.monotonic()
        result = app.trade(plan)
        app.watch().notify_once()
        # The stuck service holds its send for 8 s; the order and the worker's round did not wait.
        assert time.monotonic() - started < 3.0
        assert result.order.status == "closed"
        assert _drain(app, lambda: "order filled" in " ".join(hook.texts()), timeout_s=3.0)
        assert "RESUMED" in " ".join(hook.texts())
        app.close()
    finally:
        stuck.close()


def test_a_storm_becomes_one_message_per_window(hook: HookServer) -> None:
    app = _volex(hook, group_window_s=1.5)
    app.notify_add(f"json://127.0.0.1:{hook.port}/hook", name="webhook", events="alerts")
    audit = app.runtime.store.audit
    audit.record("agent", "alert.fired", "BTC/USDT", None, {"price": "1"})
    assert _drain(app, lambda: len(hook.received) == 1)
    for i in range(30):
        audit.record("agent", "alert.fired", "ETH/USDT", None, {"price": str(i)})
    _drain(app, lambda: False, timeout_s=0.8)
    assert len(hook.received) == 1  # inside the window: nothing more yet
    assert _drain(app, lambda: len(hook.received) == 2, timeout_s=3.0)
    grouped = hook.received[1]
    assert grouped.body["title"] == "Volex: 30 events"
    assert grouped.at - hook.received[0].at >= 1.4
    _drain(app, lambda: False, timeout_s=0.5)
    assert len(hook.received) == 2
    app.close()


def test_kinds_on_silent_and_off_per_channel(hook: HookServer) -> None:
    app = _volex(hook)
    app.notify_add(f"tgram://{TOKEN}/987654321", events="halts,alerts", silent="alerts")
    audit = app.runtime.store.audit
    audit.record("cli", "order.filled", "BTC/USDT", None, {"side": "buy", "amount": "0.1"})
    audit.record("agent", "alert.fired", "BTC/USDT", "dip", {"price": "50000"})
    assert _drain(app, lambda: len(hook.received) == 1)
    app.halt(reason="loud")
    assert _drain(app, lambda: len(hook.received) == 2)
    _drain(app, lambda: False, timeout_s=0.3)
    sent = {r.body["text"].split("\r\n")[0]: r.body["disable_notification"] for r in hook.received}
    assert sent == {"<b>price alert BTC/USDT</b>": True, "<b>HALTED</b>": False}
    app.close()


def test_control_characters_reach_a_phone_escaped(hook: HookServer) -> None:
    app = _volex(hook)
    app.notify_add(f"json://127.0.0.1:{hook.port}/hook", name="webhook")
    app.halt(reason="\x1b]0;PWNED\x07\x1b[2J")
    assert _drain(app, lambda: len(hook.received) >= 1)
    said = hook.received[0].body["message"]
    assert "\x1b" not in said and "\\x1b]0;PWNED\\x07" in said
    app.close()
