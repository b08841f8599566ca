"""Things named in a command: symbols, timeframes, look-back windows, strategies, settings."""

from __future__ import annotations

import re

from volex.domain.assets import ASSET_NAMES, QUOTES
from volex.domain.symbols import normalize_symbol
from volex.domain.timeframes import TIMEFRAMES
from volex.errors import UnknownSymbol
from volex.nl.lexicon import (
    AMBIGUOUS_TICKERS,
    ASSET_RE,
    KEEP_WORDS,
    KEYWORDS,
    NOT_TICKERS,
    QUOTE_UNITS,
    RISK_SETTING_RES,
    STRATEGY_PARAMS,
    STRATEGY_RES,
    STRATEGY_WORDS,
    TIMEFRAME_WORDS,
    word_set,
)
from volex.nl.numbers import NUM, Scan, to_number

__all__ = [
    "Symbol",
    "find_symbols",
    "risk_setting",
    "take_lookback",
    "take_strategy",
    "take_timeframe",
]

# Words after which an ambiguous ticker ("link", "dot", "near") is read as an asset.
_ASSET_CUES = word_set(
    "buy sell long short analyze analyse analysis of on for my some trade backtest optimize "
    "alert signals signal and check chart price when if short into about sold bought dump"
)
_QUOTE_SET = frozenset(q.lower() for q in QUOTES)
_UPPER_WORD = re.compile(r"(?<![\w$/\-])[A-Z][A-Z0-9]{1,9}(?![\w/\-])")


class Symbol:
    """A symbol found in the text: canonical pair, where it was, and whether it is a unit."""

    __slots__ = ("end", "explicit_quote", "pair", "start")

    def __init__(self, pair: str, start: int, end: int, explicit_quote: bool) -> None:
        self.pair, self.start, self.end, self.explicit_quote = pair, start, end, explicit_quote


def find_symbols(scan: Scan, original: str, default_quote: str) -> list[Symbol]:
    """Every asset or pair named in the scan text, in order, consumed from the scan."""
    found: list[Symbol] = []
    upper = {w.lower() for w in _UPPER_WORD.findall(original)} - NOT_TICKERS - KEYWORDS - KEEP_WORDS
    # In a shouted line capitals say nothing: only known names and tickers count.
    shouting = not any(c.islower() for c in original)
    text = scan.text
    for match in ASSET_RE.finditer(text):
        pair = _pair_of(match, text, upper, default_quote)
        if pair:
            explicit = match.group("name") is None
            found.append(Symbol(pair, match.start(), match.end(), explicit))
    for word in upper:
        if shouting or word in ASSET_NAMES or word in _QUOTE_SET or word in _ASSET_CUES:
            continue
        for match in re.finditer(rf"(?<![\w/\-]){word}(?![\w/\-])", text):
            if not any(s.start <= match.start() < s.end for s in found):
                try:
                    pair = normalize_symbol(word, default_quote)
                except UnknownSymbol:
                    continue
                found.append(Symbol(pair, match.start(), match.end(), False))
    found.sort(key=lambda s: s.start)
    for sym in found:
        scan.blank(sym.start, sym.end)
    return found


def _pair_of(match: re.Match[str], text: str, upper: set[str], default_quote: str) -> str | None:
    if match.group("base"):
        base, quote = match.group("base"), match.group("quote")
        if base.isdigit() or quote.isdigit():
            return None
        if base not in ASSET_NAMES and base not in upper and quote not in _QUOTE_SET:
            return None
        return normalize_symbol(f"{base}/{quote}", default_quote)
    if match.group("cbase"):
        return f"{match.group('cbase').upper()}/{match.group('cquote').upper()}"
    name = match.group("name")
    if name in QUOTE_UNITS or name == "tether":
        return None
    if name in AMBIGUOUS_TICKERS and name not in upper:
        before = text[: match.start()].split()
        prev = before[-1] if before else ""
        if prev not in _ASSET_CUES and not prev[:1].isdigit():
            return None
    return normalize_symbol(name, default_quote)


_TF_CHART = re.compile(
    r"\b(?:on (?:the |a )?)?(?P<n>\d+|an?|one|four|half|quarter)?\s?-?\s?(?P<u>m|mins?|minutes?|h|hrs?|"
    r"hours?|d|days?|w|wks?|weeks?)(?:ly)?\s?(?:chart|candles?|bars?|timeframe|time frame|tf|"
    r"interval|candlesticks?)\b"
)
_TF_COMPACT = re.compile(
    r"(?<![\w$.])(?:on (?:the )?)?(?P<n>\d+)\s?(?P<u>m|min|mins|minutes?|h|hr|hrs|hours?|d|w)"
    r"(?![\w%])(?!\s?(?:of|worth)\b)"
)
_TF_WORDS = re.compile(
    r"\b(?:on (?:the |a )?)?(?P<w>4 hourly|half hourly|minutely|hourly|daily|weekly)\b"
)
_WORD_NUMBERS = {"a": 1, "an": 1, "one": 1, "four": 4}


def take_timeframe(scan: Scan) -> str | None:
    """The candle timeframe named ('4 hour chart', '15m', 'daily') as a ccxt string."""
    match = scan.take(_TF_CHART)
    if match:
        unit = match.group("u")[0]
        raw = match.group("n") or "1"
        if raw in ("half", "quarter"):
            return {"half": "30m", "quarter": "15m"}[raw] if unit == "h" else None
        number = _WORD_NUMBERS.get(raw) or int(raw)
        candidate = f"{number}{unit}"
        return candidate if candidate in TIMEFRAMES else None
    match = scan.find(_TF_WORDS)
    if match:
        scan.blank(match.start(), match.end())
        return TIMEFRAME_WORDS[match.group("w")]
    for match in _TF_COMPACT.finditer(scan.text):
        candidate = f"{int(match.group('n'))}{match.group('u')[0]}"
        if candidate in TIMEFRAMES:
            scan.blank(match.start(), match.end())
            return candidate
    return None


_UNIT_DAYS = {"d": 1, "w": 7, "m": 30, "y": 365, "q": 90}
_LOOKBACK = re.compile(
    r"\b(?:(?:over|for|in|during|from|of)\s)?(?:the\s)?(?:last|past|previous|prior|trailing)\s"
    rf"(?:(?P<n1>{NUM}|a|one|two|three|six|twelve)\s?)?-?(?P<u1>days?|weeks?|months?|years?|yrs?|"
    r"quarters?)\b"
    rf"|(?<![\w.])(?P<n2>{NUM})\s?-?\s?(?P<u2>days?|weeks?|months?|years?|yrs?|mos?|y|d|w)\b"
    r"|\b(?P<ytd>year to date|ytd)\b"
)
_SPELLED = {"a": 1, "one": 1, "two": 2, "three": 3, "six": 6, "twelve": 12}


def take_lookback(scan: Scan) -> int | None:
    """Days of history asked for: 'last 90 days' 90, 'past 2 weeks' 14, 'past year' 365."""
    for match in list(re.finditer(_LOOKBACK, scan.text)):
        if match.group("ytd"):
            scan.blank(match.start(), match.end())
            return 365
        raw = match.group("n1") or match.group("n2") or "1"
        unit = (match.group("u1") or match.group("u2"))[0]
        number = _SPELLED.get(raw) or to_number(raw)
        scan.blank(match.start(), match.end())
        return round(number * _UNIT_DAYS[unit])
    return None


_PARAM_NUMS = re.compile(
    rf"^\s*(?:\(|with|of|using|params?)?\s*(?P<nums>{NUM}(?:\s?[/,x]\s?{NUM}|\s{NUM})*)"
)
_PARAM_SPLIT = re.compile(r"\s?[/,x]\s?|\s")
_NAMED_PARAM = re.compile(
    rf"\b(?P<k>fast|slow|period|window|length|lookback|signal|std|stdev|lower|upper|oversold|"
    rf"overbought|entry|exit|trees|estimators|depth)\s?(?:=|:|of|period|length)?\s?(?P<v>{NUM})"
    r"(?![\w%])"
)
_PARAM_ALIASES = {
    "window": "period",
    "length": "period",
    "lookback": "period",
    "stdev": "std",
    "oversold": "lower",
    "overbought": "upper",
    "trees": "n_estimators",
    "estimators": "n_estimators",
    "depth": "max_depth",
}
_UNKNOWN_STRATEGY = re.compile(
    r"\b(?:strategy|strat)\s(?:called\s|named\s)?(?P<a>[a-z][\w\-]{2,})|"
    r"\b(?P<b>[a-z][\w\-]{2,})\s(?:strategy|strat)\b"
)


_NAMED_CROSS = re.compile(r"\b(?:golden|death) cross")


def take_strategy(scan: Scan) -> tuple[str | None, dict[str, float], str | None]:
    """(strategy name, params said with it, name of an unknown strategy if one was asked for)."""
    name = None
    params: dict[str, float] = {}
    for pattern, strategy in STRATEGY_RES:
        match = scan.find(pattern)
        if match:
            name = strategy
            if _NAMED_CROSS.search(match.group(0)):  # the names traders use mean 50 / 200
                params.update(fast=50, slow=200)
            scan.blank(match.start(), match.end())
            rest = scan.text[match.end() :]
            nums = _PARAM_NUMS.match(rest)
            if nums and not re.match(r"\s?(?:%|days?|weeks?|months?|trials?)", rest[nums.end() :]):
                values = [to_number(v) for v in _PARAM_SPLIT.split(nums.group("nums").strip()) if v]
                params.update(dict(zip(STRATEGY_PARAMS[strategy], values, strict=False)))
                scan.blank(match.end() + nums.start("nums"), match.end() + nums.end("nums"))
            break
    while match := scan.take(_NAMED_PARAM):
        key = _PARAM_ALIASES.get(match.group("k"), match.group("k"))
        params[key] = to_number(match.group("v"))
    unknown = None
    if name is None:
        match = scan.find(_UNKNOWN_STRATEGY)
        if match:
            word = match.group("a") or match.group("b")
            if word not in STRATEGY_WORDS and word not in {
                "the",
                "best",
                "this",
                "that",
                "my",
                "a",
                "which",
                "what",
                "some",
            }:
                unknown = word
    scan.take(re.compile(r"\bstrateg(?:y|ies)\b"))
    return name, {k: (int(v) if float(v).is_integer() else v) for k, v in params.items()}, unknown


def risk_setting(scan: Scan) -> str | None:
    """Which risk limit the text names, consumed from the scan ('max_position' is resolved later).

    The words of the phrase are consumed, its numbers are not: a phrase may hold the value
    ("don't lose more than 4% a day"), which the risk reader takes next.
    """
    for pattern, name in RISK_SETTING_RES:
        match = scan.find(pattern)
        if match:
            for word in _NOT_A_NUMBER.finditer(match.group(0)):
                scan.blank(match.start() + word.start(), match.start() + word.end())
            scan.take(_PER_TRADE)
            while scan.take(_LIMIT_WORDS):
                pass
            return name
    return None


_PER_TRADE = re.compile(r"\b(?:per|each|a|every) trade\b")
_NOT_A_NUMBER = re.compile(r"[a-z][^\s]*")
# What is left of a limit said as a verb once its setting and value are read.
_LIMIT_WORDS = re.compile(r"\b(?:do not|never|let|each|every|no more than|more than|at most)\b")
