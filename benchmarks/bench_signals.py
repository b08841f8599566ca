"""Signal-model latency: one symbol and 100 symbols, candles in memory, model loaded.

    python benchmarks/bench_signals.py [--trees 200] [--symbols 100] [--repeat 50]

Trains the default random forest once on the bundled BTC/USDT 2h sample, saves it to a
temporary VOLEX_HOME and loads it back (as a signal agent would), then prints medians of:
the calibrated outlook for one symbol (features from the trailing bars, forest walk,
calibration) next to sklearn's own ``predict_proba`` on the same row; and a batch of
``--symbols`` symbols, each with its own model object (so nothing is shared between
them) and its own candles. Goals: one symbol < 10 ms, 100 symbols < 0.2 s.
"""

from __future__ import annotations

import argparse
import copy
import os
import tempfile
import time

from timing import median_times  # benchmarks/timing.py


def _ms(times: tuple[float, float]) -> str:
    return f"{times[0] * 1e3:8.3f} ms wall {times[1] * 1e3:8.3f} ms CPU"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trees", type=int, default=150)
    parser.add_argument("--symbols", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    os.environ["VOLEX_HOME"] = tempfile.mkdtemp(prefix="volex-bench-")

    from volex.adapters.market_data.files import sample_candles
    from volex.ml import ModelRegistry, ModelSpec, predict_batch, predict_latest, train_model
    from volex.ml.predict import latest_features

    candles = sample_candles("BTC/USDT", "2h")
    started = time.perf_counter()
    trained = train_model(candles, "BTC/USDT", "2h", spec=ModelSpec(n_estimators=args.trees))
    train_s = time.perf_counter() - started
    registry = ModelRegistry()
    registry.save(trained)
    model = registry.load("BTC/USDT", "2h")
    report = model.metadata.evaluation
    print(f"trained {args.trees} trees on {len(candles):,} bars in {train_s:.1f} s "
          f"(walk-forward {report.folds + 1} folds + final fit)")

    one = median_times(lambda: predict_latest(model, candles), args.repeat)
    row = latest_features(candles, "2h")
    model.estimator.set_params(n_jobs=1)
    sk_one = median_times(lambda: model.estimator.predict_proba(row), args.repeat)
    features = median_times(lambda: latest_features(candles, "2h"), args.repeat)
    walk = median_times(lambda: model.proba(row), args.repeat)
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; medians:")
    print(f"one symbol, calibrated outlook:   {_ms(one)}  (goal < 10 ms)")
    print(f"  of which features:              {_ms(features)}")
    print(f"  of which forest walk + calibr.: {_ms(walk)}")
    print(f"  sklearn predict_proba, one row: {_ms(sk_one)}  (n_jobs=1, for comparison)")

    # Different history lengths per symbol, and one model object each: no shared work.
    jobs = {f"SYM{i}/USDT": (copy.copy(model), candles.iloc[: len(candles) - i])
            for i in range(args.symbols)}
    batch = median_times(lambda: predict_batch(jobs), max(5, args.repeat // 10))
    print(f"{args.symbols} symbols, batch:              {_ms(batch)}  (goal < 200 ms)")
    outlook = predict_latest(model, candles)
    print(f"last outlook: {outlook.describe()}")


if __name__ == "__main__":
    main()
