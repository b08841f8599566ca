"""The words the grammar knows: fillers, typos, assets, strategies, timeframes, risk settings."""

from __future__ import annotations

import re
from typing import Any

from volex.domain.assets import ASSET_NAMES, QUOTES, TICKERS

__all__ = [
    "AMBIGUOUS_TICKERS",
    "ASSET_RE",
    "FILLER_RE",
    "KEEP_WORDS",
    "KEYWORDS",
    "NOT_TICKERS",
    "QUOTE_UNITS",
    "RISK_SETTING_RES",
    "STRATEGY_PARAMS",
    "STRATEGY_RES",
    "STRATEGY_WORDS",
    "TIMEFRAME_WORDS",
    "correct_word",
    "normalize_text",
    "word_set",
]


def word_set(text: str) -> frozenset[str]:
    """The words of a space-separated string, as a set (keeps long word lists compact)."""
    return frozenset(text.split())


# Command words people misspell; a word one edit away from one of these is read as it.
KEYWORDS: frozenset[str] = word_set(
    "buy analyze analyse analysis signals signal trade cancel orders order positions position "
    "balance balances halt resume status risk alert backtest optimize optimise dashboard help "
    "sell confident confidence strategy liquidate purchase portfolio holdings bitcoin "
    "ethereum solana dogecoin ripple cardano polkadot chainlink avalanche litecoin market "
    "limit stop loss profit everything bollinger breakout crossover weekly daily hourly "
    "notify exposure trading maximum percent"
)
# Real words one edit away from a keyword that must stay what they are.
KEEP_WORDS: frozenset[str] = word_set(
    "well tell bell cell fell hell yell sale self salt half hall hold help heap hale hello "
    "held helm sells selling orderly border trader traded trades tread treat risky rise rises "
    "risen status stats statue limits limit lost lose less loss slot stops shop store daily "
    "dairy weakly market marked markets balanced alerts alerted alter later signed single "
    "design profits proof holdings holding ordered order orders position positive posted "
    "cancer cancels canceled cancelled percent recent ripples ripple weekly hourly hour "
    "nightly purchased purchases stock stack steps step then than them they their there these "
    "those this that with what when which while"
)


def _deletes(word: str) -> list[str]:
    return [word[:i] + word[i + 1 :] for i in range(len(word))]


_TYPO_INDEX: dict[str, str] = {}
for _word in sorted(KEYWORDS, key=lambda w: (len(w), w)):
    for _variant in (_word, *_deletes(_word)):
        _TYPO_INDEX.setdefault(_variant, _word)
_VOCAB = frozenset(KEYWORDS) | KEEP_WORDS | frozenset(ASSET_NAMES)


SHORT_TYPOS: dict[str, str] = {"byu": "buy", "bye": "buy", "sel": "sell", "hlt": "halt"}


def correct_word(word: str) -> str:
    """A keyword one edit (insert, delete, substitute, swap) from ``word``, else ``word``."""
    if word in SHORT_TYPOS:
        return SHORT_TYPOS[word]
    if len(word) < 4 or word in _VOCAB or not word.isalpha():
        return word
    hit = _TYPO_INDEX.get(word)
    if hit:
        return hit
    for variant in _deletes(word):
        hit = _TYPO_INDEX.get(variant)
        if hit and abs(len(hit) - len(word)) <= 1:
            return hit
    return word


_REPLACEMENTS = [
    (re.compile(r"[\u2018\u2019\u02bc`]"), "'"),
    (re.compile(r"[\u201c\u201d]"), '"'),
    (re.compile(r"[\u2013\u2014\u2212]"), "-"),
    (re.compile(r"\b(what|how|where|that|it|who|there|here)'s\b"), r"\1 is"),
    (re.compile(r"\bi'm\b"), "i am"),
    (re.compile(r"\b(\w+)n't\b"), r"\1 not"),
    (re.compile(r"\b(\w+)'d\b"), r"\1 would"),
    (re.compile(r"\b(\w+)'(re|ve|ll)\b"), r"\1"),
    (re.compile(r"\s*(?:per\s?cent|pct|percent)\b"), "%"),
    (re.compile(r"(\d)\s+%"), r"\1%"),
    (re.compile(r"(\d[\d,.]*[km]?)\s*\$"), r"$\1"),
    (re.compile(r"\$\s+(\d)"), r"$\1"),
    (re.compile(r"(?<!\d),|,(?!\d{3}(?!\d))"), " , "),
    (re.compile(r";"), " ; "),
    (re.compile(r"@"), " @ "),
    (re.compile(r"[!?\"()\[\]{}]|\.(?!\d)"), " "),
    (re.compile(r"\b(?:usd|usdt)?\s*(?:dollars?|bucks)\b"), " usd "),
]
FILLER_RE = re.compile(
    r"\b(?:please|pls|plz|kindly|hey|hi|hello|ok(?:ay)?|yo|volex|thanks|thank you|thx|"
    r"(?:can|could|would|will) you(?: please)?|i (?:want|wanna|would like|need) (?:you )?to|"
    r"i want|i wanna|i would like|go ahead and|for me|right now|now|asap|quickly|just|cheers|"
    r"let us|lets|let's|mate|bro|the bot|you)\b"
)
_SPACES = re.compile(r"\s+")
_WORD = re.compile(r"[a-z]+")


def _quote_rank(word: str) -> int:
    ticker = ASSET_NAMES.get(word, word).upper()
    return QUOTES.index(ticker) if ticker in QUOTES else len(QUOTES)


def _swap(match: re.Match[str]) -> str:
    """Swap A for B on the market that exists: buy B/A when A is the usual quote, else sell A/B."""
    amount, have, want = match.group(1), match.group(2), match.group(3)
    if have in QUOTE_UNITS or have == "usd":
        return f"buy {amount} {have} of {want}"
    if _quote_rank(have) < _quote_rank(want):
        return f"buy {amount} {have} worth of {want}"
    return f"sell {amount} {ASSET_NAMES.get(have, have)}-{ASSET_NAMES.get(want, want)}".lower()


# Phrasings said another way first: "25 cents", "take 50% profit on eth", "swap 1 eth for btc".
_REWRITES: list[tuple[re.Pattern[str], Any]] = [
    (re.compile(r"\b(\d+(?:\.\d+)?) ?cents?\b"), lambda m: f"{float(m.group(1)) / 100:g}"),
    (re.compile(r"\btake (\d[\d.]*)% (?:of )?(?:my )?(?:profits?|gains?|off the table)"
                r"(?: on| from| in)?\b"), r"sell \1% of"),
    (re.compile(r"\b(?:swap|convert|exchange|rotate) (\d[\d,.]*[km]?) ([a-z]+) "
                r"(?:for|to|into) ([a-z]+)\b"), _swap),
]


def normalize_text(text: str) -> str:
    """Lower case, unify punctuation and units, drop fillers, fix typos of command words."""
    out = text.lower()
    for pattern, repl in _REPLACEMENTS:
        out = pattern.sub(repl, out)
    out = FILLER_RE.sub(" ", out)
    out = _WORD.sub(lambda m: correct_word(m.group(0)), out)
    for pattern, repl in _REWRITES:
        out = pattern.sub(repl, out)
    return _SPACES.sub(" ", out).strip()


# Tickers that are also English words: only read as assets when written in capitals or
# right after a word that announces an asset ("buy link", "analyze dot", "10 near").
AMBIGUOUS_TICKERS: frozenset[str] = word_set(
    "dot link near uni ton op apt atom etc pol fil arb sui dai one"
)
# Capitalized words that are not assets.
NOT_TICKERS: frozenset[str] = word_set(
    "i a ok sl tp rsi ema sma macd ml ai pnl ui tui ath atl usd usdt usdc eur gbp try tf ta "
    "bb api cli json id pm am utc us uk eu it is me my and or the at to on of for"
)
QUOTE_UNITS: frozenset[str] = frozenset(q.lower() for q in QUOTES if q not in {"BTC", "ETH", "BNB"})
_NAMES = sorted(ASSET_NAMES, key=len, reverse=True)
_QUOTE_ALT = "|".join(q.lower() for q in QUOTES)
_TICKER_ALT = "|".join(sorted((t.lower() for t in TICKERS), key=len, reverse=True))
# A pair in any spelling, then a bare concatenated pair (solusdt), then a name or ticker.
ASSET_RE = re.compile(
    r"(?<![\w.$])(?:(?P<base>[a-z][a-z0-9]{1,9})[/\-_:](?P<quote>[a-z][a-z0-9]{1,9})"
    rf"|(?P<cbase>{_TICKER_ALT})(?P<cquote>{_QUOTE_ALT})"
    rf"|(?P<name>{'|'.join(re.escape(n) for n in _NAMES)}))(?![\w/])"
)

_STRATEGY_IDS = ("sma_cross", "ema_cross", "rsi_reversion", "macd_cross", "bollinger_reversion",
                 "breakout", "ml_forest")
STRATEGY_RES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), name)
    for pattern, name in (
        # a strategy's own name, as `volex strategy list` prints it ("with sma_cross")
        *((rf"\b{name}\b", name) for name in _STRATEGY_IDS),
        (r"\b(?:ema|exponential moving averages?)(?: cross(?:over)?s?)?\b", "ema_cross"),
        (
            (
                r"\b(?:sma|simple moving averages?|moving averages?|ma)(?: cross(?:over)?s?)?\b"
                r"|\b(?:golden|death) cross\b"
            ),
            "sma_cross",
        ),
        (
            (
                r"\brsi(?: (?:mean )?reversion| strategy| bounce| oversold)?\b"
                r"|\brelative strength\b|\bmean reversion\b"
            ),
            "rsi_reversion",
        ),
        (r"\bmacd(?: cross(?:over)?| signal)?\b", "macd_cross"),
        (
            r"\bbollinger(?: bands?)?(?: reversion| squeeze)?\b|\bbb reversion\b",
            "bollinger_reversion",
        ),
        (
            (
                r"\b(?:donchian|channel|turtle|range)?(?: channel)? ?break ?outs?\b|\bdonchian\b|"
                r"\bturtle\b"
            ),
            "breakout",
        ),
        (
            (
                r"\b(?:random forest|ml model|machine learning(?: model)?|ml forest|ml|ai model|"
                r"forest|the model)\b"
            ),
            "ml_forest",
        ),
    )
)
STRATEGY_WORDS: frozenset[str] = word_set(
    "ema sma ma moving average averages cross crossover crossovers golden death rsi macd "
    "bollinger band bands breakout breakouts donchian turtle channel random forest ml model "
    "machine learning ai reversion mean relative strength signal squeeze bounce oversold "
    "strategy strategies"
)
# Numbers said right after a strategy name fill these parameters, in order.
STRATEGY_PARAMS: dict[str, tuple[str, ...]] = {
    "sma_cross": ("fast", "slow"),
    "ema_cross": ("fast", "slow"),
    "rsi_reversion": ("period", "lower", "upper"),
    "macd_cross": ("fast", "slow", "signal"),
    "bollinger_reversion": ("period", "std"),
    "breakout": ("entry", "exit"),
    "ml_forest": (),
}

TIMEFRAME_WORDS: dict[str, str] = {
    "minutely": "1m",
    "every minute": "1m",
    "1 minute": "1m",
    "one minute": "1m",
    "hourly": "1h",
    "hour": "1h",
    "one hour": "1h",
    "an hour": "1h",
    "daily": "1d",
    "day": "1d",
    "one day": "1d",
    "weekly": "1w",
    "week": "1w",
    "one week": "1w",
    "4 hourly": "4h",
    "four hour": "4h",
    "half hour": "30m",
    "half hourly": "30m",
    "quarter hour": "15m",
}

# A limit said as a verb: "limit position size to 1000", "cap each order at 200", "keep
# orders under 300". The verb, then an optional determiner, then what is limited; the value
# must follow (a number after to/at/under...), so "place a limit order to buy" stays an order.
_LIMIT_VERB = r"(?:(?:^|\b(?:to|and|also|then) )limit|\b(?:cap|restrict|keep|hold|set))"
_WHICH = r"(?: the| my| our| each| every| any| a single| single| all)?"
_TO_VALUE = r"(?= (?:to|at|under|below|beneath|at most|no more than|of|=) ?\$?\d)"
# "do not let a single order exceed 200", "no order above 300"
_EXCEED = r" (?:exceed|exceeds|go over|goes over|be over|be above|above|over|be (?:more|bigger|larger) than)"
_PER_DAY = r" ?(?:a|per|each|every|in a|in one|on any) day\b"
RISK_SETTING_RES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), name)
    for pattern, name in (
        (
            (
                r"\b(?:max(?:imum)? )?daily (?:loss|drawdown)(?: limit)?\b|"
                r"\bmax(?:imum)? loss (?:per|a) day\b|\bloss limit\b|"
                r"\b(?:lose|losing|loss(?:es)?|drawdown|down)\b(?: (?:more than|over|above|"
                rf"beyond|exceeding|of|at|to))? \$?[\d.,]+ ?%?{_PER_DAY}"
            ),
            "max_daily_loss_pct",
        ),
        (
            (
                r"\brisk (?:per|each|a|every) trade\b|\bper[- ]trade risk\b|"
                r"\brisk(?= (?:of )?\S+ (?:per|each|a|every) trade\b)"
            ),
            "risk_per_trade_pct",
        ),
        (
            (r"\bmax(?:imum)? (?:total )?exposure\b|\b(?:total )?exposure limit\b|"
            r"\bexposure(?= (?:to|at|=|of)? ?[\d.]+ ?%)|"
            rf"{_LIMIT_VERB}{_WHICH}(?: total)? exposure{_TO_VALUE}"),
            "max_exposure_pct",
        ),
        (
            (
                r"\bmax(?:imum)? (?:number of )?open positions\b|\bopen positions? limit\b|"
                rf"{_LIMIT_VERB}{_WHICH} (?:number of )?open positions{_TO_VALUE}"
            ),
            "max_open_positions",
        ),
        (
            (
                r"\bmax(?:imum)? (?:per[- ])?asset(?: share| weight| pct| percent(?:age)?)?\b|"
                r"\b(?:per[- ])?asset (?:cap|limit)\b"
            ),
            "max_asset_pct",
        ),
        (
            (
                r"\bmax(?:imum)? (?:number of )?open orders\b|\bopen orders? limit\b|"
                r"\blimit (?:the )?(?:number of )?open orders\b|"
                r"\bmax(?:imum)? (?:number of )?orders\b|"
                r"\b(?:max(?:imum)?|at most|no more than|up to)(?: of)? \d+ open orders\b|"
                rf"{_LIMIT_VERB}{_WHICH} (?:number of )?open orders{_TO_VALUE}"
            ),
            "max_open_orders",
        ),
        (
            (
                r"\bmax(?:imum)? order(?: size| value| amount)?\b|\border (?:size )?limit\b|"
                rf"{_LIMIT_VERB}{_WHICH} orders?(?: size| sizes| value| amount)?{_TO_VALUE}|"
                rf"\b(?:single|each|every|any|one|an?|no) order{_EXCEED}(?= ?\$?\d)"
            ),
            "max_order_quote",
        ),
        (
            (
                r"\bmax(?:imum)? position(?: size| value)?\b|\bposition (?:size )?limit\b|"
                rf"{_LIMIT_VERB}{_WHICH} positions?(?: size| sizes| value)?{_TO_VALUE}|"
                rf"\b(?:single|each|every|any|one|a|no) position{_EXCEED}(?= ?\$?\d)"
            ),
            "max_position",
        ),
    )
)
