"""How fast the local grammar reads commands: median per command and 10,000 commands.

Run: ``python benchmarks/bench_parse.py``. Goal: median under 0.5 ms, 10,000 under 5 s.
The input is the parser's test corpus (every phrasing, sequences and errors included).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.unit.nl.corpus import CORPUS, ERRORS, SEQUENCES, UNKNOWN


def main() -> None:
    started = time.perf_counter()
    from volex.nl import parse

    import_ms = (time.perf_counter() - started) * 1e3
    texts = ([t for t, _ in CORPUS] + [s[0] for s in SEQUENCES] + [e[0] for e in ERRORS]
             + UNKNOWN)
    for text in texts:  # warm up (regex caches, first pydantic validations)
        parse(text)

    per_command = []
    for _ in range(5):
        for text in texts:
            t0 = time.perf_counter()
            parse(text)
            per_command.append(time.perf_counter() - t0)
    per_command.sort()

    n = 10_000
    batch = (texts * (n // len(texts) + 1))[:n]
    runs, cpu = [], []
    for _ in range(3):  # a busy machine slows single runs: report best, worst and CPU time
        t0, c0 = time.perf_counter(), time.process_time()
        for text in batch:
            parse(text)
        runs.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)

    p95 = per_command[int(len(per_command) * 0.95)]
    print(f"volex.nl import:          {import_ms:8.1f} ms")
    print(f"corpus:                   {len(texts):8d} distinct commands")
    print(f"median per command:       {statistics.median(per_command) * 1e3:8.3f} ms   (goal < 0.5)")
    print(f"p95 per command:          {p95 * 1e3:8.3f} ms")
    print(f"max per command:          {per_command[-1] * 1e3:8.3f} ms")
    print(f"10,000 commands:          {min(runs):8.3f} s    (goal < 5; best of 3 wall, "
          f"worst {max(runs):.3f} s)")
    print(f"10,000 commands, CPU:     {min(cpu):8.3f} s    (this process only)")


if __name__ == "__main__":
    main()
