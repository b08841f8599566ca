"""One clause of text -> one Command (no sequences here; see ``sequence``)."""

from __future__ import annotations

import re
from typing import Any

from volex.nl.amounts import (
    take_confidence,
    take_price,
    take_size,
    take_stop_loss,
    take_take_profit,
)
from volex.nl.command import STRATEGIES
from volex.nl.entities import (
    find_symbols,
    risk_setting,
    take_lookback,
    take_strategy,
    take_timeframe,
)
from volex.nl.intents import (
    CLOSING_RE,
    FLATTEN_RE,
    HELP_EXACT,
    QUESTION_RE,
    TRY_RE,
    detect_intent,
    side_of,
)
from volex.nl.lexicon import FILLER_RE, normalize_text, word_set
from volex.nl.numbers import NUM, Scan, decimal_comma_problems, find_numbers, number_at

__all__ = ["parse_clause"]

_REDUCE_ONLY = re.compile(r"\breduce[- ]only\b")
_ORDER_ID = re.compile(
    r"\b(?:order|id|#)\s?(?:id\s?|number\s?|no\s?)?#?\s?(?P<id>[a-z0-9\-]*\d[a-z0-9\-]*)\b"
)
_METHOD_GRID = re.compile(r"\b(?:grid(?: search)?|exhaustive|brute force)\b")
_METHOD_BAYES = re.compile(r"\b(?:bayes(?:ian)?|optuna|tpe|smart search)\b")
_TRIALS = re.compile(
    rf"(?<![\w.])(?P<num>{NUM})\s?(?:trials?|iterations?|runs?|evals?|evaluations?|tries|rounds)\b"
    rf"|\b(?:trials?|iterations?|runs?)\s?(?:=|:|of)?\s?(?P<num2>{NUM})"
)
# "together", "as a portfolio", "in one account"; "with 3 slots", "max 3 open positions".
_PORTFOLIO = re.compile(r"\b(?:together|as (?:a|one) (?:portfolio|basket)|(?:in|from) one "
                        r"account|portfolio(?: backtest)?)\b")
_SLOTS = re.compile(rf"\b(?:with )?(?P<num>{NUM}) (?:slots?|open positions?|positions at once)\b"
                    rf"|\bmax(?:imum)? (?:of )?(?P<num2>{NUM}) open(?: positions?)?\b")
_BELOW = re.compile(
    r"\b(?:below|under|beneath|lower than|less than|drops?|falls?|dips?|sinks?|"
    r"dumps?|crash(?:es)?|declines?|goes down|tanks?)\b|<"
)
_ABOVE = re.compile(
    r"\b(?:above|over|past|beyond|higher than|more than|greater than|exceeds?|"
    r"rises?|climbs?|jumps?|pumps?|spikes?|breaks?|tops?|goes up|moons?)\b|>"
)
_TOUCH = re.compile(r"\b(?:hits?|reach(?:es)?|touch(?:es)?|cross(?:es)?|gets? to|at)\b")
_SHOW_LIMITS = re.compile(r"\b(?:show|what|list|display|see|view|current|my)\b")
_PRONOUN = re.compile(r"\b(?:it|them|that|this|this one|that one|the same|same one)\b")
_LEFTOVER_STOP = word_set(
    "a an the my me i to of on in at for with and or is are be it its this that them all some "
    "any do does did have has what how show list display give get see view tell current our "
    "about by from as if so then up out one more some much many, ; , order orders set make "
    "put place position positions percent % $ please now"
)


def parse_clause(text: str, default_quote: str = "USDT") -> dict[str, Any]:
    """The fields of the Command one clause describes (a dict ready for ``Command(**...)``)."""
    out: dict[str, Any] = {"text": text}
    lowered = text.strip().lower()
    if not lowered:
        return {**out, "intent": "unknown", "confidence": 0.0}
    if HELP_EXACT.match(lowered) or HELP_EXACT.match(FILLER_RE.sub(" ", lowered)):
        return {**out, "intent": "help", "confidence": 0.99}
    normalized = normalize_text(text)
    scan = Scan(normalized)
    errors: list[str] = []
    if_confident, min_conf, err = take_confidence(scan)
    stop_loss, err_sl = take_stop_loss(scan)
    take_profit, err_tp = take_take_profit(scan)
    errors += [e for e in (err, err_sl, err_tp) if e]
    out.update(
        if_confident=if_confident,
        min_confidence=min_conf,
        stop_loss_pct=stop_loss,
        take_profit_pct=take_profit,
        reduce_only=scan.take(_REDUCE_ONLY) is not None,
    )
    setting = risk_setting(scan)
    out["timeframe"] = take_timeframe(scan)
    out["lookback_days"] = take_lookback(scan)
    strategy, params, unknown_strategy = take_strategy(scan)
    symbols = find_symbols(scan, text, default_quote)
    intent, priority, cue = detect_intent(scan.text)
    if setting:
        intent, priority, out["setting"] = "risk", 84, setting
    closing = CLOSING_RE.search(scan.text) is not None
    if (
        intent == "trade"
        and not symbols
        and FLATTEN_RE.search(scan.text)
        and closing | bool(re.search(r"\b(?:everything|all|positions?)\b", scan.text))
    ):
        intent, priority, out["flatten"] = "halt", 90, True
    if intent == "halt" and symbols and cue and CLOSING_RE.search(cue.group(0)):
        intent = "trade"
    if intent == "unknown" and symbols:
        intent, priority = "analyze", 45
    if intent in {"analyze", "unknown"} and strategy and scan.take(TRY_RE):
        intent, priority = "backtest", 86
    if intent == "trade" and QUESTION_RE.match(scan.text):
        intent, priority = "signals", 75
    if intent == "unknown" and (if_confident or stop_loss) and symbols:
        intent = "trade"
    side = side_of(scan.text) if intent == "trade" else None
    if intent == "optimize":  # before the cue goes: "grid search" is both cue and method
        out["method"] = (
            "bayes" if scan.take(_METHOD_BAYES) else "grid" if scan.take(_METHOD_GRID) else None
        )
    if cue:
        scan.blank(cue.start(), cue.end())
    out.update(intent=intent, strategy=strategy, params=params)
    if intent in ("trade", "risk"):  # "buy 0,5 eth" is not 5 ETH (normalising splits it)
        errors[:0] = decimal_comma_problems(text)
    filler = _INTENT_FIELDS.get(intent)
    if filler:
        symbols = filler(scan, out, symbols, errors, closing=closing, side=side)
    if unknown_strategy and intent in {"backtest", "optimize", "signals", "analyze"}:
        errors.append(f"unknown strategy {unknown_strategy!r}; known: {', '.join(STRATEGIES)}")
    out["symbols"] = list(dict.fromkeys(s.pair for s in symbols))
    out["error"] = errors[0] if errors else None
    out["confidence"] = _confidence(intent, priority, scan.text, bool(out["symbols"]))
    if (priority == 45 and out["confidence"] < 0.4) or (
        intent == "trade" and out["confidence"] < 0.6
    ):
        # A symbol or a trade verb in a sentence of words we do not know is not a request we
        # dare to act on: unknown, so the LLM (whose trades are always confirmed) may try.
        return {"text": text, "intent": "unknown", "confidence": 0.15}
    out["_pronoun"] = bool(_PRONOUN.search(normalized))
    return out


def _trade(
    scan: Scan, out: dict, symbols: list, errors: list, *, closing: bool, side: str | None
) -> list:
    if closing and side is None:
        side = "sell"
    order_type, price = take_price(scan)
    size, symbols = take_size(scan, symbols, closing and side == "sell")
    bare = [n for n in find_numbers(scan) if not n[1]]
    if order_type == "limit" and price is None and bare:
        value, _, match = bare.pop()
        scan.blank(match.start(), match.end())
        price = value
    if size.amount is None and bare:
        value, _, match = bare[0]
        scan.blank(match.start(), match.end())
        size.amount, size.unit = value, "base"
    out.update(
        side=side, amount=size.amount, amount_unit=size.unit, order_type=order_type, price=price
    )
    return symbols


def _cancel(scan: Scan, out: dict, symbols: list, errors: list, **_: Any) -> list:
    match = scan.take(_ORDER_ID)
    if match:
        out["order_id"] = match.group("id")
    return symbols


def _halt(scan: Scan, out: dict, symbols: list, errors: list, **_: Any) -> list:
    out["flatten"] = out.get("flatten", False) or bool(
        FLATTEN_RE.search(scan.text)
        or re.search(r"\b(?:flatten|liquidat\w*|close (?:everything|all))\b", out["text"].lower())
    )
    scan.take(re.compile(r"\b(?:everything|all|positions?|trading)\b"))
    return symbols


_AUTOPILOT_STOP = re.compile(
    r"\b(?:stop|halt|pause|(?:turn|switch|shut) (?:\w+ +){0,2}off|shut|kill|end|disable)\b")
_AUTOPILOT_START = re.compile(
    r"\b(?:start|run|launch|(?:turn|switch) (?:\w+ +){0,2}on|begin|enable|go|let|trade)\b")
# "autopilot on, btc and eth" (the cue itself is blanked from the scan by now)
_AUTOPILOT_ON = re.compile(r"\bauto-?pilot,? on\b")
# "did the autopilot match the backtest?", "how much slippage did the autopilot have?"
_AUTOPILOT_RECONCILE = re.compile(r"\b(?:reconcil\w*|slippage)\b")
_AUTOPILOT_AGAINST = re.compile(r"\b(?:compare|comparison|compared|against|versus|vs|"
                                r"match(?:es|ed)?|differ(?:s|ed|ence)?)\b")
# "replay the autopilot on btc over the last month", "how would it have done on eth"
_AUTOPILOT_REPLAY = re.compile(
    r"\b(?:replay|simulate|simulation|on (?:past|old) (?:data|bars|candles)|"
    r"(?:on|over|through) (?:the )?history|historical(?:ly)?|back-?test|"
    r"would (?:\w+ +){0,3}have (?:done|made|traded|performed|gone|earned|lost))\b")


def _autopilot_action(text: str, lowered: str) -> str:
    """Which autopilot command ``text`` (what is left once sizes, stops and targets are
    taken: "with a 2% stop" is not "stop") asks for."""
    if _AUTOPILOT_RECONCILE.search(lowered) or (_AUTOPILOT_AGAINST.search(text)
                                                and "backtest" in lowered):
        return "reconcile"
    if _AUTOPILOT_REPLAY.search(text):
        return "replay"
    if QUESTION_RE.match(text) or text.lstrip().startswith(("what", "how", "why")):
        return "status"  # "is the autopilot trading?", "how is the autopilot going?"
    if _AUTOPILOT_STOP.search(text):
        return "stop"
    if _AUTOPILOT_START.search(text) or _AUTOPILOT_ON.search(lowered):
        return "start"
    return "status"  # "autopilot status", "autopilot"


def _autopilot(scan: Scan, out: dict, symbols: list, errors: list, **_: Any) -> list:
    out["autopilot"] = _autopilot_action(scan.text, out["text"].lower())
    for pattern in (_AUTOPILOT_RECONCILE, _AUTOPILOT_AGAINST, _AUTOPILOT_REPLAY, _AUTOPILOT_STOP,
                    _AUTOPILOT_START):
        scan.take(pattern)
    scan.take(re.compile(r"\b(?:what|is|the|doing|status|up to|how|going)\b"))
    return symbols


def _risk(scan: Scan, out: dict, symbols: list, errors: list, **_: Any) -> list:
    setting = out.pop("setting", None)
    numbers = find_numbers(scan)
    if setting is None and numbers:
        setting = "risk_per_trade_pct" if numbers[0][1] else None
    if setting is None:
        return symbols
    if not numbers:
        if not _SHOW_LIMITS.search(scan.text):
            errors.append(f"say a value for {setting}")
        return symbols
    value, is_pct, match = numbers[0]
    scan.blank(match.start(), match.end())
    if setting == "max_position":
        setting = "max_position_pct" if is_pct else "max_position_quote"
    out.update(setting=setting, value=value)
    return symbols


def _alert(scan: Scan, out: dict, symbols: list, errors: list, **_: Any) -> list:
    below, above = scan.find(_BELOW), scan.find(_ABOVE)
    if below and (not above or below.start() < above.start()):
        out["condition"] = "below"
    elif above or scan.find(_TOUCH):
        out["condition"] = "above"
    found = find_numbers(scan)
    numbers = [n for n in found if not n[1]]
    if numbers:
        value, _, match = numbers[0]
        scan.blank(match.start(), match.end())
        out["price"] = value
    elif found:
        errors.append("alerts take a price level (alert me when btc is below 60k), not a move")
    for pattern in (_BELOW, _ABOVE, _TOUCH):
        scan.take(pattern)
    return symbols


def _research(scan: Scan, out: dict, symbols: list, errors: list, **_: Any) -> list:
    slots = scan.take(_SLOTS)
    if slots:
        count = number_at(slots, "num" if slots.group("num") else "num2")
        if float(count).is_integer() and count >= 1:
            out["max_open"] = int(count)
        else:
            errors.append("slots must be a positive whole number")
    out["portfolio"] = bool(scan.take(_PORTFOLIO)) or slots is not None
    if out["intent"] == "optimize":
        match = scan.take(_TRIALS)
        if match:
            trials = number_at(match, "num" if match.group("num") else "num2")
            if float(trials).is_integer():
                out["trials"] = int(trials)
            else:
                errors.append("trials must be a positive whole number")
    if out["lookback_days"] is None:
        out["lookback_days"] = take_lookback(scan)
    return symbols


_INTENT_FIELDS = {
    "trade": _trade,
    "cancel": _cancel,
    "halt": _halt,
    "autopilot": _autopilot,
    "risk": _risk,
    "alert": _alert,
    "backtest": _research,
    "optimize": _research,
}


def _confidence(intent: str, priority: int, leftover: str, has_symbols: bool) -> float:
    if intent == "unknown":
        return 0.1
    words = [w for w in leftover.split() if w not in _LEFTOVER_STOP]
    numbers = sum(1 for w in words if w[:1].isdigit() or w[:1] in "$-.")
    score = 0.97 if priority >= 50 else 0.6
    if intent in {"trade", "alert", "backtest", "optimize"} and not has_symbols:
        score -= 0.2
    per_word = 0.1 if intent == "trade" else 0.07
    score -= 0.15 * numbers + per_word * (len(words) - numbers)
    return round(min(max(score, 0.3), 0.99), 2)
