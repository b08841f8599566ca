"""Full-decision latency: the signal agent, one symbol and 100 symbols, candles in memory.

    python benchmarks/bench_decisions.py [--trees 200] [--symbols 100] [--repeat 50]

Trains the default random forest once on the last ``--train-bars`` bars of the bundled
BTC/USDT 2h sample and saves it to a temporary VOLEX_HOME, then copies it to one folder per
symbol, so that every symbol has its own model loaded from the registry as in production.
Measured (medians, after one warm-up call that loads the models):

- one decision: analysis (indicators, verdict) + calibrated outlook + decision rules,
  without the LLM check, not stored; then with the local stand-in's check, stored in
  SQLite and published on the in-process bus (what `volex signals` does);
- ``--symbols`` decisions as one batch, the same two ways.

Goals: one decision < 10 ms without the LLM; 100 symbols < 0.2 s as a batch.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import time

from timing import median_times  # benchmarks/timing.py


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trees", type=int, default=200)
    parser.add_argument("--symbols", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--train-bars", type=int, default=6000)
    args = parser.parse_args()
    home = tempfile.mkdtemp(prefix="volex-bench-")
    os.environ["VOLEX_HOME"] = home

    from volex.adapters.bus.memory import MemoryBus
    from volex.adapters.llm.local import LocalLLM
    from volex.adapters.market_data.files import sample_candles
    from volex.adapters.storage.signals import SignalRepo
    from volex.adapters.storage.store import Store
    from volex.agents.llm_review import Reviewer
    from volex.agents.signal import SignalAgent
    from volex.config import load_settings
    from volex.domain.analysis import CandleSource
    from volex.domain.candles import CandleSet
    from volex.ml import ModelRegistry, ModelSpec, train_model
    from volex.ml.features import WARMUP_BARS

    frame = sample_candles("BTC/USDT", "2h")
    started = time.perf_counter()
    trained = train_model(frame.tail(args.train_bars).reset_index(drop=True), "BTC/USDT", "2h",
                          spec=ModelSpec(n_estimators=args.trees))
    print(f"trained {args.trees} trees on {args.train_bars:,} bars in "
          f"{time.perf_counter() - started:.1f} s")
    registry = ModelRegistry()
    source = registry.save(trained)
    symbols = [f"S{i:03d}/USDT" for i in range(args.symbols)]
    for symbol in symbols:  # one saved model per symbol, copied rather than re-pickled
        target = registry.path_for(symbol, "2h")
        shutil.copytree(source, target)
        meta = json.loads((target / "metadata.json").read_text())
        meta["symbol"] = symbol
        (target / "metadata.json").write_text(json.dumps(meta))

    def candles(symbol: str, drop: int) -> CandleSet:
        tail = frame.iloc[len(frame) - WARMUP_BARS - drop: len(frame) - drop]
        return CandleSet(symbol, "2h", tail.reset_index(drop=True),
                         CandleSource(kind="sample", name="bundled sample", bars=len(tail)))

    store = Store(f"sqlite:///{home}/volex.db")
    agent = SignalAgent(registry, Reviewer(LocalLLM()), SignalRepo(store.db), MemoryBus(),
                        load_settings())
    one = candles(symbols[0], 0)
    batch = [candles(s, i) for i, s in enumerate(symbols)]

    runs = max(5, args.repeat // 10)
    # Stored decisions are reused for the same inputs; forget them to measure the work.
    rows = [
        ("one decision, no LLM, not stored", "< 10 ms",
         median_times(lambda: agent.decide(one, review=False, save=False), args.repeat)),
        ("one decision, local check, stored + published", "",
         median_times(lambda: (agent._recent.clear(), agent.decide(one)), args.repeat)),
        (f"{args.symbols} decisions as a batch, no LLM, not stored", "< 200 ms",
         median_times(lambda: agent.decide_batch(batch, review=False, save=False), runs)),
        (f"{args.symbols} decisions as a batch, local check, stored + published", "",
         median_times(lambda: (agent._recent.clear(), agent.decide_batch(batch)), runs)),
    ]
    print(f"{'':58} {'wall':>9} {'cpu':>9}")
    for label, goal, (wall, cpu) in rows:
        print(f"{label:58} {wall * 1e3:6.1f} ms {cpu * 1e3:6.1f} ms  {goal and 'goal ' + goal}")
    decision = agent.decide(one, save=False)
    print(f"last decision: {decision.action} at {decision.confidence:.0%} "
          f"({decision.brief()})")
    store.close()
    shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
