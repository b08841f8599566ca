"""What the benchmark scripts share: median wall and CPU time of a warm call."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

__all__ = ["median_times"]


def median_times(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Median wall and CPU time (seconds) of ``repeat`` calls after one warm-up call.

    Both matter: on a machine shared with other work, wall time includes waiting for a core;
    CPU time (this process only) is what the call itself costs.
    """
    fn()
    wall, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(wall), statistics.median(cpu)
