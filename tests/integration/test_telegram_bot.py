"""`volex bot telegram` against a loopback Bot API: allow-listed chats with roles, plain
English through the meta-agent, trades confirmed with inline buttons, /halt at once."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from tests.support.telegram_server import BotApi
from volex import Volex

TOKEN = "123456:AAE-bot-token-never-shown"
TRADER, VIEWER, STRANGER = 100, 200, 300


@dataclass
class Running:
    api: BotApi
    volex: Volex


@pytest.fixture
def bot() -> Iterator[Running]:
    from volex.bot.telegram import TelegramBot

    api = BotApi(TOKEN)
    volex = Volex(offline=True)
    telegram = TelegramBot(volex, TOKEN, {str(TRADER): "trader", str(VIEWER): "viewer"},
                           api=api.url, poll_s=1)
    stop = threading.Event()
    thread = threading.Thread(target=telegram.run, args=(stop,), daemon=True)
    thread.start()
    yield Running(api, volex)
    stop.set()
    thread.join(10)
    telegram.close()
    api.close()
    sent = " ".join(str(body) for _, body in api.sent)
    assert TOKEN not in sent and "AAE-bot-token" not in sent


def test_a_chat_not_on_the_list_gets_nothing_done(bot: Running) -> None:
    bot.api.say(STRANGER, "/halt")
    [reply] = bot.api.wait_for(STRANGER, 1)
    assert "not allowed" in reply["text"] and str(STRANGER) in reply["text"]
    assert not bot.volex.halt_state().active


def test_a_viewer_reads_but_cannot_halt(bot: Running) -> None:
    bot.api.say(VIEWER, "analyze btc on the daily chart")
    [reply] = bot.api.wait_for(VIEWER, 1)
    verdict = bot.volex.analyze("BTC/USDT", "1d").verdict.action
    assert "$ volex analyze BTC/USDT --timeframe 1d" in reply["text"]
    assert f"BTC/USDT 1d: {verdict}" in reply["text"]
    bot.api.say(VIEWER, "/halt")
    assert "needs a trader" in bot.api.wait_for(VIEWER, 2)[1]["text"]
    assert not bot.volex.halt_state().active


def test_a_trade_waits_for_the_confirm_button(bot: Running) -> None:
    bot.api.say(TRADER, "buy $100 of btc")
    [question] = bot.api.wait_for(TRADER, 1)
    assert "plan: buy" in question["text"] and "Run it?" in question["text"]
    yes, no = question["reply_markup"]["inline_keyboard"][0]
    assert (yes["text"], no["text"]) == ("Confirm", "Cancel")
    assert not bot.volex.positions(), "a trade left before the button was pressed"
    bot.api.press(TRADER, yes["callback_data"])
    bot.api.wait_for(TRADER, 2)
    assert [p.symbol for p in bot.volex.positions()] == ["BTC/USDT"]
    assert any(m == "answerCallbackQuery" for m, _ in bot.api.sent)
    assert any(r.actor == f"telegram-{TRADER}" for r in bot.volex.audit())
    bot.api.press(TRADER, yes["callback_data"])  # a second press runs nothing again
    bot.api.say(TRADER, "buy $50 of eth")
    question = bot.api.wait_for(TRADER, 3)[2]
    bot.api.press(TRADER, question["reply_markup"]["inline_keyboard"][0][1]["callback_data"])
    assert "Cancelled" in bot.api.wait_for(TRADER, 4)[3]["text"]
    assert [p.symbol for p in bot.volex.positions()] == ["BTC/USDT"]


def test_halt_from_a_trader_chat_is_at_once(bot: Running) -> None:
    bot.api.say(TRADER, "/halt")
    [reply] = bot.api.wait_for(TRADER, 1)
    state = bot.volex.halt_state()
    assert state.active and state.actor == f"telegram-{TRADER}"
    assert "HALTED" in reply["text"] and "reply_markup" not in reply


def test_a_wrong_token_is_reported_without_the_token_and_the_bot_carries_on(caplog) -> None:
    from volex.bot.telegram import TelegramBot

    api = BotApi(TOKEN)
    with Volex(offline=True) as volex:
        telegram = TelegramBot(volex, "999:wrong-token-xyz", {"1": "viewer"}, api=api.url,
                               poll_s=1)
        stop = threading.Event()
        thread = threading.Thread(target=telegram.run, args=(stop,), daemon=True)
        thread.start()
        stop.wait(1.5)
        stop.set()
        thread.join(10)
        telegram.close()
    api.close()
    assert not thread.is_alive()
    assert "getUpdates refused: Unauthorized" in caplog.text
    assert "wrong-token-xyz" not in caplog.text
