"""`volex optimize|backtest --cluster`: the grid (and markets) on real `dask scheduler` / `dask worker` processes on
loopback (or a local pool) gives the same result as one process, and a worker killed mid-grid
has its slices redone elsewhere."""

from __future__ import annotations

import json

import pytest

from tests.support.cli import one_line_error, run
from tests.support.dask_cluster import loopback_cluster
from volex import Volex

SEARCH = {"timeframe": "2h", "days": 1500}


def _same(here: dict, there: dict) -> None:
    there = dict(there)
    assert there.pop("ran_on")
    assert here == there


@pytest.fixture(scope="module")
def local_answer() -> dict:
    with Volex(offline=True) as volex:
        return volex.optimize("sma_cross", "BTC/USDT", **SEARCH).to_dict()


def test_a_dask_cluster_and_a_local_pool_give_the_one_process_answer(local_answer: dict) -> None:
    with loopback_cluster(2) as cluster, Volex(offline=True) as volex:
        on_dask = volex.optimize("sma_cross", "BTC/USDT", cluster=cluster.address, **SEARCH)
        assert on_dask.result.extra["ran_on"] == f"Dask cluster {cluster.address}"
        _same(local_answer, on_dask.to_dict())
        shown = run("optimize", "sma_cross", "BTC/USDT", "-t", "2h", "--days", "1500",
                    "--offline", "--cluster", cluster.address, "--json")
        assert shown.exit_code == 0, shown.output
        _same(local_answer, json.loads(shown.stdout))
        markets = ["BTC/USDT", "ETH/USDT", "DOGE/USDT"]
        here = [r.to_dict() for r in volex.backtest("ema_cross", markets, timeframe="2h")]
        there = volex.backtest("ema_cross", markets, timeframe="2h", cluster=cluster.address)
        assert [r.to_dict() for r in there] == here
    with Volex(offline=True) as volex:
        _same(local_answer, volex.optimize("sma_cross", "BTC/USDT", cluster="local:2",
                                           **SEARCH).to_dict())


def test_a_worker_killed_mid_grid_loses_no_slice(local_answer: dict) -> None:
    with loopback_cluster(2) as cluster, Volex(offline=True) as volex:
        killed = []

        def kill_after_the_first(done: int, total: int, best: object) -> None:
            if not killed:
                cluster.kill_worker(0)
                killed.append(done)

        answer = volex.optimize("sma_cross", "BTC/USDT", cluster=cluster.address,
                                on_progress=kill_after_the_first, **SEARCH)
        assert killed and killed[0] < 20, "the worker died after the grid was done"
        assert cluster.workers[0].poll() is not None
    _same(local_answer, answer.to_dict())


def test_cluster_addresses_and_searches_it_cannot_run() -> None:
    assert "say local, local:N or a Dask scheduler" in one_line_error(
        run("optimize", "sma_cross", "BTC/USDT", "--offline", "--cluster", "nowhere"))
    assert "needs --storage" in one_line_error(
        run("optimize", "sma_cross", "BTC/USDT", "--offline", "--cluster", "local",
            "--method", "bayes"))


def test_an_optuna_study_keeps_its_storage_and_runs_its_trials_on_workers(tmp_path) -> None:
    storage = f"sqlite:///{tmp_path}/study.db"
    with Volex(offline=True) as volex:
        run = volex.optimize("sma_cross", "BTC/USDT", timeframe="1d", method="bayes", trials=8,
                             storage=storage, study="one-study", cluster="local:2")
    # fast >= slow is refused and TPE may propose a point twice: both are counted, not lost
    skipped, repeated = (run.result.extra[k] for k in ("skipped_by_constraints",
                                                       "repeated_points"))
    assert run.result.study == "one-study" and len(run.result.trials) + skipped + repeated == 8
    assert len({tuple(sorted(t.params.items())) for t in run.result.trials}) \
        == len(run.result.trials)
    import optuna

    study = optuna.load_study(study_name="one-study", storage=storage)
    assert len([t for t in study.trials if t.state.is_finished()]) == 8


def test_backtests_of_many_markets_on_a_local_pool_match_and_mark_the_strategy(
        tmp_path) -> None:
    from tests.conftest import candle_file

    with Volex(offline=True) as volex:
        markets = ["BTC/USDT", "DOGE/USDT"]
        here = [r.to_dict() for r in volex.backtest("sma_cross", markets, timeframe="2h",
                                                    walk_forward=2)]
        there = volex.backtest("sma_cross", markets, timeframe="2h", walk_forward=2,
                               cluster="local:2")
        assert [r.to_dict() for r in there] == here
        assert volex.strategy("sma_cross")["state"] == "backtested"
        shown = run("backtest", "rsi_reversion", "BTC/USDT", "--data",
                    str(candle_file("BTC_USDT_2h")), "--cluster", "local:1", "--json")
        plain = run("backtest", "rsi_reversion", "BTC/USDT", "--data",
                    str(candle_file("BTC_USDT_2h")), "--json")
        assert shown.exit_code == 0, shown.output
        assert json.loads(shown.stdout) == json.loads(plain.stdout)


def _flat(value: object, path: str = "") -> dict[str, object]:
    if isinstance(value, dict):
        return {k: v for key, item in value.items() for k, v in _flat(item, f"{path}.{key}").items()}
    if isinstance(value, list):
        return {k: v for i, item in enumerate(value) for k, v in _flat(item, f"{path}[{i}]").items()}
    return {path: value}


def test_models_of_several_markets_train_on_workers_as_they_would_here(volex_home) -> None:
    def comparable(meta: dict) -> dict:
        """Same model, same scores; the time it took differs, and sums of probabilities
        over threads may differ in the last bits (1e-12), so numbers compare to 1e-9."""
        flat = {k: v for k, v in _flat(meta).items()
                if not k.endswith((".seconds", ".trained_at", ".created_at"))}
        return {k: pytest.approx(v, rel=1e-9) if isinstance(v, float) else v
                for k, v in flat.items()}

    trained = run("model", "train", "DOGE/USDT", "ETH/USDT", "-t", "2h", "--offline",
                  "--cluster", "local:2", "--json")
    assert trained.exit_code == 0, trained.output
    there = json.loads(trained.stdout)
    assert [m["symbol"] for m in there] == ["DOGE/USDT", "ETH/USDT"]
    assert len(list((volex_home / "models").iterdir())) == 2, "both models saved here"
    here = json.loads(run("model", "train", "DOGE/USDT", "-t", "2h", "--offline", "--json").stdout)
    assert comparable(there[0]) == comparable(here)
    assert "no --cluster" in one_line_error(
        run("model", "train", "BTC/USDT", "--data", "x.csv", "--cluster", "local"))
