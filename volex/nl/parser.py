"""``parse(text) -> Command``: the local grammar, sequences included. Pure and fast."""

from __future__ import annotations

import re
from typing import Any

from volex.nl.checks import problem
from volex.nl.clause import parse_clause
from volex.nl.command import Command
from volex.nl.intents import COMMAND_START

__all__ = ["parse", "split_clauses"]

_THEN = re.compile(
    r"\s*(?:,\s*)?(?:\band then\b|\bthen\b|\bafter that\b|\bafterwards\b|\band after that\b|"
    r"\bfollowed by\b|\band next\b|;|&&|\|)\s*"
)
_AND = re.compile(
    r"\s*(?:,(?!\d)\s*(?:and\s+|also\s+)?|\band also\b\s*|\band\b\s*|"
    r"\balso\b\s*|\bplus\b\s*|&\s*)"
)
# Intents that act on a symbol: a clause of these with none inherits the last one named.
_NEEDS_SYMBOL = frozenset({"trade", "analyze", "signals", "backtest", "optimize", "alert"})
_MAX_TEXT = 1000  # a command is a line; more than this is read up to here
_LEAD_FILLER = re.compile(
    r"^(?:\s|please|pls|can you|could you|would you|also|now|just|go ahead and"
    r"|i want to|i would like to|i'd like to)*\s*"
)
_TRADE_VERB = re.compile(r"^\s*(?:please\s+)?(buy|sell|long|short|purchase)\b", re.IGNORECASE)
_SIZED_ASSET = re.compile(r"^\$?\d[\d,.]*\s?[km]?\s+(?:of\s+)?[a-z]", re.IGNORECASE)
_SEPARATOR_HINT = re.compile(r"\b(?:and|then|after|afterwards|followed|also|plus)\b|[;,&|]")


def split_clauses(text: str) -> list[str]:
    """'analyze BTC then buy it; halt and show positions' -> the clauses, in order."""
    out: list[str] = []
    for part in _THEN.split(text):
        start, verb = 0, ""
        for match in _AND.finditer(part):
            rest = part[match.end() :]
            clause = part[start : match.start()]
            if not clause.strip():
                continue
            trade_verb = _TRADE_VERB.match(clause)
            if _starts_command(rest):
                out.append(verb + clause)
                start, verb = match.end(), ""
            elif (trade_verb or verb) and _SIZED_ASSET.match(rest):
                # "buy 0.1 btc and 1 eth": the second size is a second order of the same kind.
                out.append(verb + clause)
                if trade_verb and not verb:
                    verb = f"{trade_verb.group(1)} "
                start = match.end()
        out.append(verb + part[start:])
    return [c.strip() for c in out if c and c.strip()]


def _starts_command(piece: str) -> bool:
    return COMMAND_START.match(_LEAD_FILLER.sub("", piece[:40].lower())) is not None


def parse(text: str, default_quote: str = "USDT") -> Command:
    """Read one line of text as a Command; never raises, ``unknown`` when it is not a command."""
    if not isinstance(text, str):
        text = str(text)
    body = text[:_MAX_TEXT]
    clauses = split_clauses(body) if _SEPARATOR_HINT.search(body) else [body]
    if len(clauses) <= 1:
        fields = parse_clause(body, default_quote)
        fields.pop("_pronoun", None)
        fields["text"] = text
        return _build(fields)
    steps = _parse_steps(clauses, default_quote)
    if len(steps) == 1:
        steps[0].text = text
        return steps[0]
    symbols = list(dict.fromkeys(s for step in steps for s in step.symbols))
    error = next((f"step {i}: {s.error}" for i, s in enumerate(steps, 1) if s.error), None)
    confidence = round(min(s.confidence for s in steps) * 0.97, 2)
    return Command(
        intent="sequence",
        steps=steps,
        symbols=symbols,
        error=error,
        text=text,
        confidence=confidence,
    )


def _parse_steps(clauses: list[str], default_quote: str) -> list[Command]:
    steps: list[Command] = []
    last_symbols: list[str] = []
    for clause in clauses:
        fields = parse_clause(clause, default_quote)
        pronoun = fields.pop("_pronoun", False)
        if (
            not fields.get("symbols")
            and last_symbols
            and (pronoun or fields.get("intent") in _NEEDS_SYMBOL)
        ):
            fields["symbols"] = list(last_symbols)
            if fields.get("intent") == "unknown":
                fields["intent"], fields["confidence"] = "analyze", 0.5
        if fields.get("symbols"):
            last_symbols = fields["symbols"][-1:]
        step = _build(fields)
        if steps and step.intent == "halt" and steps[-1].intent == "halt":
            steps[-1].flatten = steps[-1].flatten or step.flatten
            steps[-1].reduce_only = steps[-1].reduce_only or step.reduce_only
            continue
        steps.append(step)
    return steps


def _build(fields: dict[str, Any]) -> Command:
    command = Command(**{k: v for k, v in fields.items() if v is not None or k == "error"})
    if command.error is None:
        command.error = problem(command)
    return command
