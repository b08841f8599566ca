"""Market words VADER does not know, or weighs as everyday English, with their valence.

VADER (valence -4 .. +4 per word) reads "Bitcoin surges to record as ETF inflows soar" as
neutral: it has no "surge", "soar" or "inflows". These entries sit on top of its lexicon.
Phrases are joined into one token before scoring ("rug pull" -> "rugpull"), since VADER
looks words up one at a time.
"""

from __future__ import annotations

__all__ = ["CRYPTO_LEXICON", "PHRASES"]

# Phrase -> the single token it becomes. Longest first when compiled.
PHRASES: dict[str, str] = {
    "all-time high": "alltimehigh", "all time high": "alltimehigh",
    "all-time highs": "alltimehigh", "record high": "recordhigh", "record highs": "recordhigh",
    "new high": "newhigh", "new highs": "newhigh", "fresh high": "newhigh",
    "rug pull": "rugpull", "rug-pull": "rugpull", "rug pulled": "rugpull",
    "etf approval": "etfapproval", "etf approvals": "etfapproval",
    "bull run": "bullrun", "bull market": "bullmarket", "bear market": "bearmarket",
    "crypto winter": "cryptowinter", "death cross": "deathcross", "golden cross": "goldencross",
    "short squeeze": "shortsqueeze", "sell-off": "selloff", "sell off": "selloff",
    "rate cut": "ratecut", "rate cuts": "ratecut", "rate hike": "ratehike", "rate hikes": "ratehike",
    "legal tender": "legaltender", "withdrawals paused": "withdrawalspaused",
    "pauses withdrawals": "withdrawalspaused", "halts withdrawals": "withdrawalspaused",
    "suspends withdrawals": "withdrawalspaused", "record low": "recordlow",
    "multi-year low": "recordlow", "all-time low": "recordlow",
    "lawsuit dismissed": "lawsuitdismissed", "dismisses lawsuit": "lawsuitdismissed",
    "drops lawsuit": "lawsuitdismissed", "drops case": "lawsuitdismissed",
    "pleads guilty": "pleadsguilty", "open interest": "openinterest",
    "wind down": "winddown", "winds down": "winddown", "files for bankruptcy": "bankruptcy",
}

CRYPTO_LEXICON: dict[str, float] = {
    # price action, up
    "surge": 2.5, "surges": 2.5, "surged": 2.5, "surging": 2.5,
    "soar": 2.6, "soars": 2.6, "soared": 2.6, "soaring": 2.6,
    "rally": 2.2, "rallies": 2.2, "rallied": 2.2, "rallying": 2.2,
    "jump": 1.6, "jumps": 1.6, "jumped": 1.6, "spike": 1.2, "spikes": 1.2,
    "climb": 1.3, "climbs": 1.3, "climbed": 1.3, "rise": 1.2, "rises": 1.2, "rising": 1.0,
    "rose": 1.2, "rebound": 1.6, "rebounds": 1.6, "rebounded": 1.6, "recovers": 1.4,
    "recovery": 1.2, "skyrocket": 2.8, "skyrockets": 2.8, "breakout": 1.6, "outperforms": 1.5,
    "alltimehigh": 2.8, "recordhigh": 2.8, "newhigh": 2.4, "ath": 2.6, "moon": 2.0,
    "mooning": 2.4, "bullish": 2.6, "bull": 1.4, "bullrun": 2.6, "bullmarket": 2.2,
    "goldencross": 1.8, "shortsqueeze": 1.2, "inflows": 1.6, "inflow": 1.6, "hodl": 1.2,
    "accumulate": 1.0, "accumulating": 1.0, "accumulation": 1.0, "adoption": 1.5,
    "etfapproval": 2.8, "greenlights": 1.8, "greenlight": 1.8, "approves": 1.8, "approve": 1.5,
    "legaltender": 1.6, "lawsuitdismissed": 2.2, "ratecut": 1.2, "halving": 0.8,
    "upgrade": 1.0, "partnership": 1.2, "milestone": 1.5, "record": 0.6, "tops": 1.6,
    # price action, down
    "plunge": -2.8, "plunges": -2.8, "plunged": -2.8, "plunging": -2.8,
    "plummet": -3.0, "plummets": -3.0, "plummeted": -3.0, "tumble": -2.2, "tumbles": -2.2,
    "tumbled": -2.2, "slump": -2.2, "slumps": -2.2, "slumped": -2.2, "sink": -1.6,
    "sinks": -1.6, "sank": -1.6, "slide": -1.6, "slides": -1.6, "slid": -1.6,
    "drop": -1.4, "drops": -1.4, "dropped": -1.4, "fall": -1.4, "falls": -1.4, "fell": -1.4,
    "dip": -1.0, "dips": -1.0, "dipped": -1.0, "decline": -1.4, "declines": -1.4,
    "crashes": -2.4, "crashed": -2.4, "crash": -2.4, "selloff": -2.2, "dump": -2.0,
    "dumps": -2.0, "dumped": -2.0, "bearish": -2.6, "bear": -1.2, "bearmarket": -2.2,
    "cryptowinter": -2.2, "deathcross": -2.0, "capitulation": -2.2, "recordlow": -2.4,
    "liquidations": -1.8, "liquidated": -1.8, "outflows": -1.6, "outflow": -1.6,
    "fud": -1.6, "rekt": -2.8, "ratehike": -1.2, "wipes": -1.6, "wiped": -1.8,
    # events
    "hack": -2.8, "hacks": -2.8, "hacked": -2.8, "hacker": -2.2, "hackers": -2.2,
    "exploit": -2.6, "exploits": -2.6, "exploited": -2.6, "exploiter": -2.4,
    "drained": -2.6, "drain": -2.0, "heist": -2.8, "theft": -2.6, "stolen": -2.6,
    "rugpull": -3.2, "scammers": -2.6, "phishing": -2.2, "vulnerability": -1.6, "bug": -1.2,
    "delist": -2.6, "delists": -2.6, "delisted": -2.6, "delisting": -2.6,
    "outage": -2.2, "outages": -2.2, "halts": -1.6, "halted": -1.6, "halt": -1.4,
    "withdrawalspaused": -2.6, "depeg": -2.6, "depegs": -2.6, "depegged": -2.6,
    "insolvent": -3.0, "insolvency": -3.0, "bankruptcy": -3.0, "collapses": -2.8,
    "collapsed": -2.8, "sues": -1.8, "sued": -1.8, "lawsuit": -1.5, "fined": -1.8,
    "fines": -1.6, "penalty": -1.5, "crackdown": -2.0, "bans": -2.2, "arrested": -2.2,
    "arrest": -2.0, "charged": -1.8, "indicted": -2.2, "sentenced": -2.0,
    "pleadsguilty": -2.0, "liquidate": -1.8, "winddown": -2.0, "raided": -2.0,
    "sanctions": -1.5, "sanctioned": -1.5, "probe": -1.2, "subpoena": -1.2, "warns": -1.2,
    # everyday words that mislead in market headlines
    "trust": 0.0,  # Grayscale Bitcoin Trust, Trust Wallet
    "treasury": 0.0, "openinterest": 0.0,  # the Treasury; futures open interest
    "fine": 0.0,   # a regulator's fine, not "fine weather"
    "block": 0.0, "blocks": 0.0,  # a chain's blocks
    "free": 0.3, "top": 0.2, "support": 0.5, "stable": 0.3, "reserve": 0.0,
}
