"""The news check: it may veto a trade or lower its confidence, never raise it, and it reads
only news first seen by the close of the bar being decided."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.support.signal_models import known_model
from volex.adapters.llm.local import LocalLLM
from volex.adapters.storage.store import Store
from volex.agents.llm_review import Reviewer
from volex.agents.news import NewsAgent, scored_item
from volex.agents.sentiment_check import apply_sentiment
from volex.agents.signal import SignalAgent
from volex.config import load_settings
from volex.domain.news import RawItem, SentimentFacts
from volex.ml.registry import ModelRegistry

AT = datetime(2025, 1, 1, tzinfo=UTC)


def facts(mean: float | None, items: int = 6, bullish: int = 0, bearish: int = 0,
          fear_greed: int | None = None) -> SentimentFacts:
    return SentimentFacts(as_of=AT, items_24h=items, mean_24h=mean, bullish_24h=bullish,
                          bearish_24h=bearish, fear_greed=fear_greed)


@given(action=st.sampled_from(["buy", "sell", "hold"]), confidence=st.floats(0, 1),
       mean=st.none() | st.floats(-1, 1), items=st.integers(0, 50), bullish=st.integers(0, 50),
       bearish=st.integers(0, 50), crowd=st.none() | st.integers(0, 100))
def test_news_never_raises_confidence_nor_makes_a_trade(action, confidence, mean, items, bullish,
                                                        bearish, crowd):
    after, lowered, vetoed, _ = apply_sentiment(action, confidence,
                                                facts(mean, items, bullish, bearish, crowd))
    assert lowered <= confidence + 1e-9
    assert after in (action, "hold")
    if action == "hold":
        assert (after, lowered, vetoed) == ("hold", confidence, False)
    if vetoed:
        assert (after, lowered) == ("hold", 0.0)


def test_the_rules():
    assert apply_sentiment("buy", 0.8, None) == ("buy", 0.8, False, [])
    action, _, vetoed, notes = apply_sentiment("buy", 0.8, facts(-0.5, bullish=1, bearish=5))
    assert (action, vetoed) == ("hold", True) and "news strongly against it" in notes[0]
    assert apply_sentiment("buy", 0.8, facts(-0.2, bullish=2, bearish=3))[1] == pytest.approx(0.68)
    assert apply_sentiment("buy", 0.8, facts(0.6, bullish=6))[1] == 0.8  # agreement adds nothing
    assert apply_sentiment("buy", 0.8, facts(-0.9, items=2, bearish=2))[1] == 0.8  # too few
    assert apply_sentiment("sell", 0.8, facts(0.5, bullish=5, bearish=1))[2] is True
    assert apply_sentiment("buy", 0.8, facts(None, items=0, fear_greed=90))[1] == pytest.approx(0.72)
    assert apply_sentiment("sell", 0.8, facts(None, items=0, fear_greed=90))[1] == 0.8


def _store_news(store: Store, seen: datetime, count: int) -> None:
    items = [scored_item(RawItem(source="Wire", title=f"Bitcoin exchange hacked, funds drained {i}",
                                 link=f"https://x.example/{seen:%s}/{i}",
                                 published_at=seen - timedelta(hours=1)), seen)
             for i in range(count)]
    store.news.add(items)


def test_a_decision_reads_only_news_seen_by_its_bar_close(base_model, btc_candles, tmp_path):
    """Bearish news first seen after the bar closed must not touch the decision on that bar,
    even though it was published before; the same news seen in time vetoes the buy."""
    store = Store(f"sqlite:///{tmp_path / 'n.db'}")
    news = NewsAgent(store.news, lambda: ([], {}), lambda: AT, budget_s=1,
                     refresh=timedelta(minutes=15))
    asked: list[datetime] = []

    def sentiment(symbol: str, at: datetime) -> SentimentFacts:
        asked.append(at)
        return SentimentFacts.from_summary(news.summary(symbol.split("/")[0], at))

    registry = ModelRegistry()
    registry.save(known_model(base_model))
    agent = SignalAgent(registry, Reviewer(LocalLLM()), None, None, load_settings(),
                        sentiment=sentiment)
    bar_close = btc_candles.frame["timestamp"].iloc[-1].to_pydatetime() + timedelta(days=1)
    _store_news(store, bar_close + timedelta(minutes=1), 6)  # seen a minute too late
    late = agent.decide(btc_candles, save=False)
    assert asked == [bar_close]
    assert late.action == "buy" and late.inputs.sentiment.items_24h == 0
    _store_news(store, bar_close - timedelta(hours=2), 6)  # seen before the close
    vetoed = agent.decide(btc_candles, save=False)
    assert vetoed.action == "hold" and vetoed.vetoed
    assert any("news check vetoed the buy" in r for r in vetoed.reasons)
    assert vetoed.inputs.sentiment.items_24h == 6
    store.close()
