"""Plain English for news and sentiment reaches `volex news`, and does not steal other intents."""

from __future__ import annotations

import pytest

from volex.nl import parse
from volex.nl.to_argv import to_argv


@pytest.mark.parametrize("text, argv", [
    ("what's the news on eth", ["news", "ETH/USDT"]),
    ("sentiment for solana this week", ["news", "SOL/USDT", "--since", "7d"]),
    ("is the market fearful?", ["news"]),
    ("how greedy is the market", ["news"]),
    ("news on btc for the past 3 days", ["news", "BTC/USDT", "--since", "3d"]),
    ("what are people saying about doge", ["news", "DOGE/USDT"]),
    ("any headlines about bitcoin this month", ["news", "BTC/USDT", "--since", "30d"]),
])
def test_news_phrases(text, argv):
    command = parse(text)
    assert command.intent == "news"
    assert to_argv(command) == [argv]


@pytest.mark.parametrize("text, intent", [
    ("should i buy btc given the news", "signals"),
    ("buy $100 of btc on the news", "trade"),
    ("halt, the news is terrible", "halt"),
    ("analyze eth", "analyze"),
])
def test_news_words_do_not_steal_stronger_intents(text, intent):
    assert parse(text).intent == intent
