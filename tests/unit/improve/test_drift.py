"""The drift watch's test: a binomial test of live hits against the out-of-sample rate."""

from __future__ import annotations

from volex.improve.drift import drift_test


def test_a_run_of_wrong_calls_is_drift_and_an_ordinary_run_is_not() -> None:
    p_value, degraded = drift_test(8, 40, 0.6, alpha=0.01, min_calls=20)
    assert degraded and p_value < 1e-4
    p_value, degraded = drift_test(22, 40, 0.6, alpha=0.01, min_calls=20)  # a bit unlucky
    assert not degraded and p_value > 0.1


def test_too_few_calls_say_nothing_yet() -> None:
    assert drift_test(0, 10, 0.6, alpha=0.01, min_calls=20) == (None, False)
