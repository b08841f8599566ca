"""An LLM that hangs, fails or has no opinion gives "no opinion", within the timeout."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

import pytest

from volex.agents.llm_review import Reviewer
from volex.domain.signals import DecisionInputs, MarketFacts, TechnicalFacts
from volex.errors import LLMError
from volex.ports import TokenUsage

INPUTS = DecisionInputs(symbol="ETH/USDT", timeframe="2h", as_of=datetime(2025, 1, 1, tzinfo=UTC),
                        market=MarketFacts(last_close=3000.0),
                        technical=TechnicalFacts(action="buy", score=0.4),
                        proposed_action="buy", proposed_confidence=0.7)


class FakeLLM:
    """A remote LLM port that behaves as told."""

    name = "openai"
    model = "fake"

    def __init__(self, behaviour: str) -> None:
        self.behaviour = behaviour
        self.release = threading.Event()

    def complete_json(self, system: str, user: str, schema: type):
        if self.behaviour == "hang":
            self.release.wait(10)
        if self.behaviour == "llm_error":
            raise LLMError("LLM at 127.0.0.1:9 failed with HTTP 503")
        if self.behaviour == "bug":
            raise KeyError("choices")
        return None, TokenUsage(5, 0)


def test_a_hung_llm_is_no_opinion_within_the_timeout() -> None:
    llm = FakeLLM("hang")
    started = time.perf_counter()
    review = Reviewer(llm, timeout_s=0.3).review(INPUTS)
    elapsed = time.perf_counter() - started
    llm.release.set()
    assert review.verdict == "no_opinion"
    assert review.error == "no answer within 0.3s"
    assert elapsed < 1.0


@pytest.mark.parametrize(("behaviour", "error"), [
    ("llm_error", "LLM at 127.0.0.1:9 failed with HTTP 503"),
    ("bug", "KeyError: 'choices'"),
    ("none", "the model gave no opinion"),
])
def test_failures_are_no_opinion_with_the_reason(behaviour: str, error: str) -> None:
    review = Reviewer(FakeLLM(behaviour), timeout_s=2).review(INPUTS)
    assert review.verdict == "no_opinion"
    assert review.error == error
    assert review.provider == "openai" and review.confidence is None
