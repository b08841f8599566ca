"""`volex parse` as a person (or a script) uses it: JSON, stdin batches, readable output."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from tests.support.cli import run
from tests.support.openai_server import OpenAIServer, serve_for_volex


def _no_traceback(result) -> None:
    assert "Traceback" not in result.output + result.stderr


def test_parse_json_prints_one_command_object() -> None:
    result = run("parse", "buy 0.5 btc at 60k with a 5% stop loss", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["intent"] == "trade" and data["symbols"] == ["BTC/USDT"]
    assert (data["side"], data["amount"], data["amount_unit"]) == ("buy", 0.5, "base")
    assert (data["order_type"], data["price"], data["stop_loss_pct"]) == ("limit", 60000, 5)
    assert data["source"] == "grammar" and data["error"] is None
    assert data["text"] == "buy 0.5 btc at 60k with a 5% stop loss"


def test_unquoted_words_are_one_command() -> None:
    result = run("parse", "--json", "sell", "half", "my", "eth")
    assert json.loads(result.stdout)["amount"] == 50


def test_stdin_gives_one_json_line_per_input_line_in_order() -> None:
    lines = ["analyze BTC then trade it if confident", "", "halt", "hello there",
             "set max daily loss to -3%", "   "]
    result = run("parse", "--json", "-", input="\n".join(lines) + "\n")
    assert result.exit_code == 2, result.output  # a line it could not accept: every line shown
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["text"] for o in out] == lines
    assert [o["intent"] for o in out] == ["sequence", "unknown", "halt", "unknown", "risk",
                                          "unknown"]
    assert out[0]["steps"][1]["symbols"] == ["BTC/USDT"]
    assert out[4]["error"] == "limits cannot be negative"


def test_stdin_without_a_final_newline_still_reads_the_last_line() -> None:
    result = run("parse", "--json", "-", input="status\nbalance")
    assert [json.loads(x)["intent"] for x in result.stdout.splitlines()] == ["status", "balance"]


def test_readable_output_says_what_was_understood() -> None:
    result = run("parse", "sell half my eth at 3.5k if 80% confident")
    assert result.exit_code == 0
    assert "trade: sell 50% of ETH/USDT" in result.output
    assert "limit 3,500" in result.output and "only if confident (>= 80%)" in result.output


def test_readable_output_names_the_problem() -> None:
    result = run("parse", "buy -5 btc")
    assert "not acceptable: the amount must be positive" in result.output


def test_not_a_command_gets_examples() -> None:
    result = run("parse", "the weather is nice")
    assert result.exit_code == 2
    assert "I did not understand" in result.output
    assert "analyze BTC on the 4 hour chart" in result.output


def test_nothing_to_parse_is_a_one_line_error() -> None:
    result = run("parse")
    assert result.exit_code == 2
    assert result.stderr.strip().count("\n") == 0 and "say what to parse" in result.stderr
    _no_traceback(result)


@pytest.fixture
def llm_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[OpenAIServer]:
    with serve_for_volex(monkeypatch) as server:
        yield server


def test_unknown_lines_go_to_the_configured_llm(llm_server: OpenAIServer) -> None:
    llm_server.reply_json({"intent": "trade", "symbols": ["BTC"], "side": "buy", "amount": 500,
                           "amount_unit": "quote", "confidence": 0.7})
    result = run("parse", "--json", "-", input="yolo half a grand into the orange coin\nhalt\n")
    assert result.exit_code == 0, result.output
    first, second = (json.loads(x) for x in result.stdout.splitlines())
    assert first["source"] == "llm" and first["intent"] == "trade"
    assert first["symbols"] == ["BTC/USDT"]
    assert second["source"] == "grammar" and second["intent"] == "halt"
    assert len(llm_server.requests) == 1


def test_no_llm_flag_keeps_the_grammar_reading(llm_server: OpenAIServer) -> None:
    result = run("parse", "--json", "--no-llm", "yolo half a grand into the orange coin")
    assert json.loads(result.stdout)["intent"] == "unknown"
    assert llm_server.requests == []


def test_a_failing_llm_is_reported_and_the_grammar_reading_stands(
        llm_server: OpenAIServer) -> None:
    llm_server.fail(500)
    result = run("parse", "--json", "yolo half a grand into the orange coin")
    assert result.exit_code == 2
    assert json.loads(result.stdout)["intent"] == "unknown"
    assert "LLM fallback unavailable" in result.stderr and "HTTP 500" in result.stderr
    _no_traceback(result)


def test_a_failing_llm_is_asked_once_per_batch(llm_server: OpenAIServer) -> None:
    llm_server.fail(503)
    result = run("parse", "--json", "-", input="blorp one\nblorp two\nhalt\n")
    assert [json.loads(x)["intent"] for x in result.stdout.splitlines()] == [
        "unknown", "unknown", "halt"]
    assert len(llm_server.requests) == 1
    assert result.stderr.count("LLM fallback unavailable") == 1


def test_help_lists_the_nl_commands() -> None:
    result = run("--help")
    for name in ("parse", "ask", "shell"):
        assert name in result.output
