"""The LLM fallback through the real ``openai`` client against a local compatible server."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from tests.support.openai_server import OpenAIServer
from volex.adapters.llm import build_llm
from volex.adapters.llm.local import LocalLLM
from volex.adapters.llm.openai_llm import OpenAILLM
from volex.config import LLMSettings
from volex.errors import LLMError
from volex.nl import Command
from volex.nl.llm_fallback import ask_llm, parse_with_fallback, unknown_reply

KEY = "sk-test-0123456789abcdef"
ODD = "yolo half a grand into the orange coin"


@pytest.fixture
def server() -> Iterator[OpenAIServer]:
    with OpenAIServer() as running:
        yield running


@pytest.fixture
def llm(server: OpenAIServer) -> OpenAILLM:
    return OpenAILLM("test-model", api_key=KEY, base_url=server.base_url, timeout_s=2.0)


def test_unknown_text_is_read_by_the_llm_and_marked(server: OpenAIServer, llm: OpenAILLM) -> None:
    server.reply_json({"intent": "trade", "symbols": ["bitcoin"], "side": "buy", "amount": 500,
                       "amount_unit": "quote", "confidence": 0.8}, usage=(40, 20))
    command = parse_with_fallback(ODD, llm)
    assert command.intent == "trade"
    assert command.source == "llm"
    assert command.symbols == ["BTC/USDT"]
    assert (command.side, command.amount, command.amount_unit) == ("buy", 500, "quote")
    assert command.order_type == "market"
    assert command.text == ODD
    assert command.error is None
    assert command.would_trade

    request = server.requests[0]
    assert request.path == "/v1/chat/completions"
    assert request.headers["authorization"] == f"Bearer {KEY}"
    assert request.json["model"] == "test-model"
    assert request.json["response_format"]["type"] == "json_schema"
    assert "intent" in request.json["response_format"]["json_schema"]["schema"]["properties"]
    assert ODD in request.user_text


def test_understood_text_never_reaches_the_llm(server: OpenAIServer, llm: OpenAILLM) -> None:
    command = parse_with_fallback("buy 0.5 btc", llm)
    assert command.source == "grammar" and command.intent == "trade"
    assert server.requests == []


def test_usage_is_reported(server: OpenAIServer, llm: OpenAILLM) -> None:
    server.reply_json({"intent": "status"}, usage=(31, 9))
    answer, usage = llm.complete_json("system", "user", Command)
    assert answer is not None and answer.intent == "status"
    assert (usage.prompt_tokens, usage.completion_tokens, usage.total_tokens) == (31, 9, 40)


def test_llm_saying_unknown_keeps_unknown(server: OpenAIServer, llm: OpenAILLM) -> None:
    server.reply_json({"intent": "unknown", "confidence": 0.9})
    command = parse_with_fallback("tell me a joke", llm)
    assert command.intent == "unknown"
    assert command.source == "llm"
    assert "Things you can say" in unknown_reply(command)


def test_llm_answers_get_the_same_checks_as_the_grammar(server: OpenAIServer,
                                                        llm: OpenAILLM) -> None:
    server.reply_json({"intent": "trade", "symbols": ["ETH"], "side": "sell", "amount": 150,
                       "amount_unit": "percent", "min_confidence": 0.7})
    command = ask_llm("get rid of way more eth than i have", llm)
    assert command is not None
    assert command.error == "cannot use more than 100 percent"
    assert command.if_confident is True
    assert command.symbols == ["ETH/USDT"]


def test_sequence_steps_are_marked_too(server: OpenAIServer, llm: OpenAILLM) -> None:
    server.reply_json({"intent": "sequence", "steps": [
        {"intent": "analyze", "symbols": ["SOL"], "text": "look at sol"},
        {"intent": "trade", "symbols": ["SOL"], "side": "buy", "if_confident": True}]})
    command = ask_llm("peek at sol and if it smells good get some", llm)
    assert command is not None and command.intent == "sequence"
    assert [s.source for s in command.steps] == ["llm", "llm"]
    assert command.steps[1].symbols == ["SOL/USDT"]
    assert command.would_trade


def test_fenced_json_is_accepted(server: OpenAIServer, llm: OpenAILLM) -> None:
    server.reply_text('```json\n{"intent": "balance"}\n```')
    assert ask_llm("how loaded am i", llm).intent == "balance"


@pytest.mark.parametrize("content", ["not json at all", '{"intent": "moon"}',
                                     '{"intent": "halt", "surprise": 1}', ""])
def test_answers_outside_the_schema_are_llm_errors(server: OpenAIServer, llm: OpenAILLM,
                                                   content: str) -> None:
    server.reply_text(content)
    with pytest.raises(LLMError) as info:
        ask_llm(ODD, llm)
    assert "127.0.0.1" in str(info.value)
    assert KEY not in str(info.value)


@pytest.mark.parametrize(("status", "words"), [
    (401, "rejected the API key"), (403, "refused access"), (404, "does not know model"),
    (429, "rate limiting"), (500, "HTTP 500"), (503, "HTTP 503"),
])
def test_http_errors_are_llm_errors_without_the_key(server: OpenAIServer, llm: OpenAILLM,
                                                    status: int, words: str) -> None:
    server.fail(status, f"nope, your key {KEY} is bad")
    with pytest.raises(LLMError) as info:
        ask_llm(ODD, llm)
    message = str(info.value)
    assert words in message
    assert KEY not in message and "sk-" not in message
    assert isinstance(info.value.__cause__, Exception)


def test_a_slow_server_times_out_quickly(server: OpenAIServer) -> None:
    llm = OpenAILLM("test-model", api_key=KEY, base_url=server.base_url, timeout_s=0.5)
    server.reply_json({"intent": "status"}, delay_s=3.0)
    started = time.monotonic()
    with pytest.raises(LLMError, match="did not answer within 0.5s"):
        ask_llm(ODD, llm)
    assert time.monotonic() - started < 2.5


def test_an_unreachable_server_is_an_llm_error() -> None:
    with OpenAIServer() as gone:
        url = gone.base_url
    llm = OpenAILLM("test-model", api_key=KEY, base_url=url, timeout_s=1.0)
    with pytest.raises(LLMError, match="cannot reach the LLM"):
        ask_llm(ODD, llm)


def test_a_compatible_server_needs_no_key(server: OpenAIServer,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    llm = build_llm(LLMSettings(provider="openai", model="local-model",
                                base_url=server.base_url, timeout_s=2.0))
    server.reply_json({"intent": "positions"})
    assert ask_llm("what bags am i sitting on", llm).intent == "positions"
    assert server.requests[0].json["model"] == "local-model"


def test_openai_without_a_key_says_how_to_set_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    llm = build_llm(LLMSettings(provider="openai"))
    with pytest.raises(LLMError, match="OPENAI_API_KEY"):
        ask_llm(ODD, llm)


def test_local_stand_in_has_no_opinion() -> None:
    llm = build_llm(LLMSettings())
    assert isinstance(llm, LocalLLM)
    command = parse_with_fallback(ODD, llm)
    assert command.intent == "unknown" and command.source == "grammar"
    reply = unknown_reply(command)
    assert ODD in reply and "analyze BTC" in reply


def test_local_stand_in_can_answer_deterministically() -> None:
    llm = LocalLLM(lambda system, user, schema: schema(intent="halt", confidence=1.0))
    command = parse_with_fallback("pls make it all stop omg", llm)
    assert command.intent == "halt" and command.source == "llm"
    assert command.confidence <= 0.9
