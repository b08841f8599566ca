"""Notification URLs are secrets: masked in any text, whole or in parts, registered or not."""

from __future__ import annotations

import logging

import pytest

from volex.adapters.secrets import redact

TELEGRAM = "tgram://123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/987654321"


@pytest.fixture(autouse=True)
def fresh() -> None:
    redact.forget_all()


def test_any_apprise_url_in_text_is_masked_even_before_it_is_known() -> None:
    text = f"cannot notify {TELEGRAM} nor discord://4174216298/JHMHI8qBe7bk2ZwO5U711o3dV_js."
    assert redact.redact_text(text) == "cannot notify tgram://*** nor discord://***"


def test_the_token_parts_of_a_known_url_are_masked_where_a_library_puts_them() -> None:
    redact.remember_notify_url(TELEGRAM)
    redact.remember_notify_url("json://hooks.example.com/in?token=s3cr3tW3bh00k")
    said = redact.redact_text(
        "POST https://api.telegram.org/bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/sendMessage"
        " failed; POST http://hooks.example.com/in?token=s3cr3tW3bh00k failed")
    assert "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw" not in said and "s3cr3tW3bh00k" not in said
    assert "hooks.example.com" in said  # a host name is not a secret


def test_log_records_are_masked(caplog: pytest.LogCaptureFixture) -> None:
    redact.install()
    redact.remember_notify_url(TELEGRAM)
    with caplog.at_level(logging.DEBUG, logger="apprise"):
        logging.getLogger("apprise").debug("Telegram POST URL: %s",
                                           "https://x/bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/")
    assert "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw" not in caplog.text
