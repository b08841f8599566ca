"""Headline scoring, text cleaning, story merging and asset relevance."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from volex.adapters.news.clean import plain_text
from volex.analysis.sentiment import label, plain_vader, score
from volex.analysis.stories import assets_in, normalise_title, same_story


def test_market_words_plain_vader_misses_are_read():
    for headline in ("Bitcoin surges to record as ETF inflows soar", "ETH rallies"):
        assert plain_vader(headline) == 0.0
        assert label(score(headline).score) == "positive"
    outage = score("Solana network outage halts transactions")
    assert label(outage.score) == "negative" and outage.drivers[0] == "outage -2.2"


def test_phrases_and_drivers():
    rug = score("Developers vanish in a rug pull; holders rekt")
    assert rug.score < -0.5 and rug.drivers[:2] == ("rug pull -3.2", "rekt -2.8")
    assert score("SEC ETF approval expected this week").drivers[0] == "etf approval +2.8"
    assert score("Bitcoin hits all-time high").score > 0.3
    assert score("Fed leaves rates unchanged").drivers == ()


def test_negation_and_summary_weight():
    assert score("Exchange was not hacked, CEO says").score > score("Exchange hacked").score
    calm = score("Bitcoin trades flat", "Earlier this week a hack drained a bridge")
    assert -0.5 < calm.score < 0  # the summary counts, less than a title would
    assert "hack -2.8" in calm.drivers


def test_text_is_stripped_of_markup_and_script():
    assert plain_text("<b>Bitcoin</b> &amp; <i>ETH</i><script>alert(1)</script> rally") \
        == "Bitcoin & ETH rally"
    assert plain_text("a\x1b[2Jb\u202ec") == "a\\x1b[2Jb\\u202ec"
    assert len(plain_text("x" * 10_000)) == 300


@given(st.text(max_size=400))
def test_plain_text_never_returns_controls_tags_or_too_much(raw):
    out = plain_text(raw, 120)
    assert len(out) <= 120
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]", out)
    assert "\n" not in out
    if "<script" in raw.lower() and "</script>" in raw.lower():
        assert "</script>" not in out.lower()


def test_the_same_story_in_other_words():
    pairs = [("Bitcoin tops $100,000 for the first time", "Bitcoin price tops $100K for first time ever"),
             ("Bitcoin Surges Past $73K as Spot ETF Inflows Soar to Record",
              "Bitcoin price surges past $73,000 as ETF inflows soar to record")]
    for a, b in pairs:
        assert same_story(normalise_title(a), normalise_title(b))
    assert not same_story(normalise_title("Bitcoin surges past $73K"),
                          normalise_title("Bitcoin falls below $60K"))
    assert not same_story(normalise_title("Ether ETF approved"), normalise_title("Solana ETF filed"))
    assert not same_story(normalise_title("Bitcoin falls below $60K as selling deepens"),
                          normalise_title("Bitcoin falls below $58K as selling deepens"))


def test_assets_named_by_name_or_ticker_from_the_parser_table():
    assert assets_in("Bitcoin and Ethereum lead; SOL lags") == ("BTC", "ETH", "SOL")
    assert assets_in("Chainlink rallies as LINK tops $20") == ("LINK",)
    assert assets_in("Click the link, near the dot") == ()  # ticker words in lower case are words
    assert assets_in("Dogecoin jumps") == ("DOGE",)
