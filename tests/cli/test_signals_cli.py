"""`volex signals`, the AI section of `volex analyze`, and `volex trade --if-confident`."""

from __future__ import annotations

import json

import pytest

from tests.support.cli import run
from tests.support.signal_models import known_model, sample_frame, small_model
from volex.facade import Volex
from volex.ml.registry import ModelRegistry

FOUNDATION_KEYS = {"symbol", "timeframe", "as_of", "source", "source_detail", "market",
                   "indicators", "readings", "verdict", "last_close", "change_pct_24h", "notes"}


@pytest.fixture(scope="module")
def model():
    return small_model("BTC/USDT", "1d")


@pytest.fixture
def trusted(model, volex_home):
    """BTC/USDT 1d: a model that beats its baselines and says up at 80%."""
    ModelRegistry(volex_home / "models").save(known_model(model))


@pytest.fixture
def honest(model, volex_home):
    """BTC/USDT 1d: the small model as trained, which does not beat its baselines."""
    assert not model.metadata.evaluation.beats_baselines()
    ModelRegistry(volex_home / "models").save(model)


def test_signals_json_covers_every_symbol_asked(trusted) -> None:
    result = run("signals", "BTC/USDT", "eth", "SOL/USDT", "--offline", "--json")
    assert result.exit_code == 0, result.output
    board = json.loads(result.stdout)
    by_symbol = {s["symbol"]: s for s in board["signals"]}
    assert by_symbol["BTC/USDT"]["action"] == "buy" and by_symbol["BTC/USDT"]["confidence"] > 0.5
    assert by_symbol["ETH/USDT"]["action"] == "hold"
    assert by_symbol["ETH/USDT"]["reason"] == "no model yet (volex model train)"
    assert "no 1d candles for SOL/USDT" in board["problems"]["SOL/USDT"]


def test_signals_table_defaults_to_the_watchlist(trusted) -> None:
    result = run("signals", "--offline")
    assert result.exit_code == 0, result.output
    for text in ("Signals · 1d", "BTC/USDT", "BUY", "ETH/USDT", "DOGE/USDT", "SOL/USDT"):
        assert text in result.stdout


def test_signals_watch_prints_one_board_per_new_bar(trusted, monkeypatch) -> None:
    import volex.commands.signals as signals_command

    monkeypatch.setattr(signals_command, "_RETRY_S", 0.01)
    result = run("signals", "BTC/USDT", "--offline", "--watch", "--json", "--updates", "2")
    assert result.exit_code == 0, result.output
    boards = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(boards) == 2
    # no new bar offline: the same decision, not a second one
    assert boards[0]["signals"][0]["decision_id"] == boards[1]["signals"][0]["decision_id"]


def test_analyze_without_a_model_says_how_to_train_one_and_trains_nothing(volex_home) -> None:
    shown = run("analyze", "BTC/USDT", "--offline")
    assert shown.exit_code == 0, shown.output
    assert "no model for BTC/USDT 1d yet" in shown.stdout
    assert "volex model train BTC/USDT" in shown.stdout
    data = json.loads(run("analyze", "BTC/USDT", "--offline", "--json").stdout)
    assert FOUNDATION_KEYS <= set(data)
    assert data["ai"] == {"available": False, "decision": None,
                          "note": "no model for BTC/USDT 1d yet: "
                                  "`volex model train BTC/USDT --timeframe 1d`"}
    assert not (volex_home / "models").exists()
    assert "ai" not in json.loads(run("analyze", "BTC/USDT", "--offline", "--json",
                                      "--no-ai").stdout)


def test_analyze_shows_the_models_real_track_record_and_holds(honest) -> None:
    shown = run("analyze", "BTC/USDT", "--offline")
    assert shown.exit_code == 0, shown.output
    for text in ("AI outlook", "calibrated", "Track record: when the model said",
                 "cannot drive trades", "local stand-in", "Decision: HOLD"):
        assert text in shown.stdout
    data = json.loads(run("analyze", "BTC/USDT", "--offline", "--json").stdout)
    ai = data["ai"]
    # the decision reads the same technical verdict the analysis shows
    technical = ai["decision"]["inputs"]["technical"]
    assert (technical["action"], technical["score"]) == (data["verdict"]["action"],
                                                         data["verdict"]["score"])
    assert ai["decision"]["inputs"]["market"]["last_close"] == data["last_close"]
    model = ai["decision"]["inputs"]["model"]
    assert ai["available"] and not model["beats_baselines"] and not model["trusted"]
    assert ai["decision"]["action"] == "hold"
    assert abs(model["p_up"] + model["p_down"] + model["p_flat"] - 1) < 1e-3


def test_analyze_with_a_trusted_model_shows_the_decision(trusted) -> None:
    shown = run("analyze", "BTC/USDT", "--offline")
    assert "up 80%" in shown.stdout and "may drive trades" in shown.stdout
    assert "Decision: BUY" in shown.stdout


def test_trade_if_confident_trades_only_above_the_threshold(trusted) -> None:
    above = run("trade", "BTC/USDT", "--if-confident", "--min-confidence", "0.6", "--quote", "100",
                "--yes", "--offline")
    assert above.exit_code == 0, above.output
    assert "filled buy" in above.stdout
    below = run("trade", "BTC/USDT", "--if-confident", "--min-confidence", "0.95", "--quote",
                "100", "--yes", "--offline")
    assert below.exit_code == 3
    assert "blocked by min_confidence" in below.stderr and "vs minimum 0.95" in below.stderr
    assert "filled" not in below.stdout


def test_trade_if_confident_says_why_it_held(honest) -> None:
    held = run("trade", "BTC/USDT", "--if-confident", "--quote", "100", "--yes", "--offline")
    assert held.exit_code == 0 and "Error" not in held.output  # a hold is an outcome
    assert "held: the signal says hold for BTC/USDT 1d" in held.stdout
    assert "does not beat its naive baselines" in held.stdout
    assert "filled" not in held.stdout
    as_json = run("trade", "BTC/USDT", "--if-confident", "--quote", "100", "--yes", "--offline",
                  "--json")
    assert as_json.exit_code == 0
    assert json.loads(as_json.stdout)["sent"] is False
    assert json.loads(as_json.stdout)["held"].startswith("held: ")


def test_trade_if_confident_asks_the_model_of_the_timeframe_it_was_trained_on(volex_home) -> None:
    """Config says 1d; the only model is 2h: it is the one asked, and -t picks explicitly."""
    model = small_model("BTC/USDT", "2h", bars=2000)
    ModelRegistry(volex_home / "models").save(known_model(model))
    found = run("trade", "BTC/USDT", "--if-confident", "--min-confidence", "0.5", "--quote",
                "100", "--dry-run", "--offline")
    assert found.exit_code == 0, found.output
    assert "no model" not in found.output and "Trade plan" in found.output
    asked = run("trade", "BTC/USDT", "--if-confident", "-t", "1d", "--quote", "100",
                "--dry-run", "--offline")
    assert asked.exit_code == 0 and "held: the signal says hold for BTC/USDT 1d" in asked.stdout


@pytest.mark.parametrize(("args", "message"), [
    (("signals", "BTC/USDT", "-t", "7x", "--offline"), "timeframe"),
    (("signals", "!!nope", "--offline"), "symbol"),
    (("trade", "BTC/USDT", "--if-confident", "--min-confidence", "2", "--yes", "--offline"),
     "--min-confidence"),
])
def test_bad_input_is_one_line_and_exit_2(args: tuple[str, ...], message: str, trusted) -> None:
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr.lower() or message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output + result.stderr


def test_outcomes_score_past_decisions_once_their_horizon_has_passed(trusted, tmp_path) -> None:
    frame = sample_frame("BTC/USDT", "1d")
    early = frame.iloc[:-30]
    path = tmp_path / "btc_early.csv"
    early.to_csv(path, index=False)
    with Volex(offline=True) as vx:
        decision = vx.decide("BTC/USDT", "1d", data=path)
    assert decision.action == "buy"
    assert run("signals", "BTC/USDT", "--offline").exit_code == 0  # scores what is due
    with Volex(offline=True) as vx:
        assert [(o.symbol, o.decisions, o.scored) for o in vx.runtime.signal.outcomes()] == [
            ("BTC/USDT", 2, 1)]
    result = run("signals", "--outcomes", "--offline", "--json")
    assert result.exit_code == 0, result.output
    [row] = json.loads(result.stdout)
    entry = early["close"].iloc[-1]
    later = frame["close"].iloc[len(early) - 1 + decision.inputs.model.horizon]
    assert (row["symbol"], row["decisions"], row["scored"], row["calls"]) == ("BTC/USDT", 2, 1, 1)
    assert row["right"] == int(later > entry)
    assert row["mean_return_pct"] == pytest.approx((later / entry - 1) * 100, abs=1e-3)
    shown = run("signals", "--outcomes", "--offline")
    assert "How past signals turned out" in shown.stdout and "BTC/USDT" in shown.stdout


def test_analyze_offline_without_a_model_loads_no_ml_or_llm_library(volex_home) -> None:
    # The AI section must not make `volex analyze --offline` slow: no training, no sklearn
    # (1+ s to import), no openai, when there is no model to show.
    import os
    import subprocess
    import sys

    code = ("import sys; from typer.testing import CliRunner; from volex.cli import app; "
            "r = CliRunner().invoke(app, ['analyze', 'BTC/USDT', '--offline']); "
            "assert r.exit_code == 0, r.output; assert 'volex model train' in r.output; "
            "print(sorted(m for m in ('sklearn', 'lightgbm', 'openai') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], check=False, env=dict(os.environ),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"
