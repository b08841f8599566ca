"""Training time and out-of-sample figures of each learner on BTC/USDT 2h.

    python benchmarks/bench_train.py [--data CANDLES.csv] [--kinds ...]

Without --data: the BTC/USDT 2h candles bundled with the package.

For each learner: wall time of the whole default training (walk-forward folds, nested
calibration, final fit) and its out-of-sample scores next to the naive baselines. Goal:
the default training (random forest) well under a minute on 2 cores.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path)
    parser.add_argument("--kinds", nargs="+",
                        default=["random_forest", "lightgbm", "hist_gradient_boosting"])
    args = parser.parse_args()

    from volex.adapters.market_data.files import read_candles_file, sample_candles
    from volex.ml import ModelSpec, train_model

    candles = (read_candles_file(args.data) if args.data
               else sample_candles("BTC/USDT", "2h"))
    print(f"{len(candles):,} bars, {candles['timestamp'].iloc[0]:%Y-%m-%d} .. "
          f"{candles['timestamp'].iloc[-1]:%Y-%m-%d}")
    header = f"{'predictor':<34}{'acc':>7}{'bal.acc':>9}{'logloss':>9}{'brier':>8}{'ECE':>7}"
    for kind in args.kinds:
        started = time.perf_counter()
        model = train_model(candles, "BTC/USDT", "2h", spec=ModelSpec(kind=kind))
        seconds = time.perf_counter() - started
        report = model.metadata.evaluation
        print(f"\n{kind}: trained in {seconds:.1f} s, {report.bars_evaluated:,} scored bars "
              f"{report.first:%Y-%m-%d} .. {report.last:%Y-%m-%d}")
        print(header)
        rows = [("model, calibrated", report.out_of_sample), ("model, raw", report.uncalibrated),
                *((f"baseline: {k}", m) for k, m in report.baselines.items())]
        for name, m in rows:
            print(f"{name:<34}{m.accuracy:>7.3f}{m.balanced_accuracy:>9.3f}{m.log_loss:>9.4f}"
                  f"{m.brier:>8.4f}{m.ece:>7.3f}")
        for band in report.track_record:
            print(f"  {band.describe()}")


if __name__ == "__main__":
    main()
