"""Risk that adapts: stakes shrink after a drawdown from the equity peak, until a new peak;
each switch audited, the state kept in the store across restarts."""

from __future__ import annotations

from decimal import Decimal

import pytest

from volex.adapters.storage.store import Store
from volex.improve.risk import StakeGovernor


@pytest.fixture
def store(tmp_path) -> Store:
    return Store(f"sqlite:///{tmp_path / 'volex.db'}")


def _governor(store: Store) -> StakeGovernor:
    return StakeGovernor(store.state, store.audit, "paper:paper", drawdown_pct=5, factor=0.5)


def test_stakes_shrink_after_the_drawdown_and_come_back_at_a_new_peak(store: Store) -> None:
    governor = _governor(store)
    path = ["100", "110", "105", "104", "100", "109", "111", "108"]
    factors = [governor.factor(Decimal(e)) for e in path]
    assert factors == [1, 1, 1, Decimal("0.5"), Decimal("0.5"), Decimal("0.5"), 1, 1]
    audit = [(r.action, r.details["equity"], r.details["peak"]) for r in store.audit.list()]
    assert audit == [("risk.stakes.shrunk", "104", "110"), ("risk.stakes.restored", "111", "110")]
    shrunk = store.audit.list()[0]
    assert "5.45% below its peak 110" in shrunk.reason and shrunk.actor == "autopilot"


def test_a_restarted_autopilot_keeps_the_peak_and_the_shrink(store: Store) -> None:
    _governor(store).factor(Decimal(200))
    _governor(store).factor(Decimal(180))
    assert _governor(store).factor(Decimal(195)) == Decimal("0.5")  # still below 200
    assert len(store.audit.list()) == 1
