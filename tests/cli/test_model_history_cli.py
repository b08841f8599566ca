"""`volex model history | rollback`: kept versions with their scores; rollback is audited."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.cli import run
from volex.adapters.market_data.files import sample_candles


@pytest.fixture(scope="module")
def two_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("data")
    frame = sample_candles("BTC/USDT", "2h").tail(2500)
    older, newer = folder / "older.csv", folder / "newer.csv"
    frame.head(2000).to_csv(older, index=False)
    frame.to_csv(newer, index=False)
    return older, newer


def test_history_lists_versions_and_rollback_brings_the_previous_one_back(
        two_files: tuple[Path, Path], volex_home: Path) -> None:
    for data in two_files:
        trained = run("model", "train", "BTC/USDT", "-t", "2h", "--data", str(data))
        assert trained.exit_code == 0, trained.output
    listed = json.loads(run("model", "history", "BTC/USDT", "-t", "2h", "--json").stdout)
    assert listed["threshold"] == 0.6
    versions = listed["versions"]
    assert [(v["version"], v["in_use"], v["promoted"]) for v in versions] == [
        (2, True, True), (1, False, True)]
    assert versions[0]["last_bar"] > versions[1]["last_bar"]
    assert all(v["log_loss"] > 0 and v["calls"] >= 0 for v in versions)
    table = run("model", "history", "BTC/USDT", "-t", "2h").output
    assert "v2" in table and "v1" in table and "kept models" in table
    back = run("model", "rollback", "BTC/USDT", "-t", "2h", "--json")
    assert back.exit_code == 0, back.output
    assert json.loads(back.stdout) == {"symbol": "BTC/USDT", "from_version": 2, "to_version": 1}
    meta = json.loads(run("model", "list", "--json").stdout)[0]
    assert meta["last_bar"] == versions[1]["last_bar"]
    again = run("model", "rollback", "BTC/USDT", "-t", "2h")
    assert again.exit_code == 2 and "no earlier model" in again.stderr
    assert "Traceback" not in again.output + again.stderr
    from volex import Volex

    with Volex() as app:
        audit = [r for r in app.audit() if r.action == "model.rollback"]
    assert len(audit) == 1 and audit[0].details == {"from_version": 2, "to_version": 1}


def test_history_of_a_market_without_a_model_says_how_to_train_one(volex_home: Path) -> None:
    result = run("model", "history", "ETH/USDT", "-t", "2h")
    assert result.exit_code == 2 and "volex model train ETH/USDT" in result.stderr
