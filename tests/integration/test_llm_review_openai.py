"""The LLM check through the real ``openai`` client against a loopback OpenAI-compatible server."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import openai  # noqa: F401  (imported up front: the first call's timeout is not import time)
import pandas as pd
import pytest

from tests.support.cli import run
from tests.support.openai_server import OpenAIServer
from tests.support.signal_models import known_model, sample_frame, small_model
from volex.adapters.llm.openai_llm import OpenAILLM
from volex.adapters.storage.signals import SignalRepo
from volex.adapters.storage.store import Store
from volex.agents.llm_review import Reviewer
from volex.agents.signal import SignalAgent
from volex.config import load_settings
from volex.domain.analysis import CandleSource
from volex.domain.candles import CandleSet
from volex.ml.registry import ModelRegistry

KEY = "sk-test-signal-0123456789"


@pytest.fixture(scope="module")
def btc_1d() -> pd.DataFrame:
    return sample_frame("BTC/USDT", "1d")


@pytest.fixture(scope="module")
def model():
    return small_model("BTC/USDT", "1d")


@pytest.fixture
def server() -> Iterator[OpenAIServer]:
    with OpenAIServer() as running:
        yield running


def _agent(server: OpenAIServer, home, model, timeout_s: float = 5.0):
    registry = ModelRegistry(home / "models")
    registry.save(model)
    store = Store(f"sqlite:///{home / 'volex.db'}")
    llm = OpenAILLM("gpt-4o-mini", api_key=KEY, base_url=server.base_url, timeout_s=timeout_s)
    return SignalAgent(registry, Reviewer(llm, timeout_s), SignalRepo(store.db), None,
                       load_settings())


def _candles(frame: pd.DataFrame) -> CandleSet:
    return CandleSet("BTC/USDT", "1d", frame, CandleSource(kind="sample", name="sample"))


def test_the_llm_reads_the_summary_lowers_confidence_and_its_tokens_are_kept(
        server, volex_home, model, btc_1d) -> None:
    server.reply_json({"verdict": "agree", "confidence": 0.5, "commentary": "Trend intact.",
                       "reasons": ["trend up"], "risk_notes": ["weekend liquidity"]},
                      usage=(300, 60))
    agent = _agent(server, volex_home, known_model(model))
    decision = agent.decide(_candles(btc_1d))
    assert decision.action == "buy" and decision.confidence == pytest.approx(0.5)
    review = decision.review
    assert review is not None and review.provider == "openai" and review.model == "gpt-4o-mini"
    assert (review.usage.prompt_tokens, review.usage.total_tokens) == (300, 360)
    assert review.risk_notes == ["weekend liquidity"]
    assert agent.repo.get(decision.id).review.usage.total_tokens == 360
    request = server.requests[0]
    assert request.headers["authorization"] == f"Bearer {KEY}"
    assert request.json["response_format"]["json_schema"]["name"] == "ReviewAnswer"
    summary = json.loads(request.user_text.split("\n", 1)[1])
    assert summary["proposed_action"] == "buy" and summary["model"]["p_up"] == pytest.approx(0.8)
    assert "rsi_14" in summary["market"] and KEY not in request.user_text


def test_a_veto_holds(server, volex_home, model, btc_1d) -> None:
    server.reply_json({"verdict": "veto", "reasons": ["exchange outage reported"]})
    decision = _agent(server, volex_home, known_model(model)).decide(_candles(btc_1d))
    assert decision.action == "hold" and decision.vetoed
    assert "LLM vetoed the buy: exchange outage reported" == decision.reasons[0]


def test_a_higher_confidence_from_the_llm_is_ignored(server, volex_home, model, btc_1d) -> None:
    server.reply_json({"verdict": "agree", "confidence": 0.99})
    decision = _agent(server, volex_home, known_model(model)).decide(_candles(btc_1d))
    assert decision.confidence == decision.inputs.proposed_confidence < 0.99


@pytest.mark.parametrize("reply", ["text", "wrong_schema", "http_500"])
def test_bad_answers_are_no_opinion(server, volex_home, model, btc_1d, reply: str) -> None:
    if reply == "text":
        server.reply_text("Sure! I would buy here.")
    elif reply == "wrong_schema":
        server.reply_json({"verdict": "maybe"})
    else:
        server.fail(500)
    decision = _agent(server, volex_home, known_model(model)).decide(_candles(btc_1d))
    assert decision.review.verdict == "no_opinion"
    assert decision.action == "buy"  # no opinion changes nothing
    assert decision.confidence == decision.inputs.proposed_confidence
    assert decision.review.error and KEY not in decision.review.error


def test_a_slow_server_is_no_opinion_within_the_timeout(server, volex_home, model, btc_1d) -> None:
    server.reply_json({"verdict": "veto", "reasons": ["too late"]}, delay_s=4.0)
    agent = _agent(server, volex_home, known_model(model), timeout_s=0.5)
    started = time.perf_counter()
    decision = agent.decide(_candles(btc_1d))
    assert time.perf_counter() - started < 2.0
    assert decision.review.verdict == "no_opinion" and not decision.vetoed
    assert decision.action == "buy"


def test_holds_in_a_batch_cost_no_tokens(server, volex_home, model, btc_1d) -> None:
    agent = _agent(server, volex_home, known_model(model, beats_baselines=False))
    decisions = agent.decide_batch([_candles(btc_1d)])
    assert decisions[0].action == "hold" and decisions[0].review is None
    assert server.requests == []


def test_analyze_shows_the_openai_review_configured_by_settings(server, volex_home, monkeypatch,
                                                               model) -> None:
    ModelRegistry(volex_home / "models").save(known_model(model))
    monkeypatch.setenv("VOLEX_LLM__PROVIDER", "openai")
    monkeypatch.setenv("VOLEX_LLM__BASE_URL", server.base_url)
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    server.reply_json({"verdict": "agree", "commentary": "Momentum fading but trend intact.",
                       "reasons": ["trend"]}, usage=(400, 50))
    result = run("analyze", "BTC/USDT", "--offline", "--json")
    assert result.exit_code == 0, result.output
    review = json.loads(result.stdout)["ai"]["decision"]["review"]
    assert review["provider"] == "openai" and review["usage"]["total_tokens"] == 450
    assert review["commentary"] == "Momentum fading but trend intact."
    server.reply_json({"verdict": "agree", "commentary": "Momentum fading.", "reasons": ["ok"]},
                      usage=(400, 50))
    shown = run("analyze", "BTC/USDT", "--offline")
    assert "openai gpt-4o-mini agrees, 450 tokens" in shown.stdout
    assert "Momentum fading." in shown.stdout
