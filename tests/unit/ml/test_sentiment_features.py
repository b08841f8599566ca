"""Sentiment features per bar use only what was known when the bar closed."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from volex.ml.sentiment_features import SENTIMENT_FEATURES, sentiment_columns

H = 3_600_000
DAY = 24 * H


def test_an_item_counts_from_its_first_sighting_and_fear_greed_from_its_availability():
    opens = np.array([0, DAY, 2 * DAY, 3 * DAY], dtype=np.int64)  # daily bars; closes a day later
    stories = [(DAY - H, DAY + 5 * H, -0.8),  # published before bar 0 closed, seen during bar 1
               (DAY + H, DAY + H, 0.6)]
    fear_greed = [(2 * DAY, 20), (4 * DAY + H, 90)]  # the second is usable an hour after bar 3 closed
    cols = sentiment_columns(opens, "1d", stories, fear_greed)
    names = list(SENTIMENT_FEATURES)
    assert cols[0, names.index("stories_24h")] == 0  # the first item was not seen yet
    assert cols[1, names.index("stories_24h")] == 1  # the other was published before the day
    assert cols[1, names.index("mean_24h")] == 0.6
    assert cols[1, names.index("stories_7d")] == 2
    assert np.isclose(cols[1, names.index("mean_7d")], -0.1)
    assert cols[2, names.index("stories_24h")] == 0 and cols[2, names.index("stories_7d")] == 2
    assert list(cols[:, names.index("fear_greed")]) == [50, 20, 20, 20]
    assert list(cols[:, names.index("fear_greed_known")]) == [0, 1, 1, 1]


@given(st.lists(st.tuples(st.integers(0, 40 * DAY), st.integers(0, 3 * DAY), st.floats(-1, 1)),
                max_size=40), st.integers(0, 39))
def test_no_bar_reads_an_item_seen_after_its_close(raw, cut):
    """Dropping every item first seen after bar ``cut`` closed leaves that bar's features as
    they were: they never depended on it."""
    stories = [(ts, ts + delay, score) for ts, delay, score in raw]
    opens = np.arange(40, dtype=np.int64) * DAY
    close = opens[cut] + DAY
    full = sentiment_columns(opens, "1d", stories, [])
    known = sentiment_columns(opens, "1d", [s for s in stories if s[1] <= close], [])
    assert np.allclose(full[cut], known[cut])
