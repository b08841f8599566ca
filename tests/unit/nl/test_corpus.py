"""The parser against the table of phrasings in ``corpus.py``: every field, not just the intent."""

from __future__ import annotations

from typing import Any

import pytest

from tests.unit.nl.corpus import CORPUS, ERRORS, SEQUENCES, UNKNOWN
from volex.nl import Command, parse

_FREE = {"text", "confidence", "source", "steps"}


def _expected(row: dict[str, Any]) -> dict[str, Any]:
    want = Command().model_dump(mode="json")
    if row.get("intent") == "trade":
        want["order_type"] = "limit" if row.get("price") is not None else "market"
        if row.get("amount") is not None:
            want["amount_unit"] = "base"
    want.update(row)
    return want


@pytest.mark.parametrize(("text", "row"), CORPUS, ids=[t for t, _ in CORPUS])
def test_corpus_row(text: str, row: dict[str, Any]) -> None:
    got = parse(text).model_dump(mode="json")
    want = _expected(row)
    diff = {k: (got[k], want[k]) for k in want if k not in _FREE and got[k] != want[k]}
    assert not diff, f"{text!r}: (got, want) {diff}"
    assert got["text"] == text
    assert got["confidence"] >= 0.5, f"{text!r} read with confidence {got['confidence']}"


@pytest.mark.parametrize(("text", "intents", "symbols"), SEQUENCES, ids=[s[0] for s in SEQUENCES])
def test_sequences(text: str, intents: list[str], symbols: list[list[str]]) -> None:
    command = parse(text)
    assert command.intent == "sequence"
    assert [s.intent for s in command.steps] == intents
    assert [s.symbols for s in command.steps] == symbols
    assert command.text == text
    assert command.symbols == list(dict.fromkeys(s for step in symbols for s in step))


@pytest.mark.parametrize(("text", "intent", "words"), ERRORS, ids=[e[0] for e in ERRORS])
def test_errors_name_the_problem(text: str, intent: str, words: str) -> None:
    command = parse(text)
    assert command.intent == intent
    assert command.error is not None and words in command.error
    assert "\n" not in command.error


@pytest.mark.parametrize("text", UNKNOWN)
def test_not_a_command_is_unknown(text: str) -> None:
    command = parse(text)
    assert command.intent == "unknown"
    assert command.confidence <= 0.2
    assert command.error is None


def test_default_quote_is_used_when_no_quote_is_said() -> None:
    assert parse("buy 1 eth", default_quote="USDC").symbols == ["ETH/USDC"]
    assert parse("buy 1 ETH/BTC", default_quote="USDC").symbols == ["ETH/BTC"]


def test_sequence_step_error_is_reported_on_the_sequence() -> None:
    command = parse("analyze btc then buy -1 btc")
    assert command.intent == "sequence"
    assert command.error and command.error.startswith("step 2:")


def test_understood_commands_are_more_confident_than_guesses() -> None:
    assert parse("buy 0.5 btc").confidence > parse("btc").confidence
    assert parse("btc").confidence > parse("hello").confidence
