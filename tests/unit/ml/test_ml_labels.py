"""Labels: up / down only when the move beats the round-trip cost; unknown at the end."""

from __future__ import annotations

import numpy as np
import pytest

from volex.ml.labels import (
    DOWN,
    FLAT,
    UP,
    forward_return,
    make_labels,
    past_direction,
    round_trip_cost,
)


def test_the_default_threshold_covers_fees_and_slippage_both_ways() -> None:
    assert round_trip_cost(0.001, 5.0) == pytest.approx(0.003)
    assert round_trip_cost(0.0, 0.0) == 0.0


def test_labels_read_the_price_horizon_bars_later() -> None:
    close = np.array([100.0, 101.0, 99.0, 100.5, 100.0, 100.0])
    labels = make_labels(close, horizon=2, threshold=0.003)
    # 100 -> 99 is down, 101 -> 100.5 is -0.5% down, 99 -> 100 is up, 100.5 -> 100 is down
    np.testing.assert_array_equal(labels[:4], [DOWN, DOWN, UP, DOWN])
    assert np.isnan(labels[4:]).all()  # the future of the last two bars is not known yet


def test_moves_inside_the_cost_band_are_flat() -> None:
    close = np.array([100.0, 100.2, 99.8, 100.31, 99.69])
    assert make_labels(close, 1, 0.003)[0] == FLAT
    labels = make_labels(np.array([100.0, 100.31, 100.0, 100.1]), 1, 0.003)
    np.testing.assert_array_equal(labels[:3], [UP, DOWN, FLAT])
    np.testing.assert_allclose(forward_return(np.array([100.0, 110.0]), 1)[0], 0.1)


def test_the_persistence_baseline_sees_only_the_past() -> None:
    close = np.array([100.0, 102.0, 104.0, 101.0])
    past = past_direction(close, 2, 0.003)
    assert np.isnan(past[:2]).all()
    np.testing.assert_array_equal(past[2:], [UP, DOWN])


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError):
        make_labels(np.ones(5), 0, 0.003)
    with pytest.raises(ValueError):
        make_labels(np.ones(5), 2, -0.1)
