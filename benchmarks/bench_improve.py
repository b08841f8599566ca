"""The promotion gate's cost: one `volex improve` judgement of a model, on the bundled data.

    python benchmarks/bench_improve.py [--timeframe 1d] [--held-out 1000] [--blocks 3]

The current model is trained (default spec) on all but the last ``--held-out`` bars of the
bundled BTC/USDT sample; the gate then retrains a candidate per block on the bars before it
and scores both on the held-out bars (and, when it wins, trains the candidate on all the
bars). Prints the seconds of the judgement, the decision and the numbers, and the cost of a
prediction from the model in use before and while a judgement runs in another process, so
the autopilot's bar-to-decision path can be seen not to wait for a retrain.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import time


def _judge(timeframe: str, held_out: int, blocks: int) -> None:
    from volex.adapters.market_data.files import sample_candles
    from volex.config import ImproveSettings
    from volex.improve.models import judge_candidate
    from volex.ml.training import train_model

    candles = sample_candles("BTC/USDT", timeframe).tail(4000).reset_index(drop=True)
    current = train_model(candles.head(len(candles) - held_out), "BTC/USDT", timeframe)
    started = time.perf_counter()
    decision, _ = judge_candidate(current, candles, ImproveSettings(blocks=blocks), 0.6)
    print(json.dumps({"judgement_s": round(time.perf_counter() - started, 2),
                      "outcome": decision.outcome, "reason": decision.reason,
                      "current": decision.current.model_dump() if decision.current else None,
                      "candidate": (decision.candidate.model_dump() if decision.candidate
                                    else None)}))


def _predict_ms(model, candles, repeat: int = 200) -> float:
    from volex.ml.predict import predict_latest

    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        predict_latest(model, candles)
        times.append(time.perf_counter() - started)
    return round(sorted(times)[len(times) // 2] * 1000, 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeframe", default="1d")
    parser.add_argument("--held-out", type=int, default=1000)
    parser.add_argument("--blocks", type=int, default=3)
    args = parser.parse_args()
    from volex.adapters.market_data.files import sample_candles
    from volex.ml.training import train_model

    candles = sample_candles("BTC/USDT", args.timeframe).tail(4000).reset_index(drop=True)
    model = train_model(candles, "BTC/USDT", args.timeframe)
    idle = _predict_ms(model, candles)
    job = multiprocessing.get_context("spawn").Process(
        target=_judge, args=(args.timeframe, args.held_out, args.blocks))
    job.start()
    time.sleep(3)  # the judgement is training by now
    busy = _predict_ms(model, candles)
    job.join()
    print(json.dumps({"prediction_ms_median_idle": idle,
                      "prediction_ms_median_during_judgement": busy}))


if __name__ == "__main__":
    main()
