"""Model history: the last N versions are kept with their scores, and rollback brings the
previous model back exactly."""

from __future__ import annotations

import numpy as np
import pytest

from tests.unit.ml.conftest import FAST_SPEC
from volex.errors import UserInputError
from volex.ml.history import hit_rate_at
from volex.ml.predict import predict_latest
from volex.ml.registry import ModelRegistry
from volex.ml.training import train_model


@pytest.fixture(scope="module")
def older_model(btc_2h, fast_spec):
    """A model trained on less history: it predicts differently from ``small_model``."""
    return train_model(btc_2h.head(3000), "BTC/USDT", "2h", spec=fast_spec)


def test_rollback_restores_the_exact_previous_predictions(small_model, older_model, btc_2h,
                                                          tmp_path) -> None:
    registry = ModelRegistry(tmp_path / "models")
    registry.save(older_model)
    before = registry.load("BTC/USDT", "2h").proba(_rows(btc_2h))
    registry.save(small_model)
    after = registry.load("BTC/USDT", "2h").proba(_rows(btc_2h))
    assert not np.array_equal(before, after)
    assert registry.rollback("BTC/USDT", "2h") == (2, 1)
    assert np.array_equal(registry.load("BTC/USDT", "2h").proba(_rows(btc_2h)), before)
    packed = registry.load("BTC/USDT", "2h", predict_only=True)  # the no-sklearn path too
    assert np.array_equal(packed.proba(_rows(btc_2h)), before)
    assert predict_latest(registry.load("BTC/USDT", "2h"), btc_2h) == predict_latest(
        older_model, btc_2h)
    assert registry.history("BTC/USDT", "2h").in_use() == 1
    with pytest.raises(UserInputError, match="no earlier model"):
        registry.rollback("BTC/USDT", "2h")


def test_only_the_last_n_versions_are_kept_but_never_the_one_in_use(small_model, older_model,
                                                                     tmp_path) -> None:
    registry = ModelRegistry(tmp_path / "models", keep=2)
    registry.save(older_model)
    for _ in range(3):
        registry.save(small_model, promoted=False, reason="lost on log loss")
    history = registry.history("BTC/USDT", "2h")
    kept = [v.version for v in history.versions()]
    assert kept == [1, 4]  # the one in use survives pruning, then the newest
    assert history.in_use() == 1
    assert sorted(p.name for p in (registry.path_for("BTC/USDT", "2h") / "versions").iterdir()) \
        == ["v1", "v4"]
    assert history.versions()[-1].reason == "lost on log loss"
    assert registry.metadata("BTC/USDT", "2h") == older_model.metadata  # a loser is not used


def test_a_model_saved_before_history_becomes_version_one(small_model, older_model,
                                                          tmp_path) -> None:
    registry = ModelRegistry(tmp_path / "models")
    registry.save(older_model)
    folder = registry.path_for("BTC/USDT", "2h")
    (folder / "history.json").unlink()
    for child in (folder / "versions").iterdir():
        for file in child.iterdir():
            file.unlink()
        child.rmdir()
    registry.save(small_model)
    assert [v.version for v in registry.history("BTC/USDT", "2h").versions()] == [1, 2]
    registry.rollback("BTC/USDT", "2h")
    assert registry.metadata("BTC/USDT", "2h") == older_model.metadata


def test_hit_rate_counts_only_calls_at_or_above_the_threshold(small_model) -> None:
    record = small_model.metadata.evaluation.track_record
    calls, hit = hit_rate_at(record, 0.6)
    assert calls == sum(b.calls for b in record if b.lower >= 0.6 - 1e-9)
    assert calls < sum(b.calls for b in record)
    assert hit is None or 0 <= hit <= 1
    assert hit_rate_at(record, 1.01) == (0, None)


def _rows(candles):
    """Feature rows of the last 300 labelled bars."""
    from volex.ml.training import prepare_dataset

    return prepare_dataset(candles, "2h", FAST_SPEC).features[-300:]


def test_versions_keep_the_record_of_up_and_down_calls(small_model, tmp_path) -> None:
    evaluation = small_model.metadata.evaluation
    directional = evaluation.directional_record
    assert 0 < sum(b.calls for b in directional) <= sum(b.calls for b in evaluation.track_record)
    registry = ModelRegistry(tmp_path / "models")
    registry.save(small_model)
    (version,) = registry.history("BTC/USDT", "2h").versions()
    assert version.track_record == directional


def test_a_reader_during_promotions_and_rollbacks_always_gets_one_whole_version(
        small_model, older_model, btc_2h, tmp_path) -> None:
    """The autopilot loads while `volex improve` promotes and a person rolls back: every load
    succeeds, and its metadata and its predictions are those of one same version."""
    import threading

    rows = _rows(btc_2h)
    expected = {older_model.metadata.created_at: older_model.proba(rows),
                small_model.metadata.created_at: small_model.proba(rows)}
    registry = ModelRegistry(tmp_path / "models", keep=3)
    registry.save(older_model)
    done, failures, loads = threading.Event(), [], []

    def reader() -> None:
        while not done.is_set():
            try:
                loaded = registry.load("BTC/USDT", "2h", predict_only=len(loads) % 2 == 0)
                same = np.array_equal(loaded.proba(rows), expected[loaded.metadata.created_at])
                loads.append((loaded.metadata.created_at, same))
            except Exception as exc:  # noqa: BLE001 - any failure is what the test reports
                failures.append(repr(exc))

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        cycles = 0  # at least 6 switches, and enough that the reader crossed several
        while cycles < 6 or (len(loads) < 12 and cycles < 200):
            registry.save(small_model, reason="beat it")
            registry.rollback("BTC/USDT", "2h")
            cycles += 1
    finally:
        done.set()
        thread.join(30)
    assert failures == []
    assert len(loads) > 10 and all(same for _, same in loads)
    assert {seen for seen, _ in loads} == set(expected)  # it did read across the switches
