"""Properties of the parser that hold for any text: it never raises and always answers."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.unit.nl.corpus import CORPUS
from volex.nl import Command, parse

_WORDS = st.sampled_from(
    [
        "buy",
        "sell",
        "halt",
        "analyze",
        "btc",
        "eth",
        "sol",
        "then",
        "and",
        "it",
        "at",
        "@",
        "$",
        "%",
        "60k",
        "0.5",
        "-3",
        "1,000",
        "stop",
        "loss",
        "take",
        "profit",
        "if",
        "confident",
        "limit",
        "max",
        "daily",
        "position",
        "4h",
        "daily",
        "last",
        "90",
        "days",
        "backtest",
        "rsi",
        "ema",
        "cross",
        "9/21",
        "alert",
        "above",
        "below",
        "cancel",
        "order",
        "12",
        "reduce",
        "only",
        ",",
        ";",
        ".",
        "!",
        "?",
        "BTC/USDT",
        "btcusd",
    ]
)
_SENTENCES = st.lists(_WORDS, max_size=14).map(" ".join)


def _check(text: str) -> Command:
    command = parse(text)
    again = Command.model_validate(command.model_dump(mode="json"))
    assert again == command
    assert command.text == text
    assert 0 <= command.confidence <= 1
    assert command.error is None or "\n" not in command.error
    for step in command.steps:
        assert step.intent not in {"sequence"}
    return command


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=200))
def test_any_text_gives_a_valid_command(text: str) -> None:
    _check(text)


@settings(max_examples=400, deadline=None)
@given(_SENTENCES)
def test_command_like_word_salad_gives_a_valid_command(text: str) -> None:
    command = _check(text)
    if command.intent == "trade" and command.amount_unit == "percent" and command.error is None:
        assert 0 < command.amount <= 100
    if command.min_confidence is not None:
        assert 0 <= command.min_confidence <= 1


@settings(max_examples=200, deadline=None)
@given(st.sampled_from([t for t, _ in CORPUS]), st.sampled_from(["", " ", "  please", "!", "?"]))
def test_case_and_trailing_noise_do_not_change_the_reading(text: str, noise: str) -> None:
    base = parse(text)
    for variant in (text.upper() if text.islower() else text, f"{text}{noise}"):
        got = parse(variant)
        assert got.intent == base.intent, variant
        assert got.symbols == base.symbols, variant


@given(st.floats(min_value=0.001, max_value=1e6, allow_nan=False).map(lambda x: round(x, 3)))
def test_any_positive_base_amount_round_trips(amount: float) -> None:
    command = parse(f"buy {amount:f} btc")
    assert command.amount == float(f"{amount:f}")
    assert command.amount_unit == "base"
    assert command.error is None


def test_json_is_flat_and_complete() -> None:
    data = parse("buy 0.5 btc").model_dump(mode="json")
    assert set(data) >= {
        "intent",
        "symbols",
        "side",
        "amount",
        "amount_unit",
        "order_type",
        "price",
        "if_confident",
        "min_confidence",
        "stop_loss_pct",
        "take_profit_pct",
        "timeframe",
        "strategy",
        "params",
        "lookback_days",
        "method",
        "trials",
        "flatten",
        "condition",
        "setting",
        "value",
        "steps",
        "error",
        "text",
        "confidence",
        "source",
    }
    assert data["source"] == "grammar"
