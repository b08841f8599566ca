"""Trade modifiers: confidence, stop loss, take profit, sizes and prices."""

from __future__ import annotations

import re

from volex.nl.numbers import NUM, Scan, number_at

__all__ = [
    "Size",
    "take_confidence",
    "take_price",
    "take_size",
    "take_stop_loss",
    "take_take_profit",
]

_IF_CONFIDENT = re.compile(
    r"\b(?:only )?(?:if|when|provided|as long as|assuming) (?:you |your |ur |u r |u |we |it |"
    r"the (?:model|signal|"
    r"agent|ai|bot) )?(?:are |is |feel |seem |looks? )?(?:really |very |fairly |pretty )?"
    r"(?:confident|sure|certain|convinced|bullish enough)(?: enough)?(?: about it| about that)?\b"
    r"|\bif (?:the )?(?:signal|model|agent|analysis|ai)s? (?:agrees?|says so|confirms?|is strong|"
    r"is good|likes it|approves?|is positive|says buy|says sell)\b"
    r"|\bif confidence is (?:high|good|strong)\b|\bconfident(?:ly)? only\b|\bif-confident\b"
    r"|\bonly with (?:high )?confidence\b|\bwith (?:high )?confidence\b"
)
_CONF_LEAD = r"(?:at least|min(?:imum)?(?: of)?|over|above|more than|greater than|>=?|>|=)"
_MIN_CONFIDENCE = re.compile(
    rf"(?:\b{_CONF_LEAD}\s?)?(?P<num>{NUM})(?P<pct>%)?\s?(?:confident|sure|certain|confidence|"
    r"conf|probability|certainty)\b"
    rf"|\b(?:confidence|conf|certainty|probability)(?: level| score| threshold)?\s?(?:is\s|of\s|"
    rf"at\s|must be\s|should be\s|needs to be\s|:\s?)?(?:{_CONF_LEAD}\s?)*(?:of\s)?"
    rf"(?P<num2>{NUM})(?P<pct2>%)?"
    rf"|\b(?:confident|sure|certain)\s(?:of\s)?{_CONF_LEAD}\s?(?P<num3>{NUM})(?P<pct3>%)?"
)


def take_confidence(scan: Scan) -> tuple[bool, float | None, str | None]:
    """(if_confident, min_confidence 0..1, error) from 'if confident', '80% sure', '0.8'."""
    minimum = None
    error = None
    match = scan.take(_MIN_CONFIDENCE)
    if match:
        group = next(g for g in ("num", "num2", "num3") if match.group(g))
        raw = match.group(group)
        pct = match.group("pct") or match.group("pct2") or match.group("pct3")
        value = number_at(match, group)
        if pct or value > 1:
            value = value / 100
        if not 0 <= value <= 1 or raw.startswith("-"):
            error = "confidence must be between 0 and 100%"
        else:
            minimum = round(value, 6)
    flagged = scan.take(_IF_CONFIDENT) is not None
    return flagged or match is not None, minimum, error


def _pct_rule(words: str, pct_only: str) -> re.Pattern[str]:
    return re.compile(
        rf"\b(?:{words})\s?(?:of|at|to|=|:|is|around|about)?\s?(?P<num>{NUM})%?(?![\w.])"
        rf"|\b(?:{pct_only})\s?(?:of|at|to|=|:|is|around|about)?\s?(?P<num3>{NUM})%"
        rf"|(?<![\w.])(?P<num2>{NUM})%\s?(?:{words}|{pct_only})\b"
    )


_STOP_LOSS = _pct_rule(r"stop[- ]?loss(?:es)?|sl|stoploss|stop out", r"stop|max loss")
_TAKE_PROFIT = _pct_rule(
    r"take[- ]?profits?|tp|profit target|target profit|takeprofit", r"target|profit|gain"
)


def _take_pct(scan: Scan, pattern: re.Pattern[str]) -> tuple[float | None, str | None]:
    match = scan.take(pattern)
    if not match:
        return None, None
    group = next(g for g in ("num", "num2", "num3") if match.group(g))
    return number_at(match, group), None


def take_stop_loss(scan: Scan) -> tuple[float | None, str | None]:
    """Stop loss as a percent: '5% stop loss', 'sl 3', 'stop at 2%'."""
    return _take_pct(scan, _STOP_LOSS)


def take_take_profit(scan: Scan) -> tuple[float | None, str | None]:
    """Take profit as a percent: 'take profit 10%', 'tp 8', '12% target'."""
    return _take_pct(scan, _TAKE_PROFIT)


class Size:
    """An order size: amount and unit ('base', 'quote', 'percent'), or nothing."""

    __slots__ = ("amount", "unit")

    def __init__(self, amount: float | None = None, unit: str | None = None) -> None:
        self.amount, self.unit = amount, unit


_FRACTIONS = re.compile(
    r"\b(?P<w>half|a half|three quarters|a quarter|quarter|a third|one third|two thirds|"
    r"all|everything|entire|whole|100%|max|the lot|a tenth|one tenth)\b(?:\s?of)?"
)
_FRACTION_PCT = {
    "half": 50,
    "a half": 50,
    "three quarters": 75,
    "a quarter": 25,
    "quarter": 25,
    "a third": 33.33,
    "one third": 33.33,
    "two thirds": 66.67,
    "a tenth": 10,
    "one tenth": 10,
}
_PERCENT = re.compile(rf"(?<![\w.])(?P<num>{NUM})%(?:\s?of)?")
_QUOTE = re.compile(
    rf"(?<![\w.])\$(?P<num>{NUM})(?![\w%])(?:\s(?:worth\s)?(?:of|in|into|on)\b)?"
    rf"|(?<![\w.$])(?P<num2>{NUM})\s?(?:usd|usdt|usdc|busd|fdusd|tusd|dai|eur|gbp)\b"
    r"(?:\s(?:worth\s)?(?:of|in|into|on)\b|\sworth\b)?"
)
_BEFORE_SYMBOL = re.compile(rf"(?<![\w.$])(?P<num>{NUM})\s*(?:of\s+)?(?:my\s+)?$")
_WORTH_AFTER = re.compile(r"^\s*worth(?:\s+of)?\s*$")


def take_size(scan: Scan, symbols: list, closing: bool) -> tuple[Size, list]:
    """The order size, and the symbol list corrected for '0.1 btc worth of eth' (ETH/BTC)."""
    match = scan.take(_QUOTE)
    if match:
        return Size(number_at(match, "num" if match.group("num") else "num2"), "quote"), symbols
    match = scan.take(_PERCENT)
    if match:
        return Size(number_at(match), "percent"), symbols
    text = scan.text
    for i, sym in enumerate(symbols):
        before = _BEFORE_SYMBOL.search(text, 0, sym.start)
        if not before:
            continue
        scan.blank(before.start("num"), before.end("num"))
        amount = number_at(before)
        nxt = symbols[i + 1] if i + 1 < len(symbols) else None
        if nxt and _WORTH_AFTER.match(text[sym.end : nxt.start]):
            base = nxt.pair.split("/")[0]
            nxt.pair = f"{base}/{sym.pair.split('/')[0]}"
            return Size(amount, "quote"), [s for s in symbols if s is not sym]
        return Size(amount, "base"), symbols
    match = scan.take(_FRACTIONS)
    if match:
        word = match.group("w")
        return Size(_FRACTION_PCT.get(word, 100), "percent"), symbols
    if closing:
        return Size(100, "percent"), symbols
    return Size(), symbols


_PRICE = re.compile(
    rf"(?:@|\bat|\blimit(?: price)?(?: of| at)?|\bprice(?: of)?|\beach at|\bentry(?: at)?)"
    rf"\s?(?:a price of\s|price\s|the price of\s)?\$?(?P<num>{NUM})(?![\w%])"
)
_MARKET = re.compile(r"\b(?:at (?:the )?market(?: price)?|market order|market price|market)\b")
_LIMIT = re.compile(r"\blimit(?: order)?\b")


def take_price(scan: Scan) -> tuple[str, float | None]:
    """(order_type, price): a price said with 'at', '@' or 'limit' makes a limit order.

    'limit' with no price next to it gives ('limit', None): the caller picks the price from
    the numbers left once the size is read.
    """
    match = scan.take(_PRICE)
    if match:
        scan.take(_LIMIT)
        return "limit", number_at(match)
    if scan.take(_LIMIT):
        return "limit", None
    scan.take(_MARKET)
    return "market", None
