"""`volex model train | list | evaluate` as a trader uses them (VOLEX_HOME is a temp dir)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from tests.support.cli import run
from volex.adapters.market_data.files import sample_candles

METRIC_KEYS = {"bars", "accuracy", "balanced_accuracy", "log_loss", "brier", "ece"}


@pytest.fixture(scope="module")
def candles_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """2,500 real BTC/USDT 2h bars: enough for a walk-forward, quick to train on."""
    path = tmp_path_factory.mktemp("data") / "btc_2h.csv"
    sample_candles("BTC/USDT", "2h").tail(2500).to_csv(path, index=False)
    return path


def _one_line_error(result, code: int = 2) -> str:
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ")
    return lines[0]


def test_train_then_list_shows_the_model_and_its_honest_scores(candles_file: Path,
                                                               volex_home: Path) -> None:
    assert "no models yet" in run("model", "list").output
    result = run("model", "train", "BTC/USDT", "--timeframe", "2h", "--data", str(candles_file))
    assert result.exit_code == 0, result.output
    for text in ("walk-forward", "majority class", "last move repeats", "Track record", "saved"):
        assert text in result.output, text
    assert (volex_home / "models" / "BTC-USDT_2h" / "metadata.json").is_file()
    listed = json.loads(run("model", "list", "--json").stdout)
    assert [(m["symbol"], m["timeframe"], m["kind"]) for m in listed] == [
        ("BTC/USDT", "2h", "random_forest")]
    model = listed[0]
    assert model["features"] and model["library_versions"]["scikit-learn"]
    assert set(model["evaluation"]["out_of_sample"]) == METRIC_KEYS
    assert model["last_bar"].startswith("2025-08-26")
    table = run("model", "list").output
    assert "BTC/USDT" in table and "random_forest" in table  # the name `--model` takes


def test_evaluate_reports_json_next_to_baselines_and_exports_predictions(
        candles_file: Path, tmp_path: Path) -> None:
    export = tmp_path / "preds.csv"
    result = run("model", "evaluate", "BTC/USDT", "-t", "2h", "--data", str(candles_file),
                 "--json", "--export-predictions", str(export))
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert set(report["out_of_sample"]) == METRIC_KEYS
    assert set(report["baselines"]) == {"majority", "yesterday_direction"}
    assert all(set(b) == METRIC_KEYS for b in report["baselines"].values())
    assert report["spec"]["purge"] is None or report["spec"]["purge"] >= report["spec"]["horizon"]
    frame = pd.read_csv(export)
    assert list(frame.columns) == ["timestamp", "p_up", "p_down", "p_flat", "predicted", "actual"]
    assert len(frame) == report["bars_evaluated"] == report["out_of_sample"]["bars"]
    assert sum(band["calls"] for band in report["track_record"]) == len(frame)


def test_evaluate_reuses_the_saved_models_learner(candles_file: Path) -> None:
    trained = run("model", "train", "BTC/USDT", "-t", "2h", "--data", str(candles_file),
                  "--model", "lightgbm", "--json")
    assert trained.exit_code == 0, trained.output
    assert json.loads(trained.stdout)["kind"] == "lightgbm"
    result = run("model", "evaluate", "BTC/USDT", "-t", "2h", "--data", str(candles_file),
                 "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["spec"]["kind"] == "lightgbm"


@pytest.mark.parametrize(("args", "message"), [
    (["train", "BTC/USDT", "--model", "deep_magic"], "unknown model 'deep_magic'"),
    (["evaluate", "BTC/USDT", "--data", "/nowhere/candles.csv"], "no such data file"),
    (["train", "BTC/USDT", "--timeframe", "7x", "--offline"], "unknown timeframe '7x'"),
])
def test_bad_input_is_one_line_and_exit_2(args: list[str], message: str) -> None:
    assert message in _one_line_error(run("model", *args))


def test_too_short_a_history_says_so_in_one_line(candles_file: Path, tmp_path: Path) -> None:
    short = tmp_path / "short.csv"
    pd.read_csv(candles_file).tail(300).to_csv(short, index=False)
    line = _one_line_error(run("model", "train", "BTC/USDT", "-t", "2h", "--data", str(short)),
                           code=1)
    assert "too few" in line
